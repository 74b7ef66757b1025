/**
 * The flows that fit a customer and the runs left open with them, as the Parcours menu and the
 * "Reprendre le parcours" banner show them. A reload aborts the one before, so an old answer never
 * replaces a newer one; a quiet reload keeps the list on screen while it is read again.
 */
import { ref, shallowRef, toValue, type MaybeRefOrGetter } from 'vue'
import { toApiError, type ApiError } from 'src/api/http'
import { listFlows, type FlowCatalogue } from './flowsApi'

export type CatalogueState = 'loading' | 'ready' | 'error'

export function useFlowCatalogue(
  customer: MaybeRefOrGetter<string | null>,
  load: (customer: string | null, signal?: AbortSignal) => Promise<FlowCatalogue> = listFlows,
) {
  const state = ref<CatalogueState>('loading')
  const data = shallowRef<FlowCatalogue | null>(null)
  const error = shallowRef<ApiError | null>(null)
  let controller: AbortController | null = null

  async function reload(quiet = false): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    if (!quiet || !data.value) state.value = 'loading'
    try {
      const answer = await load(toValue(customer), mine.signal)
      if (mine.signal.aborted) return
      data.value = answer
      error.value = null
      state.value = 'ready'
    } catch (err) {
      if (mine.signal.aborted) return
      error.value = toApiError(err)
      state.value = 'error'
    }
  }

  return { state, data, error, reload, abort: () => controller?.abort() }
}

export type FlowCatalogueHandle = ReturnType<typeof useFlowCatalogue>
