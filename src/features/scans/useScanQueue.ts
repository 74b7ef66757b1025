/**
 * The queue as the screens see it: the scans kept on this tablet (reactive, refreshed whenever
 * any tab changes the queue), and the actions a technician takes on them.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ScanRecord, ScanValues } from './scanRecord'
import { scanService } from './scanService'

export const useScanQueue = defineStore('scans', () => {
  const scans = shallowRef<ScanRecord[]>([])
  /** A scan sheet is open: an app update must wait (a reload would lose the technician's place). */
  const scanInProgress = ref(false)
  let started = false
  let refreshing: Promise<void> | null = null
  let refreshAgain = false

  async function refresh(): Promise<void> {
    if (refreshing) {
      refreshAgain = true
      return refreshing
    }
    refreshing = (async () => {
      do {
        refreshAgain = false
        scans.value = await scanService().queue.list()
      } while (refreshAgain)
    })().finally(() => {
      refreshing = null
    })
    return refreshing
  }

  function start(): void {
    if (started) return
    started = true
    scanService().onChange(() => void refresh())
    void refresh()
  }

  const pending = computed(() => scans.value.length)
  const needsAttention = computed(() => scans.value.filter((s) => s.state === 'attention').length)
  const forJob = (job: string) => scans.value.filter((s) => s.job === job)

  const queue = () => scanService().queue
  return {
    scans,
    pending,
    needsAttention,
    scanInProgress,
    forJob,
    start,
    refresh,
    retryNow: (opts?: { transfers?: boolean }) => queue().retryNow(opts),
    discard: (id: string) => queue().discard(id),
    confirm: (id: string, values: ScanValues) => queue().confirm(id, values),
    retry: (id: string) => queue().retry(id),
  }
})
