/**
 * Only one tab sends queued scans at a time: two tabs replaying together is how a queue sends
 * twice. Web Locks where the browser has them (released even if the tab crashes); otherwise a
 * lease in localStorage that its holder renews and that expires if the holder dies.
 */

export interface FlushLock {
  /** Runs `work` if no other tab is flushing; returns false (without waiting) if one is. */
  run(work: () => Promise<void>): Promise<boolean>
}

export const FLUSH_LOCK_NAME = 'ops-scan-flush'

interface LockManagerLike {
  request(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<void>): Promise<void>
}

export function webLock(locks: LockManagerLike, name = FLUSH_LOCK_NAME): FlushLock {
  return {
    async run(work) {
      let acquired = false
      await locks.request(name, { ifAvailable: true }, async (lock) => {
        if (!lock) return
        acquired = true
        await work()
      })
      return acquired
    },
  }
}

export interface LeaseClock {
  now(): number
  setInterval(fn: () => void, ms: number): unknown
  clearInterval(handle: unknown): void
}

interface Lease {
  owner: string
  until: number
}

/**
 * A lease with an expiry, renewed while the work runs. Between two tabs that read an expired
 * lease at the same instant both could write theirs; the read-back after writing leaves one
 * winner in practice, and the server's idempotency (scan id) covers the rest.
 */
export function leaseLock(
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
  owner: string,
  clock: LeaseClock,
  ttlMs = 15_000,
  key = `${FLUSH_LOCK_NAME}-lease`,
): FlushLock {
  const read = (): Lease | null => {
    try {
      const v = JSON.parse(storage.getItem(key) ?? 'null') as Lease | null
      return v && typeof v.owner === 'string' && typeof v.until === 'number' ? v : null
    } catch {
      return null
    }
  }
  const write = () => storage.setItem(key, JSON.stringify({ owner, until: clock.now() + ttlMs }))
  return {
    async run(work) {
      const current = read()
      if (current && current.owner !== owner && current.until > clock.now()) return false
      write()
      await Promise.resolve()
      if (read()?.owner !== owner) return false
      const renew = clock.setInterval(() => {
        if (read()?.owner === owner) write()
      }, ttlMs / 3)
      try {
        await work()
      } finally {
        clock.clearInterval(renew)
        if (read()?.owner === owner) storage.removeItem(key)
      }
      return true
    },
  }
}

/** The best lock this browser offers. */
export function browserFlushLock(): FlushLock {
  // Typed as always there, but missing in older Safari and in insecure contexts.
  const locks = 'locks' in navigator ? (navigator.locks as LockManagerLike | undefined) : undefined
  if (locks && typeof locks.request === 'function') return webLock(locks)
  const clock: LeaseClock = {
    now: () => Date.now(),
    setInterval: (fn, ms) => window.setInterval(fn, ms),
    clearInterval: (h) => window.clearInterval(h as number),
  }
  return leaseLock(window.localStorage, crypto.randomUUID(), clock)
}
