/**
 * The unassigned queue as the dispatcher sees it: narrowed by the view's type, priority, tag and
 * search filters and by the queue's own search, sorted by priority, age or distance from the
 * selected technician (their GPS position, else their home). A status filter does not concern the
 * queue: every job in it is waiting.
 */
import { computed, ref, type Ref } from 'vue'
import { distanceKm } from 'src/contracts/geo'
import { jobMatcher, sortQueue, type BoardView, type QueueSort } from './filters'
import { useDispatchBoard } from './useDispatchBoard'

interface QueueFilters extends Pick<BoardView, 'type' | 'priority' | 'tag' | 'q'> {
  /** The queue's own search. */
  needle: string
}

export function useQueueView(view: Ref<BoardView>) {
  const store = useDispatchBoard()
  const sort = ref<QueueSort>('priority')
  const needle = ref('')

  const referencePoint = computed(() => {
    const name = store.selectedTechnician
    if (!name) return null
    const gps = store.positions.get(name)
    if (gps) return { latitude: gps.latitude, longitude: gps.longitude }
    const tech = store.technician(name)
    return tech?.home_latitude != null && tech.home_longitude != null
      ? { latitude: tech.home_latitude, longitude: tech.home_longitude }
      : null
  })

  /** km from the selected technician, per queued job that has a position. */
  const distances = computed(() => {
    const from = referencePoint.value
    const out = new Map<string, number>()
    if (from)
      for (const j of store.queue)
        if (j.latitude != null && j.longitude != null)
          out.set(j.name, distanceKm(from, { latitude: j.latitude, longitude: j.longitude }))
    return out
  })

  // The filters that concern the queue; the object keeps its identity while they are unchanged
  // (the view's lists keep theirs), so another change of the view does not filter it again.
  const filters = computed((previous?: QueueFilters) => {
    const { type, priority, tag, q } = view.value
    const text = needle.value.trim()
    const same =
      previous &&
      previous.type === type &&
      previous.priority === priority &&
      previous.tag === tag &&
      previous.q === q &&
      previous.needle === text
    return same ? previous : { type, priority, tag, q, needle: text }
  })

  const items = computed(() => {
    const f = filters.value
    const base: BoardView = {
      day: '',
      view: 'day',
      status: [],
      type: f.type,
      priority: f.priority,
      tag: f.tag,
      tech: [],
      q: f.q,
      zoom: 1,
    }
    const matches = jobMatcher(base)
    const searched = f.needle ? jobMatcher({ ...base, type: [], priority: [], tag: [], q: f.needle }) : null
    const shown = store.queue.filter((j) => matches(j) && (!searched || searched(j)))
    const km = distances.value
    return sortQueue(shown, sort.value === 'distance' && km.size === 0 ? 'priority' : sort.value, (j) => km.get(j.name))
  })

  return { sort, needle, distances, items }
}
