/**
 * Dragging a job with pointer events (mouse, pen or finger): from the queue to a row, between
 * rows, along the time axis. The time snaps to 15 minutes; the rule checks run only when the
 * target (technician, time) changes, not on every pointer move, so frames stay short. A press
 * that does not move is a tap (select).
 */
import { onBeforeUnmount, shallowRef } from 'vue'
import type { RuleWarning } from './rules'
import { snap } from './timeAxis'

export interface DragTarget {
  tech: string
  start: number
  end: number
  warnings: RuleWarning[]
}

export interface DragOptions {
  hitTest(clientX: number, clientY: number): { tech: string; time: number } | null
  autoScroll(clientX: number, clientY: number): void
  /** The job's length and, for a block grabbed on the board, how far into it the pointer is (ms). */
  measure(job: string, grabTime: number | null): { durationMs: number; grabOffsetMs: number }
  check(job: string, tech: string, start: number, end: number): RuleWarning[]
  onTap(job: string): void
  onDrop(job: string, tech: string, start: number): void
  /** True when the pointer is over the unassigned queue, where a job dropped goes back to waiting. */
  overQueue?(clientX: number, clientY: number): boolean
  onDropQueue?(job: string): void
}

const THRESHOLD_PX = 5

export function useJobDrag(opts: DragOptions) {
  /** The job being dragged; null when no drag is under way. */
  const dragging = shallowRef<string | null>(null)
  /** Where the pointer is (for the ghost), replaced on every move. */
  const pointer = shallowRef<{ x: number; y: number }>({ x: 0, y: 0 })
  /** Where the job would land; replaced only when the technician or the snapped time changes. */
  const target = shallowRef<DragTarget | null>(null)
  /** True while the pointer is over the queue (the job would go back to waiting). */
  const overQueue = shallowRef(false)

  let pending: { job: string; id: number; x: number; y: number; durationMs: number; grabOffsetMs: number } | null = null
  let frame = 0
  let last = { x: 0, y: 0 }

  function begin(job: string, event: PointerEvent, fromBoard: boolean) {
    if (event.button !== 0 || pending) return
    const hit = fromBoard ? opts.hitTest(event.clientX, event.clientY) : null
    const { durationMs, grabOffsetMs } = opts.measure(job, hit?.time ?? null)
    pending = { job, id: event.pointerId, x: event.clientX, y: event.clientY, durationMs, grabOffsetMs }
    window.addEventListener('pointermove', onMove)
    window.addEventListener('pointerup', onUp)
    window.addEventListener('pointercancel', cancel)
    window.addEventListener('keydown', onKey, true)
  }

  function retarget(x: number, y: number) {
    if (!pending) return
    const queued = opts.overQueue?.(x, y) ?? false
    if (overQueue.value !== queued) overQueue.value = queued
    const hit = queued ? null : opts.hitTest(x, y)
    if (!hit) {
      if (target.value) target.value = null
      return
    }
    const start = snap(hit.time - pending.grabOffsetMs)
    const t = target.value
    if (t && t.tech === hit.tech && t.start === start) return
    const end = start + pending.durationMs
    target.value = { tech: hit.tech, start, end, warnings: opts.check(pending.job, hit.tech, start, end) }
  }

  function onMove(event: PointerEvent) {
    if (!pending || event.pointerId !== pending.id) return
    last = { x: event.clientX, y: event.clientY }
    if (!dragging.value) {
      if (Math.hypot(event.clientX - pending.x, event.clientY - pending.y) < THRESHOLD_PX) return
      dragging.value = pending.job
      document.body.classList.add('dj-dragging')
      frame = requestAnimationFrame(tick)
    }
    event.preventDefault()
    pointer.value = last
    retarget(last.x, last.y)
  }

  // While the pointer rests near an edge the board keeps scrolling, and the target follows.
  function tick() {
    if (!dragging.value) return
    opts.autoScroll(last.x, last.y)
    retarget(last.x, last.y)
    frame = requestAnimationFrame(tick)
  }

  function onUp(event: PointerEvent) {
    if (!pending || event.pointerId !== pending.id) return
    const job = pending.job
    const wasDragging = dragging.value !== null
    const landing = target.value
    const toQueue = overQueue.value
    finish()
    if (!wasDragging) opts.onTap(job)
    else if (toQueue) opts.onDropQueue?.(job)
    else if (landing) opts.onDrop(job, landing.tech, landing.start)
  }

  function onKey(event: KeyboardEvent) {
    if (event.key === 'Escape' && pending) {
      event.stopPropagation()
      cancel()
    }
  }

  function cancel() {
    finish()
  }

  function finish() {
    pending = null
    cancelAnimationFrame(frame)
    dragging.value = null
    target.value = null
    overQueue.value = false
    document.body.classList.remove('dj-dragging')
    window.removeEventListener('pointermove', onMove)
    window.removeEventListener('pointerup', onUp)
    window.removeEventListener('pointercancel', cancel)
    window.removeEventListener('keydown', onKey, true)
  }

  onBeforeUnmount(finish)

  return { dragging, pointer, target, overQueue, begin, cancel }
}
