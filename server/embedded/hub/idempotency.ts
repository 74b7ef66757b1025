/**
 * `Idempotency-Key`: a client that lost an answer (weak LTE, a dropped connection) retries with the
 * same key and gets the answer the first attempt produced, without the work being done twice.
 * Answers are kept in memory, at most `capacity` of them, oldest forgotten first.
 *
 * Only settled answers are stored — 2xx and 4xx. A 5xx (an injected fault, ERPNext down) is a
 * "try again" by nature: storing it would turn a transient failure into a permanent one.
 */

import { HubError } from './errors'

export interface StoredAnswer {
  status: number
  body: unknown
}

export class IdempotencyStore {
  private answers = new Map<string, StoredAnswer>()
  private inFlight = new Map<string, Promise<StoredAnswer>>()

  constructor(private readonly capacity = 500) {}

  /** Runs `work` once per key; concurrent and later calls with the key share its answer. */
  async run(key: string | null, work: () => Promise<StoredAnswer>): Promise<StoredAnswer & { replayed: boolean }> {
    if (!key) return { ...(await work()), replayed: false }
    const stored = this.answers.get(key)
    if (stored) return { ...stored, replayed: true }
    const pending = this.inFlight.get(key)
    if (pending) return { ...(await pending), replayed: true }

    const promise = work()
    this.inFlight.set(key, promise)
    try {
      const answer = await promise
      if (answer.status < 500) this.remember(key, answer)
      return { ...answer, replayed: false }
    } finally {
      this.inFlight.delete(key)
    }
  }

  private remember(key: string, answer: StoredAnswer): void {
    this.answers.set(key, answer)
    while (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value
      if (oldest === undefined) break
      this.answers.delete(oldest)
    }
  }
}

/** Keys are client-chosen; scope them by route so one key can't replay another route's answer. */
export function idempotencyKey(req: Request, scope: string): string | null {
  const key = req.headers.get('idempotency-key')?.trim()
  if (!key) return null
  return `${scope}\u0000${key.slice(0, 200)}`
}

/** Turns a handler's outcome into a storable answer: HubErrors become their error body. */
export async function settle(work: () => Promise<StoredAnswer>): Promise<StoredAnswer> {
  try {
    return await work()
  } catch (err) {
    if (err instanceof HubError)
      return { status: err.status, body: { error: { code: err.code, message: err.message } } }
    throw err
  }
}

export function answerResponse(answer: StoredAnswer & { replayed?: boolean }): Response {
  const headers = new Headers({ 'content-type': 'application/json; charset=utf-8' })
  if (answer.replayed) headers.set('idempotent-replayed', 'true')
  return new Response(JSON.stringify(answer.body), { status: answer.status, headers })
}
