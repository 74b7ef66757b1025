import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createAuditJournal, decodeCursor, type AuditEntry } from './audit'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})
function tempDir() {
  const d = mkdtempSync(join(tmpdir(), 'audit-'))
  dirs.push(d)
  return d
}

/** A clock the test advances by hand, one millisecond per write unless told otherwise. */
function steppingClock(start = Date.parse('2026-03-02T14:00:00.000Z')) {
  let t = start
  return {
    now: () => new Date(t),
    step: (ms = 1) => {
      t += ms
    },
  }
}

const entry = (i: number, over: Partial<AuditEntry> = {}): Omit<AuditEntry, 'at'> => ({
  requestId: `req-${i}`,
  actor: i % 2 ? 'sophie.lavoie@gigafibre.ca' : 'marc.bouchard@gigafibre.ca',
  action: i % 3 === 0 ? 'hub.invite' : 'erp.update',
  target: `Technician/TECH-${String(i).padStart(3, '0')}`,
  outcome: 'ok',
  status: 200,
  ...over,
})

describe('the journal', () => {
  it('reads newest first across the current file and the rotated ones', () => {
    const dir = tempDir()
    const clock = steppingClock()
    const journal = createAuditJournal(dir, clock.now, { rotateBytes: 600 })
    for (let i = 1; i <= 30; i++) {
      journal.record(entry(i))
      clock.step()
    }
    const files = readdirSync(join(dir, 'audit'))
    expect(files.filter((f) => f.startsWith('journal-')).length).toBeGreaterThanOrEqual(3)
    const page = journal.read({ limit: 100 })
    expect(page.entries.map((e) => e.requestId)).toEqual(Array.from({ length: 30 }, (_, i) => `req-${30 - i}`))
    expect(page.next).toBeNull()
  })

  it('pages with a cursor without losing or repeating entries written in the same millisecond', () => {
    const dir = tempDir()
    const clock = steppingClock()
    const journal = createAuditJournal(dir, clock.now, { rotateBytes: 700 })
    for (let i = 1; i <= 25; i++) {
      journal.record(entry(i))
      if (i % 4 === 0) clock.step() // four writes share each millisecond
    }
    const seen: string[] = []
    let before: string | undefined
    for (let guard = 0; guard < 20; guard++) {
      const page = journal.read({ limit: 3, before })
      seen.push(...page.entries.map((e) => e.requestId))
      if (!page.next) break
      before = page.next
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `req-${25 - i}`))
  })

  it('filters by free text, actor and action (a trailing dot is a prefix)', () => {
    const clock = steppingClock()
    const journal = createAuditJournal(tempDir(), clock.now)
    for (let i = 1; i <= 12; i++) {
      journal.record(entry(i))
      clock.step()
    }
    journal.record({
      requestId: 'req-x',
      actor: 'sophie.lavoie@gigafibre.ca',
      action: 'hub.invite',
      target: 'User nadia.tremblay@gigafibre.ca',
      outcome: 'ok',
      status: 201,
    })
    expect(journal.read({ limit: 50, q: 'NADIA' }).entries.map((e) => e.target)).toEqual([
      'User nadia.tremblay@gigafibre.ca',
    ])
    expect(journal.read({ limit: 50, actor: 'marc' }).entries.every((e) => e.actor.startsWith('marc.'))).toBe(true)
    expect(journal.read({ limit: 50, action: 'hub.invite' }).entries).toHaveLength(5)
    expect(journal.read({ limit: 50, action: 'hub.' }).entries).toHaveLength(5)
    expect(journal.read({ limit: 50, action: 'erp.update' }).entries).toHaveLength(8)
    expect(journal.read({ limit: 50, action: 'erp' }).entries).toHaveLength(0) // not a prefix without the dot
  })

  it('stops at its read budget and says where to continue, so a rare search never reads everything at once', () => {
    const clock = steppingClock()
    const journal = createAuditJournal(tempDir(), clock.now, { rotateBytes: 50_000, readBudgetBytes: 64 * 1024 })
    for (let i = 1; i <= 2000; i++) {
      journal.record(entry(i, { target: i === 1 ? 'Tag/Rare' : `Technician/TECH-${i}` }))
      clock.step()
    }
    const first = journal.read({ limit: 10, q: 'Tag/Rare' })
    expect(first.entries).toEqual([])
    expect(first.budgetReached).toBe(true)
    expect(decodeCursor(first.next!)).not.toBeNull()
    let page = first
    for (let guard = 0; guard < 20 && page.entries.length === 0 && page.next; guard++)
      page = journal.read({ limit: 10, q: 'Tag/Rare', before: page.next })
    expect(page.entries.map((e) => e.requestId)).toEqual(['req-1'])
  })

  it('skips a line cut short by a crash instead of failing the page', async () => {
    const dir = tempDir()
    const journal = createAuditJournal(dir)
    journal.record(entry(1))
    const { appendFileSync } = await import('node:fs')
    appendFileSync(join(dir, 'audit', 'journal.jsonl'), '{"at":"2026-03-02T14:00:00.0')
    expect(journal.read({ limit: 10 }).entries.map((e) => e.requestId)).toEqual(['req-1'])
  })

  it('keeps nothing and reads nothing without a data directory', () => {
    const journal = createAuditJournal(null)
    journal.record(entry(1))
    expect(journal.read({ limit: 10 })).toEqual({ entries: [], next: null, budgetReached: false })
  })
})
