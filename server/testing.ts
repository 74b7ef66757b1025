/**
 * Helpers for BFF tests: requests from a chosen TCP peer, staff identities as Authentik sends them,
 * and an ERPNext stand-in that records what reached it.
 */
import { loadConfig, type Config, type Env } from './config'
import { erpClientOver, type ErpClient, type UpstreamAnswer } from './upstream/erp'
import type { HubClient } from './upstream/hub'

export const LOOPBACK = '127.0.0.1'

export function testConfig(env: Env = {}): Config {
  return loadConfig({ DATA_DIR: '', ...env }, { spaDir: 'dist/spa' })
}

export const STAFF = {
  admin: { email: 'sophie.lavoie@gigafibre.ca', groups: 'ops-admin' },
  dispatcher: { email: 'marc.bouchard@gigafibre.ca', groups: 'ops-dispatch' },
  csr: { email: 'isabelle.roy@gigafibre.ca', groups: 'ops-csr' },
  tech: { email: 'julien.gagnon@gigafibre.ca', groups: 'ops-tech' },
} as const

/** A request as Traefik would forward it after Authentik: identity headers, from a given peer. */
export function staffRequest(
  url: string,
  who: { email: string; groups: string } | null,
  init: RequestInit & { peer?: string } = {},
): Request {
  const headers = new Headers(init.headers)
  if (who) {
    headers.set('x-authentik-email', who.email)
    headers.set('x-authentik-username', who.email.split('@')[0])
    headers.set('x-authentik-name', who.email.split('@')[0].replace('.', ' '))
    headers.set('x-authentik-groups', who.groups)
  }
  // As the SPA sends them from a browser: writes say they are same-origin, JSON bodies say so.
  if (!headers.has('sec-fetch-site') && !headers.has('origin')) headers.set('sec-fetch-site', 'same-origin')
  if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json')
  const req = new Request(new URL(url, 'http://ops.test'), { ...init, headers })
  Object.defineProperty(req, 'ip', { value: init.peer ?? LOOPBACK })
  return req
}

export interface RecordedCall {
  method: string
  path: string
  body?: string
}

/** An ERPNext that answers from a function and records every call the BFF made. */
export function recordingErp(
  answer: (call: RecordedCall) => UpstreamAnswer | Promise<UpstreamAnswer>,
): ErpClient & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = []
  const client = erpClientOver(async (method, path, body) => {
    const call = body === undefined ? { method, path } : { method, path, body }
    calls.push(call)
    return answer(call)
  })
  return { ...client, calls, ping: async () => true }
}

/** The BFF's ERPNext client talking to an in-memory embedded ERPNext (its app.fetch), with a test token. */
export function inProcessErp(erp: { app: { fetch(req: Request): Response | Promise<Response> } }): ErpClient {
  return erpClientOver(async (method, path, body) => {
    const res = await erp.app.fetch(
      new Request(`http://erp.test${path}`, {
        method,
        body,
        headers: { authorization: 'token test-key:test-secret', 'content-type': 'application/json' },
      }),
    )
    return {
      status: res.status,
      body: await res.text(),
      contentType: res.headers.get('content-type') ?? 'application/json',
    }
  })
}

export const ok = (body: unknown, status = 200): UpstreamAnswer => ({
  status,
  body: JSON.stringify(body),
  contentType: 'application/json',
})

export const noHub: HubClient = {
  baseUrl: 'http://hub.invalid',
  token: 'unused',
  send: async () => ({
    status: 404,
    body: '{"error":{"code":"NOT_FOUND","message":"none"}}',
    contentType: 'application/json',
  }),
  json: async () => ({ status: 404, data: null }),
}

/** A free TCP port on loopback, for a server a test starts. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net')
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Debian's redis-server on a free port, without persistence (installed by .ci/run). */
export async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const { spawn } = await import('node:child_process')
  const port = await freePort()
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    redis.once('error', reject)
    redis.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve())
  })
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill() }
}
