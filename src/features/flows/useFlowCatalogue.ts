/**
 * The flows that fit a customer and the runs left open with them, as the Parcours menu and the
 * "Reprendre le parcours" banner show them: a panel (src/composables/usePanel) over
 * GET /ops/api/flows, so a reload aborts the one before and a quiet reload keeps the list on screen.
 */
import { toValue, type MaybeRefOrGetter } from 'vue'
import { usePanel } from 'src/composables/usePanel'
import { listFlows, type FlowCatalogue } from './flowsApi'

export function useFlowCatalogue(
  customer: MaybeRefOrGetter<string | null>,
  load: (customer: string | null, signal?: AbortSignal) => Promise<FlowCatalogue> = listFlows,
) {
  return usePanel((signal) => load(toValue(customer), signal))
}

export type FlowCatalogueHandle = ReturnType<typeof useFlowCatalogue>
