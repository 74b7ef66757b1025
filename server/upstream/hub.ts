/**
 * The hub client: bearer token added, nothing of the browser's forwarded but the content type
 * and the Idempotency-Key that makes a replayed scan safe.
 *
 * Each call has a timeout and passes two breakers (breaker.ts): the hub's own, which opens when
 * the hub cannot be reached at all, and its capability's (devices, SMS, vision, Traccar), which
 * opens when that one service keeps failing or timing out while the rest of the hub works.
 */
import { createBreakers, UpstreamDown, UpstreamTimeout, hubCapability, type Breakers } from './breaker'
import { throughBreaker, type UpstreamAnswer, type UpstreamOptions } from './erp'
import { parseJsonOr } from '../../src/contracts/json'

export { UpstreamTimeout }

export interface HubSendInit {
  body?: Uint8Array<ArrayBuffer>
  contentType?: string
  idempotencyKey?: string
  timeoutMs?: number
  /** The request being served, sent on as X-Request-Id. */
  requestId?: string
}

export interface HubClient {
  send(method: string, path: string, init?: HubSendInit): Promise<UpstreamAnswer>
  json<T>(path: string, timeoutMs?: number, requestId?: string): Promise<{ status: number; data: T | null }>
  readonly baseUrl: string
  readonly token: string
}

/**
 * Answers that say a hub service itself failed. 504 is not one: the hub says a modem did not
 * answer, which is the modem's problem, not the hub's.
 */
const HUB_DOWN_STATUSES = new Set([500, 502, 503])

export function createHubClient(
  baseUrl: string,
  token: string,
  defaultTimeoutMs: number,
  options: UpstreamOptions = {},
): HubClient {
  const breakers: Breakers = options.breakers ?? createBreakers()
  const { retries, retryBaseMs: baseMs, cooldownMs } = breakers.options
  const retry = { retries, baseMs, cooldownMs }
  const whole = breakers.get('hub')
  // The hub is back when it answers at all (its list of users, with the service token).
  whole.setProbe(async () => {
    const res = await fetch(`${baseUrl}/auth/users`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(Math.min(defaultTimeoutMs, 3_000)),
    })
    await res.body?.cancel()
    return res.status < 500
  })

  async function send(method: string, path: string, init: HubSendInit = {}): Promise<UpstreamAnswer> {
    const capability = hubCapability(path)
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
    if (init.contentType) headers['content-type'] = init.contentType
    if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey
    if (init.requestId) headers['x-request-id'] = init.requestId
    const timeoutMs = init.timeoutMs ?? defaultTimeoutMs

    const attempt = async (): Promise<UpstreamAnswer> => {
      const signal = AbortSignal.timeout(timeoutMs)
      try {
        const res = await fetch(baseUrl + path, { method, headers, body: init.body, signal })
        return {
          status: res.status,
          body: await res.text(),
          contentType: res.headers.get('content-type') ?? 'application/json',
        }
      } catch (err) {
        if (signal.aborted) throw new UpstreamTimeout(capability, cooldownMs, `hub did not answer ${path} in time`)
        throw new UpstreamDown('hub', 'unreachable', cooldownMs, err instanceof Error ? err.message : String(err))
      }
    }
    if (capability === 'hub') return throughBreaker(whole, retry, method, attempt, HUB_DOWN_STATUSES)
    // The hub's breaker counts only "no connection"; the capability's counts its own failures and
    // timeouts, so one failing service does not shut the others.
    const throughWhole = async (): Promise<UpstreamAnswer> => {
      whole.admit()
      try {
        const answer = await attempt()
        whole.success()
        return answer
      } catch (err) {
        if (!(err instanceof UpstreamDown) || err.reason !== 'unreachable') {
          whole.release()
          throw err
        }
        whole.failure()
        if (whole.current === 'closed') throw err
        throw new UpstreamDown('hub', 'unreachable', whole.retryAfterMs(), err.message)
      }
    }
    return throughBreaker(breakers.get(capability), retry, method, throughWhole, HUB_DOWN_STATUSES)
  }
  return {
    baseUrl,
    token,
    send,
    async json<T>(path: string, timeoutMs?: number, requestId?: string) {
      const answer = await send('GET', path, { timeoutMs, requestId })
      return { status: answer.status, data: parseJsonOr(answer.body, null) as T | null }
    },
  }
}

/** The same client, each of its calls sent with the id of the request being served. */
export const hubForRequest = (hub: HubClient, requestId: string): HubClient => ({
  baseUrl: hub.baseUrl,
  token: hub.token,
  send: (method, path, init) => hub.send(method, path, { ...init, requestId }),
  json: (path, timeoutMs) => hub.json(path, timeoutMs, requestId),
})
