import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { H3, H3Event } from 'h3'
import { PNG } from 'pngjs'
import { prepareZXingModule, readBarcodes, type ReadResult, type ReaderOptions } from 'zxing-wasm/reader'
import { HubError, badRequest } from './errors'
import { applyFaults, type FaultPlan } from './faults'
import { IdempotencyStore, answerResponse, idempotencyKey, settle, type StoredAnswer } from './idempotency'
import { barcodeKind, equipmentFromBarcodes, formatName, type Barcode } from './labels'

/**
 * `POST /vision/barcodes` and `POST /vision/equipment`. Production asks Gemini; the embedded hub
 * decodes the barcodes really present in the picture with zxing-wasm, so a technician's scan can be
 * tested end to end. The .wasm is loaded from node_modules: nothing is fetched from a CDN.
 */

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024
/** Room for the multipart envelope or the base64 expansion (4/3) around an 8 MB image. */
const MAX_MULTIPART_BYTES = MAX_IMAGE_BYTES + 256 * 1024
const MAX_JSON_BYTES = Math.ceil(MAX_IMAGE_BYTES / 3) * 4 + 256 * 1024
/** A 20 kB PNG can inflate to gigabytes; a phone photo is ~12–50 MP. */
const MAX_PIXELS = 60_000_000

let zxingReady = false
function ensureZxing(): void {
  if (zxingReady) return
  const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm')
  const buf = readFileSync(wasmPath)
  prepareZXingModule({
    overrides: { wasmBinary: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer },
  })
  zxingReady = true
}

const tooLarge = () => new HubError(413, 'IMAGE_TOO_LARGE', `The image exceeds ${MAX_IMAGE_BYTES / 1024 / 1024} MB`)
const unreadable = (why: string) =>
  badRequest('UNREADABLE_IMAGE', `The image could not be decoded (${why}); send a JPEG or PNG`)

/** Reads at most `limit` bytes of the body; more is a 413, without buffering the rest. */
async function readLimited(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > limit) throw tooLarge()
  if (!req.body) return new Uint8Array()
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      throw tooLarge()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}

/** The image bytes from multipart `image`, JSON `{"image": base64}`, or a raw image/* body. */
export async function readImage(req: Request): Promise<Uint8Array> {
  const type = (req.headers.get('content-type') ?? '').toLowerCase()
  if (type.startsWith('multipart/form-data')) {
    const raw = await readLimited(req, MAX_MULTIPART_BYTES)
    let form: FormData
    try {
      form = await new Response(raw, { headers: { 'content-type': req.headers.get('content-type')! } }).formData()
    } catch {
      throw badRequest('INVALID_MULTIPART', 'The multipart body could not be parsed')
    }
    const image = form.get('image')
    if (image === null || typeof image === 'string')
      throw badRequest('MISSING_IMAGE', 'The form has no "image" file field')
    if (image.size > MAX_IMAGE_BYTES) throw tooLarge()
    return new Uint8Array(await image.arrayBuffer())
  }
  if (type.startsWith('application/json')) {
    const raw = await readLimited(req, MAX_JSON_BYTES)
    let body: unknown
    try {
      body = JSON.parse(new TextDecoder().decode(raw))
    } catch {
      throw badRequest('INVALID_JSON', 'The request body is not valid JSON')
    }
    const b64 = body && typeof body === 'object' && 'image' in body ? (body as { image: unknown }).image : undefined
    if (typeof b64 !== 'string' || !b64.trim()) throw badRequest('MISSING_IMAGE', 'Expected {"image": "<base64>"}')
    const payload = b64
      .trim()
      .replace(/^data:[^;,]*;base64,/i, '')
      .replace(/\s+/g, '')
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) throw badRequest('INVALID_BASE64', 'The "image" field is not base64')
    const bytes = Buffer.from(payload, 'base64')
    if (bytes.byteLength > MAX_IMAGE_BYTES) throw tooLarge()
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  if (type.startsWith('image/') || type === 'application/octet-stream') {
    const raw = await readLimited(req, MAX_IMAGE_BYTES)
    return raw
  }
  throw new HubError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Send multipart/form-data with an "image" field, or JSON {"image": "<base64>"}',
  )
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
const isPng = (b: Uint8Array) => b.length > 24 && PNG_SIGNATURE.every((byte, i) => b[i] === byte)
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff

/**
 * PNG pixels, flattened onto white. zxing's own loader ignores alpha, and label generators (and
 * screenshots) often leave the background transparent — which would then read as black.
 */
function pngPixels(bytes: Uint8Array): ImageData {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw unreadable('invalid PNG header')
  if (view.getUint32(16) * view.getUint32(20) > MAX_PIXELS) throw tooLarge()
  let png: PNG
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
  } catch (err) {
    throw unreadable(`invalid PNG: ${err instanceof Error ? err.message : 'decode error'}`)
  }
  const d = png.data
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3] / 255
    if (a === 1) continue
    d[i] = Math.round(d[i] * a + 255 * (1 - a))
    d[i + 1] = Math.round(d[i + 1] * a + 255 * (1 - a))
    d[i + 2] = Math.round(d[i + 2] * a + 255 * (1 - a))
    d[i + 3] = 255
  }
  // zxing only reads data/width/height; Node has no ImageData class.
  const pixels = {
    data: new Uint8ClampedArray(d.buffer, d.byteOffset, d.length),
    width: png.width,
    height: png.height,
    colorSpace: 'srgb',
  }
  return pixels as ImageData
}

const PASSES: ReaderOptions[] = [
  { tryHarder: true, tryRotate: true, tryInvert: true, maxNumberOfSymbols: 16 },
  // A second opinion for low-contrast photos the local-average binarizer gives up on.
  { tryHarder: true, tryRotate: true, tryDownscale: true, binarizer: 'GlobalHistogram', maxNumberOfSymbols: 16 },
]

export async function decodeBarcodes(bytes: Uint8Array): Promise<Barcode[]> {
  if (bytes.length === 0) throw badRequest('MISSING_IMAGE', 'The image is empty')
  ensureZxing()
  const input: ImageData | Uint8Array = isPng(bytes) ? pngPixels(bytes) : bytes
  const seen = new Map<string, Barcode>()
  for (const options of PASSES) {
    const results: ReadResult[] = await readBarcodes(input, options)
    const failed = results.find((r) => !r.isValid && /load image/i.test(r.error))
    if (failed) throw unreadable(isJpeg(bytes) ? 'corrupt JPEG' : 'not a JPEG or PNG image')
    for (const r of results) {
      if (!r.isValid || !r.text) continue
      const format = formatName(r.format)
      const value = r.text.trim()
      seen.set(`${format}\u0000${value}`, { format, value, kind: barcodeKind(value) })
    }
    if (seen.size) break
  }
  return [...seen.values()]
}

export interface VisionDeps {
  faults: FaultPlan
}

/**
 * Ends the exchange without an answer. Behind startHub's Node server the socket is destroyed, as a
 * crashed proxy would; through `app.fetch` the body errors instead, which fetch clients see the
 * same way (a network error while reading the answer).
 */
function droppedResponse(event: H3Event): Response {
  event.runtime?.node?.req.socket.destroy()
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.error(new Error('connection dropped by the fault plan'))
    },
  })
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json', 'x-hub-fault': 'drop' } })
}

export function registerVisionRoutes(app: H3, deps: VisionDeps): void {
  const idempotency = new IdempotencyStore()

  const route = (path: string, answer: (barcodes: Barcode[]) => unknown) => {
    app.post(path, async (event) => {
      const decision = await applyFaults(deps.faults, 'vision')
      const result = await idempotency.run(idempotencyKey(event.req, path), () =>
        settle(async (): Promise<StoredAnswer> => {
          const image = await readImage(event.req)
          return { status: 200, body: answer(await decodeBarcodes(image)) }
        }),
      )
      if (decision.drop) return droppedResponse(event)
      return answerResponse(result)
    })
  }

  route('/vision/barcodes', (barcodes) => ({ barcodes }))
  route('/vision/equipment', (barcodes) => ({ ...equipmentFromBarcodes(barcodes), barcodes }))
}
