/**
 * The HTTP face of the embedded ERPNext: Frappe REST v1 routes over the document store.
 * Each handler reads like the request it serves; authentication, body limits and the mapping of
 * errors to Frappe's error body happen once, in `endpoint()`.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { H3, type H3Event } from 'h3'
import type { DocumentStore } from './documents'
import { errorResponse, FrappeError, validationError } from './errors'
import type { Params } from './query'
import { jsonParam } from './query'

/** Frappe sits behind nginx with client_max_body_size; this is the equivalent. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024

type Access = 'token' | 'guest'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** The API credentials "key:secret" a request carries, from `token k:s` or `Basic base64(k:s)`. */
function credentialsOf(header: string | null): string | null {
  if (!header) return null
  const token = /^token\s+(.+)$/i.exec(header.trim())
  if (token) return token[1].trim()
  const basic = /^basic\s+(.+)$/i.exec(header.trim())
  if (basic) return Buffer.from(basic[1].trim(), 'base64').toString('utf8')
  return ''
}

function checkAuth(event: H3Event, expected: Buffer, access: Access): void {
  const credentials = credentialsOf(event.req.headers.get('authorization'))
  // Like Frappe, a guest method still refuses a request whose credentials are wrong.
  if (credentials === null && access === 'guest') return
  // Comparing fixed-length digests keeps the comparison constant-time whatever the input length.
  if (credentials === null || !timingSafeEqual(digest(credentials), expected)) {
    throw new FrappeError(
      'AuthenticationError',
      credentials === null ? 'Not logged in: missing API credentials' : 'Invalid API key or secret',
    )
  }
}

async function readText(event: H3Event): Promise<string> {
  const tooLarge = () => new FrappeError('ValidationError', 'Request body is larger than 10 MB', 413)
  const declared = Number(event.req.headers.get('content-length') ?? 0)
  if (declared > MAX_BODY_BYTES) throw tooLarge()
  const body = event.req.body
  if (!body) return ''
  // Counted while streaming, since content-length may be absent (chunked) or lie.
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BODY_BYTES) {
      await reader.cancel()
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

const isForm = (event: H3Event) =>
  (event.req.headers.get('content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')

/** A document body: JSON, or (as Frappe also accepts) a form whose `data` field is the JSON. */
async function readDocBody(event: H3Event): Promise<unknown> {
  const text = isForm(event) ? (new URLSearchParams(await readText(event)).get('data') ?? '') : await readText(event)
  if (text.trim() === '') throw validationError('Request body must be a JSON object')
  try {
    return JSON.parse(text)
  } catch {
    throw validationError('Request body is not valid JSON')
  }
}

/** Method arguments: the query string, plus a JSON or form body for POST (Frappe's form_dict). */
async function readParams(event: H3Event): Promise<Params> {
  const params: Params = Object.fromEntries(event.url.searchParams)
  if (event.req.method !== 'POST') return params
  const text = await readText(event)
  if (text.trim() === '') return params
  if (isForm(event)) return { ...params, ...Object.fromEntries(new URLSearchParams(text)) }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw validationError('Request body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw validationError('Request body must be a JSON object')
  return { ...params, ...(body as Params) }
}

function decoded(raw: string | undefined, what: string): string {
  try {
    return decodeURIComponent(raw ?? '')
  } catch {
    throw validationError(`Malformed ${what} in URL`)
  }
}

function requiredString(params: Params, key: string): string {
  const v = params[key]
  if (typeof v !== 'string' || v === '') throw validationError(`${key} is required`)
  return v
}

const json = (body: unknown, status = 200) => Response.json(body, { status })

/** `ready` settles once seeding is done; until then requests wait, and if it failed they get a 500. */
export function createRoutes(store: DocumentStore, token: string, ready: Promise<void> = Promise.resolve()): H3 {
  const expected = digest(token)
  const app = new H3()

  const endpoint =
    (access: Access, handle: (event: H3Event) => Response | Promise<Response>) =>
    async (event: H3Event): Promise<Response> => {
      try {
        checkAuth(event, expected, access)
        await ready
        return await handle(event)
      } catch (err) {
        return errorResponse(err)
      }
    }

  const doctypeOf = (event: H3Event) => decoded(event.context.params?.doctype, 'doctype')
  const nameOf = (event: H3Event) => decoded(event.context.params?.name, 'document name')

  app.get(
    '/api/resource/:doctype',
    endpoint('token', (event) =>
      json({ data: store.list(doctypeOf(event), Object.fromEntries(event.url.searchParams)) }),
    ),
  )

  app.post(
    '/api/resource/:doctype',
    endpoint('token', async (event) => json({ data: store.insert(doctypeOf(event), await readDocBody(event)) })),
  )

  // `**:name` because a name may contain a slash, sent raw or as %2F.
  app.get(
    '/api/resource/:doctype/**:name',
    endpoint('token', (event) => json({ data: store.get(doctypeOf(event), nameOf(event)) })),
  )

  app.put(
    '/api/resource/:doctype/**:name',
    endpoint('token', async (event) =>
      json({ data: store.update(doctypeOf(event), nameOf(event), await readDocBody(event)) }),
    ),
  )

  app.delete(
    '/api/resource/:doctype/**:name',
    endpoint('token', (event) => {
      store.delete(doctypeOf(event), nameOf(event))
      return json({ data: 'ok' }, 202)
    }),
  )

  const methods: Record<string, (params: Params) => unknown> = {
    'frappe.client.get_list': (p) => store.list(requiredString(p, 'doctype'), p),
    'frappe.client.get_count': (p) => store.count(requiredString(p, 'doctype'), p),
    'frappe.client.get_value': (p) => getValue(store, p),
    'frappe.client.get': (p) => getDoc(store, p),
    'frappe.auth.get_logged_user': () => 'Administrator',
  }

  // Readiness probes call ping without credentials; Frappe whitelists it for guests too.
  const ping = endpoint('guest', () => json({ message: 'pong' }))
  app.get('/api/method/ping', ping)
  app.post('/api/method/ping', ping)

  const callMethod = endpoint('token', async (event) => {
    const name = decoded(event.context.params?.method, 'method')
    const method = Object.hasOwn(methods, name) ? methods[name] : undefined
    if (!method) throw new FrappeError('DoesNotExistError', `Failed to get method for command ${name}: no such method`)
    const message = method(await readParams(event))
    // Frappe omits `message` when a method returns None.
    return json(message === undefined ? {} : { message })
  })
  app.get('/api/method/:method', callMethod)
  app.post('/api/method/:method', callMethod)

  app.all(
    '/**',
    endpoint('token', (event) => {
      throw new FrappeError('DoesNotExistError', `Page not found: ${event.req.method} ${event.url.pathname}`)
    }),
  )

  return app
}

/** frappe.client.get_value: the first matching document's fields, as an object (or values when as_dict=0). */
function getValue(store: DocumentStore, p: Params): unknown {
  const doctype = requiredString(p, 'doctype')
  const raw = p.fieldname
  let fields: unknown = raw
  if (typeof raw === 'string') fields = raw.trim().startsWith('[') ? jsonParam(p, 'fieldname') : [raw]
  if (!Array.isArray(fields) || fields.length === 0) fields = ['name']
  const asDict = !(p.as_dict === false || p.as_dict === 0 || p.as_dict === '0' || p.as_dict === 'false')
  const rows = store.list(doctype, { fields, filters: filtersOrName(p), limit: 1, as_dict: asDict ? 1 : 0 })
  const first = rows[0]
  if (asDict) return first ?? {}
  if (!Array.isArray(first)) return undefined
  return (fields as unknown[]).length > 1 ? first : first[0]
}

/** `filters` may be JSON, or a bare document name as Frappe also accepts. */
function filtersOrName(p: Params): unknown {
  const raw = p.filters
  if (typeof raw !== 'string') return raw
  if (raw.trim() === '') return undefined
  try {
    const parsed: unknown = JSON.parse(raw)
    if (typeof parsed === 'object' && parsed !== null) return parsed
  } catch {
    // not JSON: a name
  }
  return { name: raw }
}

/** frappe.client.get: a document by name, or the first one matching filters. */
function getDoc(store: DocumentStore, p: Params): unknown {
  const doctype = requiredString(p, 'doctype')
  if (typeof p.name === 'string' && p.name !== '') return store.get(doctype, p.name)
  const filters = filtersOrName(p)
  if (filters === undefined) throw validationError('name or filters is required')
  const [first] = store.list(doctype, { filters, limit: 1, fields: ['name'] }) as { name: string }[]
  if (!first) throw new FrappeError('DoesNotExistError', `No ${doctype} found`)
  return store.get(doctype, first.name)
}
