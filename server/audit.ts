/**
 * The journal: who did what through the BFF. ERPNext sees only the service user, so this is the
 * one place the person is known. Append-only JSON lines under DATA_DIR/audit, rotated by size.
 * Entries carry names and outcomes, never bodies, so tokens and passwords cannot leak into it.
 */
import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { JournalEntry, JournalPage } from '../src/contracts/settings'

export type AuditEntry = JournalEntry

export interface AuditQuery {
  /** Free text, case-insensitive, in actor, action, target, request id and detail. */
  q?: string
  /** Part of the actor's e-mail, case-insensitive. */
  actor?: string
  /** Action or action prefix: `erp.update`, `erp.`, `hub.invite`. */
  action?: string
  limit: number
  /** Cursor from a previous page's `next`: only entries older than it. */
  before?: string
}

/**
 * `budgetReached`: the page stopped because the read budget ran out before `limit` matches were
 * found, so a rare search over a large journal continues from `next` instead of reading it all.
 */
export type AuditPage = JournalPage

export interface AuditJournal {
  record(entry: Omit<AuditEntry, 'at'>): void
  /** Newest first, across the current and rotated files, reading at most a bounded number of bytes. */
  read(query: AuditQuery): AuditPage
  /** Directory of the journal files (current: journal.jsonl, rotated: journal-<time>.jsonl). */
  readonly dir: string | null
}

export interface AuditOptions {
  rotateBytes?: number
  /** Most bytes one read() scans before answering with what it found so far. */
  readBudgetBytes?: number
}

const ROTATE_BYTES = 5 * 1024 * 1024
const READ_BUDGET_BYTES = 16 * 1024 * 1024
const CHUNK = 64 * 1024
const CURRENT = 'journal.jsonl'
const ROTATED = /^journal-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)(?:-\d+)?\.jsonl$/

/** `journal-2026-03-01T10-00-00-000Z.jsonl` → `2026-03-01T10:00:00.000Z` (when it was rotated). */
function rotatedAt(file: string): string | null {
  const m = ROTATED.exec(file)
  if (!m) return null
  const [date, time] = m[1].split('T')
  const [h, mi, s, ms] = time.replace('Z', '').split('-')
  return `${date}T${h}:${mi}:${s}.${ms}Z`
}

/**
 * Cursor = `<at>~<n>`: entries older than `at`, after skipping the first `n` entries stamped
 * exactly `at` (several writes can share a millisecond; a plain timestamp would lose them).
 */
export function encodeCursor(at: string, sameAt: number): string {
  return `${at}~${sameAt}`
}

export function decodeCursor(cursor: string): { at: string; sameAt: number } | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)~(\d{1,6})$/.exec(cursor)
  return m ? { at: m[1], sameAt: Number(m[2]) } : null
}

function matches(e: AuditEntry, q: AuditQuery): boolean {
  if (q.actor && !e.actor.toLowerCase().includes(q.actor.toLowerCase())) return false
  if (q.action && !(e.action === q.action || (q.action.endsWith('.') && e.action.startsWith(q.action)))) return false
  if (q.q) {
    const needle = q.q.toLowerCase()
    const hay = `${e.actor}\n${e.action}\n${e.target}\n${e.requestId}\n${e.detail ?? ''}`.toLowerCase()
    if (!hay.includes(needle)) return false
  }
  return true
}

/** Lines of a file from its end to its start, reading CHUNK bytes at a time. */
function* linesBackwards(path: string, budget: { bytes: number }): Generator<string> {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return
  }
  try {
    let position = statSync(path).size
    let carry = Buffer.alloc(0)
    while (position > 0) {
      if (budget.bytes <= 0) return
      const size = Math.min(CHUNK, position)
      position -= size
      const chunk = Buffer.alloc(size)
      readSync(fd, chunk, 0, size, position)
      budget.bytes -= size
      let buf = Buffer.concat([chunk, carry])
      let end = buf.length
      for (let i = buf.length - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a) continue
        if (end > i + 1) yield buf.subarray(i + 1, end).toString('utf8')
        end = i
      }
      carry = buf.subarray(0, end)
      buf = Buffer.alloc(0)
    }
    if (carry.length) yield carry.toString('utf8')
  } finally {
    closeSync(fd)
  }
}

function parse(line: string): AuditEntry | null {
  try {
    const v = JSON.parse(line) as AuditEntry
    return typeof v.at === 'string' && typeof v.action === 'string' ? v : null
  } catch {
    return null // a line cut by a crash mid-write: skip it rather than fail the whole page
  }
}

export function createAuditJournal(
  dataDir: string | null,
  now: () => Date = () => new Date(),
  options: AuditOptions = {},
): AuditJournal {
  if (!dataDir) {
    return { record() {}, read: () => ({ entries: [], next: null, budgetReached: false }), dir: null }
  }
  const rotateBytes = options.rotateBytes ?? ROTATE_BYTES
  const readBudget = options.readBudgetBytes ?? READ_BUDGET_BYTES
  const dir = join(dataDir, 'audit')
  mkdirSync(dir, { recursive: true })
  const current = join(dir, CURRENT)

  /** Files newest first, each with the time before which all its entries were written. */
  function files(): { path: string; olderThan: string | null }[] {
    const rotated = readdirSync(dir)
      .map((f) => ({ f, at: rotatedAt(f), n: Number(/-(\d+)\.jsonl$/.exec(f)?.[1] ?? 1) }))
      .filter((x): x is { f: string; at: string; n: number } => x.at !== null)
      .sort((a, b) => (a.at === b.at ? b.n - a.n : a.at < b.at ? 1 : -1))
    const list = [
      { path: current, newest: null as string | null },
      ...rotated.map((r) => ({ path: join(dir, r.f), newest: r.at })),
    ]
    // A file holds entries written after the next older file was rotated away.
    return list.map((x, i) => ({ path: x.path, olderThan: list[i + 1]?.newest ?? null }))
  }

  return {
    dir,
    record(entry) {
      const line = JSON.stringify({ at: now().toISOString(), ...entry }) + '\n'
      try {
        if (statSync(current).size + line.length > rotateBytes) {
          const stamp = now().toISOString().replace(/[:.]/g, '-')
          let target = join(dir, `journal-${stamp}.jsonl`)
          for (let n = 2; existsQuiet(target); n++) target = join(dir, `journal-${stamp}-${n}.jsonl`)
          renameSync(current, target)
        }
      } catch {
        // no journal yet
      }
      appendFileSync(current, line)
    },
    read(query) {
      const cursor = query.before ? decodeCursor(query.before) : null
      const budget = { bytes: readBudget }
      const entries: AuditEntry[] = []
      let last: { at: string; sameAt: number } | null = cursor ? { ...cursor } : null
      let skipSame = cursor?.sameAt ?? 0
      for (const file of files()) {
        // Every entry of this file is newer than the cursor: skip it without reading.
        if (cursor && file.olderThan && file.olderThan > cursor.at) continue
        for (const line of linesBackwards(file.path, budget)) {
          const e = parse(line)
          if (!e) continue
          if (cursor) {
            if (e.at > cursor.at) continue
            if (e.at === cursor.at && skipSame > 0) {
              skipSame--
              continue
            }
          }
          last = last && last.at === e.at ? { at: e.at, sameAt: last.sameAt + 1 } : { at: e.at, sameAt: 1 }
          if (matches(e, query)) {
            entries.push(e)
            if (entries.length >= query.limit)
              return { entries, next: encodeCursor(last.at, last.sameAt), budgetReached: false }
          }
        }
        if (budget.bytes <= 0) {
          return { entries, next: last ? encodeCursor(last.at, last.sameAt) : null, budgetReached: true }
        }
      }
      return { entries, next: null, budgetReached: false }
    },
  }
}

function existsQuiet(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch {
    return false
  }
}
