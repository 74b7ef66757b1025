/**
 * Hands the main thread back to the browser until its next task: what is drawn so far is painted,
 * a tap waiting is answered, and the rest of the work follows. `scheduler.yield()` where the
 * browser has it (its continuation goes ahead of other queued work), a message otherwise (not
 * clamped like a timer).
 */
interface YieldingScheduler {
  yield(): Promise<void>
}

export function nextTask(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<YieldingScheduler> }).scheduler
  if (typeof scheduler?.yield === 'function') return scheduler.yield()
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(null)
  })
}
