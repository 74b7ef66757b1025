/**
 * The ERPNext REST client. It adds the service token and nothing of the browser's: no cookies,
 * no identity headers. `send` passes an answer on as it came (the pass-through relays it); the
 * typed calls parse it once, here at the edge, and turn failures into errors with a meaning:
 * ErpRefused (ERPNext said no: 4xx with its exc_type) or UpstreamUnreachable (no answer, or 5xx).
 */
import { $fetch } from 'ofetch'
import { parseJsonObject } from '../../src/contracts/json'

export interface UpstreamAnswer {
  status: number
  body: string
  contentType: string
}

export class UpstreamUnreachable extends Error {}

/** ERPNext refused a call: its status and Frappe's exc_type (e.g. TimestampMismatchError). */
export class ErpRefused extends Error {
  constructor(
    readonly status: number,
    readonly excType: string,
    message: string,
  ) {
    super(message)
  }
}

export interface ListParams {
  fields: string[]
  filters?: unknown[]
  orFilters?: unknown[]
  orderBy?: string
  /** Rows at most; 0 or absent means all of them. */
  limit?: number
  start?: number
}

export type ErpSend = (method: string, path: string, body?: string) => Promise<UpstreamAnswer>

export interface ErpClient {
  /** Sends a request to ERPNext as the service user and returns the answer as it came. `path` starts with /api/. */
  send: ErpSend
  list<T>(doctype: string, params: ListParams): Promise<T[]>
  /** One document, or null when it does not exist. */
  get<T>(doctype: string, name: string): Promise<T | null>
  insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T>
  /** Pass `modified` in `changes` to have a stale write refused (TimestampMismatchError). */
  update<T>(doctype: string, name: string, changes: Record<string, unknown>): Promise<T>
  remove(doctype: string, name: string): Promise<void>
  ping(): Promise<boolean>
}

const resourcePath = (doctype: string, name?: string) =>
  `/api/resource/${encodeURIComponent(doctype)}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`

/** The `data` of a successful answer; a refusal or an outage as the error that says which. */
export function erpData<T>(answer: UpstreamAnswer, what: string): T {
  const body = parseJsonObject(answer.body)
  if (answer.status >= 200 && answer.status < 300 && body && 'data' in body) return body.data as T
  if (answer.status >= 400 && answer.status < 500) {
    const excType = typeof body?.exc_type === 'string' ? body.exc_type : `HTTP_${answer.status}`
    throw new ErpRefused(answer.status, excType, `ERPNext refused ${what} (${answer.status} ${excType})`)
  }
  throw new UpstreamUnreachable(`ERPNext answered ${answer.status} for ${what}`)
}

/** The typed calls over any `send`: the real HTTP one, or a test's stand-in. */
export function erpClientOver(send: ErpSend): ErpClient {
  return {
    send,
    async list<T>(doctype: string, p: ListParams) {
      const q = new URLSearchParams({
        fields: JSON.stringify(p.fields),
        filters: JSON.stringify(p.filters ?? []),
        limit_page_length: String(p.limit ?? 0),
      })
      if (p.orFilters) q.set('or_filters', JSON.stringify(p.orFilters))
      if (p.orderBy) q.set('order_by', p.orderBy)
      if (p.start) q.set('limit_start', String(p.start))
      return erpData<T[]>(await send('GET', `${resourcePath(doctype)}?${q}`), `the list of ${doctype}`)
    },
    async get<T>(doctype: string, name: string) {
      const answer = await send('GET', resourcePath(doctype, name))
      return answer.status === 404 ? null : erpData<T>(answer, `${doctype} ${name}`)
    },
    async insert<T>(doctype: string, doc: Record<string, unknown>) {
      return erpData<T>(await send('POST', resourcePath(doctype), JSON.stringify(doc)), `a new ${doctype}`)
    },
    async update<T>(doctype: string, name: string, changes: Record<string, unknown>) {
      return erpData<T>(await send('PUT', resourcePath(doctype, name), JSON.stringify(changes)), `${doctype} ${name}`)
    },
    async remove(doctype: string, name: string) {
      const answer = await send('DELETE', resourcePath(doctype, name))
      if (answer.status !== 202 && answer.status !== 200) erpData(answer, `${doctype} ${name}`)
    },
    async ping() {
      try {
        return (await send('GET', '/api/method/ping')).status === 200
      } catch {
        return false
      }
    },
  }
}

export function createErpClient(baseUrl: string, token: string, timeoutMs: number): ErpClient {
  return erpClientOver(async (method, path, body) => {
    try {
      const res = await $fetch.raw<string, 'text'>(baseUrl + path, {
        method: method as 'GET',
        body,
        headers: {
          authorization: `token ${token}`,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        responseType: 'text',
        ignoreResponseError: true,
        retry: 0,
        timeout: timeoutMs,
      })
      return {
        status: res.status,
        body: res._data ?? '',
        contentType: res.headers.get('content-type') ?? 'application/json',
      }
    } catch (err) {
      throw new UpstreamUnreachable(err instanceof Error ? err.message : String(err))
    }
  })
}
