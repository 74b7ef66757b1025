/**
 * GET /ops/api/dispatch/board?from=YYYY-MM-DD&to=YYYY-MM-DD — the dispatch board's view model:
 * technicians with their tags, the range's jobs with their tags and customer names, and the
 * unassigned queue, in one compact payload.
 *
 * ERPNext lists never return child tables and child doctypes cannot be listed on their own, so
 * tags are gathered the way Frappe allows: one list per tag filtered on the child table
 * (`[["Dispatch Job Tag", "tag", "=", X]]`). That is a few dozen reads whatever the number of
 * documents, instead of one read per technician and per job.
 */
import type { H3 } from 'h3'
import { addDays } from '../../src/contracts/frappeTime'
import type { BoardJob, BoardPayload, BoardTechnician } from '../../src/features/dispatch/contract'
import type { AppContext, FeatureRoutes } from '../app'
import { bffError, json, SENTENCES } from '../errors'
import { UpstreamUnreachable, type ErpClient } from '../upstream/erp'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A week view plus margins is the widest range a board asks for. */
const MAX_RANGE_DAYS = 14
/** In-list filters are bound parameters; SQLite and MariaDB both accept this many comfortably. */
const IN_CHUNK = 1000

const TECH_FIELDS = ['name', 'full_name', 'status', 'color', 'traccar_device_id', 'home_latitude', 'home_longitude', 'shift_start', 'shift_end']
const JOB_FIELDS = ['name', 'job_type', 'status', 'priority', 'customer', 'technician', 'scheduled_start', 'duration_minutes', 'address', 'latitude', 'longitude', 'description', 'creation', 'modified']

type Row = Record<string, unknown>

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

/** Drops nulls so the payload stays small (Frappe omits them in documents too). */
function compact<T>(row: Row): T {
  const out: Row = {}
  for (const [k, v] of Object.entries(row)) if (v !== null && v !== undefined && v !== '') out[k] = v
  return out as T
}

async function namesByTag(erp: ErpClient, doctype: string, child: string, tags: string[], filters: unknown[]): Promise<Map<string, string[]>> {
  const byName = new Map<string, string[]>()
  const lists = await Promise.all(tags.map((tag) =>
    erp.list<{ name: string }>(doctype, { fields: ['name'], filters: [...filters, [child, 'tag', '=', tag]] })))
  lists.forEach((rows, i) => {
    for (const { name } of rows) {
      const list = byName.get(name)
      if (list) list.push(tags[i])
      else byName.set(name, [tags[i]])
    }
  })
  return byName
}

async function customerNames(erp: ErpClient, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const chunks: string[][] = []
  for (let i = 0; i < names.length; i += IN_CHUNK) chunks.push(names.slice(i, i + IN_CHUNK))
  const lists = await Promise.all(chunks.map((chunk) =>
    erp.list<{ name: string; customer_name: string }>('Customer', { fields: ['name', 'customer_name'], filters: [['name', 'in', chunk]] })))
  for (const rows of lists) for (const r of rows) out.set(r.name, r.customer_name)
  return out
}

export async function buildBoard(erp: ErpClient, from: string, to: string): Promise<BoardPayload> {
  const rangeFilters = [
    ['scheduled_start', '>=', `${from} 00:00:00`],
    ['scheduled_start', '<', `${addDays(to, 1)} 00:00:00`],
  ]
  // The queue: every job waiting for a technician, whatever day it was requested for.
  const queueFilters = [['status', '=', 'Unscheduled']]
  const [tags, techRows, rangeRows, queueRows] = await Promise.all([
    erp.list<{ name: string; category?: string; color?: string }>('Tag', { fields: ['name', 'category', 'color'] }),
    erp.list<Row>('Technician', { fields: TECH_FIELDS }),
    erp.list<Row>('Dispatch Job', { fields: JOB_FIELDS, filters: [...rangeFilters, ['status', '!=', 'Unscheduled']] }),
    erp.list<Row>('Dispatch Job', { fields: JOB_FIELDS, filters: queueFilters }),
  ])
  const tagNames = tags.map((t) => t.name)
  const [techTags, rangeTags, queueTags, customers] = await Promise.all([
    namesByTag(erp, 'Technician', 'Technician Tag', tagNames, []),
    namesByTag(erp, 'Dispatch Job', 'Dispatch Job Tag', tagNames, [...rangeFilters, ['status', '!=', 'Unscheduled']]),
    namesByTag(erp, 'Dispatch Job', 'Dispatch Job Tag', tagNames, queueFilters),
    customerNames(erp, [...new Set([...rangeRows, ...queueRows].map((j) => j.customer).filter((c): c is string => typeof c === 'string'))]),
  ])

  const technicians = techRows.map((row) => ({ ...compact<BoardTechnician>(row), tags: techTags.get(String(row.name)) ?? [] }))
  const toJob = (row: Row, tagsOf: Map<string, string[]>): BoardJob => {
    const job = compact<BoardJob>(row)
    job.tags = tagsOf.get(job.name) ?? []
    job.duration_minutes = Number(job.duration_minutes) || 60
    const customer = job.customer ? customers.get(job.customer) : undefined
    if (customer) job.customer_name = customer
    return job
  }
  const jobs = [...rangeRows.map((r) => toJob(r, rangeTags)), ...queueRows.map((r) => toJob(r, queueTags))]
  return { from, to, tags: tags.map((t) => compact(t)), technicians, jobs }
}

export const dispatchRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  app.get('/ops/api/dispatch/board', async (event) => {
    const user = ctx.user(event)
    if (!user) return bffError(event.req, 401, 'UNAUTHENTICATED', SENTENCES.unauthenticated)
    if (!user.capabilities.includes('dispatch:view')) return bffError(event.req, 403, 'FORBIDDEN', SENTENCES.forbidden)
    const from = event.url.searchParams.get('from') ?? ''
    const to = event.url.searchParams.get('to') ?? from
    const span = DATE.test(from) && DATE.test(to) ? daysBetween(from, to) : NaN
    if (!(span >= 0 && span <= MAX_RANGE_DAYS)) {
      return bffError(event.req, 400, 'INVALID_RANGE', {
        fr: `Période invalide : indiquez from et to (AAAA-MM-JJ), ${MAX_RANGE_DAYS} jours au plus.`,
        en: `Invalid range: give from and to (YYYY-MM-DD), at most ${MAX_RANGE_DAYS} days apart.`,
      })
    }
    try {
      return json(200, await buildBoard(ctx.erp, from, to))
    } catch (err) {
      if (err instanceof UpstreamUnreachable) return bffError(event.req, 502, 'ERP_UNAVAILABLE', SENTENCES.erpDown)
      throw err
    }
  })
}
