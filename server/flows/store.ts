/**
 * Parcours in ERPNext: the flows (Agent Flow, one document per version, FLOW-<key>-v<version>) and
 * their runs (Agent Flow Run, with the step log as a child table). Definitions are parsed and
 * validated once per stored version (a Published one never changes), so a run's every step does
 * not pay for JSON Schema again.
 */
import type { AgentFlowDoc, AgentFlowRunDoc, AgentFlowRunEvent } from '../../src/contracts/doctypes'
import { parseSiteDatetime, toFrappeDatetime } from '../../src/contracts/frappeTime'
import type {
  FlowDefinition,
  FlowProblem,
  FlowVersionView,
  Localized,
  RunState,
  RunStatus,
  StepRecord,
} from '../../src/contracts/flows/types'
import { parseDefinition } from '../../src/contracts/flows/validate'
import type { ErpClient } from '../upstream/erp'

export const FLOW = 'Agent Flow'
export const RUN = 'Agent Flow Run'

export type FlowStatus = NonNullable<AgentFlowDoc['status']>

const FLOW_FIELDS = ['name', 'flow_key', 'version', 'status', 'title', 'title_en', 'modified', 'definition']

/** The name ERPNext gives a version: FLOW-no-internet-v3. */
export const flowDocName = (key: string, version: number) => `FLOW-${key}-v${version}`

/** A stored version, its definition read and checked. */
export interface StoredFlow {
  name: string
  key: string
  version: number
  status: FlowStatus
  modified?: string
  title: Localized
  /** Null when the stored text no longer passes validation (see `problems`). */
  definition: FlowDefinition | null
  problems?: FlowProblem[]
}

export function versionView(flow: StoredFlow): FlowVersionView {
  return {
    name: flow.name,
    key: flow.key,
    version: flow.version,
    status: flow.status,
    title: flow.title,
    modified: flow.modified,
    definition: flow.definition,
    ...(flow.problems ? { problems: flow.problems } : {}),
  }
}

/** What ERPNext keeps of a definition besides its text: key, version, titles for its own desk. */
export function flowFields(definition: FlowDefinition): Record<string, unknown> {
  return {
    flow_key: definition.key,
    version: definition.version,
    title: definition.title.fr,
    title_en: definition.title.en,
    definition: JSON.stringify(definition, null, 2),
  }
}

export class FlowStore {
  private readonly parsed = new Map<string, { modified: string; flow: StoredFlow }>()

  constructor(private readonly erp: ErpClient) {}

  /** The stored version as read, its definition parsed once per `modified`. */
  read(doc: AgentFlowDoc): StoredFlow {
    const known = this.parsed.get(doc.name)
    if (known && doc.modified && known.modified === doc.modified) return known.flow
    const result = parseDefinition(doc.definition ?? '')
    const flow: StoredFlow = {
      name: doc.name,
      key: doc.flow_key,
      version: Number(doc.version),
      status: doc.status ?? 'Draft',
      modified: doc.modified,
      title: result.ok ? result.definition.title : { fr: doc.title ?? doc.flow_key, en: doc.title_en ?? doc.flow_key },
      definition: result.ok ? result.definition : null,
      ...(result.ok ? {} : { problems: result.problems }),
    }
    if (doc.modified) this.parsed.set(doc.name, { modified: doc.modified, flow })
    return flow
  }

  async list(filters: unknown[] = []): Promise<StoredFlow[]> {
    const docs = await this.erp.list<AgentFlowDoc>(FLOW, { fields: FLOW_FIELDS, filters, orderBy: 'version desc' })
    return docs.map((d) => this.read(d))
  }

  async get(name: string): Promise<StoredFlow | null> {
    const doc = await this.erp.get<AgentFlowDoc>(FLOW, name)
    return doc ? this.read(doc) : null
  }

  /** Every version of a key, newest first. */
  versions(key: string): Promise<StoredFlow[]> {
    return this.list([['flow_key', '=', key]])
  }

  /** The newest Published version of each key whose definition is sound. */
  async published(): Promise<StoredFlow[]> {
    const newest = new Map<string, StoredFlow>()
    for (const f of await this.list([['status', '=', 'Published']])) {
      if (!f.definition) continue
      const seen = newest.get(f.key)
      if (!seen || f.version > seen.version) newest.set(f.key, f)
    }
    return [...newest.values()].sort((a, b) => a.key.localeCompare(b.key))
  }

  async latestPublished(key: string): Promise<StoredFlow | null> {
    const rows = await this.list([
      ['flow_key', '=', key],
      ['status', '=', 'Published'],
    ])
    return rows.find((f) => f.definition) ?? null
  }

  /** The definition a run is pinned to (any status: an Archived version still finishes its runs). */
  async pinned(name: string): Promise<StoredFlow | null> {
    const known = [...this.parsed.values()].find((p) => p.flow.name === name && p.flow.status !== 'Draft')
    // A Published or Archived version's definition never changes, only its status.
    if (known?.flow.definition) return known.flow
    return this.get(name)
  }
}

// ---- Runs -------------------------------------------------------------------------------------

/** One line of the log as ERPNext keeps it. */
export type EventRow = Pick<
  AgentFlowRunEvent,
  'name' | 'step' | 'kind' | 'at' | 'duration_ms' | 'data' | 'reference_doctype' | 'reference_name'
>

export interface StoredRun {
  doc: AgentFlowRunDoc
  state: RunState
  rows: EventRow[]
}

const dataText = (data: unknown): string | undefined => (data === undefined ? undefined : JSON.stringify(data))

export function rowOf(record: StepRecord): EventRow {
  return {
    step: record.step,
    kind: record.kind,
    at: toFrappeDatetime(new Date(record.at)),
    duration_ms: Math.round(record.durationMs),
    data: dataText(record.data),
    reference_doctype: record.reference?.doctype,
    reference_name: record.reference?.name,
  }
}

export function parseData(row: EventRow): unknown {
  if (!row.data) return undefined
  try {
    return JSON.parse(row.data) as unknown
  } catch {
    return undefined
  }
}

export function recordOf(row: EventRow): StepRecord {
  const at = parseSiteDatetime(row.at)
  return {
    step: row.step,
    kind: (row.kind ?? 'say') as StepRecord['kind'],
    at: Number.isNaN(at) ? 0 : at,
    durationMs: row.duration_ms ?? 0,
    ...(row.data ? { data: parseData(row) } : {}),
    ...(row.reference_doctype && row.reference_name
      ? { reference: { doctype: row.reference_doctype, name: row.reference_name } }
      : {}),
  }
}

/** The rows as written back: own fields only (and the row's name, so it keeps its identity). */
const cleanRow = (r: EventRow): EventRow => ({
  ...(r.name ? { name: r.name } : {}),
  step: r.step,
  kind: r.kind,
  at: r.at,
  duration_ms: r.duration_ms,
  data: r.data,
  reference_doctype: r.reference_doctype,
  reference_name: r.reference_name,
})

/** The state as stored, its status taken from the document (the idle sweep writes only the document). */
export function readRun(doc: AgentFlowRunDoc): StoredRun | null {
  let state: RunState
  try {
    state = JSON.parse(doc.context ?? '') as RunState
  } catch {
    return null
  }
  if (!state || typeof state !== 'object' || typeof state.current !== 'string') return null
  const status: RunStatus = doc.status ?? state.status
  return { doc, state: { ...state, status }, rows: (doc.events ?? []).map(cleanRow) }
}

export function runFields(state: RunState, rows: EventRow[], now: number): Record<string, unknown> {
  const ended = state.status !== 'In Progress'
  return {
    status: state.status,
    outcome: state.outcome ?? null,
    current_step: state.current,
    context: JSON.stringify(state),
    ended_at: ended ? toFrappeDatetime(new Date(now)) : null,
    events: rows.map(cleanRow),
  }
}

export async function loadRun(erp: ErpClient, name: string): Promise<StoredRun | null> {
  const doc = await erp.get<AgentFlowRunDoc>(RUN, name)
  return doc ? readRun(doc) : null
}

/**
 * Writes the run's state and log, refused by ERPNext (TimestampMismatchError) when someone else
 * wrote it since it was read.
 */
export async function saveRun(
  erp: ErpClient,
  run: StoredRun,
  state: RunState,
  rows: EventRow[],
  now: number,
  extra: Record<string, unknown> = {},
): Promise<StoredRun> {
  const changes: Record<string, unknown> = { ...runFields(state, rows, now), ...extra, modified: run.doc.modified }
  // An ended run keeps the instant it ended.
  if (run.doc.ended_at && state.status !== 'In Progress') changes.ended_at = run.doc.ended_at
  const doc = await erp.update<AgentFlowRunDoc>(RUN, run.doc.name, changes)
  return readRun(doc) ?? { doc, state, rows }
}
