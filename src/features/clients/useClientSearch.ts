/**
 * Results as the CSR types: each keystroke waits ~150 ms for the next, and a request still in
 * flight is aborted by the next one, so an old answer never overwrites a newer one. While the
 * BFF's index is still being built (an answer marked incomplete), the same query is asked again
 * every second until the answer is whole.
 */
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { api, ApiError, toApiError } from 'src/api/http'
import { SEARCH_MIN_LENGTH, type ClientSearchAnswer, type ClientSearchResult } from '../../contracts/clientSearch'

export const SEARCH_DEBOUNCE_MS = 150
export const INCOMPLETE_RETRY_MS = 1_000

export type SearchState = 'idle' | 'too-short' | 'searching' | 'done' | 'error'

export function useClientSearch(query: Ref<string>) {
  const state = ref<SearchState>('idle')
  const results = shallowRef<ClientSearchResult[]>([])
  const truncated = ref(false)
  /** The answer came before the index was whole: other customers may match. */
  const incomplete = ref(false)
  const error = shallowRef<ApiError | null>(null)
  let timer: ReturnType<typeof setTimeout> | null = null
  let inFlight: AbortController | null = null
  let again: ReturnType<typeof setTimeout> | null = null

  async function run(q: string): Promise<void> {
    if (again) clearTimeout(again)
    inFlight?.abort()
    const controller = new AbortController()
    inFlight = controller
    state.value = 'searching'
    try {
      const answer = await api<ClientSearchAnswer>('/clients/search', { query: { q }, signal: controller.signal })
      if (controller.signal.aborted) return
      results.value = answer.results
      truncated.value = answer.truncated
      incomplete.value = !answer.complete
      error.value = null
      state.value = 'done'
      if (incomplete.value) again = setTimeout(() => void run(q), INCOMPLETE_RETRY_MS)
    } catch (err) {
      if (controller.signal.aborted) return
      error.value = toApiError(err)
      state.value = 'error'
    }
  }

  watch(query, (raw) => {
    if (timer) clearTimeout(timer)
    if (again) clearTimeout(again)
    const q = raw.trim()
    if (q.length === 0 || q.length < SEARCH_MIN_LENGTH) {
      inFlight?.abort()
      results.value = []
      incomplete.value = false
      state.value = q.length === 0 ? 'idle' : 'too-short'
      return
    }
    timer = setTimeout(() => void run(q), SEARCH_DEBOUNCE_MS)
  })

  /** Builds the index before the first keystroke (the BFF loads it on first use). */
  function warmUp(): void {
    void api('/clients/search', { query: { q: '' } }).catch(() => undefined)
  }

  function retry(): void {
    const q = query.value.trim()
    if (q.length >= SEARCH_MIN_LENGTH) void run(q)
  }

  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
    if (again) clearTimeout(again)
    inFlight?.abort()
  })

  return { state, results, truncated, incomplete, error, warmUp, retry }
}
