/**
 * A label photo made to fit on any tablet: a phone or tablet camera gives 3–12 MB, which fills a
 * small tablet's storage in a few dozen scans and is over the hub's 8 MB limit. Before the photo is
 * queued it is shrunk to about 2,000 px on its longest side and re-encoded as JPEG — a few hundred
 * kB, with the barcode still sharp enough for the tablet's reader and the hub's.
 */

/** The longest side of a queued photo: a label's barcode stays a few pixels a bar at this size. */
export const PHOTO_MAX_SIDE = 2000
/** JPEG quality of the queued photo: bars keep crisp edges, the file stays a few hundred kB. */
export const PHOTO_QUALITY = 0.85
/**
 * A photo already this light is kept as taken: it fits everywhere as it is, and shrinking it would
 * only blur fine print the hub may need (a tiny barcode in a wide picture).
 */
export const PHOTO_LIGHT_BYTES = 1_000_000

/** Why a photo is queued as taken, not shrunk. */
export type PhotoScaleFailure =
  /** The tablet cannot read the picture (a format it does not know, a damaged file). */
  | 'undecodable'
  /** The tablet has no canvas to draw it on, or could not encode the result. */
  | 'no-canvas'
  /** Something else went wrong while shrinking. */
  | 'failed'

export type PhotoScaling =
  | {
      ok: true
      /** The photo to queue: shrunk, or the original when it was already light. */
      blob: Blob
      width: number
      height: number
      originalBytes: number
      bytes: number
      /** False when the original is kept because shrinking would not make it lighter. */
      scaled: boolean
    }
  | { ok: false; reason: PhotoScaleFailure; originalBytes: number }

export type PhotoScaler = (photo: Blob) => Promise<PhotoScaling>

/** The size a photo is shrunk to: longest side at most `maxSide`, proportions kept, never enlarged. */
export function scaledSize(
  width: number,
  height: number,
  maxSide: number = PHOTO_MAX_SIDE,
): { width: number; height: number } {
  const longest = Math.max(width, height)
  if (!(longest > maxSide)) return { width, height }
  const ratio = maxSide / longest
  return {
    width: Math.max(1, Math.round(width * ratio)),
    height: Math.max(1, Math.round(height * ratio)),
  }
}

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D

/** A canvas to draw on: off the page when the browser has one, else an element never attached. */
function canvasOf(width: number, height: number): { ctx: Canvas2D; encode: () => Promise<Blob | null> } | null {
  if (typeof OffscreenCanvas === 'function') {
    const canvas = new OffscreenCanvas(width, height)
    const ctx = canvas.getContext('2d')
    if (ctx)
      return {
        ctx,
        encode: () => canvas.convertToBlob({ type: 'image/jpeg', quality: PHOTO_QUALITY }).catch(() => null),
      }
  }
  if (typeof document === 'undefined') return null
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  return { ctx, encode: () => new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', PHOTO_QUALITY)) }
}

/**
 * Shrinks a photo for the queue. Never throws: a photo the tablet cannot shrink comes back with
 * the reason, and the caller keeps the original.
 */
export async function scalePhoto(photo: Blob): Promise<PhotoScaling> {
  const originalBytes = photo.size
  let bitmap: ImageBitmap
  try {
    if (typeof createImageBitmap !== 'function') return { ok: false, reason: 'no-canvas', originalBytes }
    // The photo upright as the technician saw it (phones store a rotation in the EXIF).
    bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' })
  } catch {
    return { ok: false, reason: 'undecodable', originalBytes }
  }
  try {
    const { width, height } = scaledSize(bitmap.width, bitmap.height)
    const original = { ok: true as const, blob: photo, width: bitmap.width, height: bitmap.height }
    if (originalBytes <= PHOTO_LIGHT_BYTES) return { ...original, originalBytes, bytes: originalBytes, scaled: false }
    const canvas = canvasOf(width, height)
    if (!canvas) return { ok: false, reason: 'no-canvas', originalBytes }
    // JPEG has no transparency: a transparent label would come out black, so white goes under it.
    canvas.ctx.fillStyle = '#fff'
    canvas.ctx.fillRect(0, 0, width, height)
    canvas.ctx.imageSmoothingQuality = 'high'
    canvas.ctx.drawImage(bitmap, 0, 0, width, height)
    const blob = await canvas.encode()
    if (!blob || blob.size === 0) return { ok: false, reason: 'no-canvas', originalBytes }
    if (blob.size >= originalBytes) return { ...original, originalBytes, bytes: originalBytes, scaled: false }
    return { ok: true, blob, width, height, originalBytes, bytes: blob.size, scaled: true }
  } catch {
    return { ok: false, reason: 'failed', originalBytes }
  } finally {
    bitmap.close()
  }
}
