/**
 * Circuit breakers, one per upstream and per hub capability that fails on its own. After
 * `threshold` failures in a row (no answer, a timeout, or an answer saying the service itself is
 * down) a breaker opens: calls fail at once with a sentence naming the upstream, instead of piling
 * connections onto a service that is not answering. After `cooldownMs` one call goes through as a
 * probe (half-open): if it succeeds the breaker closes, otherwise it opens again.
 *
 * Reads (GET) are retried a bounded number of times with jittered backoff; writes never are, so a
 * write that may have reached ERPNext is never made twice.
 */
import type { Sentence } from '../errors'

export const UPSTREAMS = ['erpnext', 'hub', 'hub:devices', 'hub:sms', 'hub:vision', 'hub:traccar'] as const
export type UpstreamName = (typeof UPSTREAMS)[number]

export type BreakerState = 'closed' | 'open' | 'half_open'

export interface BreakerOptions {
  /** Failures in a row that open the breaker. */
  threshold: number
  /** How long it stays open before a probe is let through. */
  cooldownMs: number
  /** Extra attempts for a read after a failure (0 = none). */
  retries: number
  /** First backoff step of a retry; each attempt waits a random share of base × 2^attempt. */
  retryBaseMs: number
}

export const BREAKER_DEFAULTS: BreakerOptions = { threshold: 5, cooldownMs: 5_000, retries: 2, retryBaseMs: 50 }

const NAMES: Record<UpstreamName, { fr: string; en: string }> = {
  erpnext: { fr: 'ERPNext ne répond pas', en: 'ERPNext is not answering' },
  hub: { fr: 'Le hub ne répond pas', en: 'The hub is not answering' },
  'hub:devices': { fr: 'Le hub ne répond pas pour les modems', en: 'The hub is not answering for modems' },
  'hub:sms': { fr: 'Le hub ne répond pas pour les textos', en: 'The hub is not answering for text messages' },
  'hub:vision': {
    fr: 'Le hub ne répond pas pour la lecture des photos',
    en: 'The hub is not answering for reading photos',
  },
  'hub:traccar': {
    fr: 'Le hub ne répond pas pour les positions GPS',
    en: 'The hub is not answering for GPS positions',
  },
}

/** "ERPNext ne répond pas — réessai automatique", for the upstream that is down. */
export function downSentence(upstream: UpstreamName): Sentence {
  return {
    fr: `${NAMES[upstream].fr} — réessai automatique.`,
    en: `${NAMES[upstream].en} — retrying automatically.`,
  }
}

/** An upstream gave no usable answer: no connection, a timeout, or a 5xx. */
export class UpstreamUnreachable extends Error {}

/**
 * An upstream did not answer: its breaker is open, the call timed out, or the connection was
 * refused. The BFF answers 503 with Retry-After (see app.ts).
 */
export class UpstreamDown extends UpstreamUnreachable {
  constructor(
    readonly upstream: UpstreamName,
    readonly reason: 'open' | 'timeout' | 'unreachable',
    readonly retryAfterMs: number,
    detail?: string,
  ) {
    super(detail ?? `${upstream} ${reason}`)
  }
  get retryAfterS(): number {
    return Math.max(1, Math.ceil(this.retryAfterMs / 1000))
  }
}

/** The upstream took longer than the call's timeout. */
export class UpstreamTimeout extends UpstreamDown {
  constructor(upstream: UpstreamName, retryAfterMs: number, detail?: string) {
    super(upstream, 'timeout', retryAfterMs, detail)
  }
}

export interface BreakerSnapshot {
  state: BreakerState
  /** Failures in a row so far. */
  failures: number
  /** Seconds until a probe is let through, while open. */
  retry_after_s: number
  /** When it last opened, ISO, or null. */
  opened_at: string | null
}

export class Breaker {
  private state: BreakerState = 'closed'
  private failures = 0
  private openedAt = 0
  private probing = false
  private probe: (() => Promise<boolean>) | null = null
  constructor(
    readonly name: UpstreamName,
    private readonly options: BreakerOptions,
    private readonly onChange: (name: UpstreamName, state: BreakerState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.options.cooldownMs) return 'half_open'
    return this.state
  }

  /** Milliseconds before the next probe may pass (0 when closed). */
  retryAfterMs(): number {
    if (this.state === 'closed') return 0
    return Math.max(0, this.openedAt + this.options.cooldownMs - this.now())
  }

  /**
   * A health check run in the background when the cooldown ends, instead of letting a real call
   * through as the probe: no user waits on a probe of a server that may still hang.
   */
  setProbe(probe: () => Promise<boolean>): void {
    this.probe = probe
  }

  /** Lets a call through, or throws UpstreamDown at once. Returns whether the call is the probe. */
  admit(): boolean {
    if (this.state === 'closed') return false
    if (this.current === 'half_open' && !this.probing) {
      this.probing = true
      this.set('half_open')
      if (!this.probe) return true
      this.probe().then(
        (ok) => (ok ? this.success() : this.failure()),
        () => this.failure(),
      )
    }
    throw new UpstreamDown(this.name, 'open', this.retryAfterMs() || this.options.cooldownMs)
  }

  success(): void {
    this.probing = false
    this.failures = 0
    if (this.state !== 'closed') this.set('closed')
  }

  failure(): void {
    this.probing = false
    this.failures++
    if (
      this.state === 'half_open' ||
      (this.state === 'open' && this.current === 'half_open') ||
      (this.state === 'closed' && this.failures >= this.options.threshold)
    ) {
      this.openedAt = this.now()
      this.set('open')
    }
  }

  /** A call that ended without saying anything about this upstream's health. */
  release(): void {
    this.probing = false
  }

  snapshot(): BreakerSnapshot {
    const state = this.current
    return {
      state,
      failures: this.failures,
      retry_after_s: state === 'closed' ? 0 : Math.ceil(this.retryAfterMs() / 1000),
      opened_at: this.openedAt ? new Date(this.openedAt).toISOString() : null,
    }
  }

  private set(state: BreakerState) {
    this.state = state
    this.onChange(this.name, state)
  }
}

export interface Breakers {
  readonly options: BreakerOptions
  get(name: UpstreamName): Breaker
  snapshot(): Record<UpstreamName, BreakerSnapshot>
}

export function createBreakers(
  options: Partial<BreakerOptions> = {},
  onChange?: (name: UpstreamName, state: BreakerState) => void,
  now?: () => number,
): Breakers {
  const opts = { ...BREAKER_DEFAULTS, ...options }
  const map = new Map(UPSTREAMS.map((n) => [n, new Breaker(n, opts, onChange, now)]))
  return {
    options: opts,
    get: (name) => map.get(name)!,
    snapshot: () =>
      Object.fromEntries([...map].map(([n, b]) => [n, b.snapshot()])) as Record<UpstreamName, BreakerSnapshot>,
  }
}

/** The hub capability a hub path belongs to, or 'hub' for the rest. */
export function hubCapability(path: string): UpstreamName {
  if (path.startsWith('/devices')) return 'hub:devices'
  if (path.startsWith('/sms')) return 'hub:sms'
  if (path.startsWith('/vision')) return 'hub:vision'
  if (path.startsWith('/traccar')) return 'hub:traccar'
  return 'hub'
}

/** Full jitter: a random wait up to base × 2^attempt. */
export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  return Math.round(random() * baseMs * 2 ** attempt)
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/** The fields of a 503 that tell a screen which upstream is down and when the BFF will try again. */
export function downFields(err: UpstreamDown) {
  const sentence = downSentence(err.upstream)
  return {
    sentence,
    fields: { message: sentence.fr, message_en: sentence.en, upstream: err.upstream, retry_after_s: err.retryAfterS },
    headers: { 'retry-after': String(err.retryAfterS) },
  }
}
