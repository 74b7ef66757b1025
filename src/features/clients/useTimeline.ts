/**
 * The timeline panel's data: pages of communications, job events, and what arrives live — a text
 * just sent appears at once, its delivery status follows the hub's `sms.status` events, and the
 * customer's replies (`sms.inbound`) appear as they come.
 */
import { computed, onBeforeUnmount, ref, shallowRef, type Ref } from 'vue'
import { onLiveEvent } from 'src/api/events'
import { toApiError, type ApiError } from 'src/api/http'
import type { DispatchJob } from 'src/contracts/doctypes'
import { loadCommunications, TIMELINE_PAGE } from './customerFile'
import { fromCommunication, jobEvents, mergeTimeline, type TimelineItem } from './timeline'
import type { PanelState } from 'src/composables/usePanel'

export function useTimeline(customer: string, jobs: Ref<readonly DispatchJob[]>) {
  const state = ref<PanelState>('loading')
  const error = shallowRef<ApiError | null>(null)
  const pages = shallowRef<TimelineItem[]>([])
  const live = shallowRef<TimelineItem[]>([])
  const hasMore = ref(false)
  const loadingMore = ref(false)
  /** Receipts can arrive before the send's answer: keep them by message id. */
  const statusBySid = ref<Record<string, string>>({})

  const items = computed(() =>
    mergeTimeline(pages.value, live.value, jobEvents(jobs.value), hasMore.value).map((i) =>
      i.messageId && statusBySid.value[i.messageId] ? { ...i, status: statusBySid.value[i.messageId] } : i,
    ),
  )

  async function load(): Promise<void> {
    state.value = 'loading'
    try {
      const first = await loadCommunications(customer, 0)
      pages.value = first.map(fromCommunication)
      hasMore.value = first.length === TIMELINE_PAGE
      state.value = 'ready'
    } catch (err) {
      error.value = toApiError(err)
      state.value = 'error'
    }
  }

  async function loadOlder(): Promise<void> {
    loadingMore.value = true
    try {
      const next = await loadCommunications(customer, pages.value.length)
      pages.value = [...pages.value, ...next.map(fromCommunication)]
      hasMore.value = next.length === TIMELINE_PAGE
    } catch (err) {
      error.value = toApiError(err)
    } finally {
      loadingMore.value = false
    }
  }

  /** A text the CSR just sent: shown at once, before ERPNext is read again. */
  function addSent(sid: string, body: string, phone: string): void {
    live.value = [
      { key: `sms:${sid}`, at: Date.now(), kind: 'sms-sent', text: body, messageId: sid, status: 'queued', phone },
      ...live.value,
    ]
  }

  const offStatus = onLiveEvent<{ sid?: string; status?: string }>('sms.status', (e) => {
    const { sid, status } = e.data ?? {}
    if (sid && status) statusBySid.value = { ...statusBySid.value, [sid]: status }
  })
  const offInbound = onLiveEvent<{ customer?: string; from?: string; body?: string; at?: string }>(
    'sms.inbound',
    (e) => {
      const d = e.data ?? {}
      if (d.customer !== customer) return
      const at = d.at ? Date.parse(d.at) : Date.now()
      live.value = [
        { key: `in:${e.id}`, at, kind: 'sms-received', text: d.body ?? '', phone: d.from, status: 'received' },
        ...live.value,
      ]
    },
  )
  onBeforeUnmount(() => {
    offStatus()
    offInbound()
  })

  return { state, error, items, hasMore, loadingMore, load, loadOlder, addSent }
}
