import { describe, expect, it } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useGrowingCount } from './useGrowingCount'
import { nextTask } from '../nextTask'

describe('useGrowingCount', () => {
  it('draws a step at once, then a step more in each following task until all are drawn', async () => {
    const total = ref(7)
    const scope = effectScope()
    const count = scope.run(() => useGrowingCount(total, 3))!
    const seen = [count.value]
    for (let i = 0; i < 4; i++) {
      await nextTask()
      await nextTick()
      seen.push(count.value)
    }
    expect(seen).toEqual([3, 6, 9, 9, 9])
    scope.stop()
  })

  it('grows again when the list does, and stops with its scope', async () => {
    const total = ref(2)
    const scope = effectScope()
    const count = scope.run(() => useGrowingCount(total, 2))!
    await nextTask()
    expect(count.value).toBe(2)
    total.value = 5
    await nextTick()
    await nextTask()
    expect(count.value).toBe(4)
    scope.stop()
    await nextTask()
    await nextTask()
    expect(count.value).toBe(4)
  })
})
