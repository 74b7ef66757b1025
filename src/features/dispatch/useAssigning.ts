/**
 * Assigning a job (from a drag, the panel or the dialog) and what the dispatcher is told: a
 * confirmation once ERPNext has it, the reason when it failed, and, when a colleague changed the
 * job first, where the job is now (the banner above the board).
 */
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useQuasar } from 'quasar'
import { ApiError } from 'src/api/http'
import type { JobStatus } from 'src/contracts/doctypes'
import { formatWhen } from './format'
import { useDispatchBoard } from './useDispatchBoard'

/** Jobs that stay where they are: the technician is on the way, there, or done. */
const LOCKED: ReadonlySet<JobStatus> = new Set<JobStatus>(['En Route', 'In Progress', 'Completed', 'Cancelled'])

export function useAssigning(opts: {
  canPlan: () => boolean
  select: (name: string) => void
  nameOf: (technician: string) => string
  /** Says why the plan cannot change right now (ERPNext down) and returns true, or returns false. */
  refuse?: () => boolean
}) {
  const { t, locale } = useI18n()
  const $q = useQuasar()
  const store = useDispatchBoard()

  async function assign(name: string, tech: string, start: number) {
    if (!opts.canPlan() || opts.refuse?.()) return
    const job = store.job(name)
    if (!job) return
    const status: JobStatus = job.status === 'Unscheduled' || job.status === 'Cancelled' ? 'Scheduled' : job.status
    opts.select(name)
    try {
      const outcome = await store.assign(name, tech, start, status)
      if (outcome === 'saved') {
        $q.notify({
          type: 'positive',
          message: t('dispatch.saved', { job: name, name: opts.nameOf(tech), when: formatWhen(start, locale.value) }),
          timeout: 2500,
        })
      }
    } catch (err) {
      $q.notify({ type: 'negative', message: err instanceof ApiError ? err.text(locale.value) : String(err) })
    }
  }

  /**
   * "Remettre en attente". A job under way or closed is refused here with the reason (the BFF
   * refuses it too); a job already waiting is left as it is.
   */
  async function unassign(name: string) {
    if (!opts.canPlan() || opts.refuse?.()) return
    const job = store.job(name)
    if (!job || (!job.technician && job.status === 'Unscheduled')) return
    opts.select(name)
    if (LOCKED.has(job.status)) {
      $q.notify({
        type: 'warning',
        message: t(`dispatch.unassign.refused.${job.status.replace(' ', '')}`, { job: name }),
      })
      return
    }
    try {
      const outcome = await store.unassign(name)
      if (outcome === 'saved')
        $q.notify({ type: 'positive', message: t('dispatch.unassign.saved', { job: name }), timeout: 2500 })
    } catch (err) {
      $q.notify({ type: 'negative', message: err instanceof ApiError ? err.text(locale.value) : String(err) })
    }
  }

  /** The job a colleague changed first, and where it is now. */
  const stale = computed(() => {
    const s = store.staleEdit
    if (!s) return null
    void store.revision
    const job = store.job(s.job)
    return {
      job: s.job,
      now: job
        ? `${job.technician ? opts.nameOf(job.technician) : t('dispatch.panel.unassigned')} · ${formatWhen(job.start, locale.value)} · ${t(`dispatch.status.${job.status}`)}`
        : '',
    }
  })

  return { assign, unassign, stale }
}
