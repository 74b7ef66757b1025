/**
 * What the board cache reads from ERPNext, with the service token: a whole range (routes/
 * dispatchBoard.ts), and one document at a time when a change event names it. A document is read
 * whole (it comes with its tags) and cut down to the fields a list read would have brought, so a
 * job patched in looks exactly like the same job in a fresh build.
 */
import {
  BOARD_TAG_FIELDS,
  boardJobOf,
  boardTagOf,
  boardTechnicianOf,
  type BoardJob,
  type BoardTechnician,
  type DispatchJobRecord,
} from '../../src/contracts/dispatch'
import type { BoardPayload } from '../../src/contracts/dispatch'
import type { Tag, Technician } from '../../src/contracts/doctypes'
import { addDays } from '../../src/contracts/frappeTime'
import type { ErpClient } from '../upstream/erp'
import { buildBoard, JOB_FIELDS, QUEUE_FIELDS, TagCache } from '../routes/dispatchBoard'

export interface BoardSource {
  /** The whole board of a range: technicians, tags, the range's jobs and the queue. */
  build(from: string, to: string): Promise<BoardPayload>
  /** One job as a board shows it (without its customer's name), or null when it no longer exists. */
  job(name: string): Promise<BoardJob | null>
  /** One technician as a board shows them, or null when they no longer exist. */
  technician(name: string): Promise<BoardTechnician | null>
  /** A customer's name, or null when the customer no longer exists. */
  customerName(name: string): Promise<string | null>
  /** The tags, as a board lists them. */
  tags(): Promise<BoardPayload['tags']>
  /** Jobs modified after `since`, oldest first, at most `limit`: changes made outside the BFF. */
  changedSince(since: string, limit: number): Promise<{ name: string; modified: string }[]>
  /** How many jobs a fresh build of the range would hold (the range's and the queue's). */
  count(from: string, to: string): Promise<number>
}

type Doc = Record<string, unknown>

function pick(doc: Doc, fields: readonly string[]): Doc {
  const out: Doc = {}
  for (const f of fields) if (f in doc) out[f] = doc[f]
  return out
}

const tagsOf = (doc: Doc) =>
  (Array.isArray(doc.tags) ? (doc.tags as { tag?: unknown }[]) : [])
    .map((t) => t.tag)
    .filter((t): t is string => typeof t === 'string')

/** The filters a build reads a range with (routes/dispatchBoard.ts), for counting it. */
export const rangeFilters = (from: string, to: string) => [
  ['scheduled_start', '>=', `${from} 00:00:00`],
  ['scheduled_start', '<', `${addDays(to, 1)} 00:00:00`],
  ['status', '!=', 'Unscheduled'],
]

export function erpBoardSource(erp: ErpClient): BoardSource {
  const tagCache = new TagCache()
  async function count(doctype: string, filters: unknown[]): Promise<number> {
    const q = new URLSearchParams({ doctype, filters: JSON.stringify(filters) })
    const answer = await erp.send('GET', `/api/method/frappe.client.get_count?${q}`)
    const n = answer.status === 200 ? (JSON.parse(answer.body) as { message?: unknown }).message : null
    if (typeof n !== 'number') throw new Error(`ERPNext answered ${answer.status} to a count of ${doctype}`)
    return n
  }
  return {
    build: (from, to) => buildBoard(erp, tagCache, from, to),
    async job(name) {
      const doc = await erp.get<Doc>('Dispatch Job', name)
      if (!doc) return null
      const fields = doc.status === 'Unscheduled' ? QUEUE_FIELDS : JOB_FIELDS
      return boardJobOf(pick(doc, fields) as DispatchJobRecord, undefined, tagsOf(doc))
    },
    async technician(name) {
      const doc = await erp.get<Technician>('Technician', name)
      return doc && boardTechnicianOf(doc)
    },
    async customerName(name) {
      const doc = await erp.get<{ customer_name?: string }>('Customer', name)
      return doc ? (doc.customer_name ?? null) : null
    },
    async tags() {
      const rows = await erp.list<Tag>('Tag', { fields: BOARD_TAG_FIELDS })
      return rows.map(boardTagOf)
    },
    changedSince: (since, limit) =>
      erp.list<{ name: string; modified: string }>('Dispatch Job', {
        fields: ['name', 'modified'],
        filters: [['modified', '>', since]],
        orderBy: 'modified asc',
        limit,
      }),
    async count(from, to) {
      const [range, queue] = await Promise.all([
        count('Dispatch Job', rangeFilters(from, to)),
        count('Dispatch Job', [['status', '=', 'Unscheduled']]),
      ])
      return range + queue
    },
  }
}
