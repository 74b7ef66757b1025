/**
 * The page's performance marks, which the dispatch bench reads (bench/dispatch.bench.ts):
 * dispatch:paint, from the data received to the board painted, and dispatch:filter, from a change
 * of the address to the DOM patched. The store marks the data received and each live patch.
 */
import { nextTick, watch, type Ref } from 'vue'
import { useRoute } from 'vue-router'

/** Marks the board painted: after Vue has patched the DOM, the next frame, then a task. */
export function markBoardPainted() {
  void nextTick(() =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        performance.mark('dispatch:board-painted')
        performance.measure('dispatch:paint', 'dispatch:data-received', 'dispatch:board-painted')
      }
      channel.port2.postMessage(null)
    }),
  )
}

/** "Time to apply a filter": from the address changing to the DOM patched for the new matcher. */
export function useFilterTiming(matcher: Ref<unknown>) {
  const route = useRoute()
  watch(
    () => route.query,
    () => performance.mark('dispatch:filter-start'),
    { flush: 'pre' },
  )
  watch(matcher, () => void nextTick(() => performance.measure('dispatch:filter', 'dispatch:filter-start')))
}
