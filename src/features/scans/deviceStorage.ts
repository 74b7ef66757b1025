/**
 * The tablet's room for queued scans: how much of what the browser allows this app is used, and
 * whether the browser agreed to keep it under storage pressure (otherwise it may erase the queue,
 * photos included, when the tablet runs short of space).
 */
import { numberFormat } from '../../contracts/intl'

/** From this share used, the technician is told to send the queue as soon as they have coverage. */
export const STORAGE_WARN_RATIO = 0.8

export interface DeviceStorage {
  /** Bytes this app uses on the tablet: its queued scans, its cached pages. */
  usage: number
  /** Bytes the browser lets this app use. */
  quota: number
  /**
   * `true`: kept even when the tablet runs short of space; `false`: the browser was asked and
   * refused; `null`: this browser cannot say.
   */
  persisted: boolean | null
}

export interface StorageUse {
  /** Share of the quota used, 0–1. */
  ratio: number
  free: number
  nearlyFull: boolean
}

export function storageUse({ usage, quota }: Pick<DeviceStorage, 'usage' | 'quota'>): StorageUse {
  const ratio = quota > 0 ? Math.min(1, Math.max(0, usage / quota)) : 1
  return { ratio, free: Math.max(0, quota - usage), nearlyFull: ratio >= STORAGE_WARN_RATIO }
}

/** Bytes as a technician reads them: "640 ko", "7,2 Mo", "2,8 Go" (decimal units, as storage is sold). */
export function formatBytes(bytes: number, locale: string): string {
  const [unit, value, digits] =
    bytes < 1e6
      ? (['kilobyte', bytes / 1e3, 0] as const)
      : bytes < 1e9
        ? (['megabyte', bytes / 1e6, 1] as const)
        : (['gigabyte', bytes / 1e9, 1] as const)
  return numberFormat(locale, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(value)
}

const asked = new WeakMap<StorageManager, Promise<boolean>>()

/**
 * Asks the browser, once per page, to keep this app's data under storage pressure. The answer is
 * remembered: a browser that prompts the user asks them only once.
 */
export function askPersistentStorage(
  storage: StorageManager | undefined = globalThis.navigator?.storage,
): Promise<boolean> {
  if (!storage?.persist) return Promise.resolve(false)
  let answer = asked.get(storage)
  if (!answer) {
    answer = storage.persist().catch(() => false)
    asked.set(storage, answer)
  }
  return answer
}

/** What the browser says about this app's storage; `null` when it says nothing (or no quota). */
export async function readDeviceStorage(
  storage: StorageManager | undefined = globalThis.navigator?.storage,
): Promise<DeviceStorage | null> {
  if (!storage?.estimate) return null
  try {
    const { usage = 0, quota = 0 } = await storage.estimate()
    if (!quota) return null
    let persisted: boolean | null = null
    if (storage.persisted) {
      persisted = await storage.persisted()
      // Not kept yet: ask (once); still not kept after asking means the browser refused.
      if (!persisted) persisted = (await askPersistentStorage(storage)) || (await storage.persisted())
    }
    return { usage, quota, persisted }
  } catch {
    return null
  }
}
