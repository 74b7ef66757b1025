import { ofetch, FetchError, type FetchOptions } from 'ofetch'
import { HubError } from './errors'

/**
 * The small ERPNext REST v1 client the hub uses — the same calls it would make against a real
 * Frappe site (token auth, `/api/resource/...`). Every call has a timeout; every failure becomes a
 * 502 `UPSTREAM_ERROR` the BFF can show, carrying ERPNext's `exc_type` so callers can tell
 * "not found" from "down".
 */

export class UpstreamError extends HubError {
  constructor(
    message: string,
    /** ERPNext's HTTP status, or null when it did not answer (timeout, refused). */
    readonly upstreamStatus: number | null,
    readonly excType: string | null,
  ) {
    super(502, 'UPSTREAM_ERROR', message)
  }
}

export type FrappeFilter = [string, string, unknown] | [string, string, string, unknown]

export interface ListOptions {
  fields?: string[]
  filters?: FrappeFilter[] | Record<string, unknown>
  orderBy?: string
  /** 0 = all rows (Frappe's default page is 20). */
  limit?: number
}

export interface ErpClientOptions {
  url: string
  token: string
  timeoutMs?: number
}

interface FrappeErrorBody {
  exc_type?: string
  exception?: string
  _server_messages?: string
  message?: string
}

/** The human part of a Frappe error body: the first server message, else the exception text. */
function frappeMessage(body: FrappeErrorBody | undefined): string | null {
  if (!body || typeof body !== 'object') return null
  if (typeof body._server_messages === 'string') {
    try {
      const list = JSON.parse(body._server_messages) as unknown
      if (Array.isArray(list) && typeof list[0] === 'string') {
        const first = JSON.parse(list[0]) as { message?: unknown }
        if (typeof first.message === 'string') return first.message
      }
    } catch {
      /* fall through to the exception text */
    }
  }
  if (typeof body.exception === 'string') return body.exception.replace(/^[\w.]+:\s*/, '')
  if (typeof body.message === 'string') return body.message
  return null
}

export class ErpClient {
  private readonly fetch: typeof ofetch

  constructor(opts: ErpClientOptions) {
    this.fetch = ofetch.create({
      baseURL: opts.url.replace(/\/+$/, ''),
      headers: { Authorization: `token ${opts.token}`, Accept: 'application/json' },
      timeout: opts.timeoutMs ?? 5000,
      // Retrying is the caller's decision (a retried POST could log an SMS twice).
      retry: 0,
    })
  }

  private async call<T>(what: string, path: string, init: FetchOptions<'json'>): Promise<T> {
    try {
      return await this.fetch<T>(path, init)
    } catch (err) {
      throw toUpstreamError(what, err)
    }
  }

  async list<T>(doctype: string, opts: ListOptions = {}): Promise<T[]> {
    const query: Record<string, string | number> = {
      fields: JSON.stringify(opts.fields ?? ['*']),
      limit_page_length: opts.limit ?? 0,
    }
    if (opts.filters) query.filters = JSON.stringify(opts.filters)
    if (opts.orderBy) query.order_by = opts.orderBy
    const res = await this.call<{ data: T[] }>(`listing ${doctype}`, `/api/resource/${encodeURIComponent(doctype)}`, {
      query,
    })
    return res.data
  }

  async get<T>(doctype: string, name: string): Promise<T> {
    const res = await this.call<{ data: T }>(`reading ${doctype} ${name}`, docPath(doctype, name), { method: 'GET' })
    return res.data
  }

  async insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T> {
    const res = await this.call<{ data: T }>(`creating ${doctype}`, `/api/resource/${encodeURIComponent(doctype)}`, {
      method: 'POST',
      body: doc,
    })
    return res.data
  }

  async update<T>(doctype: string, name: string, patch: Record<string, unknown>): Promise<T> {
    const res = await this.call<{ data: T }>(`updating ${doctype} ${name}`, docPath(doctype, name), {
      method: 'PUT',
      body: patch,
    })
    return res.data
  }
}

function docPath(doctype: string, name: string): string {
  return `/api/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`
}

/** undici hides the useful part ("ECONNREFUSED 127.0.0.1:8000") two causes deep. */
function rootCause(err: Error): string {
  let e: unknown = err
  while (e instanceof Error && e.cause instanceof Error) e = e.cause
  const code = (e as NodeJS.ErrnoException).code
  return e instanceof Error ? `${code && !e.message.includes(code) ? `${code} ` : ''}${e.message}` : String(e)
}

function toUpstreamError(what: string, err: unknown): UpstreamError {
  if (err instanceof FetchError) {
    const status = err.response?.status ?? null
    if (status === null) {
      const timedOut =
        err.cause instanceof Error && (err.cause.name === 'TimeoutError' || err.cause.name === 'AbortError')
      return new UpstreamError(
        timedOut
          ? `ERPNext did not answer in time while ${what}`
          : `ERPNext is unreachable while ${what}: ${rootCause(err)}`,
        null,
        null,
      )
    }
    const body = err.data as FrappeErrorBody | undefined
    const excType = body && typeof body.exc_type === 'string' ? body.exc_type : null
    const detail = frappeMessage(body)
    return new UpstreamError(
      `ERPNext answered ${status}${excType ? ` ${excType}` : ''} while ${what}${detail ? `: ${detail}` : ''}`,
      status,
      excType,
    )
  }
  return new UpstreamError(
    `ERPNext call failed while ${what}: ${err instanceof Error ? err.message : String(err)}`,
    null,
    null,
  )
}
