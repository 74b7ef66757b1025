/**
 * When the app opens on the board (its address is #/dispatch…), the board's range is asked for
 * at once, before the session, the layout and the board's own code have arrived: the page then
 * draws what is already there. Reads the address as the page will (filters.ts, timeAxis.ts).
 */
import { toFrappeDate } from 'src/contracts/frappeTime'
import { prefetchBoard } from './boardLoader'
import { viewFromQuery } from './filters'
import { rowsInView } from './geometry'
import { viewRange } from './timeAxis'

export function openBoardEarly(hash: string): void {
  const match = /^#\/dispatch\/?(?:\?(.*))?$/.exec(hash)
  if (!match) return
  const params = new URLSearchParams(match[1] ?? '')
  const query: Record<string, string[]> = {}
  for (const [key, value] of params) (query[key] ??= []).push(value)
  const view = viewFromQuery(query, toFrappeDate(new Date()))
  const { from, to } = viewRange(view.day, view.view)
  prefetchBoard({ from, to, rows: rowsInView() })
}
