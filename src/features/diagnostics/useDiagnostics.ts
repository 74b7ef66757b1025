/**
 * One modem's diagnosis: the lookup through the BFF, the refresh, and what to say when the modem
 * does not answer (504) or is not known (404). The previous reading kept on this workstation is
 * read once, when the diagnosis opens, so every refresh compares with the last diagnosis, not
 * with the one a minute ago. When the hub itself is down it says so, and diagnoses again by
 * itself once the hub is back.
 */
import { computed, getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue'
import { onUpstreamBack } from 'src/api/health'
import { api, ApiError, toApiError } from 'src/api/http'
import { parseDevice, type DeviceDocument } from './device'
import { diagnose } from './diagnosis'
import { lastReading, rememberReading, type StoredReading } from './readingsHistory'

export type DiagnosticsState = 'loading' | 'ready' | 'timeout' | 'not-found' | 'not-managed' | 'hub-down' | 'error'

const hubDown = (e: ApiError) => e.upstreamDown === 'hub' || e.upstreamDown === 'hub:devices'

export function useDiagnostics(serial: string) {
  const state = ref<DiagnosticsState>('loading')
  const device = shallowRef<DeviceDocument | null>(null)
  const error = shallowRef<ApiError | null>(null)
  const refreshing = ref(false)
  const queued = ref(false)
  /** A refresh refused while a reading is shown (too many polls): said beside the reading, which stays. */
  const notice = shallowRef<ApiError | null>(null)
  const baseline: StoredReading | null = lastReading(serial)
  const diagnosis = computed(() => (device.value ? diagnose(device.value, baseline) : null))
  /** When the modem was last heard from, for "dernier contact il y a 3 h" when it stops answering. */
  const lastContact = computed(() => device.value?.lastInform ?? baseline?.lastInform ?? null)

  function accept(raw: unknown): void {
    const doc = parseDevice(raw)
    if (typeof performance !== 'undefined') performance.mark('diagnostics:answer')
    device.value = doc
    state.value = 'ready'
    error.value = null
    notice.value = null
    rememberReading(serial, {
      at: doc.fetchedAt,
      rx: Object.fromEntries(
        doc.opticalStatus.filter((o) => Number.isFinite(o.rxPowerDbm)).map((o) => [o.interface, o.rxPowerDbm]),
      ),
      lastInform: doc.lastInform,
    })
  }

  function fail(err: unknown): void {
    const e = toApiError(err)
    error.value = e
    const code = e.code
    if (hubDown(e)) state.value = 'hub-down'
    else if (e.status === 504 || code === 'DEVICE_TIMEOUT') state.value = 'timeout'
    else if (code === 'DEVICE_NOT_MANAGED') state.value = 'not-managed'
    else if (e.status === 404) state.value = 'not-found'
    else state.value = 'error'
  }

  async function load(): Promise<void> {
    state.value = 'loading'
    queued.value = false
    try {
      accept(await api<unknown>('/hub/devices/lookup', { query: { serial } }))
    } catch (err) {
      fail(err)
    }
  }

  async function refresh(): Promise<void> {
    refreshing.value = true
    queued.value = false
    try {
      const answer = await api<Record<string, unknown>>(`/hub/devices/${encodeURIComponent(serial)}/refresh`, {
        method: 'POST',
      })
      if (answer.queued === true) queued.value = true
      else accept(answer)
    } catch (err) {
      const e = toApiError(err)
      if ((e.status === 429 || hubDown(e)) && device.value) notice.value = e
      else fail(err)
    } finally {
      refreshing.value = false
    }
  }

  // The hub back: a diagnosis that could not be made is made now; a reading on screen stays.
  if (getCurrentScope()) {
    onScopeDispose(
      onUpstreamBack('hub:devices', () => {
        if (state.value === 'hub-down') void load()
        else if (notice.value && hubDown(notice.value)) notice.value = null
      }),
    )
  }

  return { serial, state, device, diagnosis, error, notice, refreshing, queued, baseline, lastContact, load, refresh }
}
