import { createHub, type Hub, type HubOptions } from '../index'
import type { HubEvent, HubEventLog } from '../events'
import { startFakeErp, type FakeErp } from './fakeErp'

/** A hub over a fresh fake ERPNext, with a settable clock and short timings. */
export interface TestHub {
  hub: Hub
  erp: FakeErp
  clock: { now: Date }
  call(
    method: string,
    path: string,
    init?: { body?: unknown; headers?: Record<string, string>; token?: string | null },
  ): Promise<Response>
  close(): Promise<void>
}

export const TEST_HUB_TOKEN = 'test-hub-token'

export async function startTestHub(opts: Partial<HubOptions> = {}): Promise<TestHub> {
  const clock = { now: new Date('2026-11-27T15:00:00Z') }
  const erp = await startFakeErp({ now: () => clock.now })
  const hub = createHub({
    erpUrl: erp.url,
    erpToken: erp.token,
    hubToken: TEST_HUB_TOKEN,
    dataDir: null,
    now: () => clock.now,
    testHooks: true,
    ...opts,
    timing: { smsStepMs: 5, deviceTimeoutMs: 30, erpTimeoutMs: 1000, ...opts.timing },
  })
  return {
    hub,
    erp,
    clock,
    call(method, path, init = {}) {
      const headers = new Headers(init.headers)
      if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? TEST_HUB_TOKEN}`)
      let body: BodyInit | undefined
      if (init.body instanceof FormData || typeof init.body === 'string') body = init.body
      else if (init.body !== undefined) {
        body = JSON.stringify(init.body)
        if (!headers.has('content-type')) headers.set('content-type', 'application/json')
      }
      return Promise.resolve(hub.app.fetch(new Request(`http://hub.test${path}`, { method, headers, body })))
    },
    async close() {
      hub.close()
      await erp.close()
    },
  }
}

/** Resolves with the first event matching `predicate` published from now on. */
export function nextEvent(log: HubEventLog, predicate: (e: HubEvent) => boolean, timeoutMs = 5000): Promise<HubEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop()
      reject(new Error('timed out waiting for a hub event'))
    }, timeoutMs)
    const stop = log.subscribe((e) => {
      if (!predicate(e)) return
      clearTimeout(timer)
      stop()
      resolve(e)
    })
  })
}

export interface SseMessage {
  id: number
  event: string
  data: unknown
}

/** Reads an SSE body until `count` events arrived (comments skipped), then stops reading. */
export async function readSse(res: Response, count: number, timeoutMs = 5000): Promise<SseMessage[]> {
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  const out: SseMessage[] = []
  let buffer = ''
  const timer = setTimeout(() => {
    void reader.cancel()
  }, timeoutMs)
  try {
    while (out.length < count) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        const fields = new Map<string, string>()
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue
          const i = line.indexOf(': ')
          if (i > 0) fields.set(line.slice(0, i), line.slice(i + 2))
        }
        if (fields.has('id') && fields.has('event')) {
          out.push({
            id: Number(fields.get('id')),
            event: fields.get('event')!,
            data: JSON.parse(fields.get('data') ?? 'null'),
          })
        }
      }
    }
  } finally {
    clearTimeout(timer)
    await reader.cancel().catch(() => {})
  }
  return out
}
