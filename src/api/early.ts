/**
 * Reads asked for while the app starts, before the screen that shows them has its code: the
 * screen takes the answer once, instead of asking again. An early read that failed (not signed in
 * yet, no network) is simply asked again by the screen, so it never shows an error the screen's
 * own read would not.
 */
import { api } from './http'

/** An early answer older than this is not taken: the screen asks afresh. */
const FRESH_MS = 30_000

const asked = new Map<string, { at: number; answer: Promise<unknown> }>()

export function askEarly(path: string): void {
  const answer = api<unknown>(path)
  answer.catch(() => undefined) // taken, or dropped, by the screen's own read
  asked.set(path, { at: Date.now(), answer })
}

/** The GET of `path`: the early answer when there is a fresh one (once), else a new read. */
export function readTaking<T>(path: string): Promise<T> {
  const early = asked.get(path)
  asked.delete(path)
  if (!early || Date.now() - early.at > FRESH_MS) return api<T>(path)
  return (early.answer as Promise<T>).catch(() => api<T>(path))
}
