/**
 * The placement rules as the page applies them: the warnings a job would raise with a technician
 * at a time (overlap, outside shift, missing skill, inactive, in the past) for a drag, the dialog
 * and the selected job, and the context the board's rows check their own jobs with.
 */
import { computed, type Ref } from 'vue'
import { checkPlacement, type RuleContext, type RuleWarning } from './rules'
import { useDispatchBoard, type PlacedJob } from './useDispatchBoard'

export function usePlacementRules(now: Ref<number>, selected: Ref<PlacedJob | null>) {
  const store = useDispatchBoard()
  /** The tags that name a skill: a job's skill tags are what its technician must have. */
  const skillTags = computed(() => new Set(store.tags.filter((tag) => tag.category === 'Skill').map((tag) => tag.name)))
  const ctx = computed<RuleContext>(() => ({ now: now.value, skillTags: skillTags.value }))

  /** What placing the job with the technician from start to end would break. */
  function warningsFor(name: string, tech: string, start: number, end: number): RuleWarning[] {
    const job = store.job(name)
    if (!job) return []
    const status = job.status === 'Unscheduled' ? 'Scheduled' : job.status
    return checkPlacement(
      { name, status, tags: job.tags, start, end },
      store.technician(tech),
      store.rows.get(tech) ?? [],
      ctx.value,
    )
  }

  const selectedWarnings = computed(() => {
    const job = selected.value
    if (!job?.technician || job.status === 'Unscheduled') return []
    return warningsFor(job.name, job.technician, job.start, job.end)
  })

  return { skillTags, ctx, warningsFor, selectedWarnings }
}
