import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import type { HubEvent } from './events'
import { wantsReply } from './sms'
import { nextEvent, startTestHub, type TestHub } from './testing/harness'

let t: TestHub
beforeEach(async () => {
  t = await startTestHub()
})
afterEach(() => t.close())

const send = (body: unknown, headers?: Record<string, string>) => t.call('POST', '/sms/send', { body, headers })

/** Collects events until `done` says the story is complete. */
function collect(done: (events: HubEvent[]) => boolean): Promise<HubEvent[]> {
  return new Promise((resolve) => {
    const seen: HubEvent[] = []
    const stop = t.hub.events.subscribe((e) => {
      seen.push(e)
      if (done(seen)) {
        stop()
        resolve(seen)
      }
    })
  })
}

describe('POST /sms/send', () => {
  it('queues the message, logs it in ERPNext, then reports sent and delivered', async () => {
    const story = collect((es) =>
      es.some((e) => e.type === 'sms.status' && (e.data as { status: string }).status === 'delivered'),
    )
    const res = await send({ to: '+15145551234', body: 'Votre technicien arrive vers 10 h.', customer: 'CUST-00012' })
    expect(res.status).toBe(202)
    const { sid, status } = (await res.json()) as { sid: string; status: string }
    expect(status).toBe('queued')
    expect(sid).toMatch(/^SM[0-9a-f]{32}$/)

    const [logged] = t.erp.docs('Communication')
    expect(logged).toMatchObject({
      communication_medium: 'SMS',
      sent_or_received: 'Sent',
      content: 'Votre technicien arrive vers 10 h.',
      phone_no: '+15145551234',
      reference_doctype: 'Customer',
      reference_name: 'CUST-00012',
      sender: 'Gigafibre',
      message_id: sid,
      communication_date: '2026-11-27 10:00:00.000000',
    })

    const statuses = (await story).filter((e) => e.type === 'sms.status').map((e) => e.data)
    expect(statuses).toEqual([
      { sid, status: 'sent' },
      { sid, status: 'delivered' },
    ])
    expect(t.erp.docs('Communication').find((c) => c.message_id === sid)!.delivery_status).toBe('delivered')
  })

  it('gets a reply when the message asks for one ("[reply]"), logged as a received Communication', async () => {
    const inbound = nextEvent(t.hub.events, (e) => e.type === 'sms.inbound')
    const res = await send({
      to: '+14505550199',
      body: 'Confirmez-vous le rendez-vous? [reply]',
      customer: 'CUST-00003',
    })
    expect(res.status).toBe(202)
    const { data } = await inbound
    expect(data).toMatchObject({ customer: 'CUST-00003', from: '+14505550199', at: expect.any(String) })
    const body = (data as { body: string }).body
    expect(body.length).toBeGreaterThan(0)
    const received = t.erp.docs('Communication').find((c) => c.sent_or_received === 'Received')!
    expect(received).toMatchObject({
      communication_medium: 'SMS',
      content: body,
      phone_no: '+14505550199',
      reference_name: 'CUST-00003',
    })
  })

  it('replies to about one message in ten', () => {
    const replies = Array.from({ length: 2000 }, () =>
      wantsReply(`SM${randomBytes(16).toString('hex')}`, 'Bonjour'),
    ).filter(Boolean).length
    expect(replies).toBeGreaterThan(120)
    expect(replies).toBeLessThan(280)
  })

  it.each([
    [{ to: '514-555-1234', body: 'x' }, 'INVALID_PHONE'],
    [{ to: '+0145551234', body: 'x' }, 'INVALID_PHONE'],
    [{ body: 'x' }, 'INVALID_PHONE'],
    [{ to: '+15145551234', body: '   ' }, 'EMPTY_BODY'],
    [{ to: '+15145551234', body: 'é'.repeat(1601) }, 'BODY_TOO_LONG'],
    [{ to: '+15145551234', body: 'x', customer: 12 }, 'INVALID_CUSTOMER'],
  ])('refuses %j with 400 %s, logging nothing', async (body, code) => {
    const res = await send(body)
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe(code)
    expect(t.erp.docs('Communication')).toHaveLength(0)
  })

  it('accepts exactly 1,600 characters', async () => {
    expect((await send({ to: '+15145551234', body: 'a'.repeat(1600) })).status).toBe(202)
  })

  it('does not text the customer twice when a retry carries the same Idempotency-Key', async () => {
    const a = await send({ to: '+15145551234', body: 'Bonjour' }, { 'idempotency-key': 'k1' })
    const b = await send({ to: '+15145551234', body: 'Bonjour' }, { 'idempotency-key': 'k1' })
    expect(await b.json()).toEqual(await a.json())
    expect(t.erp.docs('Communication')).toHaveLength(1)
  })

  it('answers 502 when ERPNext cannot log the message', async () => {
    t.erp.failNext({ method: 'POST', doctype: 'Communication' }, 417, 'ValidationError', 'Invalid reference')
    const res = await send({ to: '+15145551234', body: 'Bonjour', customer: 'CUST-404' })
    expect(res.status).toBe(502)
    expect((await res.json()).error).toEqual({
      code: 'UPSTREAM_ERROR',
      message: expect.stringContaining('Invalid reference'),
    })
  })
})
