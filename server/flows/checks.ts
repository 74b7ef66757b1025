/**
 * The lookups a flow's `check` steps ask for, done by the BFF with the rep's capabilities: the
 * modem's state (through the hub, as Diagnostiquer reads it), whether an address is served, the
 * customer's open tickets and what they owe. Each answers a result the flow branches on, with a
 * sentence the rep can read to the customer.
 */
import type { Issue, SalesInvoice, ServiceLocation } from '../../src/contracts/doctypes'
import { CHECK_SPECS } from '../../src/contracts/flows/catalogue'
import type {
  AddressServedResult,
  AddressValue,
  BalanceDueResult,
  CheckKind,
  CheckResult,
  DiagnoseResult,
  DiagnoseStatus,
  OpenTicketsResult,
} from '../../src/contracts/flows/types'
import { toFrappeDate } from '../../src/contracts/frappeTime'
import { numberFormat } from '../../src/contracts/intl'
import { opticalVerdict } from '../../src/contracts/optical'
import type { Sentence } from '../errors'
import { UpstreamUnreachable } from '../upstream/erp'
import { UpstreamTimeout } from '../upstream/hub'
import {
  failureOf,
  hasAny,
  missingCapability,
  NO_CUSTOMER,
  OperationFailed,
  servicesFor,
  type FlowServices,
  type Performer,
} from './operation'

const DIAGNOSE_TIMEOUT_MS = 15_000
const OPEN_ISSUE = ['Open', 'Replied', 'On Hold']
/** A mesh node whose wireless backhaul is weaker than this is "poor" (as Diagnostiquer says). */
const POOR_BACKHAUL_DBM = -72

const WHAT: Record<CheckKind, Sentence> = {
  diagnose: { fr: 'Le diagnostic du modem n’a pas pu se faire', en: 'The modem could not be diagnosed' },
  'address-served': { fr: 'L’adresse n’a pas pu être vérifiée', en: 'The address could not be checked' },
  'open-tickets': { fr: 'Les billets n’ont pas pu être lus', en: 'The tickets could not be read' },
  'balance-due': { fr: 'Le solde n’a pas pu être lu', en: 'The balance could not be read' },
}

// ---- diagnose ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)

const DIAGNOSE_SUMMARY: Record<DiagnoseStatus, (d: Omit<DiagnoseResult, 'summary'>) => Sentence> = {
  online: (d) => ({
    fr: `Le modem est en ligne et la fibre est bonne${d.rxDbm !== undefined ? ` (${d.rxDbm} dBm)` : ''}; ${d.wifiClients ?? 0} appareil(s) en Wi-Fi${d.meshWeak ? `, ${d.meshWeak} borne(s) de maillage faible(s) ou hors ligne` : ''}.`,
    en: `The modem is online and the fibre is good${d.rxDbm !== undefined ? ` (${d.rxDbm} dBm)` : ''}; ${d.wifiClients ?? 0} device(s) on Wi-Fi${d.meshWeak ? `, ${d.meshWeak} mesh node(s) weak or offline` : ''}.`,
  }),
  offline: () => ({
    fr: 'Le modem ne répond pas : il est hors ligne (éteint, débranché ou en panne), la fibre semble correcte.',
    en: 'The modem is not answering: it is offline (off, unplugged or faulty); the fibre looks fine.',
  }),
  los: () => ({
    fr: 'Perte de signal : le modem ne reçoit aucune lumière. La fibre est coupée ou débranchée.',
    en: 'Loss of signal: the modem receives no light. The fibre is cut or unplugged.',
  }),
  'weak-fiber': (d) => ({
    fr: `Le signal optique est hors des normes${d.rxDbm !== undefined ? ` (${d.rxDbm} dBm)` : ''} : la fibre doit être vérifiée par un technicien.`,
    en: `The optical signal is out of range${d.rxDbm !== undefined ? ` (${d.rxDbm} dBm)` : ''}: a technician must check the fibre.`,
  }),
  'no-device': () => ({
    fr: 'Aucun modem géré n’est associé à ce client.',
    en: 'No managed modem is on file for this customer.',
  }),
  timeout: () => ({
    fr: 'Le modem n’a pas répondu à temps : la lecture est en file et pourra réussir dans quelques minutes.',
    en: 'The modem did not answer in time: the read is queued and may succeed in a few minutes.',
  }),
}

export function diagnoseResult(status: DiagnoseStatus, detail: Omit<DiagnoseResult, 'status' | 'summary'> = {}) {
  const base = { status, ...detail }
  return { ...base, summary: DIAGNOSE_SUMMARY[status](base) } satisfies DiagnoseResult
}

/**
 * The hub's device document in the flow's words: loss of signal first (the ONT sees no light),
 * then a fibre out of range (warning or critical), then a device that does not answer.
 */
export function diagnoseDevice(raw: unknown, serial: string): DiagnoseResult {
  const d = obj(raw)
  const optical = list(d.opticalStatus).map((o) => {
    const rx = num(o.rxPowerDbm) ?? Number.NaN
    const linkUp = typeof o.linkUp === 'boolean' ? o.linkUp : rx !== 0 && o.status !== 'los'
    return { rx, verdict: opticalVerdict(rx, linkUp) }
  })
  const wifiClients = list(d.wifi)
    .filter((w) => w.enabled !== false)
    .reduce((n, w) => n + (num(w.clients) ?? 0), 0)
  const meshWeak = list(d.mesh).filter((m) => {
    if (m.online === false) return true
    if (m.backhaul === 'ethernet') return false
    const rssi = num(m.backhaulRssiDbm)
    return rssi === null || rssi < POOR_BACKHAUL_DBM
  }).length
  const rx = optical.find((o) => Number.isFinite(o.rx))?.rx
  const detail = { serial, ...(rx !== undefined ? { rxDbm: rx } : {}), wifiClients, meshWeak }
  if (optical.some((o) => o.verdict === 'los')) return diagnoseResult('los', detail)
  if (optical.some((o) => o.verdict === 'critical' || o.verdict === 'warning'))
    return diagnoseResult('weak-fiber', detail)
  if (d.online !== true) return diagnoseResult('offline', detail)
  return diagnoseResult('online', detail)
}

async function diagnose(services: FlowServices, p: Performer, params: Record<string, unknown>) {
  const serial = (typeof params.serial === 'string' && params.serial.trim()) || p.customer?.ont || ''
  if (!serial) return diagnoseResult('no-device')
  const max = services.config.rateLimits.diagnose
  if (max > 0) {
    const decision = await services.limiter.hit(`diagnose:${p.user.email}`, max)
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
      throw new OperationFailed(
        {
          fr: `Trop d’interrogations de modem : au plus ${max} par minute. Réessayez dans ${seconds} s.`,
          en: `Too many modem polls: at most ${max} per minute. Try again in ${seconds} s.`,
        },
        true,
      )
    }
  }
  let answer
  try {
    answer = await services.hub.send('GET', `/devices/lookup?serial=${encodeURIComponent(serial)}`, {
      timeoutMs: DIAGNOSE_TIMEOUT_MS,
    })
  } catch (err) {
    if (err instanceof UpstreamTimeout) return diagnoseResult('timeout', { serial })
    if (err instanceof UpstreamUnreachable)
      throw new OperationFailed(
        {
          fr: 'Le diagnostic du modem n’a pas pu se faire : le hub ne répond pas pour le moment. Réessayez dans un instant.',
          en: 'The modem could not be diagnosed: the hub is not answering right now. Try again in a moment.',
        },
        true,
      )
    throw err
  }
  if (answer.status === 404) return diagnoseResult('no-device', { serial })
  if (answer.status === 504) return diagnoseResult('timeout', { serial })
  if (answer.status >= 400)
    throw new OperationFailed(
      {
        fr: `Le diagnostic du modem n’a pas pu se faire : le hub a répondu ${answer.status}. Réessayez dans un instant.`,
        en: `The modem could not be diagnosed: the hub answered ${answer.status}. Try again in a moment.`,
      },
      true,
    )
  let doc: unknown
  try {
    doc = JSON.parse(answer.body)
  } catch {
    doc = {}
  }
  return diagnoseDevice(doc, serial)
}

// ---- address-served ---------------------------------------------------------------------------

/** City names compared as people type them: no case, no accents, hyphens and spaces alike. */
export function foldPlace(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[\s'’-]+/g, ' ')
    .trim()
}

/**
 * A LIKE pattern that finds the city whatever its accents, case or hyphens: every letter that
 * French writes with an accent, and every separator, matches any one character; the candidates
 * are then compared exactly once folded.
 */
export function cityPattern(city: string): string {
  return foldPlace(city)
    .replace(/[%_\\]/g, '')
    .replace(/[aeiouycn ]/g, '_')
}

/** The forward sortation area: the first three characters of a Canadian postal code. */
const fsaOf = (postalCode: string) => postalCode.replace(/\s+/g, '').slice(0, 3).toUpperCase()

const asAddress = (v: unknown): AddressValue | null => {
  const a = obj(v)
  return typeof a.city === 'string' || typeof a.postalCode === 'string'
    ? { line: String(a.line ?? ''), city: String(a.city ?? ''), postalCode: String(a.postalCode ?? '') }
    : null
}

/**
 * Served when an active service location already exists in the same forward sortation area
 * (postal code's first three characters) or the same city — the network reaches that far.
 * Cities are compared without case or accents ("Saint-Jérôme" = "saint jerome").
 */
async function addressServed(services: FlowServices, params: Record<string, unknown>): Promise<AddressServedResult> {
  const address = asAddress(params.address)
  if (!address)
    throw new OperationFailed(
      {
        fr: 'Aucune adresse à vérifier : revenez à l’étape de l’adresse (Retour).',
        en: 'No address to check: go back to the address step (Back).',
      },
      false,
    )
  const fsa = fsaOf(address.postalCode)
  const city = foldPlace(address.city)
  const where = [address.city, address.postalCode].filter(Boolean).join(', ')
  const fields = ['name', 'city', 'postal_code']
  const byFsa =
    fsa.length === 3
      ? await services.erp.list<ServiceLocation>('Service Location', {
          fields,
          filters: [
            ['status', '=', 'Active'],
            ['postal_code', 'like', `${fsa}%`],
          ],
          limit: 1,
        })
      : []
  let served = byFsa.length > 0
  if (!served && city) {
    const candidates = await services.erp.list<ServiceLocation>('Service Location', {
      fields,
      filters: [
        ['status', '=', 'Active'],
        ['city', 'like', cityPattern(address.city)],
      ],
      limit: 200,
    })
    served = candidates.some((c) => foldPlace(c.city) === city)
  }
  return {
    served,
    city: address.city,
    postalCode: address.postalCode,
    summary: served
      ? { fr: `Adresse desservie : ${where}.`, en: `Address served: ${where}.` }
      : {
          fr: `Adresse non desservie pour l’instant : ${where}.`,
          en: `Address not served yet: ${where}.`,
        },
  }
}

// ---- open-tickets, balance-due ----------------------------------------------------------------

async function openTickets(services: FlowServices, customer: string): Promise<OpenTicketsResult> {
  const rows = await services.erp.list<Issue>('Issue', {
    fields: ['name', 'subject', 'opening_date'],
    filters: [
      ['customer', '=', customer],
      ['status', 'in', OPEN_ISSUE],
    ],
    orderBy: 'opening_date desc',
  })
  const subjects = rows.map((r) => r.subject)
  const count = rows.length
  return {
    count,
    subjects,
    summary:
      count === 0
        ? { fr: 'Aucun billet ouvert.', en: 'No open ticket.' }
        : {
            fr: `${count} billet(s) ouvert(s) : ${subjects.slice(0, 3).join(' ; ')}${count > 3 ? '…' : ''}`,
            en: `${count} open ticket(s): ${subjects.slice(0, 3).join('; ')}${count > 3 ? '…' : ''}`,
          },
  }
}

const money = (amount: number, locale: 'fr-CA' | 'en-CA') =>
  numberFormat(locale, { style: 'currency', currency: 'CAD' }).format(amount)

async function balanceDue(services: FlowServices, customer: string, now: number): Promise<BalanceDueResult> {
  const rows = await services.erp.list<SalesInvoice>('Sales Invoice', {
    fields: ['name', 'status', 'due_date', 'outstanding_amount'],
    filters: [
      ['customer', '=', customer],
      ['status', 'in', ['Unpaid', 'Overdue']],
    ],
  })
  const today = toFrappeDate(new Date(now))
  let amount = 0
  let overdue = 0
  for (const r of rows) {
    const owed = Number(r.outstanding_amount ?? 0)
    amount += owed
    if (r.status === 'Overdue' || (r.due_date && r.due_date < today)) overdue += owed
  }
  amount = Math.round(amount * 100) / 100
  overdue = Math.round(overdue * 100) / 100
  return {
    amount,
    overdue,
    summary:
      amount === 0
        ? { fr: 'Aucun solde dû.', en: 'Nothing owed.' }
        : {
            fr: `Solde dû : ${money(amount, 'fr-CA')}${overdue ? `, dont ${money(overdue, 'fr-CA')} en retard` : ''}.`,
            en: `Balance due: ${money(amount, 'en-CA')}${overdue ? `, of which ${money(overdue, 'en-CA')} overdue` : ''}.`,
          },
  }
}

/** Runs one check as the rep; throws OperationFailed with the sentence when it cannot. */
export async function runCheck(
  shared: FlowServices,
  p: Performer,
  check: CheckKind,
  params: Record<string, unknown>,
): Promise<CheckResult> {
  const spec = CHECK_SPECS[check]
  if (!hasAny(p.user, spec.capabilities)) throw missingCapability(spec)
  const services = servicesFor(shared, p.requestId)
  try {
    switch (check) {
      case 'diagnose':
        return await diagnose(services, p, params)
      case 'address-served':
        return await addressServed(services, params)
      case 'open-tickets':
        if (!p.customer) throw new OperationFailed(NO_CUSTOMER, false)
        return await openTickets(services, p.customer.name)
      case 'balance-due':
        if (!p.customer) throw new OperationFailed(NO_CUSTOMER, false)
        return await balanceDue(services, p.customer.name, p.now)
    }
  } catch (err) {
    throw failureOf(err, WHAT[check], p)
  }
}
