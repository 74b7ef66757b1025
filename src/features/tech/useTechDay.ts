/**
 * The signed-in technician's day (GET /tech/day) and one of their jobs (GET /tech/jobs/{name}),
 * with the offline copy: every load that succeeds is kept in IndexedDB; a load that finds no
 * network, or finds ERPNext down behind the BFF, shows the last copy and says from when. Both
 * refresh when the network or ERPNext comes back and when a job changes elsewhere (dispatch
 * reassigns, the hub reports an SMS confirmation).
 */
import { onBeforeUnmount, ref, shallowRef, type Ref } from 'vue'
import { api, toApiError, type ApiError } from '../../api/http'
import { readTaking } from '../../api/early'
import { eventsAfter, onLiveEvent, type LiveEvent } from '../../api/events'
import { onUpstreamBack } from '../../api/health'
import type { TechDay, TechDayJobs, TechJobDetail } from '../../contracts/tech'
import { useUserGroups } from '../../auth/useUserGroups'
import { dayKey, jobKey, recall, remember, rememberAll, type Cached } from './techCache'

interface Loaded<T> {
  data: Ref<T | null>
  loading: Ref<boolean>
  error: Ref<ApiError | null>
  /** ISO instant of the offline copy on screen; null when the data is fresh. */
  offlineSince: Ref<string | null>
  /** True when the copy is shown because the server's upstream (ERPNext) is down, not the network. */
  serverDown: Ref<boolean>
  load(): Promise<void>
}

/**
 * The documents the tablet shows something of. The BFF sends a technician only the events that
 * concern them (their jobs, those jobs' customers, locations and equipment, the tags).
 */
const SHOWN_DOCTYPES = new Set(['Dispatch Job', 'Customer', 'Service Location', 'Service Equipment', 'Tag'])

function eventDoc(e: LiveEvent): { doctype: string; name: string } | null {
  const data = e.data as { doctype?: unknown; name?: unknown } | null
  if (typeof data?.name !== 'string') return null
  if (e.type === 'job.updated') return { doctype: 'Dispatch Job', name: data.name }
  if (e.type === 'doc_update' && typeof data.doctype === 'string') return { doctype: data.doctype, name: data.name }
  return null
}

/** An event that may change the day: anything the tablet shows that was sent to it. */
export function changesTheDay(e: LiveEvent): boolean {
  const doc = eventDoc(e)
  return doc !== null && SHOWN_DOCTYPES.has(doc.doctype)
}

/**
 * An event that may change one job's page: that job, its customer (the name shown), its location,
 * equipment (the event does not say where it is installed) or a tag.
 */
export function changesTheJob(detail: TechJobDetail | null, name: string, e: LiveEvent): boolean {
  const doc = eventDoc(e)
  if (!doc) return false
  switch (doc.doctype) {
    case 'Dispatch Job':
      return doc.name === name
    case 'Customer':
      return detail === null || doc.name === detail.job.customer
    case 'Service Location':
      return detail === null || doc.name === detail.job.service_location
    case 'Service Equipment':
    case 'Tag':
      return true
    default:
      return false
  }
}

/** A day read again because the stream started after it is not read again for that reason sooner than this. */
const GAP_RELOAD_AFTER_MS = 10_000

/** No answer, or the BFF could not reach ERPNext: the offline copy is better than nothing. */
const worthTheCache = (e: ApiError) => e.offline || e.status === 502 || e.status === 503 || e.status === 504

function useCachedResource<T extends TechDay | TechJobDetail>(
  path: () => string,
  key: () => string,
  /** Whether a live event may change what is on screen (`data`, null before the first load). */
  concerns: (data: T | null, e: LiveEvent) => boolean,
  fallback?: () => Promise<Cached<T> | null>,
): Loaded<T> {
  const data = shallowRef<T | null>(null) as Ref<T | null>
  const loading = ref(true)
  const error = ref<ApiError | null>(null) as Ref<ApiError | null>
  const offlineSince = ref<string | null>(null)
  const serverDown = ref(false)
  let generation = 0

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = data.value === null
    error.value = null
    try {
      const fresh = await readTaking<T>(path())
      if (mine !== generation) return
      data.value = fresh
      offlineSince.value = null
      serverDown.value = false
      if ('position' in fresh && fresh.position) void catchUp(fresh.position)
      await remember(key(), fresh)
    } catch (err) {
      if (mine !== generation) return
      const e = toApiError(err)
      const cached = worthTheCache(e) ? ((await recall<T>(key())) ?? (await fallback?.()) ?? null) : null
      if (cached) {
        data.value = cached.value
        offlineSince.value = cached.savedAt
        serverDown.value = !e.offline
      } else if (data.value && worthTheCache(e)) {
        offlineSince.value ??= new Date().toISOString()
        serverDown.value = !e.offline
      } else {
        error.value = e
      }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  const onOnline = () => void load()
  window.addEventListener('online', onOnline)
  // A burst of edits at the dispatch desk becomes one reload, not one per edit.
  let soon: number | undefined
  const reloadSoon = () => {
    window.clearTimeout(soon)
    soon = window.setTimeout(() => void load(), 400)
  }
  /**
   * The data was read at `position` in the live stream (read as the page opened, perhaps before
   * the stream was open): a change to the day after it, or one the page cannot know of, reads
   * it again.
   */
  let gapReloadAt = -Infinity
  async function catchUp(position: string) {
    const after = await eventsAfter(position)
    if (after?.some((e) => concerns(data.value, e))) return reloadSoon()
    if (after !== null || performance.now() - gapReloadAt < GAP_RELOAD_AFTER_MS) return
    gapReloadAt = performance.now()
    reloadSoon()
  }
  const onEvent = (e: LiveEvent) => {
    if (concerns(data.value, e)) reloadSoon()
  }
  const stopEvents = onLiveEvent('doc_update', onEvent)
  const stopJobEvents = onLiveEvent('job.updated', onEvent)
  // The stream came back without the thread of what it missed (a long loss of signal, a server
  // restarted): anything may have changed.
  const stopResync = onLiveEvent('resync', reloadSoon)
  // ERPNext back (src/api/health.ts probes it): the copy on screen is replaced by the real day.
  const stopBack = onUpstreamBack('erpnext', () => {
    if (offlineSince.value || error.value) void load()
  })
  onBeforeUnmount(() => {
    stopBack()
    window.clearTimeout(soon)
    window.removeEventListener('online', onOnline)
    stopEvents()
    stopJobEvents()
    stopResync()
  })
  return { data, loading, error, offlineSince, serverDown, load }
}

function email(): string {
  return useUserGroups().me?.email ?? ''
}

export function useTechDay(): Loaded<TechDay> {
  return useCachedResource<TechDay>(
    () => '/tech/day',
    () => dayKey(email()),
    (_day, e) => changesTheDay(e),
  )
}

export function useTechJob(name: () => string): Loaded<TechJobDetail> {
  return useCachedResource<TechJobDetail>(
    () => `/tech/jobs/${encodeURIComponent(name())}`,
    () => jobKey(email(), name()),
    (detail, e) => changesTheJob(detail, name(), e),
    // A job never opened online is still in the day's copy: enough to find it and scan there.
    async () => {
      const day = await recall<TechDay>(dayKey(email()))
      const job = day?.value.jobs.find((j) => j.name === name())
      return day && job ? { value: { job, location: null, equipment: [] }, savedAt: day.savedAt } : null
    },
  )
}

/**
 * Every job's page of the day (equipment included) is kept too, so every job of the day opens in a
 * basement — not only those visited while there was a network. One read for the whole day: on
 * weak LTE, one round trip instead of one per job. A failed read keeps what was kept before.
 */
export async function keepJobsForOffline(): Promise<void> {
  const who = email()
  let pages: TechDayJobs
  try {
    pages = await api<TechDayJobs>('/tech/day/jobs')
  } catch {
    return
  }
  await rememberAll(pages.jobs.map((page) => [jobKey(who, page.job.name), page]))
}
