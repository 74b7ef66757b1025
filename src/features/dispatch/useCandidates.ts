/**
 * Who could take the selected job, and when: the time it is wanted (its own time when on the
 * visible range, else the same time of day on the visible day, never in the past for a job still
 * waiting) and the best technicians for it, ranked. The ranking looks at every row, so it follows
 * live patches once they settle.
 */
import { computed, type Ref } from 'vue'
import type { BoardView } from './filters'
import { rankCandidates } from './candidates'
import { MINUTE, siteInstant, siteMinutesOfDay, snap } from './timeAxis'
import { useDispatchBoard, type PlacedJob } from './useDispatchBoard'

const SHOWN = 6
/** A job booked with no requested time is proposed at 9:00. */
const DEFAULT_MINUTES = 9 * 60

export function useCandidates(opts: {
  selected: Ref<PlacedJob | null>
  view: Ref<BoardView>
  now: Ref<number>
  skillTags: Ref<ReadonlySet<string>>
  settledRevision: Ref<number>
}) {
  const store = useDispatchBoard()
  const { selected, view, now } = opts

  /** When to propose the job. */
  const requested = computed(() => {
    const job = selected.value
    if (!job) return now.value
    const r = store.range
    let at = job.start
    if (!Number.isFinite(at) || !r || at < r.start || at >= r.end) {
      at = siteInstant(view.value.day, Number.isFinite(at) ? siteMinutesOfDay(at) : DEFAULT_MINUTES)
    }
    if (job.status === 'Unscheduled' && at < now.value) at = snap(now.value + 15 * MINUTE)
    return at
  })

  const candidates = computed(() => {
    const job = selected.value
    if (!job) return []
    void opts.settledRevision.value
    return rankCandidates(
      {
        job: { ...job, start: requested.value, end: requested.value + job.duration_minutes * MINUTE },
        requested: requested.value,
        technicians: store.technicians,
        jobsOf: (name) => store.rawRows().get(name) ?? [],
        positions: store.positions,
        skillTags: opts.skillTags.value,
        now: now.value,
      },
      SHOWN,
    )
  })

  /** The assignment dialog's first proposal: where the job is, else the best candidate's slot. */
  const dialogInitial = computed(() => {
    const job = selected.value
    const best = candidates.value[0]
    if (job?.technician && job.status !== 'Unscheduled') return { technician: job.technician, start: job.start }
    return { technician: best?.technician ?? null, start: best?.start ?? requested.value }
  })

  return { requested, candidates, dialogInitial }
}
