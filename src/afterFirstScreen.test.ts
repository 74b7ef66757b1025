import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTask } from './nextTask'

/** Lets the held pieces run, each in its task. */
async function tasksPass(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextTask()
}

/** A fresh copy of the module: its state is the page's, once per load. */
async function fresh() {
  vi.resetModules()
  return import('./afterFirstScreen')
}

describe('afterFirstScreen', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('holds work until the first screen has been up a moment, then runs it once, in order, one piece a task', async () => {
    const { afterFirstScreen, firstScreenShown, AFTER_FIRST_SCREEN_MS } = await fresh()
    const ran: string[] = []
    afterFirstScreen(() => ran.push('dialogs'))
    afterFirstScreen(() => ran.push('service worker'))
    vi.advanceTimersByTime(10 * AFTER_FIRST_SCREEN_MS)
    expect(ran).toEqual([])

    firstScreenShown()
    vi.advanceTimersByTime(AFTER_FIRST_SCREEN_MS - 1)
    expect(ran).toEqual([])
    vi.advanceTimersByTime(1)
    expect(ran).toEqual(['dialogs'])
    await tasksPass(1)
    expect(ran).toEqual(['dialogs', 'service worker'])

    firstScreenShown()
    vi.advanceTimersByTime(10 * AFTER_FIRST_SCREEN_MS)
    await tasksPass(2)
    expect(ran).toEqual(['dialogs', 'service worker'])
  })

  it('runs work asked for later at once', async () => {
    const { afterFirstScreen, firstScreenShown, AFTER_FIRST_SCREEN_MS } = await fresh()
    firstScreenShown()
    vi.advanceTimersByTime(AFTER_FIRST_SCREEN_MS)
    const task = vi.fn()
    afterFirstScreen(task)
    expect(task).toHaveBeenCalledTimes(1)
  })

  it('counts the moment from the first navigation, not from a later one', async () => {
    const { afterFirstScreen, firstScreenShown, AFTER_FIRST_SCREEN_MS } = await fresh()
    const task = vi.fn()
    afterFirstScreen(task)
    firstScreenShown()
    vi.advanceTimersByTime(AFTER_FIRST_SCREEN_MS / 2)
    firstScreenShown()
    vi.advanceTimersByTime(AFTER_FIRST_SCREEN_MS / 2)
    await tasksPass(1)
    expect(task).toHaveBeenCalledTimes(1)
  })

  it('starts the rest when one piece of work fails', async () => {
    const { afterFirstScreen, firstScreenShown, AFTER_FIRST_SCREEN_MS } = await fresh()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const task = vi.fn()
    afterFirstScreen(() => {
      throw new TypeError('Failed to fetch dynamically imported module')
    })
    afterFirstScreen(task)
    firstScreenShown()
    vi.advanceTimersByTime(AFTER_FIRST_SCREEN_MS)
    await tasksPass(1)
    expect(task).toHaveBeenCalledTimes(1)
    expect(warn).toHaveBeenCalledTimes(1)
    warn.mockRestore()
  })
})
