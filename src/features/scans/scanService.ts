/**
 * The one scan queue of this tab, wired to the browser: IndexedDB, the BFF, the flush lock, and
 * the moments to retry — the app starting, the network coming back, the hub or ERPNext coming back
 * after an outage, the tab becoming visible, and the backoff timer. Tabs tell each other when the queue changed, so every badge stays right.
 */
import { onUpstreamBack } from '../../api/health'
import type { ScanSaveAnswer } from '../../contracts/tech'
import { browserFlushLock } from './flushLock'
import { askPersistentStorage } from './deviceStorage'
import { scalePhoto } from './photoScale'
import { ScanQueue } from './scanQueue'
import type { ScanRecord } from './scanRecord'
import { idbScanStore } from './scanStore'
import { httpScanTransport } from './scanTransport'

export interface ScanService {
  queue: ScanQueue
  /** Called whenever this tab or another changed the queue. */
  onChange(fn: () => void): () => void
  /** Called when ERPNext confirmed a scan (sent from this tab). */
  onSaved(fn: (record: ScanRecord, answer: ScanSaveAnswer) => void): () => void
}

let service: ScanService | null = null

export function scanService(): ScanService {
  if (service) return service
  const changeListeners = new Set<() => void>()
  const savedListeners = new Set<(record: ScanRecord, answer: ScanSaveAnswer) => void>()
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('ops-scans') : null
  const notify = () => changeListeners.forEach((fn) => fn())

  const queue = new ScanQueue({
    store: idbScanStore(),
    transport: httpScanTransport(),
    scalePhoto,
    lock: browserFlushLock(),
    clock: {
      now: () => Date.now(),
      setTimeout: (fn, ms) => window.setTimeout(fn, ms),
      clearTimeout: (h) => window.clearTimeout(h as number),
    },
    onChange() {
      notify()
      channel?.postMessage('changed')
    },
    onSaved: (record, answer) => savedListeners.forEach((fn) => fn(record, answer)),
  })

  if (channel) channel.onmessage = notify
  window.addEventListener('online', () => void queue.retryNow())
  // The hub's photo reading or ERPNext back after an outage (src/api/health.ts): send at once.
  onUpstreamBack('hub:vision', () => void queue.retryNow())
  onUpstreamBack('erpnext', () => void queue.retryNow())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void queue.retryNow()
  })
  // Without it the browser may evict IndexedDB under storage pressure — photos included.
  void askPersistentStorage()
  void queue.retryNow()

  service = {
    queue,
    onChange(fn) {
      changeListeners.add(fn)
      return () => changeListeners.delete(fn)
    },
    onSaved(fn) {
      savedListeners.add(fn)
      return () => savedListeners.delete(fn)
    },
  }
  return service
}
