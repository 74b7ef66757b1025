/**
 * The board's view lives in the URL (`#/dispatch?day=2026-11-27&view=week&status=Scheduled&tag=Fibre&q=…`)
 * so a dispatcher can share it and a reload keeps it. Filters narrow the jobs shown; technician
 * rows are narrowed only by what describes a technician (a skill or zone tag, a chosen technician,
 * a search that names them or one of their jobs). Pure.
 */
import type { ViewMode } from './timeAxis'

export interface BoardView {
  day: string
  view: ViewMode
  status: string[]
  tag: string[]
  type: string[]
  priority: string[]
  tech: string[]
  q: string
  /** Pixels per hour multiplier (1 = default). */
  zoom: number
}

export type QueryValue = string | null | (string | null)[] | undefined
export type Query = Record<string, QueryValue>

const DATE = /^\d{4}-\d{2}-\d{2}$/
export const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3] as const

function list(v: QueryValue): string[] {
  const raw = Array.isArray(v) ? v : v == null ? [] : [v]
  return [
    ...new Set(
      raw
        .flatMap((s) => (s ?? '').split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ]
}

export function viewFromQuery(query: Query, today: string): BoardView {
  const first = (v: QueryValue) => (Array.isArray(v) ? v[0] : v) ?? ''
  const day = first(query.day)
  const zoom = Number(first(query.zoom))
  return {
    day: DATE.test(day) ? day : today,
    view: first(query.view) === 'week' ? 'week' : 'day',
    status: list(query.status),
    tag: list(query.tag),
    type: list(query.type),
    priority: list(query.priority),
    tech: list(query.tech),
    q: first(query.q).slice(0, 100),
    zoom: (ZOOMS as readonly number[]).includes(zoom) ? zoom : 1,
  }
}

/** The URL query of a view; defaults are left out so shared links stay short. */
export function viewToQuery(v: BoardView): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = { day: v.day }
  if (v.view !== 'day') q.view = v.view
  if (v.status.length) q.status = v.status
  if (v.tag.length) q.tag = v.tag
  if (v.type.length) q.type = v.type
  if (v.priority.length) q.priority = v.priority
  if (v.tech.length) q.tech = v.tech
  if (v.q.trim()) q.q = v.q.trim()
  if (v.zoom !== 1) q.zoom = String(v.zoom)
  return q
}

/** Lower-case, accents removed: "Côté" matches "cote". */
export const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()

export interface FilterableJob {
  name: string
  status: string
  job_type: string
  priority: string
  technician?: string
  customer?: string
  customer_name?: string
  address?: string
  description?: string
  tags: readonly string[]
  /** Folded search text, computed once per job version. */
  haystack?: string
}

export function jobHaystack(job: Omit<FilterableJob, 'haystack'>): string {
  return fold([job.name, job.customer, job.customer_name, job.address, job.description].filter(Boolean).join(' | '))
}

/** Whether any job filter is on (status, type, priority, tag, search). */
export const filtersJobs = (v: BoardView) =>
  v.status.length + v.type.length + v.priority.length + v.tag.length > 0 || v.q.trim() !== ''

export function jobMatcher(v: BoardView): (job: FilterableJob) => boolean {
  const status = new Set(v.status)
  const type = new Set(v.type)
  const priority = new Set(v.priority)
  const tags = v.tag
  const needle = fold(v.q.trim())
  return (job) =>
    (status.size === 0 || status.has(job.status)) &&
    (type.size === 0 || type.has(job.job_type)) &&
    (priority.size === 0 || priority.has(job.priority)) &&
    (tags.length === 0 || tags.some((t) => job.tags.includes(t))) &&
    (needle === '' || (job.haystack ??= jobHaystack(job)).includes(needle))
}

export interface FilterableTechnician {
  name: string
  full_name: string
  tags: readonly string[]
}

/**
 * Rows to show. `hasMatchingJob` tells whether a technician has a job passing the job filters in
 * the range; it only matters for a search (a search narrows rows to who is concerned).
 */
export function technicianMatcher(
  v: Pick<BoardView, 'tech' | 'tag' | 'q'>,
  tagCategory: ReadonlyMap<string, string | undefined>,
  hasMatchingJob: (technician: string) => boolean,
): (t: FilterableTechnician) => boolean {
  const chosen = new Set(v.tech)
  // Only skill and zone tags describe a technician; a job-type tag narrows jobs only.
  const rowTags = v.tag.filter((t) => tagCategory.get(t) === 'Skill' || tagCategory.get(t) === 'Zone')
  const needle = fold(v.q.trim())
  return (t) =>
    (chosen.size === 0 || chosen.has(t.name)) &&
    (rowTags.length === 0 || rowTags.some((tag) => t.tags.includes(tag)) || hasMatchingJob(t.name)) &&
    (needle === '' || fold(`${t.full_name} ${t.name}`).includes(needle) || hasMatchingJob(t.name))
}

export type QueueSort = 'priority' | 'age' | 'distance'

const PRIORITY_RANK: Record<string, number> = { Urgent: 0, High: 1, Medium: 2, Low: 3 }

export interface QueueItem {
  name: string
  priority: string
  creation?: string
  distanceKm?: number | null
}

/** The unassigned queue's order: most urgent, oldest, or nearest first; ties by name. Keys are computed once per item. */
export function sortQueue<T extends QueueItem>(
  items: readonly T[],
  by: QueueSort,
  distanceOf: (item: T) => number | null | undefined = (i) => i.distanceKm,
): T[] {
  const keyed = items.map((item) => ({
    item,
    key:
      by === 'priority'
        ? (PRIORITY_RANK[item.priority] ?? 9)
        : by === 'age'
          ? 0
          : (distanceOf(item) ?? Number.POSITIVE_INFINITY),
    // Among equals, the one waiting longest comes first.
    creation: item.creation ?? '9999',
  }))
  keyed.sort(
    (a, b) =>
      a.key - b.key ||
      (a.creation < b.creation ? -1 : a.creation > b.creation ? 1 : 0) ||
      (a.item.name < b.item.name ? -1 : a.item.name > b.item.name ? 1 : 0),
  )
  return keyed.map((k) => k.item)
}
