/**
 * A small client for the embedded ERPNext's tests: requests go through `app.fetch`, no port.
 */
import { createErpnext, type Erpnext, type ErpnextOptions } from './index'

export const TEST_TOKEN = 'test-key:test-secret'
/** 2026-03-10 10:00 in Toronto (EDT starts 2026-03-08). */
export const TEST_NOW = new Date('2026-03-10T14:00:00Z')

export interface Answer<T = unknown> {
  status: number
  body: T & { exc_type?: string; exception?: string; _server_messages?: string }
}

export interface TestErp extends Erpnext {
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Answer<T>>
  get<T = unknown>(path: string): Promise<Answer<T>>
  post<T = unknown>(path: string, body: unknown): Promise<Answer<T>>
  put<T = unknown>(path: string, body: unknown): Promise<Answer<T>>
  del<T = unknown>(path: string): Promise<Answer<T>>
  /** Inserts through the REST route and returns the stored document. */
  create(doctype: string, doc: Record<string, unknown>): Promise<Record<string, unknown>>
}

export function testErp(opts: Partial<ErpnextOptions> = {}): TestErp {
  const erp = createErpnext({ dataDir: null, token: TEST_TOKEN, seedProfile: 'none', now: () => TEST_NOW, ...opts })
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    const res = await erp.app.fetch(
      new Request(`http://erp.test${path}`, {
        method,
        headers: { authorization: `token ${TEST_TOKEN}`, 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      }),
    )
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Answer<T>['body'] }
  }
  return {
    ...erp,
    request,
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    put: (path, body) => request('PUT', path, body),
    del: (path) => request('DELETE', path),
    async create(doctype, doc) {
      const answer = await request<{ data: Record<string, unknown> }>(
        'POST',
        `/api/resource/${encodeURIComponent(doctype)}`,
        doc,
      )
      if (answer.status !== 200)
        throw new Error(`create ${doctype} failed: ${answer.status} ${JSON.stringify(answer.body)}`)
      return answer.body.data
    },
  }
}

/** `?fields=…&filters=…` with JSON-encoded values, as Frappe clients send them. */
export function query(params: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) q.set(k, typeof v === 'string' ? v : JSON.stringify(v))
  return `?${q}`
}

/** The human message inside `_server_messages`. */
export function serverMessage(body: { _server_messages?: string }): string {
  const list = JSON.parse(body._server_messages ?? '[]') as string[]
  return list.map((m) => (JSON.parse(m) as { message: string }).message).join('\n')
}
