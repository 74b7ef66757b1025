/**
 * One run as the rep works it: loaded from the BFF, moved on one event at a time. An event goes
 * out only when none is on its way (a double click sends one), and when a check or an action
 * fails the run stays where it is with everything gathered, the sentence is shown, and Réessayer
 * sends the same thing again (the BFF performs each action once per run and step, so a retry
 * never creates a second document).
 */
import { computed, ref, shallowRef, toValue, type MaybeRefOrGetter } from 'vue'
import { toApiError, type ApiError } from 'src/api/http'
import { stepOf } from 'src/contracts/flows/interpreter'
import type { FlowEvent, Localized, RunView } from 'src/contracts/flows/types'
import { getFlowRun, sendFlowEvent } from './flowsApi'

export type RunLoadState = 'loading' | 'ready' | 'error'

export interface RunFailure {
  step: string
  message: Localized
  retryable: boolean
}

/** Refusals worth trying again as they are: the network, a busy or absent upstream, a rate limit. */
const retryable = (e: ApiError) => e.offline || e.status === 429 || e.status >= 500

export interface FlowRunTransport {
  get(name: string, signal?: AbortSignal): Promise<RunView>
  send(name: string, event: FlowEvent, expect: string): Promise<RunView>
}

const BFF: FlowRunTransport = { get: getFlowRun, send: sendFlowEvent }

export function useFlowRun(
  run: MaybeRefOrGetter<string>,
  initial: RunView | null = null,
  transport: FlowRunTransport = BFF,
) {
  const state = ref<RunLoadState>(initial ? 'ready' : 'loading')
  const view = shallowRef<RunView | null>(initial)
  const loadError = shallowRef<ApiError | null>(null)
  const busy = ref(false)
  /** A refusal of the last event, when the BFF did not answer with a run. */
  const refusal = shallowRef<RunFailure | null>(null)
  /** What was last sent: Réessayer sends it again. */
  let lastEvent: FlowEvent | null = null
  let controller: AbortController | null = null

  const failure = computed<RunFailure | null>(() => refusal.value ?? view.value?.failure ?? null)

  async function load(): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    if (!view.value) state.value = 'loading'
    try {
      const answer = await transport.get(toValue(run), mine.signal)
      if (mine.signal.aborted) return
      view.value = answer
      loadError.value = null
      state.value = 'ready'
    } catch (err) {
      if (mine.signal.aborted) return
      loadError.value = toApiError(err)
      if (!view.value) state.value = 'error'
    }
  }

  async function send(event: FlowEvent): Promise<boolean> {
    const current = view.value
    if (busy.value || !current) return false
    busy.value = true
    lastEvent = event
    refusal.value = null
    try {
      view.value = await transport.send(toValue(run), event, current.state.current)
      return !view.value.failure
    } catch (err) {
      const e = toApiError(err)
      if (e.status === 409) {
        // Moved on elsewhere (another tab, a colleague): show where it is now, and why.
        await load()
      }
      refusal.value = { step: current.state.current, message: e.sentence, retryable: retryable(e) }
      return false
    } finally {
      busy.value = false
    }
  }

  const here = () => view.value?.state.current ?? ''

  return {
    state,
    view,
    loadError,
    busy,
    failure,
    load,
    send,
    submit: (value?: unknown) =>
      send(value === undefined ? { type: 'submit', step: here() } : { type: 'submit', step: here(), value }),
    back: () => send({ type: 'back', step: here() }),
    abandon: () => send({ type: 'abandon' }),
    /** Sends again what failed: a check or an action is asked for again, anything else resent as it was. */
    retry(): Promise<boolean> {
      const v = view.value
      const step = v ? stepOf(v.definition, v.state.current) : undefined
      if (step && (step.kind === 'check' || step.kind === 'act')) return send({ type: 'submit', step: step.id })
      return lastEvent ? send(lastEvent) : load().then(() => true)
    },
    abort: () => controller?.abort(),
  }
}
