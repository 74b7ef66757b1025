/**
 * The board's compact encoding, asked for with `Accept: application/x-ndjson` on
 * GET /ops/api/dispatch/board: the BFF sends it, the SPA's board worker reads it.
 *
 * Two JSON lines. The first, the head, carries what the board shows first: the tags, every
 * technician, the unassigned queue and the jobs of the first rows in the board's order (the
 * rows in view when it opens); the second carries the range's other jobs. The SPA draws the head
 * while the rest is still being read.
 *
 * Records are sent column by column: one array per field, whatever the fields are, so a field
 * added to a board job or technician travels without touching this file. A text field that
 * repeats (status, type, technician, a day's start times, tags) is sent once in a dictionary and
 * referred to by number. An absent field is `0` in a dictionary column and `null` elsewhere.
 */

export const BOARD_NDJSON = 'application/x-ndjson'
/** Version of the encoding; a reader refuses another one rather than guess. */
export const BOARD_ENCODING_VERSION = 1

/** One field of every record: dictionary-coded text, a list of dictionary-coded texts, or plain values. */
export type Column =
  /** Text from a dictionary: `i[k]` is 1 + its index in `d`, 0 when absent. */
  | { d: string[]; i: number[] }
  /** Lists of text (tags): each entry lists indexes in `d`; null when absent. */
  | { d: string[]; l: (number[] | null)[] }
  /** Any JSON value (numbers, booleans, unique text), null when absent. */
  | { v: unknown[] }

export interface Columns {
  /** Number of records. */
  n: number
  c: Record<string, Column>
}

export interface BoardHead<Tag> {
  v: number
  from: string
  to: string
  tags: Tag[]
  technicians: Columns
  jobs: Columns
  /** Jobs in the line after this one (0: there is none). */
  more: number
}

export interface BoardRest {
  jobs: Columns
}

type Plain = Record<string, unknown>

const isText = (v: unknown): v is string => typeof v === 'string'
const isTextList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText)

/** A dictionary pays off once a text repeats on average. */
const DICTIONARY_BELOW = 0.5

/** Encodes records field by field; every own field with a value is kept. */
export function toColumns(records: readonly object[]): Columns {
  const rows = records as readonly Plain[]
  const keys = new Set<string>()
  for (const r of rows) for (const k in r) if (r[k] !== undefined) keys.add(k)
  const c: Record<string, Column> = {}
  for (const key of keys) {
    let texts = true
    let lists = true
    for (const r of rows) {
      const v = r[key]
      if (v === undefined || v === null) continue
      if (texts && !isText(v)) texts = false
      if (lists && !isTextList(v)) lists = false
      if (!texts && !lists) break
    }
    if (lists && !texts) {
      const index = new Map<string, number>()
      const d: string[] = []
      const l = rows.map((r) => {
        const v = r[key]
        if (!isTextList(v)) return null
        return v.map((s) => {
          let k = index.get(s)
          if (k === undefined) index.set(s, (k = d.push(s) - 1))
          return k
        })
      })
      c[key] = { d, l }
      continue
    }
    if (texts) {
      const distinct = new Set<string>()
      for (const r of rows) if (isText(r[key])) distinct.add(r[key])
      if (distinct.size <= rows.length * DICTIONARY_BELOW) {
        const d = [...distinct]
        const index = new Map(d.map((s, k) => [s, k + 1]))
        c[key] = { d, i: rows.map((r) => (isText(r[key]) ? index.get(r[key])! : 0)) }
        continue
      }
    }
    c[key] = { v: rows.map((r) => (r[key] === undefined ? null : r[key])) }
  }
  return { n: rows.length, c }
}

/**
 * Records back from columns: fields absent from a record stay absent. The caller names the
 * record type it expects; the columns are what the BFF encoded from that type.
 */
export function fromColumns<T extends object>(cols: Columns): T[] {
  const out: Plain[] = Array.from({ length: cols.n }, () => ({}))
  for (const [key, col] of Object.entries(cols.c)) {
    if ('i' in col) {
      for (let k = 0; k < cols.n; k++) if (col.i[k] > 0) out[k][key] = col.d[col.i[k] - 1]
    } else if ('l' in col) {
      for (let k = 0; k < cols.n; k++) {
        const list = col.l[k]
        if (list) out[k][key] = list.map((x) => col.d[x])
      }
    } else {
      for (let k = 0; k < cols.n; k++) if (col.v[k] !== null && col.v[k] !== undefined) out[k][key] = col.v[k]
    }
  }
  return out as T[]
}

/** Whether a parsed line is the head of a board in this encoding. */
export function isBoardHead(line: unknown): line is BoardHead<unknown> {
  const h = line as Partial<BoardHead<unknown>> | null
  return typeof h === 'object' && h !== null && h.v === BOARD_ENCODING_VERSION && typeof h.from === 'string'
}
