/**
 * Where queued scans live: IndexedDB through idb-keyval, in a database of their own, so a photo
 * survives a reload, a closed tab or a dead battery. One key per scan (its id).
 */
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval'
import type { ScanRecord } from './scanRecord'

export interface ScanStore {
  all(): Promise<ScanRecord[]>
  get(id: string): Promise<ScanRecord | undefined>
  put(record: ScanRecord): Promise<void>
  delete(id: string): Promise<void>
}

export function idbScanStore(dbName = 'ops-scans', storeName = 'scans'): ScanStore {
  let store: UseStore | null = null
  // Opened lazily: importing this module must not touch IndexedDB (tests, server rendering).
  const db = () => (store ??= createStore(dbName, storeName))
  return {
    async all() {
      const rows = await values<ScanRecord>(db())
      return rows.sort((a, b) => a.createdAt - b.createdAt)
    },
    get: (id) => get<ScanRecord>(id, db()),
    put: (record) => set(record.id, record, db()),
    delete: (id) => del(id, db()),
  }
}
