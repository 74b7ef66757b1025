/**
 * Sizes of the board, in one place: the rows are a fixed height so the visible ones are found by
 * arithmetic (no measuring), and time maps to pixels linearly from the range's first instant.
 */
import type { ViewMode } from './timeAxis'
import { HOUR } from './timeAxis'

export const ROW_HEIGHT = 48
export const HEADER_HEIGHT = 44
export const NAME_WIDTH = 188
/** Rows rendered beyond the visible ones, above and below, so a quick scroll never shows blanks. */
export const OVERSCAN_ROWS = 4

/** Rows the board shows on arrival (the screen's height, plus those drawn beyond it), by tens. */
export function rowsInView(): number {
  const height = typeof window === 'undefined' ? 1000 : window.innerHeight
  return Math.ceil((Math.ceil(height / ROW_HEIGHT) + OVERSCAN_ROWS) / 10) * 10
}

export function pxPerHour(mode: ViewMode, zoom: number): number {
  return (mode === 'day' ? 96 : 18) * zoom
}

export const pxPerMs = (mode: ViewMode, zoom: number) => pxPerHour(mode, zoom) / HOUR

export const STATUS_COLORS: Readonly<Record<string, string>> = {
  Unscheduled: '#6b7280',
  Scheduled: '#0b5cad',
  'En Route': '#7b3fa0',
  'In Progress': '#a35f00',
  Completed: '#1e7d32',
  Cancelled: '#616161',
}

export const PRIORITY_ICONS: Readonly<Record<string, string>> = {
  Urgent: 'priority_high',
  High: 'keyboard_double_arrow_up',
  Medium: '',
  Low: '',
}

/** Translated job types and statuses, built once per locale for all rows. */
export interface BoardLabels {
  type: Readonly<Record<string, string>>
  status: Readonly<Record<string, string>>
}

/** Where a block sits in its row's height: lane `lane` of `of` lanes. */
export interface Lane {
  lane: number
  of: number
}

const ALONE: Lane = { lane: 0, of: 1 }

/**
 * Lanes for a row's jobs, sorted by start: jobs that overlap in time share the row's height, one
 * lane each, so no block hides another (a dispatcher can still see and click the one underneath).
 * A job that overlaps none keeps the full height. Each group of overlapping jobs is laid out on
 * its own: the first lane free at a job's start is its lane, and the group takes as many lanes
 * as it needed at most.
 */
export function rowLanes(jobs: readonly { start: number; end: number }[]): Lane[] {
  const out: Lane[] = []
  // The open group: its jobs' lanes (in `out` order from `groupFrom`), and when each lane frees.
  let groupFrom = 0
  let laneEnds: number[] = []
  let groupEnd = -Infinity
  const close = () => {
    const of = laneEnds.length
    for (let i = groupFrom; i < out.length; i++) out[i] = of === 1 ? ALONE : { lane: out[i].lane, of }
  }
  for (const j of jobs) {
    if (j.start >= groupEnd) {
      close()
      groupFrom = out.length
      laneEnds = []
      groupEnd = -Infinity
    }
    let lane = laneEnds.findIndex((end) => end <= j.start)
    if (lane < 0) lane = laneEnds.push(j.end) - 1
    else laneEnds[lane] = j.end
    out.push({ lane, of: 0 })
    groupEnd = Math.max(groupEnd, j.end)
  }
  close()
  return out
}
