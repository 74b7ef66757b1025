/**
 * The Optimiser's state in the browser: the run being computed (polled for its progress), the
 * proposal once it is ready, and what the dispatcher accepted. The board and the map read the
 * proposal from here to draw where jobs would go.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { api, ApiError } from 'src/api/http'
import type {
  OptimizeAcceptAnswer,
  OptimizeRequest,
  OptimizeStatus,
  PlannedStop,
  TechnicianPlan,
} from 'src/contracts/optimize'

const POLL_MS = 400

/** A proposed job block the board draws over the current plan. */
export interface GhostBlock {
  job: string
  technician: string
  start: number
  end: number
}

type Phase = 'idle' | 'starting' | 'running' | 'ready' | 'failed' | 'cancelled'

export const useOptimize = defineStore('dispatch-optimize', () => {
  const phase = ref<Phase>('idle')
  const status = shallowRef<(OptimizeStatus & { accepted?: string[] }) | null>(null)
  const error = shallowRef<ApiError | null>(null)
  const accepting = ref(false)
  const lastAnswer = shallowRef<OptimizeAcceptAnswer | null>(null)
  /** The technician whose day "Réoptimiser la journée" asked for, and the day on the board. */
  const request = shallowRef<OptimizeRequest | null>(null)
  /** Opens the dialog from elsewhere (a row's menu): the page watches it. */
  const openRequested = ref(0)
  const pendingReoptimize = shallowRef<{ technician: string; day: string } | null>(null)
  let timer = 0

  const preview = computed(() => status.value?.preview ?? null)
  const accepted = computed(() => new Set(status.value?.accepted ?? []))

  /** The proposal's changed jobs, for the board (ghost blocks) and the map (lines to where they go). */
  const ghosts = computed<GhostBlock[]>(() => {
    const p = preview.value
    if (!p || phase.value !== 'ready') return []
    const done = accepted.value
    const moved = new Set(p.moves.filter((m) => !done.has(m.toTechnician)).map((m) => m.job))
    const out: GhostBlock[] = []
    for (const t of p.technicians) {
      for (const s of t.proposedStops)
        if (moved.has(s.job)) out.push({ job: s.job, technician: t.technician, start: s.start, end: s.end })
    }
    return out
  })

  function stopPolling() {
    window.clearTimeout(timer)
    timer = 0
  }

  async function poll() {
    const id = status.value?.id
    if (!id) return
    try {
      const next = await api<OptimizeStatus>(`/optimize/${encodeURIComponent(id)}`)
      if (status.value?.id !== id) return
      status.value = next
      if (next.state === 'running') timer = window.setTimeout(() => void poll(), POLL_MS)
      else phase.value = next.state === 'ready' || next.state === 'accepted' ? 'ready' : next.state
    } catch (err) {
      error.value = err instanceof ApiError ? err : null
      phase.value = 'failed'
    }
  }

  async function start(req: OptimizeRequest) {
    stopPolling()
    request.value = req
    phase.value = 'starting'
    error.value = null
    lastAnswer.value = null
    status.value = null
    try {
      status.value = await api<OptimizeStatus>('/optimize', { method: 'POST', body: req })
      phase.value = 'running'
      timer = window.setTimeout(() => void poll(), POLL_MS)
    } catch (err) {
      error.value = err instanceof ApiError ? err : new ApiError(0, 'NETWORK', { fr: String(err), en: String(err) })
      phase.value = 'failed'
    }
  }

  async function cancel() {
    const id = status.value?.id
    stopPolling()
    if (!id) return
    try {
      status.value = await api<OptimizeStatus>(`/optimize/${encodeURIComponent(id)}/cancel`, {
        method: 'POST',
        body: {},
      })
    } catch {
      // gone already: nothing was changed either way
    }
    phase.value = 'cancelled'
  }

  /** Writes the proposed days of `technicians` (all when absent); answers what was written and skipped. */
  async function accept(technicians?: string[]): Promise<OptimizeAcceptAnswer | null> {
    const id = status.value?.id
    if (!id) return null
    accepting.value = true
    error.value = null
    try {
      const answer = await api<OptimizeAcceptAnswer>(`/optimize/${encodeURIComponent(id)}/accept`, {
        method: 'POST',
        body: technicians ? { technicians } : {},
      })
      lastAnswer.value = answer
      status.value = await api<OptimizeStatus>(`/optimize/${encodeURIComponent(id)}`)
      return answer
    } catch (err) {
      error.value = err instanceof ApiError ? err : null
      return null
    } finally {
      accepting.value = false
    }
  }

  /** Forgets the proposal, here and on the server. */
  async function discard() {
    const id = status.value?.id
    stopPolling()
    status.value = null
    phase.value = 'idle'
    lastAnswer.value = null
    error.value = null
    if (id) await api(`/optimize/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined)
  }

  function reoptimize(technician: string, day: string) {
    pendingReoptimize.value = { technician, day }
    openRequested.value++
  }

  const planOf = (technician: string): TechnicianPlan | undefined =>
    preview.value?.technicians.find((t) => t.technician === technician)

  const stopsOf = (technician: string): PlannedStop[] => planOf(technician)?.proposedStops ?? []

  return {
    phase,
    status,
    error,
    accepting,
    lastAnswer,
    request,
    openRequested,
    pendingReoptimize,
    preview,
    accepted,
    ghosts,
    start,
    cancel,
    accept,
    discard,
    reoptimize,
    planOf,
    stopsOf,
  }
})
