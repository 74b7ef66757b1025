/**
 * Dragging jobs on the page: from the queue or the board onto a row, with the landing slot drawn
 * on the board and a ghost under the pointer saying where the job would go and what it would
 * break. Without dispatch:plan a press only selects.
 */
import { computed, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import type { DropPreview } from './DispatchBoard.vue'
import { formatWhen } from './format'
import type { RuleWarning } from './rules'
import { MINUTE } from './timeAxis'
import { useDispatchBoard } from './useDispatchBoard'
import { useJobDrag } from './useJobDrag'

export interface BoardDragOptions {
  canPlan: () => boolean
  hitTest: (clientX: number, clientY: number) => { tech: string; time: number } | null
  autoScroll: (clientX: number, clientY: number) => void
  warningsFor: (name: string, tech: string, start: number, end: number) => RuleWarning[]
  select: (name: string) => void
  assign: (name: string, tech: string, start: number) => void
  overQueue: (clientX: number, clientY: number) => boolean
  unassign: (name: string) => void
  nameOf: (technician: string) => string
  /** Why a drop would be refused right now (ERPNext down), said on the ghost; null when it would not. */
  refusal?: () => string | null
}

export function useBoardDrag(opts: BoardDragOptions) {
  const { t, locale } = useI18n()
  const store = useDispatchBoard()

  const drag = useJobDrag({
    hitTest: opts.hitTest,
    autoScroll: opts.autoScroll,
    measure(name, grabTime) {
      const job = store.job(name)
      const durationMs = (job?.duration_minutes ?? 60) * MINUTE
      const onBoard = job && job.technician && job.status !== 'Unscheduled' && grabTime !== null
      return { durationMs, grabOffsetMs: onBoard ? Math.min(Math.max(0, grabTime - job.start), durationMs) : 0 }
    },
    check: opts.warningsFor,
    onTap: (name) => opts.select(name),
    onDrop: (name, tech, start) => opts.assign(name, tech, start),
    overQueue: opts.overQueue,
    onDropQueue: (name) => opts.unassign(name),
  })

  /** The landing slot, drawn on the board. */
  const preview = shallowRef<DropPreview | null>(null)
  watch(drag.target, (target) => {
    // No landing slot while a drop would be refused (ERPNext down): the ghost says why.
    preview.value =
      target && !opts.refusal?.()
        ? { tech: target.tech, start: target.start, end: target.end, warn: target.warnings.length > 0 }
        : null
  })
  const ghostWarnings = computed(() =>
    (drag.target.value?.warnings ?? []).map((w) =>
      t(`dispatch.warnings.${w.kind}`, { items: (w.items ?? []).join(', ') }),
    ),
  )
  const ghostLabel = computed(() => {
    const refused = opts.refusal?.()
    if (refused) return refused
    if (drag.overQueue.value) return t('dispatch.unassign.dropHere')
    const target = drag.target.value
    return target
      ? t('dispatch.dragTo', { name: opts.nameOf(target.tech), time: formatWhen(target.start, locale.value) })
      : t('dispatch.dragNowhere')
  })

  function onJobPointerDown(name: string, event: PointerEvent, fromBoard: boolean) {
    if (opts.canPlan()) drag.begin(name, event, fromBoard)
    else if (event.button === 0) opts.select(name)
  }

  return {
    dragging: drag.dragging,
    pointer: drag.pointer,
    overQueue: drag.overQueue,
    preview,
    ghostWarnings,
    ghostLabel,
    onJobPointerDown,
  }
}
