/**
 * The reads index.html started as the page opened (src/contracts/openingScreen.ts), handed to the
 * app's HTTP client: its first GET of the same address takes the answer already on its way instead
 * of asking again. Each is taken once, while fresh; one that failed (no network yet) is asked again.
 */
import { EARLY_READS_KEY, type EarlyReads } from 'src/contracts/openingScreen'

/** An answer started longer ago than this is not taken: the app asks afresh. */
const FRESH_MS = 30_000

function started(): EarlyReads | null {
  if (typeof window === 'undefined') return null
  const reads = (window as unknown as Record<string, unknown>)[EARLY_READS_KEY]
  return reads && typeof reads === 'object' ? (reads as EarlyReads) : null
}

/** `fetch`, except that a GET index.html already started is answered by that read (once). */
export function fetchTakingEarly(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const reads = started()
  const isRead = (init?.method ?? 'GET').toUpperCase() === 'GET' && init?.body == null
  if (!reads || typeof input !== 'string' || !isRead || !(input in reads)) return fetch(input, init)
  const early = reads[input]
  delete reads[input]
  if (Date.now() - early.at > FRESH_MS) return fetch(input, init)
  const again = () => fetch(input, init)
  const answer = early.answer.then((res) => res, again)
  const signal = init?.signal
  if (!signal) return answer
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<Response>((resolve, reject) => {
    const abort = () => reject(signal.reason)
    signal.addEventListener('abort', abort, { once: true })
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort))
  })
}
