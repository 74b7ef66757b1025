/**
 * One panel's data and its own loading / error state. A reload aborts the previous request, so a
 * slow old answer never replaces a newer one.
 */
import { ref, shallowRef } from 'vue'
import { ApiError, toApiError } from 'src/api/http'

export type PanelState = 'loading' | 'ready' | 'error'

export function usePanel<T>(load: (signal: AbortSignal) => Promise<T>) {
  const state = ref<PanelState>('loading')
  const data = shallowRef<T | null>(null)
  const error = shallowRef<ApiError | null>(null)
  let controller: AbortController | null = null

  /** `quiet` keeps the current data on screen while it reloads (live updates). */
  async function reload(quiet = false): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    if (!quiet || data.value === null) state.value = 'loading'
    try {
      const value = await load(mine.signal)
      if (mine.signal.aborted) return
      data.value = value
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
