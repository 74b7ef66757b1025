/**
 * The hub client: bearer token added, nothing of the browser's forwarded but the content type
 * and the Idempotency-Key that makes a replayed scan safe.
 */
import { UpstreamUnreachable, type UpstreamAnswer } from './erp'
import { parseJsonOr } from '../../src/contracts/json'

export interface HubClient {
  send(
    method: string,
    path: string,
    init?: { body?: Uint8Array<ArrayBuffer>; contentType?: string; idempotencyKey?: string; timeoutMs?: number },
  ): Promise<UpstreamAnswer>
  json<T>(path: string, timeoutMs?: number): Promise<{ status: number; data: T | null }>
  readonly baseUrl: string
  readonly token: string
}

export class UpstreamTimeout extends Error {}

export function createHubClient(baseUrl: string, token: string, defaultTimeoutMs: number): HubClient {
  async function send(
    method: string,
    path: string,
    init: { body?: Uint8Array<ArrayBuffer>; contentType?: string; idempotencyKey?: string; timeoutMs?: number } = {},
  ): Promise<UpstreamAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' }
    if (init.contentType) headers['content-type'] = init.contentType
    if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey
    const signal = AbortSignal.timeout(init.timeoutMs ?? defaultTimeoutMs)
    try {
      const res = await fetch(baseUrl + path, { method, headers, body: init.body, signal })
      return {
        status: res.status,
        body: await res.text(),
        contentType: res.headers.get('content-type') ?? 'application/json',
      }
    } catch (err) {
      if (signal.aborted) throw new UpstreamTimeout(`hub did not answer ${path} in time`)
      throw new UpstreamUnreachable(err instanceof Error ? err.message : String(err))
    }
  }
  return {
    baseUrl,
    token,
    send,
    async json<T>(path: string, timeoutMs?: number) {
      const answer = await send('GET', path, { timeoutMs })
      return { status: answer.status, data: parseJsonOr(answer.body, null) as T | null }
    },
  }
}
