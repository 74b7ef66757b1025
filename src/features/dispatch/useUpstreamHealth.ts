/**
 * The board while ERPNext is down: the plan on screen stays, marked as not current, every change
 * to it is refused with the reason, and when ERPNext answers again (a probe with backoff, see
 * src/api/health.ts) the range is read again and the live chip says the board is resynced — no
 * page reload. A successful read of the board is itself proof that ERPNext answers.
 */
import { computed, onBeforeUnmount, onMounted, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useQuasar } from 'quasar'
import { markResynced } from 'src/api/events'
import { noteUpstreamUp, onUpstreamBack, useUpstream, watchUpstreams } from 'src/api/health'
import { useDispatchBoard } from './useDispatchBoard'

export function useUpstreamHealth(opts: { reload: () => Promise<void> }) {
  const { t } = useI18n()
  const $q = useQuasar()
  const store = useDispatchBoard()
  const erpnext = useUpstream('erpnext')

  /** Why the plan cannot be changed right now, or null when it can. */
  const refusal = computed(() => (erpnext.value ? t('dispatch.health.refused') : null))

  /** Says the reason once per attempt; true when the change must not go ahead. */
  function refuseChange(): boolean {
    if (!refusal.value) return false
    $q.notify({ type: 'warning', message: refusal.value, timeout: 6000 })
    return true
  }

  watch(
    () => store.loadedAt,
    (at) => {
      if (at > 0) noteUpstreamUp('erpnext')
    },
  )

  const stops: (() => void)[] = []
  onMounted(() => {
    stops.push(watchUpstreams())
    stops.push(
      onUpstreamBack('erpnext', () => {
        void opts.reload().then(() => {
          if (store.state === 'ready' && !store.error) markResynced()
        })
      }),
    )
  })
  onBeforeUnmount(() => {
    for (const stop of stops) stop()
  })

  return { erpnext, refusal, refuseChange }
}
