/**
 * The board's revision a little behind the data, for views that look at every job (the map, the
 * candidates): a burst of live patches costs them one recomputation rather than one each.
 */
import { onBeforeUnmount, ref, watch } from 'vue'
import { useDispatchBoard } from './useDispatchBoard'

const SETTLE_MS = 300

export function useSettledRevision() {
  const store = useDispatchBoard()
  const settled = ref(0)
  let timer = 0
  watch(
    () => store.revision,
    () => {
      window.clearTimeout(timer)
      timer = window.setTimeout(() => {
        settled.value = store.revision
      }, SETTLE_MS)
    },
  )
  onBeforeUnmount(() => window.clearTimeout(timer))
  return settled
}
