/**
 * Configuration comes from the environment only. It is validated once at start-up, and every
 * problem is reported as one plain line, so a misconfigured deployment fails loudly and clearly.
 */
import { parseTrustedProxies, type ProxyRange } from './identity'
import { parseCapabilityMap, DEFAULT_CAPABILITY_MAP, type CapabilityMap } from './policy'
import { LOG_BUFFER } from './log'
import { parseRateLimits, RATE_LIMIT_DEFAULTS, type RateLimits } from './rateLimit'

export interface Config {
  host: string
  port: number
  /** Directory holding the embedded upstreams' data and the audit journal. */
  dataDir: string
  /** Built SPA served under /ops/. */
  spaDir: string
  erpUrl: string | null
  erpToken: string | null
  hubUrl: string | null
  hubToken: string | null
  /** True when ERPNext is the embedded stand-in: demo personas are offered, loopback is trusted. */
  demo: boolean
  trustedProxies: ProxyRange[]
  capabilityMap: CapabilityMap
  seedProfile: 'demo' | 'large' | 'none'
  /** The instant the embedded ERPNext lays its seeded dataset out around; null → the real now. */
  seedNow: Date | null
  redisUrl: string | null
  /** Per staff member per minute, for the hub's costly or outward actions (0 = no limit). */
  rateLimits: RateLimits
  tileUrl: string
  upstreamTimeoutMs: number
  /** Largest request body the BFF accepts, in bytes (vision uploads are the big ones). */
  bodyLimitBytes: number
  /**
   * The origin browsers see the app at (e.g. https://ops.gigafibre.ca), for the same-origin check
   * of writes when Sec-Fetch-Site is absent; null → the origin of the request's own Host.
   */
  publicOrigin: string | null
  /** Demo only: /ops/api/_test/hub-faults may make the embedded hub slow or failing (HUB_TEST_HOOKS=1). */
  hubTestHooks: boolean
  /** A Parcours run left untouched this long is marked Abandoned. */
  flowIdleMinutes: number
  /** Circuit breakers of the upstreams: failures in a row that open one, how long it stays open. */
  breakerThreshold: number
  breakerCooldownMs: number
  /** Extra attempts of a failed upstream read (GET); writes are never retried. */
  upstreamRetries: number
  /** Bearer token that opens /ops/metrics to a peer other than loopback; null → loopback only. */
  metricsToken: string | null
}

export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'))
  }
}

const isUrl = (v: string) => {
  try {
    const u = new URL(v)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

function intIn(env: Env, key: string, fallback: number, min: number, max: number, problems: string[]): number {
  const raw = env[key]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${key} must be a whole number from ${min} to ${max} (got "${raw}")`)
    return fallback
  }
  return n
}

export function loadConfig(env: Env, defaults: { spaDir: string }): Config {
  const problems: string[] = []
  const blank = (k: string) => env[k] === undefined || env[k] === ''
  const val = (k: string) => (blank(k) ? null : env[k]!.trim())

  const erpUrl = val('ERP_URL')
  const erpToken = val('ERP_TOKEN')
  const hubUrl = val('HUB_URL')
  const hubToken = val('HUB_TOKEN')

  if (erpUrl && !isUrl(erpUrl)) problems.push(`ERP_URL must be an http(s) URL (got "${erpUrl}")`)
  if (erpUrl && !erpToken) problems.push('ERP_URL is set but ERP_TOKEN is not')
  if (erpToken && !/^[^:\s]+:[^:\s]+$/.test(erpToken)) problems.push('ERP_TOKEN must be "api_key:api_secret"')
  if (hubUrl && !isUrl(hubUrl)) problems.push(`HUB_URL must be an http(s) URL (got "${hubUrl}")`)
  if (hubUrl && !hubToken) problems.push('HUB_URL is set but HUB_TOKEN is not')
  if (hubUrl && !erpUrl)
    problems.push('HUB_URL is set but ERP_URL is not (the embedded ERPNext serves only the embedded hub)')
  if (erpUrl && !hubUrl)
    problems.push('ERP_URL is set but HUB_URL is not (the simulated hub must never stand in front of a real ERPNext)')

  const demo = !erpUrl
  let trustedProxies: ProxyRange[] = []
  const proxiesRaw = val('TRUSTED_PROXIES')
  if (proxiesRaw) {
    const parsed = parseTrustedProxies(proxiesRaw)
    problems.push(...parsed.problems.map((p) => `TRUSTED_PROXIES: ${p}`))
    trustedProxies = parsed.ranges
  } else if (!demo) {
    problems.push(
      'TRUSTED_PROXIES is required when ERP_URL is set (the addresses of Traefik, e.g. "10.0.0.5,10.0.1.0/24")',
    )
  }
  if (demo) trustedProxies = [...trustedProxies, ...parseTrustedProxies('127.0.0.0/8,::1').ranges]

  let capabilityMap = DEFAULT_CAPABILITY_MAP
  const mapRaw = val('CAPABILITY_MAP')
  if (mapRaw) {
    const parsed = parseCapabilityMap(mapRaw)
    if ('problem' in parsed) problems.push(`CAPABILITY_MAP: ${parsed.problem}`)
    else capabilityMap = parsed.map
  }

  const seedRaw = val('SEED_PROFILE') ?? 'demo'
  if (!['demo', 'large', 'none'].includes(seedRaw))
    problems.push(`SEED_PROFILE must be demo, large or none (got "${seedRaw}")`)
  const seedNowRaw = val('SEED_NOW')
  const seedNow =
    seedNowRaw &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(seedNowRaw) &&
    !Number.isNaN(Date.parse(seedNowRaw))
      ? new Date(seedNowRaw)
      : null
  if (seedNowRaw && !seedNow)
    problems.push(
      `SEED_NOW must be an ISO date-time with its UTC offset, e.g. 2026-12-31T23:30:00-05:00 (got "${seedNowRaw}")`,
    )

  const publicOriginRaw = val('PUBLIC_ORIGIN')
  let publicOrigin: string | null = null
  if (publicOriginRaw) {
    try {
      const u = new URL(publicOriginRaw)
      if (
        (u.protocol !== 'http:' && u.protocol !== 'https:') ||
        u.origin !== publicOriginRaw.replace(/\/$/, '').toLowerCase()
      )
        throw new Error('not an origin')
      publicOrigin = u.origin
    } catch {
      problems.push(
        `PUBLIC_ORIGIN must be a scheme and host only, e.g. https://ops.gigafibre.ca (got "${publicOriginRaw}")`,
      )
    }
  }

  const redisUrl = val('REDIS_URL')
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    problems.push(`REDIS_URL must start with redis:// or rediss:// (got "${redisUrl}")`)

  let rateLimits: RateLimits = { ...RATE_LIMIT_DEFAULTS }
  const parsedLimits = parseRateLimits(val('RATE_LIMITS') ?? undefined)
  if ('problem' in parsedLimits) problems.push(`RATE_LIMITS: ${parsedLimits.problem}`)
  else rateLimits = parsedLimits.limits

  const metricsToken = val('METRICS_TOKEN')
  if (metricsToken && metricsToken.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters')

  const config: Config = {
    host: val('HOST') ?? '0.0.0.0',
    port: intIn(env, 'PORT', 3000, 0, 65535, problems),
    dataDir: val('DATA_DIR') ?? './data',
    spaDir: val('SPA_DIR') ?? defaults.spaDir,
    erpUrl: erpUrl?.replace(/\/+$/, '') ?? null,
    erpToken,
    hubUrl: hubUrl?.replace(/\/+$/, '') ?? null,
    hubToken,
    demo,
    trustedProxies,
    capabilityMap,
    seedProfile: seedRaw as Config['seedProfile'],
    seedNow,
    redisUrl,
    rateLimits,
    tileUrl: val('TILE_URL') ?? '',
    upstreamTimeoutMs: intIn(env, 'UPSTREAM_TIMEOUT_MS', 10_000, 100, 120_000, problems),
    bodyLimitBytes: intIn(env, 'BODY_LIMIT_BYTES', 12 * 1024 * 1024, 1024, 64 * 1024 * 1024, problems),
    publicOrigin,
    hubTestHooks: demo && val('HUB_TEST_HOOKS') === '1',
    flowIdleMinutes: intIn(env, 'FLOW_IDLE_MINUTES', 120, 1, 7 * 24 * 60, problems),
    breakerThreshold: intIn(env, 'BREAKER_THRESHOLD', 5, 1, 1000, problems),
    breakerCooldownMs: intIn(env, 'BREAKER_COOLDOWN_MS', 5_000, 100, 600_000, problems),
    upstreamRetries: intIn(env, 'UPSTREAM_RETRIES', 2, 0, 5, problems),
    metricsToken,
  }
  // Used by the logger, which reads it before this configuration exists: checked here all the same.
  intIn(env, 'LOG_BUFFER_BYTES', LOG_BUFFER.fallback, LOG_BUFFER.min, LOG_BUFFER.max, problems)
  if (problems.length) throw new ConfigError(problems)
  return config
}
