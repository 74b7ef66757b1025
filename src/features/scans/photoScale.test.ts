import { afterEach, describe, expect, it, vi } from 'vitest'
import { PHOTO_LIGHT_BYTES, PHOTO_MAX_SIDE, PHOTO_QUALITY, scaledSize, scalePhoto } from './photoScale'

describe('the size a label photo is shrunk to', () => {
  it('brings a 12 MP landscape photo to 2,000 px on its longest side, proportions kept', () => {
    expect(scaledSize(4000, 3000)).toEqual({ width: 2000, height: 1500 })
  })

  it('brings a portrait photo to 2,000 px of height', () => {
    expect(scaledSize(3024, 4032)).toEqual({ width: 1500, height: 2000 })
  })

  it('never enlarges a photo already small enough', () => {
    expect(scaledSize(1600, 1200)).toEqual({ width: 1600, height: 1200 })
    expect(scaledSize(PHOTO_MAX_SIDE, 900)).toEqual({ width: PHOTO_MAX_SIDE, height: 900 })
  })

  it('keeps at least one pixel on a very thin strip', () => {
    expect(scaledSize(10_000, 3)).toEqual({ width: 2000, height: 1 })
  })

  it('follows another longest side when asked', () => {
    expect(scaledSize(4000, 3000, 1280)).toEqual({ width: 1280, height: 960 })
  })
})

/** The browser's drawing surface, as far as shrinking a photo uses it. */
function fakeBrowser(opts: { pixels: { width: number; height: number } | null; encodesTo?: number }) {
  const drawn: { width: number; height: number }[] = []
  const encoded: ImageEncodeOptions[] = []
  const close = vi.fn()
  vi.stubGlobal(
    'createImageBitmap',
    vi.fn(async () => {
      if (!opts.pixels) throw new DOMException('The source image could not be decoded.', 'InvalidStateError')
      return { ...opts.pixels, close }
    }),
  )
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      constructor(
        readonly width: number,
        readonly height: number,
      ) {}
      getContext() {
        return {
          fillRect: () => undefined,
          drawImage: (_: unknown, _x: number, _y: number, width: number, height: number) =>
            drawn.push({ width, height }),
        }
      }
      async convertToBlob(options: ImageEncodeOptions) {
        encoded.push(options)
        return new Blob([new Uint8Array(opts.encodesTo ?? 0)], { type: options.type })
      }
    },
  )
  return { drawn, encoded, close }
}

const camera = (bytes: number, type = 'image/jpeg') => new Blob([new Uint8Array(bytes)], { type })

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('shrinking a photo on the tablet', () => {
  it('draws a heavy photo at 2,000 px and encodes it as JPEG, giving both sizes', async () => {
    const browser = fakeBrowser({ pixels: { width: 4000, height: 3000 }, encodesTo: 420_000 })
    const result = await scalePhoto(camera(7_200_000))
    expect(result).toMatchObject({
      ok: true,
      scaled: true,
      width: 2000,
      height: 1500,
      originalBytes: 7_200_000,
      bytes: 420_000,
    })
    expect(result.ok && result.blob.type).toBe('image/jpeg')
    expect(browser.drawn).toEqual([{ width: 2000, height: 1500 }])
    expect(browser.encoded).toEqual([{ type: 'image/jpeg', quality: PHOTO_QUALITY }])
    expect(browser.close).toHaveBeenCalled()
  })

  it('keeps a light photo as taken: nothing to gain, fine print to lose', async () => {
    const browser = fakeBrowser({ pixels: { width: 3000, height: 2000 }, encodesTo: 90_000 })
    const photo = camera(PHOTO_LIGHT_BYTES, 'image/png')
    const result = await scalePhoto(photo)
    expect(result).toMatchObject({ ok: true, scaled: false, bytes: PHOTO_LIGHT_BYTES, width: 3000, height: 2000 })
    expect(result.ok && result.blob).toBe(photo)
    expect(browser.drawn).toEqual([])
  })

  it('keeps the original when the JPEG would not be lighter', async () => {
    fakeBrowser({ pixels: { width: 2400, height: 1800 }, encodesTo: 1_600_000 })
    const photo = camera(1_500_000, 'image/png')
    const result = await scalePhoto(photo)
    expect(result).toMatchObject({ ok: true, scaled: false, bytes: 1_500_000 })
    expect(result.ok && result.blob).toBe(photo)
  })

  it('says the photo cannot be read when the tablet cannot decode it', async () => {
    fakeBrowser({ pixels: null })
    expect(await scalePhoto(camera(5_000_000, 'image/heic'))).toEqual({
      ok: false,
      reason: 'undecodable',
      originalBytes: 5_000_000,
    })
  })

  it('says there is no canvas when the encoder gives nothing back', async () => {
    fakeBrowser({ pixels: { width: 4000, height: 3000 }, encodesTo: 0 })
    expect(await scalePhoto(camera(5_000_000))).toEqual({ ok: false, reason: 'no-canvas', originalBytes: 5_000_000 })
  })
})
