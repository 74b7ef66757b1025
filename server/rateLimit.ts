/**
 * Rate limits on the hub's costly or outward actions, per staff member: polling a modem
 * (Diagnostiquer), sending an SMS, inviting a user. A slip of the hand or a stuck script must not
 * hammer a customer's modem or text them twenty times; an ordinary day never meets these limits.
 *
 * Fixed one-minute windows, counted in memory, or in Redis when REDIS_URL is set so that several
 * BFF replicas share one count. If Redis cannot answer, the action is allowed (and logged): a
 * limit protects the upstreams, it must not take the staff's tools down with it.
 */
import { Redis } from 'ioredis'
import { log as logger } from './log'

/** The limited actions, with what each allows per staff member per minute by default. */
export const RATE_LIMIT_DEFAULTS = { diagnose: 30, sms: 10, invite: 20 } as const
export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS
export type RateLimits = Record<RateLimitName, number>

export const RATE_WINDOW_MS = 60_000

export interface RateDecision {
  allowed: boolean
  /** When the window ends, so the caller can say how long to wait (Retry-After). */
  retryAfterMs: number
}

export interface RateLimiter {
  /** Counts one action for `key`; refused once `max` actions were counted in the current window. */
  hit(key: string, max: number): Promise<RateDecision>
  close?(): Promise<void>
}

/**
 * `RATE_LIMITS="diagnose=30,sms=10,invite=20"`: per-minute limits by action; 0 turns one off.
 * Actions left out keep their default.
 */
export function parseRateLimits(raw: string | undefined): { limits: RateLimits } | { problem: string } {
  const limits: RateLimits = { ...RATE_LIMIT_DEFAULTS }
  if (!raw?.trim()) return { limits }
  for (const part of raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)\s*=\s*(\d+)$/.exec(part)
    if (!match) return { problem: `"${part}" is not name=number` }
    const [, name, value] = match
    if (!(name in RATE_LIMIT_DEFAULTS))
      return { problem: `unknown action "${name}" (known: ${Object.keys(RATE_LIMIT_DEFAULTS).join(', ')})` }
    limits[name as RateLimitName] = Number(value)
  }
  return { limits }
}

export function createMemoryLimiter(now: () => number = Date.now): RateLimiter {
  const counts = new Map<string, { window: number; count: number }>()
  let sweptAt = 0
  return {
    async hit(key, max) {
      const t = now()
      const window = Math.floor(t / RATE_WINDOW_MS)
      if (t - sweptAt > RATE_WINDOW_MS) {
        // Old windows are forgotten, so the map holds only this minute's active users.
        for (const [k, v] of counts) if (v.window !== window) counts.delete(k)
        sweptAt = t
      }
      const entry = counts.get(key)
      const current = entry && entry.window === window ? entry : { window, count: 0 }
      current.count++
      counts.set(key, current)
      return { allowed: current.count <= max, retryAfterMs: (window + 1) * RATE_WINDOW_MS - t }
    },
  }
}

export function createRedisLimiter(
  url: string,
  log: (msg: string) => void = (msg) => logger.warn(msg),
  now: () => number = Date.now,
): RateLimiter {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, enableOfflineQueue: false })
  let connecting: Promise<void> | null = null
  const ready = () => {
    if (redis.status === 'ready') return Promise.resolve()
    connecting ??= redis.connect().finally(() => {
      connecting = null
    })
    return connecting
  }
  redis.on('error', () => undefined) // reported per call below, once per failure
  return {
    async hit(key, max) {
      const t = now()
      const window = Math.floor(t / RATE_WINDOW_MS)
      const retryAfterMs = (window + 1) * RATE_WINDOW_MS - t
      try {
        await ready()
        const redisKey = `ops:rate:${key}:${window}`
        const replies = await redis
          .multi()
          .incr(redisKey)
          .pexpire(redisKey, RATE_WINDOW_MS * 2)
          .exec()
        const [error, count] = replies?.[0] ?? [new Error('no reply'), null]
        if (error) throw error
        return { allowed: Number(count) <= max, retryAfterMs }
      } catch (err) {
        log(
          `rate limit not checked (Redis: ${err instanceof Error ? err.message : String(err)}); the action is allowed`,
        )
        return { allowed: true, retryAfterMs }
      }
    },
    async close() {
      redis.disconnect()
    },
  }
}
