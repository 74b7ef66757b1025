import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { toFrappeDatetime } from '../../../../src/contracts/frappeTime'

/**
 * A tiny in-memory Frappe REST v1 server for the hub's tests: just the list/get/insert/update
 * surface the hub uses, Frappe's error bodies, and switches to make it fail or stall. The hub talks
 * to it over real HTTP, as it would to ERPNext.
 */

export type Doc = Record<string, unknown> & { name: string }

export interface FakeErp {
  url: string
  token: string
  docs(doctype: string): Doc[]
  insert(doctype: string, doc: Record<string, unknown>): Doc
  /** The next matching request answers this error instead. */
  failNext(match: { method: string; doctype: string }, status: number, excType: string, message: string): void
  /** Every request waits this long before answering (to exercise the hub's timeout). */
  stallMs: number
  requests: { method: string; path: string }[]
  close(): Promise<void>
}

type Filter = [string, string, unknown]

const PREFIX: Record<string, string> = {
  Customer: 'CUST-',
  'Service Location': 'LOC-',
  'Service Equipment': 'EQ-',
  Technician: 'TECH-',
  'Dispatch Job': 'DJ-2026-',
  Communication: 'COMM-',
}

function frappeError(res: ServerResponse, status: number, excType: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      exc_type: excType,
      exception: `frappe.exceptions.${excType}: ${message}`,
      _server_messages: JSON.stringify([JSON.stringify({ message })]),
    }),
  )
}

function likeToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.')
  return new RegExp(`^${escaped}$`, 'i')
}

function matches(doc: Doc, [field, op, value]: Filter): boolean {
  const v = doc[field]
  switch (op.toLowerCase()) {
    case '=':
      return String(v ?? '') === String(value)
    case '!=':
      return String(v ?? '') !== String(value)
    case 'like':
      return typeof v === 'string' && likeToRegExp(String(value)).test(v)
    case 'in':
      return (Array.isArray(value) ? value : String(value).split(',')).map(String).includes(String(v))
    case 'not in':
      return !(Array.isArray(value) ? value : String(value).split(',')).map(String).includes(String(v))
    case '>':
      return v != null && String(v) > String(value)
    case '<':
      return v != null && String(v) < String(value)
    case '>=':
      return v != null && String(v) >= String(value)
    case '<=':
      return v != null && String(v) <= String(value)
    case 'is':
      return value === 'set' ? v != null && v !== '' : v == null || v === ''
    default:
      throw new Error(`unsupported operator ${op}`)
  }
}

function parseFilters(raw: string | null): Filter[] {
  if (!raw) return []
  const parsed = JSON.parse(raw) as unknown
  if (Array.isArray(parsed)) return parsed.map((f: unknown[]) => (f.length === 4 ? [f[1], f[2], f[3]] : f) as Filter)
  return Object.entries(parsed as Record<string, unknown>).map(
    ([k, v]) => (Array.isArray(v) ? [k, String(v[0]), v[1]] : [k, '=', v]) as Filter,
  )
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

export async function startFakeErp(opts: { token?: string; now?: () => Date } = {}): Promise<FakeErp> {
  const token = opts.token ?? 'test-key:test-secret'
  const now = opts.now ?? (() => new Date())
  const store = new Map<string, Map<string, Doc>>()
  const counters = new Map<string, number>()
  const failures: { method: string; doctype: string; status: number; excType: string; message: string }[] = []
  const table = (doctype: string) => {
    let t = store.get(doctype)
    if (!t) store.set(doctype, (t = new Map()))
    return t
  }

  const unique: Record<string, string[]> = {
    'Service Equipment': ['serial_no'],
    Technician: ['email'],
    User: ['email'],
  }

  function insert(doctype: string, input: Record<string, unknown>): Doc {
    const t = table(doctype)
    for (const field of unique[doctype] ?? []) {
      if (input[field] != null && [...t.values()].some((d) => d[field] === input[field])) {
        throw Object.assign(new Error(`Duplicate ${field}: ${String(input[field])}`), {
          status: 409,
          excType: 'DuplicateEntryError',
        })
      }
    }
    let name = typeof input.name === 'string' ? input.name : ''
    if (!name) {
      if (doctype === 'User') name = String(input.email)
      else {
        const n = (counters.get(doctype) ?? 0) + 1
        counters.set(doctype, n)
        name = `${PREFIX[doctype] ?? `${doctype.toUpperCase().replace(/\s+/g, '-')}-`}${String(n).padStart(5, '0')}`
      }
    }
    if (t.has(name))
      throw Object.assign(new Error(`${doctype} ${name} already exists`), {
        status: 409,
        excType: 'DuplicateEntryError',
      })
    const stamp = toFrappeDatetime(now())
    const doc: Doc = {
      ...input,
      name,
      creation: stamp,
      modified: stamp,
      owner: 'Administrator',
      modified_by: 'Administrator',
      docstatus: 0,
    }
    t.set(name, doc)
    return doc
  }

  const fake: FakeErp = {
    url: '',
    token,
    stallMs: 0,
    requests: [],
    docs: (doctype) => [...table(doctype).values()],
    insert,
    failNext: (match, status, excType, message) => {
      failures.push({ ...match, status, excType, message })
    },
    close: async () => {},
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://fake')
      fake.requests.push({ method: req.method ?? 'GET', path: url.pathname + url.search })
      if (fake.stallMs) await new Promise((r) => setTimeout(r, fake.stallMs))
      if (req.headers.authorization !== `token ${token}`)
        return frappeError(res, 401, 'AuthenticationError', 'Invalid credentials')
      const m = /^\/api\/resource\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname)
      if (!m) return frappeError(res, 404, 'DoesNotExistError', 'Not found')
      const doctype = decodeURIComponent(m[1])
      const name = m[2] ? decodeURIComponent(m[2]) : null
      const i = failures.findIndex((f) => f.method === req.method && f.doctype === doctype)
      if (i >= 0) {
        const [f] = failures.splice(i, 1)
        return frappeError(res, f.status, f.excType, f.message)
      }
      const send = (data: unknown) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ data }))
      }

      if (req.method === 'GET' && !name) {
        const filters = parseFilters(url.searchParams.get('filters'))
        const fields = JSON.parse(url.searchParams.get('fields') ?? '["name"]') as string[]
        const limit = Number(url.searchParams.get('limit') ?? url.searchParams.get('limit_page_length') ?? 20)
        let rows = [...table(doctype).values()].filter((d) => filters.every((f) => matches(d, f)))
        if (limit > 0) rows = rows.slice(0, limit)
        return send(
          rows.map((d) =>
            fields.includes('*')
              ? d
              : Object.fromEntries(fields.filter((f) => d[f] !== undefined).map((f) => [f, d[f]])),
          ),
        )
      }
      if (req.method === 'GET' && name) {
        const doc = table(doctype).get(name)
        return doc ? send(doc) : frappeError(res, 404, 'DoesNotExistError', `${doctype} ${name} not found`)
      }
      if (req.method === 'POST' && !name) {
        try {
          return send(insert(doctype, await readBody(req)))
        } catch (err) {
          const e = err as Error & { status?: number; excType?: string }
          return frappeError(res, e.status ?? 417, e.excType ?? 'ValidationError', e.message)
        }
      }
      if (req.method === 'PUT' && name) {
        const doc = table(doctype).get(name)
        if (!doc) return frappeError(res, 404, 'DoesNotExistError', `${doctype} ${name} not found`)
        Object.assign(doc, await readBody(req), { name, modified: toFrappeDatetime(now()) })
        return send(doc)
      }
      return frappeError(res, 405, 'ValidationError', 'Method not supported by the fake')
    } catch (err) {
      if (!res.headersSent) frappeError(res, 500, 'Exception', err instanceof Error ? err.message : String(err))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return fake
}
