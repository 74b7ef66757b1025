/**
 * The last reading of each device diagnosed on this workstation, kept across sessions in
 * localStorage, so the next diagnosis can say "−19,4 dBm (−0,6 depuis le 12 nov.)" and a modem
 * that no longer answers can still say when it was last heard from.
 */
export interface StoredReading {
  /** When the reading was taken (the hub's fetchedAt), ISO. */
  at: string
  /** RX power per PON interface, dBm. */
  rx: Record<string, number>
  /** The device's last contact with the ACS, ISO, when known. */
  lastInform: string | null
}

const KEY = 'ops.diagnostics.readings'
/** Enough for a CSR's months of calls; the oldest are forgotten first. */
const MAX_DEVICES = 300

type Store = Record<string, StoredReading>

function readStore(storage: Storage): Store {
  try {
    const raw: unknown = JSON.parse(storage.getItem(KEY) ?? '{}')
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Store) : {}
  } catch {
    return {}
  }
}

export function lastReading(serial: string, storage: Storage = localStorage): StoredReading | null {
  const r = readStore(storage)[serial.toUpperCase()]
  return r && typeof r.at === 'string' && r.rx && typeof r.rx === 'object' ? r : null
}

export function rememberReading(serial: string, reading: StoredReading, storage: Storage = localStorage): void {
  const store = readStore(storage)
  delete store[serial.toUpperCase()]
  store[serial.toUpperCase()] = reading
  const serials = Object.keys(store)
  for (const old of serials.slice(0, Math.max(0, serials.length - MAX_DEVICES))) delete store[old]
  try {
    storage.setItem(KEY, JSON.stringify(store))
  } catch {
    // storage full or private mode: the comparison is a convenience, the diagnosis still shows
  }
}
