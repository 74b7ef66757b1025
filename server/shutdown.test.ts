/**
 * A replica restarted under load: SIGTERM arrives while a browser listens to its event stream
 * and a write is in flight. The write completes, the stream ends with a retry hint, the process
 * exits within 10 s, and the browser, resuming on a second replica (through a real redis-server)
 * from its Last-Event-ID, receives every event exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, request, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ERP_TOKEN, startErpnext } from './embedded/erpnext/index'
import { DEMO_HUB_TOKEN, startHub } from './embedded/hub/index'
import { freePort, STAFF, startRedis } from './testing'

const HEADERS = {
  'x-authentik-email': STAFF.admin.email,
  'x-authentik-username': 'sophie.lavoie',
  'x-authentik-name': 'Sophie Lavoie',
  'x-authentik-groups': STAFF.admin.groups,
}

let redis: { url: string; stop: () => void }
let erpnext: { url: string; close(): Promise<void> }
let hub: { url: string; close(): Promise<void> }
/** In front of ERPNext: writes take 1.5 s, so one is still in flight when SIGTERM comes. */
let slowProxy: Server
let slowUrl = ''
const children: ChildProcess[] = []

async function replica(): Promise<{ url: string; child: ChildProcess; exited: Promise<number | null> }> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      ERP_URL: slowUrl,
      ERP_TOKEN: DEMO_ERP_TOKEN,
      HUB_URL: hub.url,
      HUB_TOKEN: DEMO_HUB_TOKEN,
      TRUSTED_PROXIES: '127.0.0.1',
      REDIS_URL: redis.url,
      DATA_DIR: '',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  children.push(child)
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 240; i++) {
    const up = await fetch(`${url}/ops/healthz`).then(
      (r) => r.ok,
      () => false,
    )
    if (up) return { url, child, exited }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error('the replica did not start')
}

interface Received {
  id: string
  type: string
  data: Record<string, unknown>
}

/** An EventSource as a browser runs it: collects events, notes the retry hint and the end. */
function listen(url: string, lastEventId?: string) {
  const events: Received[] = []
  let retry: number | null = null
  let resolveEnd!: () => void
  const ended = new Promise<void>((r) => (resolveEnd = r))
  const req = request(`${url}/ops/api/events`, {
    headers: { ...HEADERS, accept: 'text/event-stream', ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  })
  req.on('response', (res) => {
    let buffer = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      buffer += chunk
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut).split('\n')
        buffer = buffer.slice(cut + 2)
        const field = (n: string) => block.find((l) => l.startsWith(`${n}: `))?.slice(n.length + 2)
        if (field('retry') !== undefined) retry = Number(field('retry'))
        const id = field('id')
        const type = field('event')
        if (id !== undefined && type)
          events.push({ id, type, data: JSON.parse(field('data') ?? '{}') as Record<string, unknown> })
      }
    })
    res.on('end', resolveEnd)
    res.on('close', resolveEnd)
  })
  req.on('error', resolveEnd)
  req.end()
  return {
    events,
    ended,
    retry: () => retry,
    close: () => req.destroy(),
    lastId: () => events.at(-1)?.id,
  }
}

async function until(check: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}

const write = (url: string, subject: string) =>
  fetch(`${url}/ops/api/erp/resource/Issue`, {
    method: 'POST',
    headers: { ...HEADERS, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ subject }),
  })

beforeAll(async () => {
  redis = await startRedis()
  erpnext = await startErpnext({ dataDir: null, token: DEMO_ERP_TOKEN, seedProfile: 'none', port: 0 })
  hub = await startHub({
    erpUrl: erpnext.url,
    erpToken: DEMO_ERP_TOKEN,
    hubToken: DEMO_HUB_TOKEN,
    dataDir: null,
    port: 0,
  })
  const target = new URL(erpnext.url)
  slowProxy = createServer((req, res) => {
    const forward = () => {
      const up = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      req.pipe(up)
    }
    if (req.method === 'POST' && req.url?.startsWith('/api/resource/')) setTimeout(forward, 1_500)
    else forward()
  })
  const port = await freePort()
  await new Promise<void>((r) => slowProxy.listen(port, '127.0.0.1', r))
  slowUrl = `http://127.0.0.1:${port}`
}, 60_000)

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
  slowProxy?.close()
  await hub?.close()
  await erpnext?.close()
  redis?.stop()
})

describe('SIGTERM on a replica', () => {
  it('finishes the write, ends the stream with a retry hint, and the browser resumes on the other replica missing nothing', async () => {
    const [a, b] = await Promise.all([replica(), replica()])
    const stream = listen(a.url)
    await until(() => stream.events.some((e) => e.type === 'hello'))

    expect((await write(a.url, 'Avant le redémarrage')).status).toBe(200)
    await until(() => stream.events.some((e) => e.data.action === 'create'))

    const inFlight = write(a.url, 'Pendant le redémarrage')
    await new Promise((r) => setTimeout(r, 300))
    const signalled = Date.now()
    a.child.kill('SIGTERM')

    const answer = await inFlight
    expect(answer.status).toBe(200)
    const saved = ((await answer.json()) as { data: { name: string } }).data.name
    await stream.ended
    expect(stream.retry()).toBeGreaterThanOrEqual(250)
    expect(await a.exited).toBe(0)
    expect(Date.now() - signalled).toBeLessThan(10_000)

    // While the browser waits out its retry, another write lands on the surviving replica.
    const afterSaved = ((await (await write(b.url, 'Après le redémarrage')).json()) as { data: { name: string } }).data
      .name

    const resumed = listen(b.url, stream.lastId())
    await until(() => resumed.events.some((e) => e.data.name === afterSaved))
    await new Promise((r) => setTimeout(r, 300))
    resumed.close()

    const all = [...stream.events, ...resumed.events].filter((e) => e.type === 'doc_update')
    const names = all.map((e) => e.data.name)
    expect(names).toContain(saved)
    expect(names).toContain(afterSaved)
    expect(new Set(names).size).toBe(names.length) // each once
    expect(names).toHaveLength(3)
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length)
  }, 90_000)
})
