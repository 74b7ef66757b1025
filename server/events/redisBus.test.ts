/**
 * Two BFF replicas sharing one Redis: a write on one reaches browsers on the other, and a browser
 * resumes on either with the ids it saw. Needs Debian's redis-server (installed by .ci/run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { noHub, ok, recordingErp, STAFF, staffRequest, startRedis, testConfig } from '../testing'
import type { EventBus } from './bus'
import { createRedisBus } from './redisBus'

let redis: { url: string; stop: () => void }
let url: string
const buses: EventBus[] = []

beforeAll(async () => {
  redis = await startRedis()
  url = redis.url
})
afterAll(async () => {
  for (const b of buses) await b.close()
  redis?.stop()
})

async function replica() {
  const bus = await createRedisBus(url, () => undefined)
  buses.push(bus)
  const erp = recordingErp(() => ok({ data: { name: 'ISS-2026-00042', modified: '2026-11-27 10:00:00.000000' } }))
  return createApp(testConfig(), { erp, hub: noHub, bus })
}

async function firstEvent(res: Response, type: string): Promise<{ id: string; data: unknown }> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) throw new Error('stream ended')
    buffer += value
    for (const block of buffer.split('\n\n')) {
      const lines = block.split('\n')
      if (lines.includes(`event: ${type}`)) {
        await reader.cancel()
        const field = (n: string) => lines.find((l) => l.startsWith(`${n}: `))!.slice(n.length + 2)
        return { id: field('id'), data: JSON.parse(field('data')) }
      }
    }
  }
}

describe('events across replicas through Redis', () => {
  it('delivers a write made on one replica to a browser connected to the other, and resumes there', async () => {
    const a = await replica()
    const b = await replica()
    const live = await b.fetch(staffRequest('/ops/api/events', STAFF.dispatcher))
    const hello = await firstEvent(live.clone(), 'hello')
    const arriving = firstEvent(live, 'doc_update')
    await a.fetch(
      staffRequest('/ops/api/erp/resource/Issue', STAFF.csr, { method: 'POST', body: '{"subject":"Pas de signal"}' }),
    )
    const got = await arriving
    expect(got.data).toMatchObject({ doctype: 'Issue', name: 'ISS-2026-00042' })

    // A browser that saw only `hello` comes back on replica A: it gets the write it missed.
    const resumed = await a.fetch(
      staffRequest('/ops/api/events', STAFF.dispatcher, { headers: { 'last-event-id': hello.id } }),
    )
    const replayed = await firstEvent(resumed, 'doc_update')
    expect(replayed.id).toBe(got.id)
  })
})
