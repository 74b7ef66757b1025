/**
 * The technician's last loaded day and jobs, kept in IndexedDB so the app opened in a basement
 * with no network still shows where to go. One database of its own; entries are per user, so a
 * shared tablet never shows someone else's day.
 */
import { createStore, get, set, setMany, type UseStore } from 'idb-keyval'
import type { TechDay, TechJobDetail } from '../../contracts/tech'

export interface Cached<T> {
  value: T
  savedAt: string
}

let store: UseStore | null = null
const db = () => (store ??= createStore('ops-tech', 'cache'))

export async function remember<T extends TechDay | TechJobDetail>(
  key: string,
  value: T,
  now = new Date(),
): Promise<void> {
  try {
    await set(key, { value, savedAt: now.toISOString() } satisfies Cached<T>, db())
  } catch (err) {
    // A full or unavailable IndexedDB costs the offline copy, not the screen.
    console.warn('could not keep an offline copy:', err)
  }
}

/** Several entries in one transaction, saved at the same instant. */
export async function rememberAll<T extends TechDay | TechJobDetail>(
  entries: readonly (readonly [string, T])[],
  now = new Date(),
): Promise<void> {
  if (entries.length === 0) return
  const savedAt = now.toISOString()
  try {
    await setMany(
      entries.map(([key, value]) => [key, { value, savedAt } satisfies Cached<T>]),
      db(),
    )
  } catch (err) {
    console.warn('could not keep an offline copy:', err)
  }
}

export async function recall<T extends TechDay | TechJobDetail>(key: string): Promise<Cached<T> | null> {
  try {
    return (await get<Cached<T>>(key, db())) ?? null
  } catch {
    return null
  }
}

export const dayKey = (email: string) => `day:${email}`
export const jobKey = (email: string, job: string) => `job:${email}:${job}`
