/**
 * Helpers for BFF tests: requests from a chosen TCP peer, staff identities as Authentik sends them,
 * and an ERPNext stand-in that records what reached it.
 */
import { loadConfig, type Config, type Env } from './config'
import type { ErpClient, UpstreamAnswer } from './upstream/erp'
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
export function staffRequest(url: string, who: { email: string; groups: string } | null, init: RequestInit & { peer?: string } = {}): Request {
  const headers = new Headers(init.headers)
  if (who) {
    headers.set('x-authentik-email', who.email)
    headers.set('x-authentik-username', who.email.split('@')[0])
    headers.set('x-authentik-name', who.email.split('@')[0].replace('.', ' '))
    headers.set('x-authentik-groups', who.groups)
  }
  const req = new Request(new URL(url, 'http://ops.test'), { ...init, headers })
  Object.defineProperty(req, 'ip', { value: init.peer ?? LOOPBACK })
  return req
}

export interface RecordedCall { method: string; path: string; body?: string }

/** An ERPNext that answers from a function and records every call the BFF made. */
export function recordingErp(answer: (call: RecordedCall) => UpstreamAnswer | Promise<UpstreamAnswer>): ErpClient & { calls: RecordedCall[] } {
  const calls: RecordedCall[] = []
  return {
    calls,
    async send(method, path, body) {
      const call = { method, path, body }
      calls.push(call)
      return answer(call)
    },
    async list<T>(doctype: string, params: { fields: string[]; filters?: unknown[] }) {
      const q = new URLSearchParams({ fields: JSON.stringify(params.fields), filters: JSON.stringify(params.filters ?? []) })
      const a = await answer({ method: 'GET', path: `/api/resource/${encodeURIComponent(doctype)}?${q}` })
      return (JSON.parse(a.body) as { data: T[] }).data
    },
    ping: async () => true,
  }
}

export const ok = (body: unknown, status = 200): UpstreamAnswer => ({ status, body: JSON.stringify(body), contentType: 'application/json' })

export const noHub: HubClient = {
  baseUrl: 'http://hub.invalid',
  token: 'unused',
  send: async () => ({ status: 404, body: '{"error":{"code":"NOT_FOUND","message":"none"}}', contentType: 'application/json' }),
  json: async () => ({ status: 404, data: null }),
}
