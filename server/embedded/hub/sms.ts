import { randomBytes } from 'node:crypto'
import type { H3 } from 'h3'
import type { Communication } from '../../../src/contracts/doctypes'
import { toFrappeDatetime } from '../../../src/contracts/frappeTime'
import type { ErpClient } from './erp'
import { badRequest, readJsonObject } from './errors'
import type { HubEventLog } from './events'
import { applyFaults, type FaultPlan } from './faults'
import { IdempotencyStore, answerResponse, idempotencyKey, settle } from './idempotency'
import { hashString } from './devices/simulate'

/**
 * `POST /sms/send` — a stand-in for the SMS gateway. The message is logged in ERPNext as a
 * Communication (the customer's timeline), then "delivered": `sms.status` sent → delivered, each
 * step also written to the Communication. About one message in ten gets a reply from the customer
 * (always when the body contains "[reply]", so tests are deterministic).
 */

export const E164 = /^\+[1-9]\d{7,14}$/
export const MAX_SMS_LENGTH = 1600
const SENDER = 'Gigafibre'
export const REPLY_MARKER = '[reply]'
const REPLIES = [
  'Merci!',
  'Oui, je serai là',
  'Parfait, merci beaucoup',
  'Ok',
  'Est-ce possible plus tard en après-midi?',
  'Merci, bonne journée!',
]

export interface SmsDeps {
  erp: ErpClient
  events: HubEventLog
  faults: FaultPlan
  now: () => Date
  /** Gap between queued → sent → delivered; the fault plan's `sms.delay` overrides it. */
  stepMs: number
}

export interface SmsSender {
  /** Cancels the deliveries still pending (hub shutting down). */
  close(): void
}

export function validateSms(body: Record<string, unknown>): { to: string; text: string; customer: string | null } {
  const to = typeof body.to === 'string' ? body.to.trim() : ''
  if (!E164.test(to)) throw badRequest('INVALID_PHONE', `"to" must be an E.164 phone number such as +15145551234`)
  if (typeof body.body !== 'string' || body.body.trim() === '')
    throw badRequest('EMPTY_BODY', 'The message body is empty')
  const length = [...body.body].length
  if (length > MAX_SMS_LENGTH)
    throw badRequest('BODY_TOO_LONG', `The message is ${length} characters; the limit is ${MAX_SMS_LENGTH}`)
  if (body.customer !== undefined && body.customer !== null && typeof body.customer !== 'string') {
    throw badRequest('INVALID_CUSTOMER', '"customer" must be a Customer name such as CUST-00012')
  }
  const customer = typeof body.customer === 'string' && body.customer.trim() ? body.customer.trim() : null
  return { to, text: body.body, customer }
}

/** About one customer in ten answers; "[reply]" in the text forces it (deterministic tests). */
export function wantsReply(sid: string, text: string): boolean {
  return text.includes(REPLY_MARKER) || hashString(sid) % 10 === 0
}

export function registerSmsRoutes(app: H3, deps: SmsDeps): SmsSender {
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const idempotency = new IdempotencyStore()
  let closed = false

  const later = (ms: number, task: () => Promise<void>) => {
    if (closed) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      // The pipeline runs after the answer was sent: its failures are logged, never thrown.
      task().catch((err: unknown) => console.error('[hub] sms pipeline:', err instanceof Error ? err.message : err))
    }, ms)
    timers.add(timer)
  }

  const stepMs = () => deps.faults.get('sms').delayMs || deps.stepMs

  function deliver(sid: string, commName: string, msg: { to: string; text: string; customer: string | null }): void {
    const step = stepMs()
    const setStatus = async (status: string) => {
      try {
        await deps.erp.update('Communication', commName, { delivery_status: status })
      } finally {
        // The receipt happened whether or not the timeline could be updated.
        deps.events.publish('sms.status', { sid, status })
      }
    }
    later(step, () => setStatus('sent'))
    later(2 * step, () => setStatus('delivered'))
    if (wantsReply(sid, msg.text)) later(Math.round(4.5 * step), () => receiveReply(sid, msg))
  }

  async function receiveReply(sid: string, msg: { to: string; customer: string | null }): Promise<void> {
    const body = REPLIES[hashString(`reply:${sid}`) % REPLIES.length]
    const at = deps.now()
    try {
      await deps.erp.insert<Communication>('Communication', {
        communication_medium: 'SMS',
        sent_or_received: 'Received',
        content: body,
        phone_no: msg.to,
        ...(msg.customer ? { reference_doctype: 'Customer', reference_name: msg.customer } : {}),
        sender: msg.to,
        communication_date: toFrappeDatetime(at),
        message_id: `${sid}-R`,
        delivery_status: 'received',
      })
    } finally {
      deps.events.publish('sms.inbound', { customer: msg.customer, from: msg.to, body, at: at.toISOString() })
    }
  }

  app.post('/sms/send', async (event) => {
    // sms.delay is the pipeline step (see faults.ts), not a delay of this answer.
    await applyFaults(deps.faults, 'sms', { ignoreDelay: true })
    const input = await readJsonObject(event.req)
    const answer = await idempotency.run(idempotencyKey(event.req, 'sms'), () =>
      settle(async () => {
        const msg = validateSms(input)
        const sid = `SM${randomBytes(16).toString('hex')}`
        const comm = await deps.erp.insert<Communication>('Communication', {
          communication_medium: 'SMS',
          sent_or_received: 'Sent',
          content: msg.text,
          phone_no: msg.to,
          ...(msg.customer ? { reference_doctype: 'Customer', reference_name: msg.customer } : {}),
          sender: SENDER,
          communication_date: toFrappeDatetime(deps.now()),
          message_id: sid,
          delivery_status: 'queued',
        })
        deliver(sid, comm.name, msg)
        return { status: 202, body: { sid, status: 'queued' } }
      }),
    )
    return answerResponse(answer)
  })

  return {
    close() {
      closed = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}
