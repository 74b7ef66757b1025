/** The BFF routes Paramètres → Parcours reads and writes, typed once here. */
import { api, type ApiError } from 'src/api/http'
import type { FlowDefinition, FlowProblem, FlowStats, FlowVersionView } from 'src/contracts/flows/types'

const path = (name: string) => `/flows/definitions/${encodeURIComponent(name)}`

export const flowsAdminApi = {
  /** Every version of every flow. */
  versions: (signal?: AbortSignal) => api<FlowVersionView[]>('/flows/definitions', { signal }),
  /** A new draft of the definition's key (the BFF numbers it after the newest version). */
  createDraft: (definition: FlowDefinition) =>
    api<FlowVersionView>('/flows/definitions', { method: 'POST', body: { definition } }),
  /** Saves a draft; `modified` is the version read, so a colleague's newer save is not overwritten. */
  save: (name: string, definition: FlowDefinition, modified: string | undefined) =>
    api<FlowVersionView>(path(name), { method: 'PUT', body: { definition, modified } }),
  publish: (name: string) => api<FlowVersionView>(`${path(name)}/publish`, { method: 'POST' }),
  archive: (name: string) => api<FlowVersionView>(`${path(name)}/archive`, { method: 'POST' }),
  stats: (key: string, signal?: AbortSignal) => api<FlowStats>('/flows/stats', { query: { key }, signal }),
}

/** The validator's problems a refusal carries (422), each naming its step and field. */
export function refusalProblems(error: ApiError): FlowProblem[] {
  const problems = (error.body as { problems?: unknown } | null)?.problems
  return Array.isArray(problems) ? (problems as FlowProblem[]) : []
}

/** The draft that already exists for the key, when a new one is refused for that reason (409). */
export function existingDraft(error: ApiError): string | null {
  const draft = (error.body as { draft?: unknown } | null)?.draft
  return error.status === 409 && typeof draft === 'string' ? draft : null
}

/** A save refused because someone saved the draft in between (or ERPNext says the copy is stale). */
export const isStale = (error: ApiError) =>
  error.code === 'DRAFT_CHANGED' || error.code === 'TimestampMismatchError' || error.status === 417
