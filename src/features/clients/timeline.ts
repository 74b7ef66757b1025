/**
 * The customer's one timeline: texts, calls and e-mails (Communication) and the life of their
 * jobs, newest first. Pure: the composable feeds it pages and live events.
 */
import type { Communication, DispatchJob } from '../../contracts/doctypes'
import { toInstant } from 'src/i18n/format'

export type TimelineKind = 'sms-sent' | 'sms-received' | 'call-in' | 'call-out' | 'email' | 'job'
export type JobEvent = 'created' | 'started' | 'completed' | 'cancelled'

export interface TimelineItem {
  key: string
  at: number
  kind: TimelineKind
  text: string
  /** SMS: the hub's message id, which delivery receipts name. */
  messageId?: string
  status?: string
  phone?: string
  job?: { name: string; type: string; event: JobEvent }
}

export function fromCommunication(c: Communication): TimelineItem {
  const received = c.sent_or_received === 'Received'
  const kind: TimelineKind =
    c.communication_medium === 'Phone'
      ? received
        ? 'call-in'
        : 'call-out'
      : c.communication_medium === 'Email'
        ? 'email'
        : received
          ? 'sms-received'
          : 'sms-sent'
  return {
    key: c.message_id ? `sms:${c.message_id}` : `comm:${c.name}`,
    at: toInstant(c.communication_date ?? c.creation ?? '')?.getTime() ?? 0,
    kind,
    text: c.content ?? '',
    messageId: c.message_id,
    status: c.delivery_status,
    phone: c.phone_no,
  }
}

export function jobEvents(jobs: readonly DispatchJob[], now = Date.now()): TimelineItem[] {
  const out: TimelineItem[] = []
  const push = (j: DispatchJob, event: JobEvent, when: string | undefined) => {
    const at = when ? toInstant(when)?.getTime() : undefined
    if (at === undefined || at > now) return
    out.push({
      key: `job:${j.name}:${event}`,
      at,
      kind: 'job',
      text: j.description ?? '',
      job: { name: j.name, type: j.job_type, event },
    })
  }
  for (const j of jobs) {
    push(j, 'created', j.creation)
    if (j.status === 'Completed') push(j, 'completed', j.modified)
    else if (j.status === 'Cancelled') push(j, 'cancelled', j.modified)
    else if (j.status === 'In Progress') push(j, 'started', j.modified)
  }
  return out
}

/**
 * Merges the loaded pages of communications, what arrived live, and the job events. While older
 * communications remain unloaded, job events older than the last loaded one wait for them, so
 * the order never jumps when a page is added.
 */
export function mergeTimeline(
  pages: readonly TimelineItem[],
  live: readonly TimelineItem[],
  jobs: readonly TimelineItem[],
  hasMore: boolean,
): TimelineItem[] {
  const byKey = new Map<string, TimelineItem>()
  for (const item of [...pages, ...live]) if (!byKey.has(item.key)) byKey.set(item.key, item)
  const oldestLoaded = pages.length ? Math.min(...pages.map((p) => p.at)) : -Infinity
  for (const j of jobs) if (!hasMore || j.at >= oldestLoaded) byKey.set(j.key, j)
  return [...byKey.values()].sort((a, b) => b.at - a.at)
}
