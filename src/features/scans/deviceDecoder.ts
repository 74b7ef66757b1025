/**
 * Reads barcodes on the tablet itself with zxing-wasm: instant and offline. The .wasm is one of
 * the app's own assets (precached by the service worker), never fetched from a CDN.
 */
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader'
import type { DecodedBarcode } from './scanRecord'

/**
 * Photos are read at this size at most: a 12 MP photo would take seconds on a tablet. Fine print
 * lost by the reduction is what the hub, reading the full photo, is for.
 */
export const DEVICE_MAX_SIDE = 1280

const OPTIONS: ReaderOptions = {
  tryHarder: true,
  tryRotate: true,
  maxNumberOfSymbols: 8,
  formats: ['Code128', 'Code39', 'Code93', 'QRCode', 'DataMatrix', 'EAN13', 'ITF'],
}

const overrides = { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) }
let prepared = false
function prepare(): void {
  if (prepared) return
  prepareZXingModule({ overrides })
  prepared = true
}

/**
 * Loads the reader ahead of the first scan (on opening a job), so it is in memory before the
 * technician walks into the basement — even where no service worker has cached it yet.
 */
export function warmUpDeviceReader(): void {
  if (prepared) return
  prepared = true
  void prepareZXingModule({ overrides, fireImmediately: true }).catch((err: unknown) => {
    prepared = false
    console.warn('the barcode reader could not be loaded ahead:', err)
  })
}

/** The photo's pixels at reading size, on white (a transparent PNG would read as black). */
async function pixels(photo: Blob): Promise<ImageData> {
  const bitmap = await createImageBitmap(photo)
  const scale = Math.min(1, DEVICE_MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('2D canvas unavailable')
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, width, height)
  ctx.drawImage(bitmap, 0, 0, width, height)
  bitmap.close()
  return ctx.getImageData(0, 0, width, height)
}

/**
 * How long the tablet may take to read a photo. A reading takes well under a second once the
 * reader is loaded; past this, something is stuck (the reader still downloading on a weak network,
 * a busy old tablet) and the hub reads the photo instead of the technician waiting on a spinner.
 */
export const DEVICE_READ_TIMEOUT_MS = 5_000

/** The barcodes zxing finds on the photo; an empty list when none (or when the device cannot read). */
export async function decodeOnDevice(photo: Blob, timeoutMs = DEVICE_READ_TIMEOUT_MS): Promise<DecodedBarcode[]> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the reader within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    prepare()
    const read = (async () => readBarcodes(await pixels(photo), OPTIONS))()
    const results = await Promise.race([read, timeout])
    return results.filter((r) => r.isValid && r.text).map((r) => ({ format: r.format, value: r.text }))
  } catch (err) {
    // An old browser without WebAssembly, a photo it cannot decode, a reader that does not answer:
    // the hub reads it instead.
    console.warn('on-device barcode reading failed:', err)
    return []
  } finally {
    clearTimeout(timer)
  }
}
