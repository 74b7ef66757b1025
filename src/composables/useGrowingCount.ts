import { onScopeDispose, ref, watch, type Ref } from 'vue'
import { nextTask } from '../nextTask'

/**
 * How many of a list to draw: `step` at once, then `step` more in each following task until all
 * of `total` are drawn. A long list is drawn in short tasks instead of one long one.
 */
export function useGrowingCount(total: Ref<number>, step: number): Ref<number> {
  const count = ref(step)
  let growing = false
  let stopped = false
  async function grow(): Promise<void> {
    if (growing) return
    growing = true
    try {
      while (!stopped && count.value < total.value) {
        await nextTask()
        if (!stopped) count.value += step
      }
    } finally {
      growing = false
    }
  }
  watch(total, () => void grow(), { immediate: true })
  onScopeDispose(() => {
    stopped = true
  })
  return count
}
