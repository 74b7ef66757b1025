import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { startHub } from '../embedded/hub/index'
import { noHub, recordingErp, ok, STAFF, staffRequest, testConfig } from '../testing'
import { createHubClient } from '../upstream/hub'
import { createMemoryBus, type BusEvent } from './bus'
import { bridgeHubEvents } from './hubBridge'

/** Reads SSE blocks from a response until `count` events of the wanted types arrived. */
async function readEvents(
  res: Response,
  count: number,
  types: string[],
): Promise<{ id: string; type: string; data: unknown }[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
  const out: { id: string; type: string; data: unknown }[] = []
  let buffer = ''
  while (out.length < count) {
    const { done, value } = await reader.read()
    if (done) break
    buffer += value
    let cut: number
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut)
      buffer = buffer.slice(cut + 2)
      const field = (name: string) =>
        block
          .split('\n')
          .find((l) => l.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim()
      const type = field('event')
      if (type && types.includes(type)) out.push({ id: field('id')!, type, data: JSON.parse(field('data')!) })
    }
  }
  await reader.cancel()
  return out
}

describe('live events to the browser', () => {
  it('resumes after Last-Event-ID with exactly the missed events', async () => {
    const bus = createMemoryBus(100, 7)
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub, bus })
    for (let i = 1; i <= 5; i++) bus.publish('doc_update', { doctype: 'Dispatch Job', name: `DJ-${i}` })
    const res = await app.fetch(
      staffRequest('/ops/api/events', STAFF.dispatcher, { headers: { 'last-event-id': '7-3' } }),
    )
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const events = await readEvents(res, 2, ['doc_update'])
    expect(events.map((e) => e.id)).toEqual(['7-4', '7-5'])
  })

  it('asks the page to reload when the missed events are no longer kept', async () => {
    const bus = createMemoryBus(3, 7)
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub, bus })
    for (let i = 1; i <= 10; i++) bus.publish('doc_update', { name: `DJ-${i}` })
    const res = await app.fetch(
      staffRequest('/ops/api/events', STAFF.dispatcher, { headers: { 'last-event-id': '7-2' } }),
    )
    const [resync] = await readEvents(res, 1, ['resync'])
    expect(resync.type).toBe('resync')
  })

  it('asks a page that saw events before a restart to reload, even once as many events were published since', async () => {
    const before = createMemoryBus(100, 7)
    before.publish('doc_update', { name: 'DJ-1' })
    const seen = await before.lastId()
    // The process restarts and publishes again: its ids never pass for the old process's.
    const bus = createMemoryBus(100, 8)
    for (let i = 1; i <= 5; i++) bus.publish('doc_update', { name: `DJ-${i}` })
    expect(await bus.since(seen)).toBeNull()
    expect(await bus.since('2')).toBeNull()
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub, bus })
    const res = await app.fetch(
      staffRequest('/ops/api/events', STAFF.dispatcher, { headers: { 'last-event-id': seen } }),
    )
    const [resync] = await readEvents(res, 1, ['resync'])
    expect(resync.id).toBe('8-5')
  })

  it('keeps SMS content from staff who cannot read customer files', async () => {
    const bus = createMemoryBus(100, 7)
    // The technician's own job DJ-1 is at CUST-00001: even then, the customer's texts are not theirs to read.
    const erp = recordingErp((call) =>
      ok({
        data: call.path.startsWith('/api/resource/Technician?')
          ? [{ name: 'TECH-001' }]
          : call.path.startsWith('/api/resource/Dispatch%20Job?')
            ? [{ name: 'DJ-1', customer: 'CUST-00001', service_location: 'LOC-00001' }]
            : [],
      }),
    )
    const app = createApp(testConfig(), { erp, hub: noHub, bus })
    bus.publish('sms.inbound', { customer: 'CUST-00001', body: 'Oui' })
    bus.publish('doc_update', { doctype: 'Dispatch Job', name: 'DJ-1' })
    const res = await app.fetch(staffRequest('/ops/api/events', STAFF.tech, { headers: { 'last-event-id': '7-0' } }))
    const events = await readEvents(res, 1, ['doc_update', 'sms.inbound'])
    expect(events.map((e) => e.type)).toEqual(['doc_update'])
  })

  it('refuses the stream without a signed-in user', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    expect((await app.fetch(staffRequest('/ops/api/events', null))).status).toBe(401)
  })
})

describe('hub events bridged into the BFF', () => {
  const closers: (() => unknown)[] = []
  afterEach(async () => {
    for (const c of closers.splice(0)) await c()
  })

  it('carries hub events onto the bus, and resumes after a break with Last-Event-ID', async () => {
    const started = await startHub({
      erpUrl: 'http://127.0.0.1:9',
      erpToken: 'k:s',
      hubToken: 'hub-secret',
      dataDir: null,
      testHooks: true,
      port: 0,
    })
    closers.push(started.close)
    // A relay in front of the hub that can cut the stream, as a network blip would.
    const sockets = new Set<import('node:net').Socket>()
    const relay = createServer((req, res) => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([k]) => k === 'authorization' || k === 'last-event-id' || k === 'accept'),
      ) as Record<string, string>
      lastIds.push(headers['last-event-id'] ?? null)
      fetch(started.url + req.url, { headers })
        .then(async (up) => {
          res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'text/plain' })
          for await (const chunk of up.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk)
        })
        .catch(() => res.destroy())
    })
    relay.on('connection', (s) => {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
    })
    const lastIds: (string | null)[] = []
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r))
    closers.push(() => {
      relay.closeAllConnections()
      relay.close()
    })

    const bus = createMemoryBus()
    const seen: BusEvent[] = []
    bus.subscribe((e) => seen.push(e))
    let connections = 0
    const waitFor = (cond: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (cond() ? resolve() : setTimeout(check, 5))
        check()
      })
    const hub = createHubClient(`http://127.0.0.1:${(relay.address() as AddressInfo).port}`, 'hub-secret', 2_000)
    const bridge = bridgeHubEvents(hub, bus, { log: () => undefined, onConnected: () => connections++ })
    closers.push(() => bridge.stop())
    await waitFor(() => connections === 1)

    started.hub.events.publish('job.updated', { name: 'DJ-2026-00001', modified: 'a' })
    await waitFor(() => seen.length === 1)
    for (const s of sockets) s.destroy()
    started.hub.events.publish('sms.status', { sid: 'SM1', status: 'delivered' })
    await waitFor(() => seen.length === 2)

    expect(seen.map((e) => e.type)).toEqual(['job.updated', 'sms.status'])
    expect(connections).toBe(2)
    expect(lastIds[1]).toMatch(/^\d+$/)
  })
})
