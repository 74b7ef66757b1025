/**
 * The live event streams this replica holds, so a graceful shutdown can end each one with a
 * retry hint (the SSE `retry:` field): browsers come back a moment later, on whichever replica
 * answers, with their Last-Event-ID, and miss nothing.
 */
import { sseConnections } from '../metrics'

export interface OpenStream {
  audience: 'office' | 'technician'
  /** Writes `retry: ms` and ends the stream. */
  end(retryMs: number): void
}

const open = new Set<OpenStream>()

/** While true the replica is shutting down: answers say `connection: close`, streams are ended. */
export const lifecycle = { draining: false }

export function trackStream(stream: OpenStream): () => void {
  open.add(stream)
  sseConnections.inc({ audience: stream.audience })
  let done = false
  return () => {
    if (done) return
    done = true
    open.delete(stream)
    sseConnections.dec({ audience: stream.audience })
  }
}

export const openStreams = () => open.size

/**
 * Ends every open stream with a retry hint spread over `fromMs`–`toMs`, so the browsers do not
 * all come back in the same instant. Returns how many were ended.
 */
export function endAllStreams(fromMs = 250, toMs = 1_500): number {
  const all = [...open]
  for (const s of all) s.end(Math.round(fromMs + Math.random() * (toMs - fromMs)))
  return all.length
}
