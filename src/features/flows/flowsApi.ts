/**
 * Parcours through the BFF: the flows that fit a customer (and the runs left open with them), a
 * new run, a run as it stands, and one event at a time. Every step the rep takes is one POST, so
 * a run survives a reload, a closed tab or another desk.
 */
import { api } from 'src/api/http'
import type { FlowEvent, FlowSummary, Localized, RunView } from 'src/contracts/flows/types'

/** A run of this customer still In Progress: "Reprendre le parcours". */
export interface OpenRun {
  name: string
  title: Localized
  step: string
  stepTitle: Localized
  started_at: string
}

export interface FlowCatalogue {
  flows: FlowSummary[]
  open: OpenRun[]
}

/** The flows that fit `customer` and their open runs; without a customer, the prospect flows. */
export function listFlows(customer: string | null, signal?: AbortSignal): Promise<FlowCatalogue> {
  return api<FlowCatalogue>('/flows', { query: customer ? { customer } : {}, signal })
}

export function startFlowRun(key: string, customer: string | null): Promise<RunView> {
  return api<RunView>('/flows/runs', { method: 'POST', body: customer ? { key, customer } : { key } })
}

export function getFlowRun(name: string, signal?: AbortSignal): Promise<RunView> {
  return api<RunView>(`/flows/runs/${encodeURIComponent(name)}`, { signal })
}

/** `expect` is the step on the rep's screen: an event sent from a screen that is behind is refused. */
export function sendFlowEvent(name: string, event: FlowEvent, expect: string): Promise<RunView> {
  return api<RunView>(`/flows/runs/${encodeURIComponent(name)}/events`, { method: 'POST', body: { event, expect } })
}
