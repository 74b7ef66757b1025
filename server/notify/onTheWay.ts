/**
 * "Your technician is on the way": when a job turns En Route, the customer gets one text in their
 * language with an arrival estimate — from the technician's last GPS fix (Traccar, through the
 * hub) and the product's travel estimate (src/contracts/travel.ts) — or, with no usable fix, a
 * sentence without a time. Never for a customer who opted out of automatic texts or has no mobile
 * number.
 *
 * Once per visit: the job records which visit (technician and start) the customer was told about
 * (`customer_notice`) and when (`customer_notified_at`). The record is claimed with the job's
 * `modified` before the text goes, so two taps, a retry after a lost answer, or two replicas send
 * one text; a text the hub refuses releases the claim, so the next attempt may send it.
 */
import type { Customer, DispatchJob, Technician } from '../../src/contracts/doctypes'
import { parseSiteDatetime, siteWallClock, toFrappeDatetime } from '../../src/contracts/frappeTime'
import type { LatLon } from '../../src/contracts/geo'
import { parseJsonObject } from '../../src/contracts/json'
import { toE164 } from '../../src/contracts/searchKeys'
import { DEFAULT_TRAVEL, travelEstimate, type TravelModel } from '../../src/contracts/travel'
import type { AuditJournal } from '../audit'
import type { EventBus } from '../events/bus'
import type { RequestUser } from '../session'
import { ErpRefused, type ErpClient } from '../upstream/erp'
import type { HubClient } from '../upstream/hub'
import { jobUpdate } from '../events/docEvents'

/** A fix older than this says where the technician was, not where they are. */
export const MAX_FIX_AGE_MS = 30 * 60_000
/** Estimates are given to the next five minutes: "vers 10 h 40". */
const ROUND_MS = 5 * 60_000
const POSITION_TIMEOUT_MS = 1_500
const SMS_TIMEOUT_MS = 5_000

export type NoticeSkip = 'not_en_route' | 'no_customer' | 'no_mobile' | 'opted_out' | 'already_told'

/** The visit a notice is about: the same technician on the same start is told once. */
export function noticeKey(job: Pick<DispatchJob, 'technician' | 'scheduled_start'>): string {
  return `en-route:${job.technician ?? ''}:${job.scheduled_start ?? ''}`
}

/** Whether this job, as saved, warrants a text to this customer, and to which number. */
export function noticeDecision(
  job: Pick<DispatchJob, 'status' | 'customer' | 'technician' | 'scheduled_start' | 'customer_notice'>,
  customer: Pick<Customer, 'mobile_no' | 'sms_opt_out'> | null,
): { send: true; to: string } | { send: false; reason: NoticeSkip } {
  if (job.status !== 'En Route') return { send: false, reason: 'not_en_route' }
  if (job.customer_notice === noticeKey(job)) return { send: false, reason: 'already_told' }
  if (!job.customer || !customer) return { send: false, reason: 'no_customer' }
  if (Number(customer.sms_opt_out) === 1) return { send: false, reason: 'opted_out' }
  const to = customer.mobile_no ? toE164(customer.mobile_no) : null
  if (!to) return { send: false, reason: 'no_mobile' }
  return { send: true, to }
}

export interface Fix extends LatLon {
  /** When the fix was taken (ms). */
  at: number
}

/**
 * When the technician should arrive (ms, rounded up to five minutes), or null when there is no
 * recent fix or the job has no coordinates.
 */
export function arrivalEstimate(
  fix: Fix | null,
  job: Pick<DispatchJob, 'latitude' | 'longitude'>,
  now: number,
  model: TravelModel = DEFAULT_TRAVEL,
): number | null {
  if (!fix || !(now - fix.at <= MAX_FIX_AGE_MS) || fix.at > now + 60_000) return null
  if (typeof job.latitude !== 'number' || typeof job.longitude !== 'number') return null
  if (!job.latitude && !job.longitude) return null
  const { minutes } = travelEstimate(fix, { latitude: job.latitude, longitude: job.longitude }, model)
  return Math.ceil((now + minutes * 60_000) / ROUND_MS) * ROUND_MS
}

/** "10 h 40" / "10:40 a.m." on the site's clock (the English one ends the sentence with its period). */
function clock(instant: number, language: 'fr' | 'en'): string {
  const w = siteWallClock(new Date(instant))
  const mm = String(w.minute).padStart(2, '0')
  if (language === 'fr') return w.minute === 0 ? `${w.hour} h` : `${w.hour} h ${mm}`
  const h12 = w.hour % 12 === 0 ? 12 : w.hour % 12
  return `${h12}:${mm} ${w.hour < 12 ? 'a.m.' : 'p.m.'}`
}

/** The text itself, in the customer's language; only the technician's first name is given. */
export function noticeText(language: string | undefined, technicianName: string, eta: number | null): string {
  const first = technicianName.trim().split(/\s+/)[0] || technicianName
  if (language === 'en') {
    return eta === null
      ? `Your Gigafibre technician, ${first}, is on the way.`
      : `Your Gigafibre technician, ${first}, is on the way: expected around ${clock(eta, 'en')}`
  }
  return eta === null
    ? `Votre technicien Gigafibre, ${first}, est en route.`
    : `Votre technicien Gigafibre, ${first}, est en route : arrivée prévue vers ${clock(eta, 'fr')}.`
}

/** Traccar's position object as the hub relays it. */
function fixOf(body: Record<string, unknown> | null): Fix | null {
  if (!body) return null
  const { latitude, longitude } = body
  const at = Date.parse(String(body.fixTime ?? body.deviceTime ?? ''))
  if (typeof latitude !== 'number' || typeof longitude !== 'number' || !Number.isFinite(at)) return null
  return { latitude, longitude, at }
}

export interface NoticeDeps {
  erp: ErpClient
  hub: HubClient
  audit: AuditJournal
  bus: EventBus
  now: () => number
  travel?: TravelModel
}

export interface NoticeOutcome {
  /** The job as it now stands in ERPNext (after the claim), when it changed. */
  job: DispatchJob | null
  sent: boolean
  reason?: NoticeSkip | 'claimed_elsewhere' | 'hub_failed'
}

async function lastFix(deps: NoticeDeps, technician: Technician | null): Promise<Fix | null> {
  const device = Number(technician?.traccar_device_id)
  if (!Number.isInteger(device) || device <= 0) return null
  try {
    const answer = await deps.hub.send('GET', `/traccar/positions?deviceId=${device}`, {
      timeoutMs: POSITION_TIMEOUT_MS,
    })
    return answer.status === 200 ? fixOf(parseJsonObject(answer.body)) : null
  } catch {
    return null
  }
}

/**
 * Tells the customer the technician is on the way, when `job` (as just saved) calls for it.
 * Never throws for the text itself: the status change it follows is already saved.
 */
export async function tellCustomerOnTheWay(
  deps: NoticeDeps,
  job: DispatchJob,
  user: RequestUser,
  requestId: string,
): Promise<NoticeOutcome> {
  if (job.status !== 'En Route' || job.customer_notice === noticeKey(job))
    return { job: null, sent: false, reason: job.status !== 'En Route' ? 'not_en_route' : 'already_told' }
  const target = `Dispatch Job/${job.name}`
  const journal = (outcome: 'ok' | 'refused' | 'failed', detail: string, status = 200) =>
    deps.audit.record({ requestId, actor: user.email, action: 'job.notify', target, outcome, status, detail })

  const customer = job.customer ? await deps.erp.get<Customer>('Customer', job.customer) : null
  const decision = noticeDecision(job, customer)
  if (!decision.send) {
    if (decision.reason !== 'already_told') journal('refused', `no text: ${decision.reason}`, 200)
    return { job: null, sent: false, reason: decision.reason }
  }

  const key = noticeKey(job)
  let claimed: DispatchJob
  try {
    claimed = await deps.erp.update<DispatchJob>('Dispatch Job', job.name, {
      customer_notice: key,
      customer_notified_at: toFrappeDatetime(new Date(deps.now())),
      modified: job.modified,
    })
  } catch (err) {
    // Changed since this save: whoever changed it decides (a second tap, another replica).
    if (err instanceof ErpRefused) return { job: null, sent: false, reason: 'claimed_elsewhere' }
    throw err
  }

  const technician = job.technician ? await deps.erp.get<Technician>('Technician', job.technician) : null
  const eta = arrivalEstimate(await lastFix(deps, technician), job, deps.now(), deps.travel)
  const body = noticeText(customer?.language, technician?.full_name ?? '', eta)
  let failure: string | null = null
  try {
    const answer = await deps.hub.send('POST', '/sms/send', {
      body: new TextEncoder().encode(JSON.stringify({ to: decision.to, body, customer: job.customer })),
      contentType: 'application/json',
      idempotencyKey: `on-the-way-${job.name}-${(claimed.modified ?? '').replace(/\D/g, '')}`,
      timeoutMs: SMS_TIMEOUT_MS,
    })
    if (answer.status >= 400) failure = `hub answered ${answer.status}`
  } catch (err) {
    failure = err instanceof Error ? err.message : String(err)
  }

  if (failure) {
    journal('failed', `text not sent: ${failure}`, 502)
    // Released, so the next save (or a retry) may send it; kept if someone changed the job since.
    const released = await deps.erp
      .update<DispatchJob>('Dispatch Job', job.name, {
        customer_notice: '',
        customer_notified_at: null,
        modified: claimed.modified,
      })
      .catch(() => null)
    const latest = released ?? claimed
    deps.bus.publish('doc_update', jobUpdate(latest, 'update'))
    return { job: latest, sent: false, reason: 'hub_failed' }
  }
  journal('ok', eta === null ? 'text sent, no arrival estimate' : `text sent, arrival about ${clock(eta, 'fr')}`)
  deps.bus.publish('doc_update', jobUpdate(claimed, 'update'))
  return { job: claimed, sent: true }
}

/** The instant the customer was told, from the job (ms), or null. */
export function notifiedAt(job: Pick<DispatchJob, 'customer_notified_at'>): number | null {
  if (!job.customer_notified_at) return null
  const t = parseSiteDatetime(job.customer_notified_at)
  return Number.isFinite(t) ? t : null
}
