/**
 * What the scans feature offers the technician's job page: the scan sheet, the queue behind it,
 * and a warm-up of the on-device reader (loaded on demand: it carries a WebAssembly decoder).
 * The shell's pieces are in ./shell, so the first screen does not load the scan sheet.
 */
export { default as ScanSheet } from './ScanSheet.vue'
export { scanService } from './scanService'
export { useScanQueue } from './useScanQueue'

export const warmUpDeviceReader = (): Promise<void> => import('./deviceDecoder').then((m) => m.warmUpDeviceReader())
