/**
 * Payloads of the BFF's Paramètres routes (GET /ops/api/capabilities, GET /ops/api/audit), shared
 * by the routes and the SPA pages that read them.
 */
import type { Capability } from './capabilities'

/** GET /ops/api/capabilities: the live group → capability table of this BFF. */
export interface CapabilityTable {
  /** Every capability, in the order screens list them. */
  capabilities: Capability[]
  groups: { group: string; capabilities: Capability[] }[]
}

/** One line of the journal as the BFF writes it (server/audit.ts). */
export interface JournalEntry {
  at: string
  requestId: string
  actor: string
  action: string
  target: string
  outcome: 'ok' | 'refused' | 'failed'
  status: number
  detail?: string
}

/** GET /ops/api/audit?q=&actor=&action=&limit=&before= */
export interface JournalPage {
  entries: JournalEntry[]
  /** Pass as `before` to read the next, older page; null at the start of the journal. */
  next: string | null
  /** The server stopped reading early (large journal, rare match): more may follow from `next`. */
  budgetReached: boolean
}

/** Actions the journal records, for the filter (`erp.` and `hub.` also work as prefixes). */
export const JOURNAL_ACTIONS = [
  'erp.create',
  'erp.update',
  'erp.delete',
  'hub.invite',
  'hub.sms',
  'hub.vision',
  'dispatch.unassign',
  'job.notify',
  'equipment.transfer',
  'tech.scan.elsewhere',
  'flow.act',
  'flow.save',
  'flow.publish',
  'flow.archive',
  'optimize.accept',
] as const
