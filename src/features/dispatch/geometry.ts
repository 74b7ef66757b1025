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
