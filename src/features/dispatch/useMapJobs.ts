/**
 * The jobs on the map: the view's day, the board's filters applied to the rows (the queue's jobs
 * of that day are always shown). The map follows the board's day and filters one frame behind:
 * the board, which the dispatcher is looking at, is redrawn first, and the map's pass over every
 * job of the range comes after; it follows live patches once they settle.
 */
import { computed, shallowRef, watch, type Ref } from 'vue'
import { addDays } from 'src/contracts/frappeTime'
import type { BoardView } from './filters'
import { siteInstant } from './timeAxis'
import { useDispatchBoard, type PlacedJob } from './useDispatchBoard'

export function useMapJobs(
  view: Ref<BoardView>,
  matcher: Ref<((j: PlacedJob) => boolean) | null>,
  settledRevision: Ref<number>,
) {
  const store = useDispatchBoard()
  const shown = shallowRef({ day: view.value.day, matcher: matcher.value })
  watch([() => view.value.day, matcher], ([day, m]) => {
    requestAnimationFrame(() =>
      setTimeout(() => {
        shown.value = { day, matcher: m }
      }, 0),
    )
  })

  const jobs = computed(() => {
    void settledRevision.value
    const { day, matcher: m } = shown.value
    const out: PlacedJob[] = []
    // The site-local day as instants: two comparisons per job, not a date conversion each.
    const from = siteInstant(day, 0)
    const to = siteInstant(addDays(day, 1), 0)
    for (const row of store.rawRows().values())
      for (const j of row) if (j.start >= from && j.start < to && (!m || m(j))) out.push(j)
    for (const j of store.queue) if (j.start >= from && j.start < to) out.push(j)
    return out
  })

  const technicians = computed(() => new Map(store.technicians.map((x) => [x.name, x])))

  return { jobs, technicians }
}
