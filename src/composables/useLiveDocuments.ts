/**
 * Keeps a list page current with what colleagues and the hub change: `refresh` is called once for
 * each burst of live events about the page's doctypes (a colleague adding a technician, a tag
 * recoloured from another tab), and after the live stream had to resync. The names changed are
 * given, or null when anything may have changed (a resync), for a page that reads only those.
 */
import { getCurrentScope, onScopeDispose } from 'vue'
import { onLiveEvent } from 'src/api/events'

/** Events closer together than this are read as one change. */
export const LIVE_BURST_MS = 300

export function useLiveDocuments(
  doctypes: readonly string[],
  refresh: (changed: ReadonlyMap<string, ReadonlySet<string>> | null) => void,
  burstMs = LIVE_BURST_MS,
): () => void {
  let changed: Map<string, Set<string>> | null = new Map()
  let timer: ReturnType<typeof setTimeout> | null = null
  const flush = () => {
    timer = null
    const names = changed
    changed = new Map()
    refresh(names)
  }
  const schedule = () => {
    if (timer === null) timer = setTimeout(flush, burstMs)
  }
  const offDoc = onLiveEvent<{ doctype?: unknown; name?: unknown }>('doc_update', (e) => {
    const doctype = e.data?.doctype
    if (typeof doctype !== 'string' || !doctypes.includes(doctype)) return
    if (changed) {
      const names = changed.get(doctype) ?? new Set<string>()
      if (typeof e.data?.name === 'string') names.add(e.data.name)
      changed.set(doctype, names)
    }
    schedule()
  })
  const offResync = onLiveEvent('resync', () => {
    changed = null
    schedule()
  })
  const stop = () => {
    offDoc()
    offResync()
    if (timer !== null) clearTimeout(timer)
    timer = null
  }
  if (getCurrentScope()) onScopeDispose(stop)
  return stop
}
