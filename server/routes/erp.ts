/**
 * /ops/api/erp/resource/{Doctype}[/{name}] and /ops/api/erp/method/{method}: Frappe REST v1 as
 * ERPNext speaks it, behind the capability policy. Technicians are scoped to their own jobs and
 * what those jobs link to; everyone else sees what their capabilities allow.
 */
import type { Capability } from '../../src/contracts/capabilities'
import { BodyTooLargeError, frappeError, readBodyLimited, SENTENCES, json } from '../errors'
import { FilterSyntaxError, normalizeFilters, type FilterRow } from '../erpFilters'
import { decide, READ_METHODS, TECHNICIAN_JOB_FIELDS, type Verb } from '../policy'
import type { ErpClient, UpstreamAnswer } from '../upstream/erp'
import { UpstreamUnreachable } from '../upstream/erp'
import type { RequestUser } from '../session'
import type { TechScopes } from '../techScope'

const ERP_BODY_LIMIT = 1024 * 1024

export interface WriteRecord {
  user: RequestUser
  requestId: string
  action: 'create' | 'update' | 'delete'
  doctype: string
  name: string | null
  modified: string | null
  status: number
  outcome: 'ok' | 'refused' | 'failed'
}

export interface ErpRouteDeps {
  erp: ErpClient
  scopes: TechScopes
  onWrite(record: WriteRecord): void
}

const VERB_OF: Record<string, Verb> = { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'update', DELETE: 'delete' }

const validation = (req: Request, en: string, fr: string) => frappeError(req, 417, 'ValidationError', { fr, en })
const forbidden = (req: Request) => frappeError(req, 403, 'PermissionError', SENTENCES.forbidden)

function relay(answer: UpstreamAnswer): Response {
  return new Response(answer.body, {
    status: answer.status,
    headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
  })
}

function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text)
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

/** Frappe reads `in []` as "is empty", which would widen a scope; an impossible value keeps it closed. */
const NOTHING = '\u0000none'
const inList = (values: string[]) => (values.length ? values : [NOTHING])

/** The filter a technician's scope adds to a read of each doctype, or null when not readable at all. */
function scopeFilter(doctype: string, scope: { technician: string | null; locations: string[]; customers: string[] }): FilterRow | null {
  switch (doctype) {
    case 'Dispatch Job':
      return [doctype, 'technician', '=', scope.technician ?? NOTHING]
    case 'Customer':
      return [doctype, 'name', 'in', inList(scope.customers)]
    case 'Service Location':
      return [doctype, 'name', 'in', inList(scope.locations)]
    case 'Service Equipment':
      return [doctype, 'service_location', 'in', inList(scope.locations)]
    case 'Tag':
      return null
    default:
      return [doctype, 'name', 'in', [NOTHING]]
  }
}

/** Whether a single document lies within a technician's scope. */
function docInScope(doctype: string, doc: Record<string, unknown>, scope: { technician: string | null; locations: string[]; customers: string[] }): boolean {
  switch (doctype) {
    case 'Dispatch Job':
      return scope.technician !== null && doc.technician === scope.technician
    case 'Customer':
      return scope.customers.includes(String(doc.name))
    case 'Service Location':
      return scope.locations.includes(String(doc.name))
    case 'Service Equipment':
      return scope.locations.includes(String(doc.service_location))
    case 'Tag':
      return true
    default:
      return false
  }
}

export function createErpHandler(deps: ErpRouteDeps) {
  const { erp, scopes } = deps

  async function guarded(req: Request, user: RequestUser, requestId: string, url: URL): Promise<Response> {
    const rest = url.pathname.replace(/^\/ops\/api\/erp/, '')
    const resource = /^\/resource\/([^/]+)(?:\/(.+))?$/.exec(rest)
    const method = /^\/method\/([\w.]+)$/.exec(rest)
    if (resource) {
      let doctype: string
      let name: string | undefined
      try {
        doctype = decodeURIComponent(resource[1])
        name = resource[2] === undefined ? undefined : decodeURIComponent(resource[2])
      } catch {
        return validation(req, 'The address is not valid.', 'L’adresse n’est pas valide.')
      }
      return resourceRoute(req, user, requestId, url, doctype, name)
    }
    if (method) return methodRoute(req, user, url, method[1])
    return frappeError(req, 404, 'DoesNotExistError', SENTENCES.notFound)
  }

  async function resourceRoute(req: Request, user: RequestUser, requestId: string, url: URL, doctype: string, name: string | undefined): Promise<Response> {
    const verb = VERB_OF[req.method]
    if (!verb || (verb === 'create' && name !== undefined) || (verb !== 'read' && verb !== 'create' && name === undefined)) {
      return frappeError(req, 405, 'ValidationError', { fr: 'Méthode non permise ici.', en: 'Method not allowed here.' })
    }
    const decision = decide(doctype, verb, user.capabilities)
    if (!decision.allowed) return forbidden(req)
    const path = `/api/resource/${encodeURIComponent(doctype)}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`

    if (verb === 'read') {
      if (name === undefined) {
        if (decision.scoped) {
          const scope = await scopes.of(user)
          const extra = scopeFilter(doctype, scope)
          if (extra) {
            let filters: FilterRow[]
            try {
              filters = normalizeFilters(doctype, url.searchParams.get('filters'))
            } catch (e) {
              return validation(req, (e as Error).message, 'Les filtres ne sont pas lisibles (JSON attendu).')
            }
            url.searchParams.set('filters', JSON.stringify([...filters, extra]))
          }
        }
        return relay(await erp.send('GET', `${path}${url.search}`))
      }
      const answer = await erp.send('GET', path)
      if (decision.scoped && answer.status === 200) {
        const doc = (parseJsonObject(answer.body)?.data ?? {}) as Record<string, unknown>
        if (!docInScope(doctype, doc, await scopes.of(user))) return forbidden(req)
      }
      return relay(answer)
    }

    // Writes: bodies are JSON objects, checked before anything reaches ERPNext.
    let body: Record<string, unknown> | null = null
    if (verb !== 'delete') {
      const bytes = await readBodyLimited(req, ERP_BODY_LIMIT)
      body = parseJsonObject(new TextDecoder().decode(bytes))
      if (!body) return validation(req, 'The body must be a JSON object.', 'Le contenu doit être un objet JSON.')
    }
    if (decision.scoped) {
      const scope = await scopes.of(user)
      if (verb === 'create') {
        if (!docInScope(doctype, body!, scope)) return forbidden(req)
      } else {
        const current = await erp.send('GET', path)
        if (current.status !== 200) return relay(current)
        const doc = (parseJsonObject(current.body)?.data ?? {}) as Record<string, unknown>
        if (!docInScope(doctype, doc, scope) || (body && !docInScope(doctype, { ...doc, ...body }, scope))) return forbidden(req)
        if (doctype === 'Dispatch Job' && body && Object.keys(body).some((k) => !TECHNICIAN_JOB_FIELDS.has(k))) return forbidden(req)
      }
    }
    const answer = await erp.send(req.method, path, body ? JSON.stringify(body) : undefined)
    const saved = answer.status < 300 ? ((parseJsonObject(answer.body)?.data ?? null) as Record<string, unknown> | null) : null
    deps.onWrite({
      user,
      requestId,
      action: verb,
      doctype,
      name: typeof saved?.name === 'string' ? saved.name : (name ?? null),
      modified: typeof saved?.modified === 'string' ? saved.modified : null,
      status: answer.status,
      outcome: answer.status < 300 ? 'ok' : answer.status < 500 ? 'refused' : 'failed',
    })
    if (verb === 'update' || verb === 'delete') scopes.invalidate()
    return relay(answer)
  }

  async function methodRoute(req: Request, user: RequestUser, url: URL, method: string): Promise<Response> {
    if (!READ_METHODS.has(method)) return forbidden(req)
    let args: Record<string, unknown> = Object.fromEntries(url.searchParams)
    if (req.method === 'POST') {
      const text = new TextDecoder().decode(await readBodyLimited(req, ERP_BODY_LIMIT))
      if (text.trim()) {
        const type = req.headers.get('content-type') ?? ''
        const parsed = type.includes('application/x-www-form-urlencoded')
          ? Object.fromEntries(new URLSearchParams(text))
          : parseJsonObject(text)
        if (!parsed) return validation(req, 'The body must be a JSON object.', 'Le contenu doit être un objet JSON.')
        args = { ...args, ...parsed }
      }
    } else if (req.method !== 'GET') {
      return frappeError(req, 405, 'ValidationError', { fr: 'Méthode non permise ici.', en: 'Method not allowed here.' })
    }
    const doctype = typeof args.doctype === 'string' ? args.doctype : ''
    const decision = decide(doctype, 'read', user.capabilities)
    if (!decision.allowed) return forbidden(req)
    if (decision.scoped) {
      const scope = await scopes.of(user)
      const extra = scopeFilter(doctype, scope)
      if (method === 'frappe.client.get') {
        const answer = await erp.send('POST', `/api/method/${method}`, JSON.stringify(args))
        const doc = (parseJsonObject(answer.body)?.message ?? {}) as Record<string, unknown>
        if (answer.status === 200 && !docInScope(doctype, doc, scope)) return forbidden(req)
        return relay(answer)
      }
      if (extra) {
        try {
          const raw = typeof args.filters === 'string' && !/^[[{]/.test(args.filters.trim()) ? { name: args.filters } : args.filters
          args.filters = [...normalizeFilters(doctype, raw), extra]
        } catch (e) {
          return validation(req, (e as Error).message, 'Les filtres ne sont pas lisibles (JSON attendu).')
        }
      }
    }
    return relay(await erp.send('POST', `/api/method/${method}`, JSON.stringify(args)))
  }

  return async function handleErp(req: Request, user: RequestUser, requestId: string): Promise<Response> {
    try {
      return await guarded(req, user, requestId, new URL(req.url))
    } catch (err) {
      if (err instanceof BodyTooLargeError) return frappeError(req, 413, 'ValidationError', SENTENCES.tooLarge)
      if (err instanceof FilterSyntaxError) return validation(req, err.message, 'Les filtres ne sont pas lisibles.')
      if (err instanceof UpstreamUnreachable) return frappeError(req, 502, 'UpstreamError', SENTENCES.erpDown)
      throw err
    }
  }
}

export type { Capability }
export { json }
