/**
 * Document names, as Frappe makes them: naming series with a counter per prefix kept in
 * "tabSeries" (so `CUST-.#####` gives CUST-00001, CUST-00002…), `field:x`, and `hash`.
 * Also the clock for creation/modified, which must never repeat a value.
 */
import { randomBytes } from 'node:crypto'
import { siteWallClock, toFrappeDatetime } from '../../../src/contracts/frappeTime'
import type { SqlDatabase } from './database'
import { FrappeError } from './errors'
import type { DoctypeMeta } from './schema'

interface Series {
  prefixOf(year: number): string
  digits: number
  pattern: RegExp
}

/** `DJ-.YYYY.-.#####` → parts "DJ-", "YYYY", "-", "#####": the prefix is all but the hashes. */
function parseSeries(autoname: string): Series | null {
  const parts = autoname.split('.').filter((p) => p !== '')
  const last = parts.at(-1) ?? ''
  if (!/^#+$/.test(last)) return null
  const head = parts.slice(0, -1)
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return {
    prefixOf: (year) => head.map((p) => (p === 'YYYY' ? String(year) : p)).join(''),
    digits: last.length,
    pattern: new RegExp(`^(${head.map((p) => (p === 'YYYY' ? '\\d{4}' : escape(p))).join('')})(\\d+)$`),
  }
}

/**
 * Frappe's `hash` name: 10 random hex characters. Random bytes are drawn in blocks because one
 * randomBytes() call per child row dominated the bulk import's time.
 */
let pool = Buffer.alloc(0)
let poolOffset = 0
export function randomName(): string {
  if (poolOffset + 5 > pool.length) {
    pool = randomBytes(5 * 1024)
    poolOffset = 0
  }
  poolOffset += 5
  return pool.toString('hex', poolOffset - 5, poolOffset)
}

export class Naming {
  private readonly series = new Map<string, Series | null>()

  constructor(
    private readonly sql: SqlDatabase,
    private readonly clock: Clock,
  ) {}

  private seriesOf(meta: DoctypeMeta): Series | null {
    if (!this.series.has(meta.name)) this.series.set(meta.name, parseSeries(meta.def.autoname))
    return this.series.get(meta.name) ?? null
  }

  /** The name for a new document; `doc` holds its already-coerced field values. */
  newName(meta: DoctypeMeta, doc: Record<string, unknown>): string {
    const autoname = meta.def.autoname
    if (autoname === 'hash') return randomName()
    if (autoname.startsWith('format:')) {
      // Frappe's `format:` rule: {fieldname} is replaced by the field's value.
      return autoname.slice('format:'.length).replace(/\{(\w+)\}/g, (_, fieldname: string) => {
        const value = doc[fieldname]
        if (value === null || value === undefined || String(value).trim() === '') {
          throw new FrappeError('MandatoryError', `Error: Value missing for ${meta.name}: ${fieldname}`)
        }
        return String(value).trim()
      })
    }
    if (autoname.startsWith('field:')) {
      const fieldname = autoname.slice('field:'.length)
      const value = doc[fieldname]
      if (value === null || value === undefined || String(value).trim() === '') {
        throw new FrappeError('MandatoryError', `Error: Value missing for ${meta.name}: ${fieldname}`)
      }
      return String(value).trim()
    }
    const series = this.seriesOf(meta)
    if (!series) throw new Error(`Doctype ${meta.name}: unsupported autoname ${autoname}`)
    const prefix = series.prefixOf(this.clock.siteYear())
    const row = this.sql
      .prepare(
        'INSERT INTO "tabSeries" (name, current) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET current = current + 1 RETURNING current',
      )
      .get(prefix) as { current: number }
    return prefix + String(row.current).padStart(series.digits, '0')
  }

  /**
   * After a bulk import with names already set, move each series counter past the highest
   * imported number so the next insert does not collide with seeded documents.
   */
  advancePast(meta: DoctypeMeta, names: Iterable<string>): void {
    const series = this.seriesOf(meta)
    if (!series) return
    const highest = new Map<string, number>()
    for (const name of names) {
      const m = series.pattern.exec(name)
      if (m) highest.set(m[1], Math.max(highest.get(m[1]) ?? 0, Number(m[2])))
    }
    const stmt = this.sql.prepare(
      'INSERT INTO "tabSeries" (name, current) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET current = max(current, excluded.current)',
    )
    for (const [prefix, current] of highest) stmt.run(prefix, current)
  }
}

/**
 * The site clock. `timestamp()` is strictly increasing within the process, even when the
 * injected clock stands still (tests) or two writes land in the same millisecond, so
 * `modified` always changes on save and optimistic concurrency can rely on it.
 */
export class Clock {
  private lastMicros = 0

  constructor(private readonly now: () => Date) {}

  timestamp(): string {
    const micros = Math.max(this.now().getTime() * 1000, this.lastMicros + 1)
    this.lastMicros = micros
    const text = toFrappeDatetime(new Date(Math.floor(micros / 1000)))
    return text.slice(0, -6) + String(micros % 1_000_000).padStart(6, '0')
  }

  siteYear(): number {
    return siteWallClock(this.now()).year
  }
}
