/**
 * The board's data: technicians, and the range's jobs kept in a Map by name and bucketed per
 * technician, sorted by start. A change to one job (a drag, a colleague's edit arriving by SSE)
 * replaces only the buckets it leaves and enters, so only those rows re-render; the board, its
 * scroll position and its selection stay as they are.
 */
import { defineStore } from 'pinia'
import { markRaw, nextTick, ref, shallowRef, triggerRef } from 'vue'
import { api, ApiError } from 'src/api/http'
import { erp } from 'src/api/erp'
import {
  BOARD_TAG_FIELDS,
  boardJobOf,
  boardTagOf,
  boardTechnicianOf,
  type BoardJob,
  type BoardPayload,
  type BoardTechnician,
  type PositionsPayload,
  type TechnicianPosition,
} from 'src/contracts/dispatch'
import { parseSiteDatetime, toFrappeDatetime } from 'src/contracts/frappeTime'
import type { DispatchJob, JobStatus, Tag, Technician } from 'src/contracts/doctypes'
import { loadBoard, prepareBoardWorker } from './boardLoader'
import { jobHaystack } from './filters'
import { rowsInView } from './geometry'
import { MINUTE, viewRange, type ViewMode, type ViewRange } from './timeAxis'

export interface PlacedJob extends BoardJob {
  /** Instants of the scheduled interval (ms). */
  start: number
  end: number
  /** Folded search text; filled lazily (first search, or idle time after a load). */
  haystack?: string
}

export type BoardState = 'idle' | 'loading' | 'ready' | 'error'

/** A write refused because someone changed the job first: what the dispatcher is shown. */
export interface StaleEdit {
  job: string
  error: ApiError
}

/**
 * Adds the job's instants, in place: 20,000 copies at load would only feed the garbage collector.
 * A board payload brings the start instant worked out by the BFF (`fromServer`); any other
 * version of a job (a drag, a live update) has its start read from `scheduled_start`.
 */
function place(job: BoardJob, fromServer = false): PlacedJob {
  const placed = job as PlacedJob
  placed.start = fromServer && typeof job.start === 'number' ? job.start : parseSiteDatetime(job.scheduled_start)
  placed.end = placed.start + (job.duration_minutes > 0 ? job.duration_minutes : 60) * MINUTE
  return markRaw(placed)
}

function byStart(a: PlacedJob, b: PlacedJob) {
  return a.start - b.start || a.name.localeCompare(b.name)
}

export const useDispatchBoard = defineStore('dispatch-board', () => {
  const state = ref<BoardState>('idle')
  const error = shallowRef<ApiError | null>(null)
  const range = shallowRef<ViewRange | null>(null)
  const technicians = shallowRef<BoardTechnician[]>([])
  const tags = shallowRef<BoardPayload['tags']>([])
  /** Rows: technician → their jobs in the range, sorted by start. Mutated in place, then triggered. */
  const rows = shallowRef(new Map<string, PlacedJob[]>())
  /** The unassigned queue ("Non assignées"). */
  const queue = shallowRef<PlacedJob[]>([])
  /** Bumped on every change, for views that look at all jobs (map, candidates, counts). */
  const revision = ref(0)
  const selectedJob = ref<string | null>(null)
  const selectedTechnician = ref<string | null>(null)
  const saving = ref<ReadonlySet<string>>(new Set())
  const staleEdit = shallowRef<StaleEdit | null>(null)
  const positions = shallowRef<ReadonlyMap<string, TechnicianPosition>>(new Map())
  /** False while the range's jobs beyond the first rows are still on their way. */
  const complete = ref(false)
  /** When the plan on screen was read from ERPNext (ms): said when ERPNext stops answering. */
  const loadedAt = ref(0)
  /**
   * Where in the live stream the board on screen was read: it shows every event up to `id`. A new
   * object with each load (null when the answer did not say), so each load is caught up once.
   */
  const readAt = shallowRef<{ id: string } | null>(null)

  const jobs = markRaw(new Map<string, PlacedJob>())
  /** The same Map as `rows`, read without tracking by views that follow the data at their own pace. */
  let rowMap = rows.value
  let techByName = new Map<string, BoardTechnician>()
  let loadToken = 0
  /** The load whose head is on the board: a later one's head is on its way while they differ. */
  let headToken = 0
  let loadAbort: AbortController | null = null
  /** Jobs patched or dropped since the head of the current load: the rest's older copies are skipped. */
  const patchedSinceLoad = new Set<string>()
  prepareBoardWorker()

  /**
   * The customer's name as the board already shows it: a document read from ERPNext carries the
   * customer's id only. The job's previous version usually knows it; a job new to the board looks
   * among the others.
   */
  function knownCustomerName(customer: string | undefined, previous: PlacedJob | undefined): string | undefined {
    if (!customer) return undefined
    if (previous?.customer === customer && previous.customer_name) return previous.customer_name
    for (const j of jobs.values()) if (j.customer === customer && j.customer_name) return j.customer_name
    return undefined
  }

  const job = (name: string | null | undefined) => (name ? jobs.get(name) : undefined)
  const technician = (name: string | null | undefined) => (name ? techByName.get(name) : undefined)
  const allJobs = () => jobs.values()
  const rawRows = (): ReadonlyMap<string, readonly PlacedJob[]> => rowMap

  /** Where a job belongs: a row, the queue, or nowhere (outside the range). */
  function slotOf(j: PlacedJob): 'queue' | 'row' | null {
    if (j.status === 'Unscheduled' || !j.technician)
      return j.status === 'Cancelled' || j.status === 'Completed' ? null : 'queue'
    const r = range.value
    if (!r || !(j.end > r.start && j.start < r.end)) return null
    return 'row'
  }

  function setTechnicians(list: readonly BoardTechnician[]) {
    techByName = new Map(list.map((t) => [t.name, t]))
    technicians.value = [...list].sort(
      (a, b) => a.full_name.localeCompare(b.full_name, 'fr') || a.name.localeCompare(b.name),
    )
  }

  function ingest(payload: BoardPayload, r: ViewRange) {
    jobs.clear()
    const next = new Map<string, PlacedJob[]>()
    const waiting: PlacedJob[] = []
    for (const t of payload.technicians) next.set(t.name, [])
    for (const raw of payload.jobs) {
      const j = place(raw, true)
      jobs.set(j.name, j)
      if (j.status === 'Unscheduled' || !j.technician) waiting.push(j)
      else if (j.end > r.start && j.start < r.end) {
        const bucket = next.get(j.technician)
        if (bucket) bucket.push(j)
      }
    }
    for (const bucket of next.values()) bucket.sort(byStart)
    setTechnicians(payload.technicians)
    tags.value = payload.tags
    range.value = r
    rowMap = next
    rows.value = next
    queue.value = waiting
    revision.value++
    loadedAt.value = Date.now()
    patchedSinceLoad.clear()
    prepareSearch([...jobs.values()])
  }

  /**
   * The range's other jobs, after the head: added to their rows (new arrays, so only those rows
   * re-render) and to the queue; a job patched since the head keeps its newer version.
   */
  function ingestRest(list: BoardJob[]) {
    const r = range.value
    if (!r) return
    const map = rows.value
    const touched = new Map<string, PlacedJob[]>()
    const added: PlacedJob[] = []
    const waiting: PlacedJob[] = []
    for (const raw of list) {
      if (jobs.has(raw.name) || patchedSinceLoad.has(raw.name)) continue
      const j = place(raw, true)
      jobs.set(j.name, j)
      added.push(j)
      if (j.status === 'Unscheduled' || !j.technician) waiting.push(j)
      else if (j.end > r.start && j.start < r.end && map.has(j.technician)) {
        let bucket = touched.get(j.technician)
        if (!bucket) touched.set(j.technician, (bucket = [...map.get(j.technician)!]))
        bucket.push(j)
      }
    }
    for (const [tech, bucket] of touched) map.set(tech, bucket.sort(byStart))
    if (waiting.length) queue.value = [...queue.value, ...waiting]
    triggerRef(rows)
    revision.value++
    prepareSearch(added)
  }

  /**
   * Folds every job's search text and reads every start once more in idle slices, once the board
   * is drawn: the board payload brings instants, so the site zone's offsets for the hours the jobs
   * start in are worked out now rather than on the first search, live update or drag.
   */
  function prepareSearch(pending: PlacedJob[]) {
    const token = loadToken
    const idle = (fn: () => void) =>
      typeof requestIdleCallback === 'function' ? requestIdleCallback(fn) : setTimeout(fn, 16)
    const slice = () => {
      if (token !== loadToken) return // a newer load took over
      const until = performance.now() + 8
      while (pending.length && performance.now() < until) {
        const j = pending.pop()!
        j.haystack ??= jobHaystack(j)
        parseSiteDatetime(j.scheduled_start)
      }
      if (pending.length) idle(slice)
    }
    idle(slice)
  }

  /**
   * Loads the range around `day`; keeps what is shown until the new data is there. Settles once
   * the first rows are on the board; the range's other jobs follow (`complete`).
   */
  async function load(day: string, mode: ViewMode, force = false): Promise<void> {
    const r = viewRange(day, mode)
    if (!force && state.value === 'ready' && range.value?.from === r.from && range.value?.to === r.to) return
    const token = ++loadToken
    loadAbort?.abort()
    const abort = (loadAbort = new AbortController())
    if (state.value !== 'ready') state.value = 'loading'
    error.value = null
    const failed = (err: unknown) => {
      if (token !== loadToken) return
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(0, 'NETWORK', { fr: 'Chargement impossible.', en: 'Could not load.' })
      error.value = apiError
      // ERPNext or the network down while this range is shown: the plan stays, marked as not current.
      const shown = state.value === 'ready' && range.value?.from === r.from && range.value?.to === r.to
      if (shown && (apiError.offline || apiError.upstreamDown)) return
      state.value = 'error'
    }
    let headIn = () => undefined as void
    const head = new Promise<void>((resolve) => (headIn = resolve))
    const whole = loadBoard(
      { from: r.from, to: r.to, rows: rowsInView() },
      {
        head(payload, more, position) {
          if (token !== loadToken) return
          performance.mark('dispatch:data-received')
          ingest(payload, r)
          headToken = token
          readAt.value = position === null ? null : { id: position }
          performance.measure('dispatch:ingest', 'dispatch:data-received')
          complete.value = more === 0
          state.value = 'ready'
          headIn()
        },
        rest(list) {
          if (token !== loadToken) return
          performance.mark('dispatch:rest-received')
          ingestRest(list)
          performance.measure('dispatch:rest', 'dispatch:rest-received')
          complete.value = true
        },
      },
      abort.signal,
    )
    try {
      await Promise.race([head, whole])
    } catch (err) {
      failed(err)
      return
    }
    // The rest failing after the head leaves a board missing rows: shown as an error, with retry.
    void whole.catch(failed)
  }

  function removeFrom(list: PlacedJob[], name: string): PlacedJob[] {
    return list.filter((j) => j.name !== name)
  }

  function insertSorted(list: PlacedJob[], j: PlacedJob): PlacedJob[] {
    const out = list.filter((x) => x.name !== j.name)
    let i = out.length
    while (i > 0 && byStart(out[i - 1], j) > 0) i--
    out.splice(i, 0, j)
    return out
  }

  /** Puts one job's new version on the board: only the rows it leaves and enters change. */
  function put(raw: BoardJob) {
    const next = place(raw)
    const previous = jobs.get(next.name)
    const map = rows.value
    let queueChanged = false
    if (previous) {
      const was = slotOf(previous)
      if (was === 'row' && previous.technician && map.has(previous.technician))
        map.set(previous.technician, removeFrom(map.get(previous.technician)!, previous.name))
      if (was === 'queue') queueChanged = true
    }
    const now = slotOf(next)
    if (now === null) jobs.delete(next.name)
    else jobs.set(next.name, next)
    if (now === 'row' && next.technician) map.set(next.technician, insertSorted(map.get(next.technician) ?? [], next))
    patchedSinceLoad.add(next.name)
    if (now === 'queue' || queueChanged) {
      const rest = queue.value.filter((j) => j.name !== next.name)
      queue.value = now === 'queue' ? [...rest, next] : rest
    }
    triggerRef(rows)
    revision.value++
  }

  function drop(name: string) {
    patchedSinceLoad.add(name)
    const previous = jobs.get(name)
    if (!previous) return
    jobs.delete(name)
    if (previous.technician && rows.value.has(previous.technician))
      rows.value.set(previous.technician, removeFrom(rows.value.get(previous.technician)!, name))
    queue.value = queue.value.filter((j) => j.name !== name)
    triggerRef(rows)
    revision.value++
  }

  /**
   * Fetches one job and patches it in (after a live event); skips it when we already hold that
   * version. A job gone from ERPNext leaves the board; any other failure is the caller's to handle.
   */
  async function refreshJob(name: string, modified?: string): Promise<void> {
    const held = jobs.get(name)
    if (held && modified && held.modified === modified) return
    try {
      const doc = await erp.get<DispatchJob>('Dispatch Job', name)
      // "Time to apply one live update": the store patch and Vue's DOM patch, not the fetch.
      performance.mark('dispatch:patch-start')
      put(boardJobOf(doc, knownCustomerName(doc.customer, jobs.get(name))))
      await nextTick()
      performance.measure('dispatch:patch', 'dispatch:patch-start')
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) drop(name)
      else throw err
    }
  }

  /**
   * A customer changed upstream: their jobs on the board take the name they now have. Nothing is
   * read when the board holds none of their jobs.
   */
  async function customerChanged(customer: string): Promise<void> {
    const theirs = [...jobs.values()].filter((j) => j.customer === customer)
    if (theirs.length === 0) return
    const doc = await erp.get<{ customer_name?: string }>('Customer', customer)
    const name = doc.customer_name || undefined
    for (const j of theirs) {
      if (j.customer_name === name) continue
      const renamed: BoardJob = { ...j }
      if (name) renamed.customer_name = name
      else delete renamed.customer_name
      put(renamed)
    }
  }

  /** A change read since `token` applies only when no load whose head may predate it is on its way. */
  function settledSince(token: number): void {
    if (token !== loadToken || headToken !== loadToken) throw new Error('a load of the board is on its way')
  }

  /**
   * A tag added or edited at the office (its colour, its category): the tags read again, not the
   * board. Rejects, for the caller to read the board again, when a load is on its way.
   */
  async function tagsChanged(): Promise<void> {
    const token = loadToken
    const list = await erp.list<Tag>('Tag', { fields: BOARD_TAG_FIELDS, limit: 0 })
    settledSince(token)
    tags.value = list.map(boardTagOf)
    revision.value++
  }

  /**
   * A technician added, edited or deleted at the office: read again and put on the board (a row
   * added, renamed, moved in the order, or gone) instead of reading the whole board again. Rejects
   * when a load is on its way, whose head may predate the change: the caller reads the board again.
   */
  async function technicianChanged(name: string, action?: string): Promise<void> {
    const token = loadToken
    let doc: Technician | null = null
    if (action !== 'delete') {
      try {
        doc = await erp.get<Technician>('Technician', name)
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 404)) throw err
      }
    }
    settledSince(token)
    const others = technicians.value.filter((t) => t.name !== name)
    setTechnicians(doc ? [...others, boardTechnicianOf(doc)] : others)
    if (!doc) rowMap.delete(name)
    else if (!rowMap.has(name))
      rowMap.set(name, [...jobs.values()].filter((j) => j.technician === name && slotOf(j) === 'row').sort(byStart))
    triggerRef(rows)
    revision.value++
  }

  /**
   * A change to one job, shown at once and written with the `modified` we hold so a colleague's
   * newer edit is never overwritten; on a 417 the newer version is loaded and shown instead, on
   * any other failure the job goes back as it was and the error is thrown.
   */
  async function writeJob(
    name: string,
    change: Partial<PlacedJob>,
    write: (before: PlacedJob) => Promise<DispatchJob>,
  ): Promise<'saved' | 'stale' | 'failed'> {
    const before = jobs.get(name)
    if (!before) return 'failed'
    put({ ...before, ...change })
    saving.value = new Set([...saving.value, name])
    try {
      put(boardJobOf(await write(before), before.customer_name))
      return 'saved'
    } catch (err) {
      const apiError =
        err instanceof ApiError
          ? err
          : new ApiError(0, 'NETWORK', { fr: 'Échec de l’enregistrement.', en: 'Saving failed.' })
      if (apiError.code === 'TimestampMismatchError') {
        staleEdit.value = { job: name, error: apiError }
        await refreshJob(name).catch(() => put(before))
        return 'stale'
      }
      put(before)
      throw apiError
    } finally {
      const s = new Set(saving.value)
      s.delete(name)
      saving.value = s
    }
  }

  /** Assigns (or moves) a job. */
  function assign(
    name: string,
    technicianName: string,
    start: number,
    status: JobStatus = 'Scheduled',
  ): Promise<'saved' | 'stale' | 'failed'> {
    const scheduled_start = toFrappeDatetime(new Date(start))
    return writeJob(name, { technician: technicianName, scheduled_start, status }, (before) =>
      erp.update<DispatchJob>('Dispatch Job', name, {
        technician: technicianName,
        scheduled_start,
        status,
        modified: before.modified,
      }),
    )
  }

  /**
   * "Remettre en attente": back to the queue at once, technician cleared and requested time kept;
   * the BFF refuses a job under way with the reason.
   */
  function unassign(name: string): Promise<'saved' | 'stale' | 'failed'> {
    return writeJob(name, { technician: '', status: 'Unscheduled' }, async (before) => {
      const answer = await api<{ data: DispatchJob }>(`/dispatch/jobs/${encodeURIComponent(name)}/unassign`, {
        method: 'POST',
        body: { modified: before.modified },
      })
      return answer.data
    })
  }

  async function loadPositions(): Promise<void> {
    const payload = await api<PositionsPayload>('/positions')
    positions.value = new Map(payload.positions.map((p) => [p.technician, p]))
  }

  return {
    state,
    error,
    range,
    technicians,
    tags,
    rows,
    queue,
    revision,
    selectedJob,
    selectedTechnician,
    saving,
    staleEdit,
    positions,
    complete,
    loadedAt,
    readAt,
    job,
    technician,
    allJobs,
    rawRows,
    load,
    put,
    drop,
    refreshJob,
    customerChanged,
    technicianChanged,
    tagsChanged,
    assign,
    unassign,
    loadPositions,
  }
})
