/**
 * The board's view model, built from ERPNext reads with the service token.
 *
 * ERPNext lists never return child tables and child doctypes cannot be listed on their own, so
 * tags are gathered the way Frappe allows: one list per tag filtered on the child table
 * (`[["Dispatch Job Tag", "tag", "=", X]]`) — a few dozen reads whatever the number of documents.
 * Those reads are the expensive part at 20,000 jobs, so tags are cached per document and
 * `modified`: a job read again only when it changed (a drag, a colleague, the hub).
 */
import {
  BOARD_TAG_FIELDS,
  boardJobOf,
  boardTagOf,
  boardTechnicianOf,
  type BoardJob,
  type BoardPayload,
  type DispatchJobRecord,
} from '../../src/contracts/dispatch'
import type { Tag, Technician } from '../../src/contracts/doctypes'
import { addDays } from '../../src/contracts/frappeTime'
import type { ErpClient } from '../upstream/erp'

/** In-list filters are bound parameters; SQLite and MariaDB both accept this many comfortably. */
const IN_CHUNK = 500
/** Below this many changed documents, reading each one is cheaper than one list per tag. */
const READ_EACH_BELOW = 40
/** ERPNext reads in flight at once for one board: more only queue up behind each other. */
const CONCURRENCY = 4

/** What the board shows of a technician (`boardTechnicianOf`), and `modified` for the tag cache. */
export const TECH_FIELDS = [
  'name',
  'full_name',
  'status',
  'color',
  'traccar_device_id',
  'home_latitude',
  'home_longitude',
  'shift_start',
  'shift_end',
  'modified',
]
export const JOB_FIELDS = [
  'name',
  'job_type',
  'status',
  'priority',
  'customer',
  'technician',
  'scheduled_start',
  'duration_minutes',
  'arrival_window_start',
  'arrival_window_end',
  'pinned',
  'address',
  'latitude',
  'longitude',
  'customer_notified_at',
  'modified',
]
/** The queue also shows what each request is about and how long it has waited. */
export const QUEUE_FIELDS = [...JOB_FIELDS, 'description', 'creation']

type Row = Record<string, unknown>
type TechnicianRow = Row & Pick<Technician, 'name' | 'full_name'> & Partial<Technician>

/** Tags of documents, valid while the document's `modified` is unchanged. */
export class TagCache {
  private readonly entries = new Map<string, { modified: string; tags: string[] }>()
  get(doctype: string, name: string, modified: string): string[] | undefined {
    const hit = this.entries.get(`${doctype}|${name}`)
    return hit && hit.modified === modified ? hit.tags : undefined
  }
  set(doctype: string, name: string, modified: string, tags: string[]) {
    if (this.entries.size > 250_000) this.entries.clear()
    this.entries.set(`${doctype}|${name}`, { modified, tags })
  }
}

/** Runs tasks with at most `limit` in flight. */
async function limited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await task(items[i])
      }
    }),
  )
  return out
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size))
  return out
}

/**
 * Fills `rows`' tags from the cache, reading what is missing: each document when few changed,
 * else one list per tag over `broad` (the filters that selected the rows) or over their names.
 */
async function withTags(
  erp: ErpClient,
  cache: TagCache,
  doctype: string,
  child: string,
  tagNames: string[],
  rows: Row[],
  broad: unknown[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  const missing: Row[] = []
  for (const row of rows) {
    const hit = cache.get(doctype, String(row.name), String(row.modified ?? ''))
    if (hit) out.set(String(row.name), hit)
    else missing.push(row)
  }
  if (missing.length === 0) return out
  if (missing.length < READ_EACH_BELOW) {
    await limited(missing, CONCURRENCY, async (row) => {
      const answer = await erp.send(
        'GET',
        `/api/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(String(row.name))}`,
      )
      const doc =
        answer.status === 200 ? (JSON.parse(answer.body) as { data: { tags?: { tag: string }[] } }).data : null
      out.set(
        String(row.name),
        (doc?.tags ?? []).map((t) => t.tag),
      )
    })
  } else {
    const scopes =
      missing.length > IN_CHUNK
        ? [broad]
        : chunks(
            missing.map((r) => String(r.name)),
            IN_CHUNK,
          ).map((names) => [['name', 'in', names]])
    const found = new Map<string, string[]>(missing.map((r) => [String(r.name), []]))
    const reads = scopes.flatMap((scope) => tagNames.map((tag) => ({ scope, tag })))
    await limited(reads, CONCURRENCY, async ({ scope, tag }) => {
      const list = await erp.list<{ name: string }>(doctype, {
        fields: ['name'],
        filters: [...scope, [child, 'tag', '=', tag]],
      })
      for (const { name } of list) found.get(name)?.push(tag)
    })
    for (const [name, tags] of found) out.set(name, tags)
  }
  for (const row of missing)
    cache.set(doctype, String(row.name), String(row.modified ?? ''), out.get(String(row.name)) ?? [])
  return out
}

async function customerNames(erp: ErpClient, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  await limited(chunks(names, IN_CHUNK), CONCURRENCY, async (chunk) => {
    const rows = await erp.list<{ name: string; customer_name: string }>('Customer', {
      fields: ['name', 'customer_name'],
      filters: [['name', 'in', chunk]],
    })
    for (const r of rows) out.set(r.name, r.customer_name)
  })
  return out
}

export async function buildBoard(erp: ErpClient, cache: TagCache, from: string, to: string): Promise<BoardPayload> {
  const inRange = [
    ['scheduled_start', '>=', `${from} 00:00:00`],
    ['scheduled_start', '<', `${addDays(to, 1)} 00:00:00`],
    ['status', '!=', 'Unscheduled'],
  ]
  // The queue: every job waiting for a technician, whatever day it was requested for.
  const waiting = [['status', '=', 'Unscheduled']]
  const [tags, techRows, rangeRows, queueRows] = await Promise.all([
    erp.list<Tag>('Tag', { fields: BOARD_TAG_FIELDS }),
    erp.list<TechnicianRow>('Technician', { fields: TECH_FIELDS }),
    erp.list<DispatchJobRecord>('Dispatch Job', { fields: JOB_FIELDS, filters: inRange }),
    erp.list<DispatchJobRecord>('Dispatch Job', { fields: QUEUE_FIELDS, filters: waiting }),
  ])
  const tagNames = tags.map((t) => t.name)
  const techTags = await withTags(erp, cache, 'Technician', 'Technician Tag', tagNames, techRows, [])
  const rangeTags = await withTags(erp, cache, 'Dispatch Job', 'Dispatch Job Tag', tagNames, rangeRows, inRange)
  const queueTags = await withTags(erp, cache, 'Dispatch Job', 'Dispatch Job Tag', tagNames, queueRows, waiting)
  const customers = await customerNames(erp, [
    ...new Set([...rangeRows, ...queueRows].map((j) => j.customer).filter((c): c is string => typeof c === 'string')),
  ])

  const technicians = techRows.map((row) => boardTechnicianOf(row, techTags.get(row.name) ?? []))
  const toJob = (row: DispatchJobRecord, tagsOf: Map<string, string[]>): BoardJob =>
    boardJobOf(row, row.customer ? customers.get(row.customer) : undefined, tagsOf.get(row.name) ?? [])
  const jobs = [...rangeRows.map((r) => toJob(r, rangeTags)), ...queueRows.map((r) => toJob(r, queueTags))]
  return { from, to, tags: tags.map(boardTagOf), technicians, jobs }
}
