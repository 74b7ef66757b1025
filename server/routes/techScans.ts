/**
 * PUT /ops/api/tech/scans/{scanId}: records what a technician scanned on one of their jobs as a
 * Service Equipment at the job's location. Idempotent by the scan id, which ERPNext keeps unique
 * in `scan_id`: a replay after a lost answer finds the equipment it already recorded, and two
 * concurrent replays meet ERPNext's DuplicateEntryError and settle on the one that won.
 * Equipment already known by its serial (a spare from stock, a modem moved) is updated rather
 * than duplicated — looked up with the service token, since a spare is outside the technician's
 * scope until it is installed. Equipment registered at another customer or address is not taken
 * on a scan's word: the scan is refused and dispatch or customer service confirms the transfer
 * (equipmentTransfers.ts).
 */
import { getRouterParam, type H3 } from 'h3'
import { EQUIPMENT_TYPES, type DispatchJob, type ServiceEquipment } from '../../src/contracts/doctypes'
import { formatMac, isAcceptableSerial, normalizeSerial } from '../../src/contracts/equipmentLabel'
import { toFrappeDate } from '../../src/contracts/frappeTime'
import type { EquipmentType, ScanSaveAnswer, ScanSaveRequest } from '../../src/contracts/tech'
import type { AppContext } from '../app'
import { parseJsonOr } from '../../src/contracts/json'
import { readBodyLimited, json, Refusal, type Sentence } from '../errors'
import type { RequestUser } from '../session'
import { ErpRefused } from '../upstream/erp'
import { refuseScanElsewhere, registeredElsewhere } from './equipmentTransfers'
import { loadOwnJob, requireTechnician } from './techDay'
import { docUpdate } from '../events/docEvents'

const SCAN_ID = /^[A-Za-z0-9_-]{8,80}$/

const SENTENCES = {
  badScanId: { fr: 'Identifiant de scan invalide.', en: 'Invalid scan id.' },
  badBody: {
    fr: 'La demande d’enregistrement est illisible (JSON attendu).',
    en: 'The recording request is unreadable (JSON expected).',
  },
  badSerial: {
    fr: 'Le numéro de série doit compter de 3 à 40 lettres majuscules, chiffres ou tirets. Corrigez-le puis réessayez.',
    en: 'The serial number must be 3 to 40 capital letters, digits or dashes. Correct it, then try again.',
  },
  badMac: {
    fr: 'L’adresse MAC doit compter 12 chiffres hexadécimaux (ex. 9C:A2:F4:11:22:33). Corrigez-la puis réessayez.',
    en: 'The MAC address must be 12 hexadecimal digits (e.g. 9C:A2:F4:11:22:33). Correct it, then try again.',
  },
  badType: {
    fr: 'Choisissez le type d’équipement (ONT, routeur, borne maillée ou terminal télé).',
    en: 'Choose the equipment type (ONT, router, mesh node or set-top box).',
  },
  noLocation: {
    fr: 'Cette intervention n’a pas d’adresse de service : l’équipement ne peut pas y être rattaché. Appelez la répartition.',
    en: 'This job has no service location: the equipment cannot be attached to it. Call dispatch.',
  },
} satisfies Record<string, Sentence>

const macInUse = (other: string): Sentence => ({
  fr: `Cette adresse MAC appartient déjà à un autre équipement (${other}). Vérifiez-la, corrigez-la ou retirez-la.`,
  en: `This MAC address already belongs to other equipment (${other}). Check it, correct it or remove it.`,
})

/** The request body, validated once here; a refusal names what to correct. */
function parseRequest(raw: unknown): ScanSaveRequest {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Refusal(400, 'INVALID_BODY', SENTENCES.badBody)
  const b = raw as Record<string, unknown>
  if (typeof b.job !== 'string' || !/^[\w.-]{1,140}$/.test(b.job))
    throw new Refusal(400, 'INVALID_BODY', SENTENCES.badBody)
  const serial = typeof b.serial_no === 'string' ? normalizeSerial(b.serial_no) : ''
  if (!isAcceptableSerial(serial)) throw new Refusal(400, 'INVALID_SERIAL', SENTENCES.badSerial)
  let mac: string | null = null
  if (typeof b.mac_address === 'string' && b.mac_address.trim()) {
    mac = formatMac(b.mac_address)
    if (!mac) throw new Refusal(400, 'INVALID_MAC', SENTENCES.badMac)
  }
  if (!(EQUIPMENT_TYPES as readonly unknown[]).includes(b.equipment_type))
    throw new Refusal(400, 'INVALID_TYPE', SENTENCES.badType)
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, 140) : null)
  return {
    job: b.job,
    serial_no: serial,
    mac_address: mac,
    equipment_type: b.equipment_type as EquipmentType,
    brand: text(b.brand),
    model: text(b.model),
  }
}

async function findOne(
  ctx: AppContext,
  field: 'scan_id' | 'serial_no' | 'mac_address',
  value: string,
): Promise<ServiceEquipment | null> {
  const rows = await ctx.erp.list<ServiceEquipment>('Service Equipment', {
    fields: ['*'],
    filters: [[field, '=', value]],
    limit: 1,
  })
  return rows[0] ?? null
}

/** The equipment this scan may already be, in one round trip: same scan id, same serial, same MAC. */
async function candidates(ctx: AppContext, scanId: string, request: ScanSaveRequest): Promise<ServiceEquipment[]> {
  const or: unknown[][] = [
    ['scan_id', '=', scanId],
    ['serial_no', '=', request.serial_no],
  ]
  if (request.mac_address) or.push(['mac_address', '=', request.mac_address])
  return ctx.erp.list<ServiceEquipment>('Service Equipment', { fields: ['*'], orFilters: or, limit: 10 })
}

export async function recordScan(
  ctx: AppContext,
  user: RequestUser,
  technician: string | null,
  scanId: string,
  request: ScanSaveRequest,
  requestId: string,
): Promise<ScanSaveAnswer> {
  const job: DispatchJob = await loadOwnJob(ctx.erp, technician, request.job)
  if (!job.service_location) throw new Refusal(409, 'JOB_WITHOUT_LOCATION', SENTENCES.noLocation)

  const found = await candidates(ctx, scanId, request)
  const already = found.find((e) => e.scan_id === scanId)
  if (already) return { equipment: already, outcome: 'already' }
  const holder = request.mac_address
    ? found.find((e) => e.mac_address === request.mac_address && e.serial_no !== request.serial_no)
    : undefined
  if (holder) throw new Refusal(409, 'MAC_IN_USE', macInUse(holder.name))

  const fields: Record<string, unknown> = {
    customer: job.customer,
    service_location: job.service_location,
    dispatch_job: job.name,
    equipment_type: request.equipment_type,
    serial_no: request.serial_no,
    status: 'In Service',
    installed_on: toFrappeDate(new Date()),
    scan_id: scanId,
  }
  if (request.mac_address) fields.mac_address = request.mac_address
  if (request.brand) fields.brand = request.brand
  if (request.model) fields.model = request.model

  const write = async (known: ServiceEquipment | null): Promise<ScanSaveAnswer | 'again'> => {
    const outcome = known ? 'updated' : 'created'
    let saved: ServiceEquipment
    try {
      // An update carries the `modified` read with the checks: equipment reassigned in between is
      // read again (and checked again) rather than overwritten.
      saved = known
        ? await ctx.erp.update<ServiceEquipment>('Service Equipment', known.name, {
            ...fields,
            modified: known.modified,
          })
        : await ctx.erp.insert<ServiceEquipment>('Service Equipment', fields)
    } catch (err) {
      if (!(err instanceof ErpRefused)) throw err
      if (err.excType === 'DuplicateEntryError' || err.excType === 'TimestampMismatchError') return 'again'
      throw new Refusal(err.status, err.excType, {
        fr: 'ERPNext a refusé cet équipement. Vérifiez le numéro de série et la MAC, puis réessayez.',
        en: 'ERPNext refused this equipment. Check the serial number and MAC, then try again.',
      })
    }
    ctx.audit.record({
      requestId,
      actor: user.email,
      action: `tech.scan.${outcome}`,
      target: `Service Equipment/${saved.name} (scan ${scanId})`,
      outcome: 'ok',
      status: 200,
    })
    ctx.bus.publish('doc_update', docUpdate('Service Equipment', saved, known ? 'update' : 'create'))
    return { equipment: saved, outcome }
  }

  // Two attempts: a concurrent replay of this scan, a new equipment with this serial, or a change
  // to the known one can slip in between the lookups and the write; the second pass settles on
  // what ERPNext now holds.
  let known = found.find((e) => e.serial_no === request.serial_no) ?? null
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) {
      const replayed = await findOne(ctx, 'scan_id', scanId)
      if (replayed) return { equipment: replayed, outcome: 'already' }
      known = await findOne(ctx, 'serial_no', request.serial_no)
    }
    const where = known && registeredElsewhere(known, job)
    if (known && where) {
      // loadOwnJob has checked that this job is the technician's, so `technician` is set.
      await refuseScanElsewhere(ctx, {
        user,
        technician: technician ?? '',
        scanId,
        job,
        equipment: known,
        where,
        requestId,
      })
    }
    const result = await write(known)
    if (result !== 'again') return result
  }
  throw new Refusal(409, 'DUPLICATE', {
    fr: 'ERPNext signale un équipement en double (série ou MAC). Vérifiez les valeurs scannées.',
    en: 'ERPNext reports duplicate equipment (serial or MAC). Check the scanned values.',
  })
}

export const techScanRoutes = (app: H3, ctx: AppContext): void => {
  app.put('/ops/api/tech/scans/:scanId', async (event) => {
    const { user, technician } = await requireTechnician(ctx, event)
    const scanId = getRouterParam(event, 'scanId', { decode: true }) ?? ''
    if (!SCAN_ID.test(scanId)) throw new Refusal(400, 'INVALID_SCAN_ID', SENTENCES.badScanId)
    const raw = parseJsonOr(new TextDecoder().decode(await readBodyLimited(event.req, 16 * 1024)), null)
    return json(
      200,
      await recordScan(ctx.forRequest(event), user, technician, scanId, parseRequest(raw), ctx.requestId(event)),
    )
  })
}
