/**
 * The journal: who did what through the BFF. ERPNext sees only the service user, so this is the
 * one place the person is known. Append-only JSON lines under DATA_DIR/audit, rotated by size.
 * Entries carry names and outcomes, never bodies, so tokens and passwords cannot leak into it.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface AuditEntry {
  at: string
  requestId: string
  actor: string
  action: string
  target: string
  outcome: 'ok' | 'refused' | 'failed'
  status: number
  detail?: string
}

export interface AuditJournal {
  record(entry: Omit<AuditEntry, 'at'>): void
  /** Directory of the journal files (current: journal.jsonl, rotated: journal-<time>.jsonl). */
  readonly dir: string | null
}

const ROTATE_BYTES = 5 * 1024 * 1024

export function createAuditJournal(dataDir: string | null, now: () => Date = () => new Date()): AuditJournal {
  if (!dataDir) {
    return { record() {}, dir: null }
  }
  const dir = join(dataDir, 'audit')
  mkdirSync(dir, { recursive: true })
  const current = join(dir, 'journal.jsonl')
  return {
    dir,
    record(entry) {
      const line = JSON.stringify({ at: now().toISOString(), ...entry }) + '\n'
      try {
        if (statSync(current).size + line.length > ROTATE_BYTES) {
          renameSync(current, join(dir, `journal-${now().toISOString().replace(/[:.]/g, '-')}.jsonl`))
        }
      } catch {
        // no journal yet
      }
      appendFileSync(current, line)
    },
  }
}
