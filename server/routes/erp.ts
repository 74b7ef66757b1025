/**
 * /ops/api/erp/resource/{Doctype}[/{name}] and /ops/api/erp/method/{method}: Frappe REST v1 as
 * ERPNext speaks it, behind the capability policy. Technicians are scoped to their own jobs and
 * what those jobs link to; everyone else sees what their capabilities allow.
 */
import { FastResponse } from 'srvx'
import type { Capability } from '../../src/contracts/capabilities'
import { ERP_PAGE_CAP } from '../../src/contracts/limits'
import type { H3 } from 'h3'
import type { AppContext } from '../app'
import { FrappeRefusal, readBodyLimited, SENTENCES, json, type Sentence } from '../errors'
import { requireUser } from '../guard'
import { normalizeFilters, type FilterRow } from '../erpFilters'
import { decide, READ_METHODS, TECHNICIAN_JOB_FIELDS, type Verb } from '../policy'
import { parseJsonObject } from '../../src/contracts/json'
import type { ErpClient, UpstreamAnswer } from '../upstream/erp'
import { erpForRequest, UpstreamUnreachable } from '../upstream/erp'
import { hubForRequest } from '../upstream/hub'
import type { RequestUser } from '../session'
import type { TechScopes } from '../techScope'
import type { DispatchJob } from '../../src/contracts/doctypes'
import { tellCustomerOnTheWay } from '../notify/onTheWay'
import { docUpdate, type EventSource } from '../events/docEvents'

const ERP_BODY_LIMIT = 1024 * 1024

/** The most rows one read through the pass-through returns; the README says so. */
export const PAGE_CAP = ERP_PAGE_CAP
/** Query arguments whose length costs ERPNext parsing time: bounded before anything goes upstream. */
const BOUNDED_ARGS = ['fields', 'filters', 'or_filters', 'order_by', 'group_by'] as const
export const ARG_LIMIT_BYTES = 4096
const PAGE_ARGS = ['limit', 'limit_page_length', 'page_length'] as const

export interface WriteRecord {
  user: RequestUser
  requestId: string
  action: 'create' | 'update' | 'delete'
  doctype: string
  name: string | null
  modified: string | null
  status: number
  outcome: 'ok' | 'refused' | 'failed'
  /** The document as saved, when created or updated: the links its event carries (docEvents.ts). */
  doc?: EventSource
}

export interface ErpRouteDeps {
  erp: ErpClient
  scopes: TechScopes
  onWrite(record: WriteRecord): void
  /**
   * What follows a saved document (the customer told their technician is on the way): may save
   * the document again, and then answers the newer version for the browser to hold.
   */
  afterSave?(
    doctype: string,
    saved: Record<string, unknown>,
    user: RequestUser,
    requestId: string,
  ): Promise<Record<string, unknown> | null>
}

const VERB_OF: Record<string, Verb> = { GET: 'read', HEAD: 'read', POST: 'create', PUT: 'update', DELETE: 'delete' }

const refuse = (status: number, excType: string, sentence: Sentence): never => {
  throw new FrappeRefusal(status, excType, sentence)
}
const validation = (en: string, fr: string) => refuse(417, 'ValidationError', { fr, en })
const forbidden = () => refuse(403, 'PermissionError', SENTENCES.forbidden)
const notAllowedHere = () => refuse(405, 'ValidationError', SENTENCES.methodNotAllowed)

/** What the browser may see of a Frappe error: which error, and the sentence ERPNext wrote. */
export function cleanFrappeError(text: string): string {
  const body = parseJsonObject(text)
  if (!body) return JSON.stringify({ exc_type: 'UpstreamError', _server_messages: JSON.stringify([]) })
  const excType =
    typeof body.exc_type === 'string' && /^\w{1,80}$/.test(body.exc_type) ? body.exc_type : 'UpstreamError'
  const messages: string[] = []
  try {
    const list: unknown = JSON.parse(typeof body._server_messages === 'string' ? body._server_messages : '[]')
    for (const item of Array.isArray(list) ? list : []) {
      const m = typeof item === 'string' ? (parseJsonObject(item)?.message ?? item) : null
      if (typeof m === 'string') messages.push(m)
    }
  } catch {
    // unreadable messages are dropped with the rest
  }
  // `exception` is "module.ExcType: message" on one line; anything longer is a traceback.
  const exception = typeof body.exception === 'string' ? body.exception.split('\n')[0].slice(0, 500) : ''
  if (!messages.length && exception.includes(': ') && !/Traceback|File "/.test(exception))
    messages.push(exception.slice(exception.indexOf(': ') + 2))
  const clean = messages.map((m) => m.replace(/<[^>]*>/g, '').slice(0, 1000)).filter(Boolean)
  const out: Record<string, unknown> = {
    exc_type: excType,
    exception: `frappe.exceptions.${excType}${clean[0] ? `: ${clean[0]}` : ''}`,
    _server_messages: JSON.stringify(clean.map((message) => JSON.stringify({ message }))),
  }
  const bilingual = body.messages as Record<string, unknown> | undefined
  if (bilingual && typeof bilingual.fr === 'string' && typeof bilingual.en === 'string')
    out.messages = { fr: bilingual.fr, en: bilingual.en }
  return JSON.stringify(out)
}

/** Frappe reads `in []` as "is empty", which would widen a scope; an impossible value keeps it closed. */
const NOTHING = '\u0000none'
const inList = (values: string[]) => (values.length ? values : [NOTHING])

/** The filter a technician's scope adds to a read of each doctype, or null when not readable at all. */
function scopeFilter(
  doctype: string,
  scope: { technician: string | null; locations: string[]; customers: string[] },
): FilterRow | null {
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
function docInScope(
  doctype: string,
  doc: Record<string, unknown>,
  scope: { technician: string | null; locations: string[]; customers: string[] },
): boolean {
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

/** "Absent": the same answer whether the document does not exist or lies outside the caller's scope. */
const absent = () =>
  refuse(404, 'DoesNotExistError', {
    fr: 'Ce document n’existe pas ou vous n’y avez pas accès.',
    en: 'This document does not exist or you do not have access to it.',
  })

const tooLong = (arg: string) =>
  refuse(400, 'ValidationError', {
    fr: `Le paramètre ${arg} dépasse ${ARG_LIMIT_BYTES} octets. Resserrez la demande.`,
    en: `The ${arg} parameter is longer than ${ARG_LIMIT_BYTES} bytes. Narrow the request.`,
  })

/** The first bounded argument that is too long, if any. */
function overlongArg(args: Record<string, unknown>): string | null {
  for (const key of BOUNDED_ARGS) {
    const v = args[key]
    if (v === undefined || v === null) continue
    const text = typeof v === 'string' ? v : JSON.stringify(v)
    if (Buffer.byteLength(text) > ARG_LIMIT_BYTES) return key
  }
  return null
}

/** A page of at most PAGE_CAP rows: "0" (all) and anything larger become PAGE_CAP. */
function capPage(args: Record<string, unknown>): void {
  for (const key of PAGE_ARGS) {
    if (args[key] === undefined || args[key] === null || args[key] === '') continue
    const n = Number(args[key])
    if (!Number.isFinite(n) || n <= 0 || n > PAGE_CAP) args[key] = PAGE_CAP
  }
}

/** Builds the answer (the app adds its own headers to it: see AppContext.respond). */
export type Respond = (body: string, status: number, headers: Record<string, string>) => Response

const plainResponse: Respond = (body, status, headers) => new FastResponse(body, { status, headers })

export function createErpHandler(deps: ErpRouteDeps) {
  const { erp, scopes } = deps

  async function guarded(
    req: Request,
    user: RequestUser,
    requestId: string,
    url: URL,
    respond: Respond,
  ): Promise<Response> {
    /** An upstream answer passed on; an error's body loses its tracebacks first (see cleanFrappeError). */
    const relay = (answer: UpstreamAnswer): Response =>
      respond(answer.status >= 400 ? cleanFrappeError(answer.body) : answer.body, answer.status, {
        'content-type': answer.status >= 400 ? 'application/json; charset=utf-8' : answer.contentType,
        'cache-control': 'no-store',
      })
    // The query's arguments, read once: checked here, then the route's own to cap and scope.
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams)
    const overlong = overlongArg(query)
    if (overlong) return tooLong(overlong)
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
        return validation('The address is not valid.', 'L’adresse n’est pas valide.')
      }
      return resourceRoute(req, user, requestId, url, query, doctype, name, relay)
    }
    if (method) return methodRoute(req, user, requestId, query, method[1], relay)
    return refuse(404, 'DoesNotExistError', SENTENCES.notFound)
  }

  /**
   * Whether `name` exists within the technician's scope, asked upstream with the scope as an AND
   * filter, so the answer for "outside" and "absent" is one and the same.
   */
  async function inScope(doctype: string, name: string, extra: FilterRow, requestId: string): Promise<boolean> {
    const args = { doctype, filters: [[doctype, 'name', '=', name], extra] }
    const answer = await erp.send('POST', '/api/method/frappe.client.get_count', JSON.stringify(args), requestId)
    if (answer.status !== 200) throw new UpstreamUnreachable(`ERPNext answered ${answer.status} counting ${doctype}`)
    return Number(parseJsonObject(answer.body)?.message ?? 0) > 0
  }

  async function resourceRoute(
    req: Request,
    user: RequestUser,
    requestId: string,
    url: URL,
    query: Record<string, unknown>,
    doctype: string,
    name: string | undefined,
    relay: (answer: UpstreamAnswer) => Response,
  ): Promise<Response> {
    const verb = VERB_OF[req.method]
    if (
      !verb ||
      (verb === 'create' && name !== undefined) ||
      (verb !== 'read' && verb !== 'create' && name === undefined)
    ) {
      return notAllowedHere()
    }
    const decision = decide(doctype, verb, user.capabilities)
    if (!decision.allowed) return forbidden()
    const path = `/api/resource/${encodeURIComponent(doctype)}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`
    const scope = decision.scoped ? await scopes.of(user) : null
    const extra = scope ? scopeFilter(doctype, scope) : null

    if (verb === 'read') {
      if (name === undefined) {
        const args = query
        capPage(args)
        if (!args.limit && !args.limit_page_length) args.limit_page_length = 20
        if (extra) {
          let filters: FilterRow[]
          try {
            filters = normalizeFilters(doctype, url.searchParams.get('filters'))
          } catch (e) {
            return validation((e as Error).message, 'Les filtres ne sont pas lisibles (JSON attendu).')
          }
          args.filters = JSON.stringify([...filters, extra])
        }
        const search = new URLSearchParams(Object.entries(args).map(([k, v]) => [k, String(v)]))
        return relay(await erp.send('GET', `${path}?${search}`, undefined, requestId))
      }
      if (extra && !(await inScope(doctype, name, extra, requestId))) return absent()
      const answer = await erp.send('GET', path, undefined, requestId)
      if (scope && answer.status === 404) return absent()
      return relay(answer)
    }

    // Writes: bodies are JSON objects, checked before anything reaches ERPNext.
    let body: Record<string, unknown> | null = null
    if (verb !== 'delete') {
      const bytes = await readBodyLimited(req, ERP_BODY_LIMIT)
      body = parseJsonObject(new TextDecoder().decode(bytes))
      if (!body) return validation('The body must be a JSON object.', 'Le contenu doit être un objet JSON.')
    }
    if (scope) {
      if (verb === 'create') {
        if (!docInScope(doctype, body!, scope)) return forbidden()
      } else {
        const current = await erp.send('GET', path, undefined, requestId)
        if (current.status === 404) return absent()
        if (current.status !== 200) return relay(current)
        const doc = (parseJsonObject(current.body)?.data ?? {}) as Record<string, unknown>
        if (!docInScope(doctype, doc, scope)) return absent()
        if (body && !docInScope(doctype, { ...doc, ...body }, scope)) return forbidden()
        if (doctype === 'Dispatch Job' && body && Object.keys(body).some((k) => !TECHNICIAN_JOB_FIELDS.has(k)))
          return forbidden()
      }
    }
    const answer = await erp.send(req.method, path, body ? JSON.stringify(body) : undefined, requestId)
    const saved =
      answer.status < 300 ? ((parseJsonObject(answer.body)?.data ?? null) as Record<string, unknown> | null) : null
    deps.onWrite({
      user,
      requestId,
      action: verb,
      doctype,
      name: typeof saved?.name === 'string' ? saved.name : (name ?? null),
      modified: typeof saved?.modified === 'string' ? saved.modified : null,
      status: answer.status,
      outcome: answer.status < 300 ? 'ok' : answer.status < 500 ? 'refused' : 'failed',
      ...(saved && typeof saved.name === 'string' && verb !== 'delete' ? { doc: { ...saved, name: saved.name } } : {}),
    })
    // A technician's reach is their jobs and what those link to: a job written (created,
    // reassigned, deleted) changes the reach of whoever has it now and whoever had it.
    const written = typeof saved?.name === 'string' ? saved.name : name
    if (doctype === 'Dispatch Job' && answer.status < 300 && written)
      scopes.forgetJob(written, typeof saved?.technician === 'string' ? saved.technician : null)
    if (saved && verb !== 'delete' && deps.afterSave) {
      const newer = await deps.afterSave(doctype, saved, user, requestId).catch(() => null)
      if (newer) return relay({ ...answer, body: JSON.stringify({ data: newer }) })
    }
    return relay(answer)
  }

  async function methodRoute(
    req: Request,
    user: RequestUser,
    requestId: string,
    query: Record<string, unknown>,
    method: string,
    relay: (answer: UpstreamAnswer) => Response,
  ): Promise<Response> {
    if (!READ_METHODS.has(method)) return forbidden()
    let args = query
    if (req.method === 'POST') {
      const text = new TextDecoder().decode(await readBodyLimited(req, ERP_BODY_LIMIT))
      if (text.trim()) {
        const parsed = parseJsonObject(text)
        if (!parsed) return validation('The body must be a JSON object.', 'Le contenu doit être un objet JSON.')
        args = { ...args, ...parsed }
      }
    } else if (req.method !== 'GET') {
      return notAllowedHere()
    }
    const overlong = overlongArg(args)
    if (overlong) return tooLong(overlong)
    capPage(args)
    const doctype = typeof args.doctype === 'string' ? args.doctype : ''
    const decision = decide(doctype, 'read', user.capabilities)
    if (!decision.allowed) return forbidden()
    const extra = decision.scoped ? scopeFilter(doctype, await scopes.of(user)) : null
    if (extra) {
      let filters: FilterRow[]
      try {
        const raw =
          typeof args.filters === 'string' && !/^[[{]/.test(args.filters.trim()) ? { name: args.filters } : args.filters
        filters = normalizeFilters(doctype, raw)
      } catch (e) {
        return validation((e as Error).message, 'Les filtres ne sont pas lisibles (JSON attendu).')
      }
      if (method === 'frappe.client.get') {
        // Found within the scope first, then fetched by name: outside and absent answer alike.
        const wanted =
          typeof args.name === 'string' ? [...filters, [doctype, 'name', '=', args.name] as FilterRow] : filters
        const found = await erp.send(
          'POST',
          '/api/method/frappe.client.get_list',
          JSON.stringify({ doctype, fields: ['name'], filters: [...wanted, extra], limit_page_length: 1 }),
          requestId,
        )
        if (found.status !== 200) return relay(found)
        const rows = parseJsonObject(found.body)?.message
        const first = Array.isArray(rows) ? (rows[0] as { name?: unknown } | undefined) : undefined
        if (typeof first?.name !== 'string') return absent()
        const answer = await erp.send(
          'POST',
          `/api/method/${method}`,
          JSON.stringify({ doctype, name: first.name }),
          requestId,
        )
        return answer.status === 404 ? absent() : relay(answer)
      }
      args.filters = [...filters, extra]
    }
    return relay(await erp.send('POST', `/api/method/${method}`, JSON.stringify(args), requestId))
  }

  /** `url` is the request's own, already parsed; `respond` builds the answer (a plain one by default). */
  return (req: Request, user: RequestUser, requestId: string, url?: URL, respond?: Respond): Promise<Response> =>
    guarded(req, user, requestId, url ?? new URL(req.url), respond ?? plainResponse)
}

/** /ops/api/erp/**: every write journaled and announced on the bus once ERPNext has accepted it. */
export function erpRoutes(app: H3, ctx: AppContext): void {
  const handle = createErpHandler({
    erp: ctx.erp,
    scopes: ctx.scopes,
    onWrite(w) {
      ctx.audit.record({
        requestId: w.requestId,
        actor: w.user.email,
        action: `erp.${w.action}`,
        target: `${w.doctype}${w.name ? `/${w.name}` : ''}`,
        outcome: w.outcome,
        status: w.status,
      })
      if (w.outcome === 'ok' && w.doc && w.action !== 'delete')
        ctx.bus.publish('doc_update', docUpdate(w.doctype, w.doc, w.action))
      else if (w.outcome === 'ok' && w.name)
        ctx.bus.publish('doc_update', { doctype: w.doctype, name: w.name, modified: w.modified, action: w.action })
    },
    async afterSave(doctype, saved, user, requestId) {
      if (doctype !== 'Dispatch Job' || saved.status !== 'En Route') return null
      const outcome = await tellCustomerOnTheWay(
        {
          erp: erpForRequest(ctx.erp, requestId),
          hub: hubForRequest(ctx.hub, requestId),
          audit: ctx.audit,
          bus: ctx.bus,
          now: Date.now,
        },
        saved as unknown as DispatchJob,
        user,
        requestId,
      )
      return outcome.job as unknown as Record<string, unknown> | null
    },
  })
  app.all('/ops/api/erp/**', (event) =>
    handle(event.req, requireUser(ctx, event), ctx.requestId(event), event.url, (body, status, headers) =>
      ctx.respond(event, body, status, headers),
    ),
  )
}

export type { Capability }
export { json }
