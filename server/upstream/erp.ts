/**
 * The ERPNext REST client. It adds the service token and nothing of the browser's: no cookies,
 * no identity headers. Answers come back as they are (status and body), so Frappe's errors reach
 * the SPA unchanged.
 */
import { $fetch } from 'ofetch'

export interface UpstreamAnswer { status: number; body: string; contentType: string }

export class UpstreamUnreachable extends Error {}

export interface ErpClient {
  /** Sends a request to ERPNext as the service user. `path` starts with /api/. */
  send(method: string, path: string, body?: string): Promise<UpstreamAnswer>
  /** A list read, for the BFF's own needs (technician scope, identity). */
  list<T>(doctype: string, params: { fields: string[]; filters?: unknown[]; limit?: number }): Promise<T[]>
  ping(): Promise<boolean>
}

export function createErpClient(baseUrl: string, token: string, timeoutMs: number): ErpClient {
  async function send(method: string, path: string, body?: string): Promise<UpstreamAnswer> {
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
  }

  return {
    send,
    async list<T>(doctype: string, params: { fields: string[]; filters?: unknown[]; limit?: number }) {
      const q = new URLSearchParams({
        fields: JSON.stringify(params.fields),
        filters: JSON.stringify(params.filters ?? []),
        limit_page_length: String(params.limit ?? 0),
      })
      const answer = await send('GET', `/api/resource/${encodeURIComponent(doctype)}?${q}`)
      if (answer.status !== 200) throw new UpstreamUnreachable(`ERPNext answered ${answer.status} listing ${doctype}`)
      return (JSON.parse(answer.body) as { data: T[] }).data
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
