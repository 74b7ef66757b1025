/**
 * Equipment registered at another customer (or at another address) is never moved by a scan: the
 * technician's scan is refused, and a ticket (Issue) on the job's customer asks dispatch or
 * customer service to confirm the transfer. The request lives in ERPNext, the source of truth,
 * so every BFF replica and ERPNext's own desk see it; the scan it comes from is written on a
 * machine-readable line of the ticket's description, which makes it idempotent by scan id.
 *
 * GET  /ops/api/equipment-transfers?customer=  — the transfers waiting on a customer (clients:view)
 * POST /ops/api/equipment-transfers/{ticket}/confirm — moves the equipment, resolves the ticket
 *      (dispatch:plan or clients:edit). The equipment gets the scan's id, so the technician's
 *      retry of that scan answers `already` instead of recording anything twice.
 */
import { getRouterParam, type H3 } from 'h3'
import type { Capability } from '../../src/contracts/capabilities'
import type {
  Customer,
  DispatchJob,
  Issue,
  ServiceEquipment,
  ServiceLocation,
  Technician,
} from '../../src/contracts/doctypes'
import type {
  PendingTransfer,
  PendingTransferList,
  TransferConfirmAnswer,
  TransferRefusalCode,
} from '../../src/contracts/equipmentTransfer'
import { toFrappeDate, toFrappeDatetime } from '../../src/contracts/frappeTime'
import type { AppContext, FeatureRoutes } from '../app'
import { forbidden, json, Refusal, type Sentence } from '../errors'
import { requireCapability, requireUser } from '../guard'
import type { RequestUser } from '../session'
import { ErpRefused } from '../upstream/erp'
import { DOC_NAME } from './techDay'
import { docUpdate } from '../events/docEvents'

const OPEN_ISSUE = ['Open', 'Replied', 'On Hold']
/** Who may move equipment between customers on a technician's word. */
const CONFIRMERS: readonly Capability[] = ['dispatch:plan', 'clients:edit']

/** Where a scanned equipment is registered, when that is somewhere else than the job. */
export type Elsewhere = 'customer' | 'location'

/**
 * A known equipment the job may not take without a confirmation: it has a customer or an address
 * that is not the job's. A spare (in stock or returned, with no customer) is installable as is.
 */
export function registeredElsewhere(
  equipment: ServiceEquipment,
  job: Pick<DispatchJob, 'customer' | 'service_location'>,
): Elsewhere | null {
  const spare = (equipment.status === 'In Stock' || equipment.status === 'Returned') && !equipment.customer
  if (spare) return null
  if (equipment.customer && equipment.customer !== job.customer) return 'customer'
  if (equipment.service_location && equipment.service_location !== job.service_location) return 'location'
  return null
}

// ---- The request's line in the ticket --------------------------------------------------------

interface TransferMarker {
  scanId: string
  equipment: string
  serial: string
  job: string
  technician: string
}

const MARKER_PREFIX = 'ops-transfer: scan='
const MARKER =
  /ops-transfer: scan=([A-Za-z0-9_-]{8,80}); equipment=([\w.-]{1,140}); serial=([^;\s]{1,140}); job=([\w.-]{1,140}); technician=([\w.-]{0,140})(?:\s|$)/

function markerLine(m: TransferMarker): string {
  return `${MARKER_PREFIX}${m.scanId}; equipment=${m.equipment}; serial=${m.serial}; job=${m.job}; technician=${m.technician}`
}

export function parseMarker(description: string | undefined): TransferMarker | null {
  const m = MARKER.exec(description ?? '')
  return m ? { scanId: m[1], equipment: m[2], serial: m[3], job: m[4], technician: m[5] } : null
}

// ---- ERPNext helpers -------------------------------------------------------------------------

const getDoc = <T>(ctx: AppContext, doctype: string, name: string): Promise<T | null> => ctx.erp.get<T>(doctype, name)

const listRaw = <T>(ctx: AppContext, doctype: string, fields: string[], filters: unknown[]): Promise<T[]> =>
  ctx.erp.list<T>(doctype, { fields, filters })

/** Documents by name, in one query; a name that does not exist is simply absent. */
async function byNames<T extends { name: string }>(
  ctx: AppContext,
  doctype: string,
  fields: string[],
  names: readonly (string | null | undefined)[],
): Promise<Map<string, T>> {
  const wanted = [...new Set(names.filter((n): n is string => !!n))]
  if (wanted.length === 0) return new Map()
  const rows = await listRaw<T>(ctx, doctype, fields, [['name', 'in', wanted]])
  return new Map(rows.map((r) => [r.name, r]))
}

/** Tickets carrying the request of this scan, oldest first (any status: one scan, one ticket). */
async function ticketsOfScan(ctx: AppContext, scanId: string): Promise<Issue[]> {
  const rows = await listRaw<Issue>(
    ctx,
    'Issue',
    ['name', 'status', 'creation', 'description', 'customer'],
    [['description', 'like', `%${MARKER_PREFIX}${scanId};%`]],
  )
  return rows
    .filter((r) => parseMarker(r.description)?.scanId === scanId)
    .sort((a, b) => (a.creation ?? '').localeCompare(b.creation ?? '') || a.name.localeCompare(b.name))
}

const place = (location: ServiceLocation | undefined | null) =>
  location ? `${location.address_line}, ${location.city}` : null

// ---- The scan's side: a refusal and a request ------------------------------------------------

const ELSEWHERE_SENTENCES: Record<Elsewhere, { code: TransferRefusalCode; sentence: Sentence }> = {
  customer: {
    code: 'EQUIPMENT_AT_OTHER_CUSTOMER',
    sentence: {
      fr: 'Cet équipement est enregistré chez un autre client. La répartition ou le service à la clientèle doit confirmer le transfert.',
      en: 'This equipment is registered at another customer. Dispatch or customer service must confirm the transfer.',
    },
  },
  location: {
    code: 'EQUIPMENT_AT_OTHER_LOCATION',
    sentence: {
      fr: 'Cet équipement est enregistré à une autre adresse de ce client. La répartition ou le service à la clientèle doit confirmer le transfert.',
      en: 'This equipment is registered at another address of this customer. Dispatch or customer service must confirm the transfer.',
    },
  },
}

export interface ScanElsewhere {
  user: RequestUser
  technician: string
  scanId: string
  job: DispatchJob
  equipment: ServiceEquipment
  where: Elsewhere
  requestId: string
}

function ticketDescription(s: ScanElsewhere, technicianName: string): string {
  const e = s.equipment
  const what = [e.equipment_type, e.brand, e.model].filter(Boolean).join(' ')
  return [
    s.where === 'customer'
      ? 'Un technicien a scanné un équipement enregistré chez un autre client.'
      : 'Un technicien a scanné un équipement enregistré à une autre adresse de ce client.',
    'Rien n’a été déplacé : confirmez le transfert dans Gigafibre Ops, sur la fiche de ce client (« Confirmer le transfert »).',
    '',
    `Équipement : ${e.name} — ${what}, série ${e.serial_no}`,
    `Enregistré actuellement : client ${e.customer ?? '—'}, adresse ${e.service_location ?? '—'}`,
    `Intervention : ${s.job.name}, adresse ${s.job.service_location ?? '—'}`,
    `Technicien : ${technicianName} (${s.technician})`,
    '',
    markerLine({ scanId: s.scanId, equipment: e.name, serial: e.serial_no, job: s.job.name, technician: s.technician }),
  ].join('\n')
}

/**
 * The ticket of this scan's transfer request, opened once: a replay finds it; two replays racing
 * each open one, then the later one removes its own so the oldest stays.
 */
async function ensureTicket(ctx: AppContext, s: ScanElsewhere): Promise<{ name: string; created: boolean }> {
  const existing = await ticketsOfScan(ctx, s.scanId)
  if (existing.length) return { name: existing[0].name, created: false }

  const tech = await getDoc<Technician>(ctx, 'Technician', s.technician)
  const doc = {
    subject: `Transfert d’équipement à confirmer : ${s.equipment.serial_no}`,
    customer: s.job.customer,
    service_location: s.job.service_location,
    status: 'Open',
    priority: 'Medium',
    opening_date: toFrappeDate(new Date()),
    description: ticketDescription(s, tech?.full_name ?? s.user.name),
    raised_by: s.user.email,
  }
  const mine = await ctx.erp.insert<Issue>('Issue', doc)

  const all = await ticketsOfScan(ctx, s.scanId)
  const oldest = all[0]?.name ?? mine.name
  if (oldest !== mine.name) {
    await ctx.erp.remove('Issue', mine.name)
    return { name: oldest, created: false }
  }
  ctx.bus.publish('doc_update', docUpdate('Issue', mine, 'create'))
  return { name: mine.name, created: true }
}

/**
 * Refuses a scan of equipment registered elsewhere: nothing is moved, the attempt is journaled,
 * and the transfer request waits on the job's customer. Always throws the refusal (409); when
 * ERPNext cannot take the request, an outage instead, so the tablet tries again by itself.
 */
export async function refuseScanElsewhere(ctx: AppContext, s: ScanElsewhere): Promise<never> {
  const { code, sentence } = ELSEWHERE_SENTENCES[s.where]
  const ticket = await ensureTicket(ctx, s)
  ctx.audit.record({
    requestId: s.requestId,
    actor: s.user.email,
    action: 'tech.scan.elsewhere',
    target: `Service Equipment/${s.equipment.name} → Dispatch Job/${s.job.name} (scan ${s.scanId})`,
    outcome: 'refused',
    status: 409,
    detail: `registered at ${s.equipment.customer ?? '—'}/${s.equipment.service_location ?? '—'}; ticket Issue/${ticket.name}${ticket.created ? ' opened' : ' already open'}`,
  })
  throw new Refusal(409, code, {
    fr: `${sentence.fr} Demande envoyée : billet ${ticket.name}.`,
    en: `${sentence.en} Request sent: ticket ${ticket.name}.`,
  })
}

// ---- The office's side: the list and the confirmation --------------------------------------

const CONFIRM_SENTENCES = {
  notATransfer: {
    fr: 'Ce billet n’est pas une demande de transfert d’équipement.',
    en: 'This ticket is not an equipment transfer request.',
  },
  closed: {
    fr: 'Ce billet est fermé : le transfert n’a pas été fait. Si l’équipement doit bien changer de client, demandez au technicien de le scanner de nouveau.',
    en: 'This ticket is closed: the transfer was not made. If the equipment must change customer, ask the technician to scan it again.',
  },
  equipmentGone: {
    fr: 'Cet équipement n’existe plus dans ERPNext : rien n’a été déplacé.',
    en: 'This equipment no longer exists in ERPNext: nothing was moved.',
  },
  serialChanged: {
    fr: 'Le numéro de série de cet équipement a changé depuis le scan : rien n’a été déplacé. Vérifiez avec le technicien.',
    en: 'This equipment’s serial number changed since the scan: nothing was moved. Check with the technician.',
  },
  jobGone: {
    fr: 'L’intervention du scan n’existe plus : rien n’a été déplacé.',
    en: 'The job of the scan no longer exists: nothing was moved.',
  },
  jobCancelled: {
    fr: 'L’intervention du scan a été annulée : rien n’a été déplacé.',
    en: 'The job of the scan was cancelled: nothing was moved.',
  },
  jobMoved: {
    fr: 'L’intervention du scan n’est plus chez ce client ou n’a plus d’adresse : rien n’a été déplacé. Vérifiez l’intervention.',
    en: 'The job of the scan is no longer at this customer or has no address: nothing was moved. Check the job.',
  },
  changedMeanwhile: {
    fr: 'L’équipement a été modifié entre-temps : rien n’a été déplacé. Rechargez la page et confirmez de nouveau.',
    en: 'The equipment was changed in the meantime: nothing was moved. Reload the page and confirm again.',
  },
  refused: {
    fr: 'ERPNext a refusé le transfert de cet équipement : rien n’a été déplacé.',
    en: 'ERPNext refused to transfer this equipment: nothing was moved.',
  },
  badCustomer: { fr: 'Indiquez le client (ex. CUST-00012).', en: 'Give the customer (e.g. CUST-00012).' },
} satisfies Record<string, Sentence>

export async function pendingTransfers(ctx: AppContext, customer: string): Promise<PendingTransfer[]> {
  const tickets = (
    await listRaw<Issue>(
      ctx,
      'Issue',
      ['name', 'opening_date', 'creation', 'description'],
      [
        ['customer', '=', customer],
        ['status', 'in', OPEN_ISSUE],
        ['description', 'like', `%${MARKER_PREFIX}%`],
      ],
    )
  ).sort((a, b) => (a.creation ?? '').localeCompare(b.creation ?? ''))
  const requests = tickets.flatMap((t) => {
    const marker = parseMarker(t.description)
    return marker ? [{ ticket: t, marker }] : []
  })
  if (requests.length === 0) return []

  const [equipment, jobs, technicians] = await Promise.all([
    byNames<ServiceEquipment>(
      ctx,
      'Service Equipment',
      [
        'name',
        'equipment_type',
        'brand',
        'model',
        'serial_no',
        'mac_address',
        'status',
        'customer',
        'service_location',
        'scan_id',
      ],
      requests.map((r) => r.marker.equipment),
    ),
    byNames<DispatchJob>(
      ctx,
      'Dispatch Job',
      ['name', 'job_type', 'scheduled_start', 'service_location', 'address', 'customer'],
      requests.map((r) => r.marker.job),
    ),
    byNames<Technician>(
      ctx,
      'Technician',
      ['name', 'full_name'],
      requests.map((r) => r.marker.technician),
    ),
  ])
  const [holders, locations] = await Promise.all([
    byNames<Customer>(
      ctx,
      'Customer',
      ['name', 'customer_name'],
      [...equipment.values()].map((e) => e.customer),
    ),
    byNames<ServiceLocation>(
      ctx,
      'Service Location',
      ['name', 'address_line', 'city'],
      [...equipment.values(), ...jobs.values()].map((d) => d.service_location),
    ),
  ])

  return requests.flatMap(({ ticket, marker }) => {
    const e = equipment.get(marker.equipment)
    // Gone from ERPNext: nothing to move; the ticket stays in the customer's tickets.
    if (!e) return []
    const job = jobs.get(marker.job)
    const tech = technicians.get(marker.technician)
    const transfer: PendingTransfer = {
      ticket: ticket.name,
      opened: ticket.opening_date ?? null,
      scanId: marker.scanId,
      equipment: {
        name: e.name,
        equipment_type: e.equipment_type,
        brand: e.brand ?? null,
        model: e.model ?? null,
        serial_no: e.serial_no,
        mac_address: e.mac_address ?? null,
        status: e.status ?? null,
        customer: e.customer ?? null,
        customer_name: e.customer ? (holders.get(e.customer)?.customer_name ?? null) : null,
        service_location: e.service_location ?? null,
        address: place(e.service_location ? locations.get(e.service_location) : null),
      },
      job: {
        name: marker.job,
        job_type: job?.job_type ?? null,
        scheduled_start: job?.scheduled_start ?? null,
        service_location: job?.service_location ?? null,
        address: place(job?.service_location ? locations.get(job.service_location) : null) ?? job?.address ?? null,
      },
      technician: marker.technician ? { name: marker.technician, full_name: tech?.full_name ?? null } : null,
    }
    return [transfer]
  })
}

export async function confirmTransfer(
  ctx: AppContext,
  user: RequestUser,
  ticketName: string,
  requestId: string,
): Promise<TransferConfirmAnswer> {
  const refuse = (status: number, code: string, sentence: Sentence, target = `Issue/${ticketName}`): never => {
    ctx.audit.record({
      requestId,
      actor: user.email,
      action: 'equipment.transfer',
      target,
      outcome: 'refused',
      status,
      detail: code,
    })
    throw new Refusal(status, code, sentence)
  }

  const ticket = await getDoc<Issue>(ctx, 'Issue', ticketName)
  const marker = ticket ? parseMarker(ticket.description) : null
  if (!ticket || !marker) return refuse(404, 'NOT_A_TRANSFER', CONFIRM_SENTENCES.notATransfer)
  const target = `Service Equipment/${marker.equipment} → Dispatch Job/${marker.job} (Issue/${ticket.name}, scan ${marker.scanId})`

  const equipment = await getDoc<ServiceEquipment>(ctx, 'Service Equipment', marker.equipment)
  if (!equipment) return refuse(409, 'EQUIPMENT_GONE', CONFIRM_SENTENCES.equipmentGone, target)

  const resolve = async (): Promise<void> => {
    if (ticket.status === 'Resolved' || ticket.status === 'Closed') return
    const note = `Transfert confirmé par ${user.email} le ${toFrappeDatetime(new Date()).slice(0, 16)}.`
    const saved = await ctx.erp.update<Issue>('Issue', ticket.name, {
      status: 'Resolved',
      description: `${note}\n\n${ticket.description ?? ''}`,
    })
    ctx.bus.publish('doc_update', docUpdate('Issue', saved, 'update'))
  }

  // Moved already for this scan (a second click, a colleague faster): only the ticket may be left.
  if (equipment.scan_id === marker.scanId) {
    await resolve()
    return { outcome: 'already', equipment, ticket: ticket.name }
  }
  if (ticket.status === 'Resolved' || ticket.status === 'Closed')
    return refuse(409, 'TRANSFER_CLOSED', CONFIRM_SENTENCES.closed, target)
  if (equipment.serial_no !== marker.serial)
    return refuse(409, 'SERIAL_CHANGED', CONFIRM_SENTENCES.serialChanged, target)

  const job = await getDoc<DispatchJob>(ctx, 'Dispatch Job', marker.job)
  if (!job) return refuse(409, 'JOB_GONE', CONFIRM_SENTENCES.jobGone, target)
  if (job.status === 'Cancelled') return refuse(409, 'JOB_CANCELLED', CONFIRM_SENTENCES.jobCancelled, target)
  if (!job.service_location || job.customer !== ticket.customer)
    return refuse(409, 'JOB_MOVED', CONFIRM_SENTENCES.jobMoved, target)

  const from = `${equipment.customer ?? '—'}/${equipment.service_location ?? '—'}`
  let moved: ServiceEquipment
  try {
    moved = await ctx.erp.update<ServiceEquipment>('Service Equipment', equipment.name, {
      customer: job.customer,
      service_location: job.service_location,
      dispatch_job: job.name,
      status: 'In Service',
      installed_on: toFrappeDate(new Date()),
      scan_id: marker.scanId,
      // What was checked above is what gets moved: a change in between is refused, not overwritten.
      modified: equipment.modified,
    })
  } catch (err) {
    if (!(err instanceof ErpRefused)) throw err
    if (err.excType === 'TimestampMismatchError')
      return refuse(409, 'CHANGED_MEANWHILE', CONFIRM_SENTENCES.changedMeanwhile, target)
    return refuse(409, err.excType, CONFIRM_SENTENCES.refused, target)
  }

  ctx.audit.record({
    requestId,
    actor: user.email,
    action: 'equipment.transfer',
    target,
    outcome: 'ok',
    status: 200,
    detail: `from ${from} to ${job.customer}/${job.service_location}`,
  })
  ctx.bus.publish('doc_update', docUpdate('Service Equipment', moved, 'update'))
  await resolve()
  return { outcome: 'moved', equipment: moved, ticket: ticket.name }
}

export const equipmentTransferRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  app.get('/ops/api/equipment-transfers', async (event) => {
    requireCapability(ctx, event, 'clients:view')
    const customer = event.url.searchParams.get('customer') ?? ''
    if (!DOC_NAME.test(customer)) throw new Refusal(400, 'INVALID_CUSTOMER', CONFIRM_SENTENCES.badCustomer)
    const answer: PendingTransferList = { transfers: await pendingTransfers(ctx.forRequest(event), customer) }
    return json(200, answer)
  })

  app.post('/ops/api/equipment-transfers/:ticket/confirm', async (event) => {
    const user = requireUser(ctx, event)
    const ticket = getRouterParam(event, 'ticket', { decode: true }) ?? ''
    if (!CONFIRMERS.some((c) => user.capabilities.includes(c))) {
      ctx.audit.record({
        requestId: ctx.requestId(event),
        actor: user.email,
        action: 'equipment.transfer',
        target: `Issue/${ticket.slice(0, 140)}`,
        outcome: 'refused',
        status: 403,
        detail: 'FORBIDDEN',
      })
      throw forbidden()
    }
    if (!DOC_NAME.test(ticket)) throw new Refusal(404, 'NOT_A_TRANSFER', CONFIRM_SENTENCES.notATransfer)
    return json(200, await confirmTransfer(ctx.forRequest(event), user, ticket, ctx.requestId(event)))
  })
}
