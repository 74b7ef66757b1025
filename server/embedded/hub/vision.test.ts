import bwipjs from 'bwip-js/node'
import { PNG } from 'pngjs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startHub } from './index'
import { barcodeKind, equipmentFromBarcodes, formatName } from './labels'
import { startFakeErp, type FakeErp } from './testing/fakeErp'
import { TEST_HUB_TOKEN, startTestHub, type TestHub } from './testing/harness'
import { MAX_IMAGE_BYTES } from './vision'

const code128 = (text: string) => bwipjs.toBuffer({ bcid: 'code128', text, scale: 3, height: 10, includetext: false })
const qr = (text: string) => bwipjs.toBuffer({ bcid: 'qrcode', text, scale: 3 })

/** Two labels one above the other, like the sticker under a modem. */
function stack(a: Buffer, b: Buffer): Buffer {
  const top = PNG.sync.read(a)
  const bottom = PNG.sync.read(b)
  const gap = 40
  const out = new PNG({ width: Math.max(top.width, bottom.width) + 40, height: top.height + bottom.height + gap + 40 })
  out.data.fill(255)
  PNG.bitblt(top, out, 0, 0, top.width, top.height, 20, 20)
  PNG.bitblt(bottom, out, 0, 0, bottom.width, bottom.height, 20, 20 + top.height + gap)
  return PNG.sync.write(out)
}

function blankPng(): Buffer {
  const png = new PNG({ width: 200, height: 120 })
  png.data.fill(255)
  return PNG.sync.write(png)
}

const form = (bytes: Uint8Array, type = 'image/png') => {
  const f = new FormData()
  f.set('image', new Blob([new Uint8Array(bytes)], { type }), 'label.png')
  return f
}

let t: TestHub
beforeEach(async () => {
  t = await startTestHub()
})
afterEach(() => t.close())

const post = (path: string, body: unknown, headers?: Record<string, string>) => t.call('POST', path, { body, headers })

describe('POST /vision/barcodes', () => {
  it('decodes a Code 128 serial from a multipart upload', async () => {
    const res = await post('/vision/barcodes', form(await code128('GPON1A2B3C4D')))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ barcodes: [{ format: 'CODE_128', value: 'GPON1A2B3C4D', kind: 'serial' }] })
  })

  it('decodes a QR code sent as JSON base64, and tells a MAC apart', async () => {
    const image = (await qr('9C:A2:F4:11:22:33')).toString('base64')
    const res = await post('/vision/barcodes', { image })
    expect(await res.json()).toEqual({ barcodes: [{ format: 'QR_CODE', value: '9C:A2:F4:11:22:33', kind: 'mac' }] })
  })

  it('answers an empty list for a picture without a barcode', async () => {
    const res = await post('/vision/barcodes', form(blankPng()))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ barcodes: [] })
  })

  it('answers 400 UNREADABLE_IMAGE for bytes that are not an image, and keeps serving', async () => {
    for (const bytes of [
      new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(40).fill(7)]),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, ...new Array(40).fill(7)]),
      new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
    ]) {
      const res = await post('/vision/barcodes', form(bytes))
      expect(res.status).toBe(400)
      expect((await res.json()).error.code).toBe('UNREADABLE_IMAGE')
    }
    expect((await post('/vision/barcodes', form(await code128('GPON1A2B3C4D')))).status).toBe(200)
  })

  it('answers 413 over 8 MB, as multipart or base64', async () => {
    const big = new Uint8Array(MAX_IMAGE_BYTES + 1)
    const multipart = await post('/vision/barcodes', form(big))
    expect(multipart.status).toBe(413)
    expect((await multipart.json()).error.code).toBe('IMAGE_TOO_LARGE')
    const json = await post('/vision/barcodes', { image: Buffer.from(big).toString('base64') })
    expect(json.status).toBe(413)
  })

  it('answers 400 when the image field is missing, 415 for another body type', async () => {
    expect((await (await post('/vision/barcodes', {})).json()).error.code).toBe('MISSING_IMAGE')
    expect((await post('/vision/barcodes', 'hello', { 'content-type': 'text/plain' })).status).toBe(415)
  })

  it('gives the same answer for the same Idempotency-Key without decoding again', async () => {
    const first = await post('/vision/barcodes', form(await code128('GPON1A2B3C4D')), { 'idempotency-key': 'scan-42' })
    // A different picture under the same key still gets the first answer: it was not processed.
    const retry = await post('/vision/barcodes', form(blankPng()), { 'idempotency-key': 'scan-42' })
    expect(retry.status).toBe(first.status)
    expect(await retry.json()).toEqual(await first.json())
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    const other = await post('/vision/barcodes', form(blankPng()), { 'idempotency-key': 'scan-43' })
    expect(await other.json()).toEqual({ barcodes: [] })
  })

  it('fails the next two calls with vision.fail=2, then recovers (set through /_test/faults)', async () => {
    const set = await post('/_test/faults', { vision: { fail: 2, status: 503 } })
    expect(set.status).toBe(200)
    const image = await code128('GPON1A2B3C4D')
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await post('/vision/barcodes', form(image), { 'idempotency-key': 'retry-me' })).status)
    expect(statuses).toEqual([503, 503, 200])
    expect((await t.call('DELETE', '/_test/faults')).status).toBe(200)
    expect(t.hub.faults.get('vision').fail).toBe(0)
  })

  it('refuses an invalid fault patch with 400', async () => {
    const res = await post('/_test/faults', { vision: { fial: 2 } })
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('INVALID_FAULTS')
  })
})

describe('POST /vision/equipment', () => {
  it('reads serial and MAC from a label, and guesses brand and model from the serial', async () => {
    const label = stack(await code128('TPLG9F8E7D6C'), await code128('9CA2F4112233'))
    const res = await post('/vision/equipment', form(label))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      brand: 'TP-Link',
      model: 'XX230v',
      serial: 'TPLG9F8E7D6C',
      mac: '9C:A2:F4:11:22:33',
    })
  })

  it('answers nulls for what the label does not show', async () => {
    const res = await post('/vision/equipment', form(blankPng()))
    expect(await res.json()).toMatchObject({ brand: null, model: null, serial: null, mac: null })
  })
})

describe('barcode meaning', () => {
  it.each([
    ['9C:A2:F4:11:22:33', 'mac'],
    ['9c-a2-f4-11-22-33', 'mac'],
    ['9CA2F4112233', 'mac'],
    ['9ca2.f411.2233', 'mac'],
    ['MAC: 9CA2F4112233', 'mac'],
    ['GPON1A2B3C4D', 'serial'],
    ['TPLG9F8E7D6C', 'serial'],
    ['S/N: 22153A0012345', 'serial'],
    ['0799439123456', 'unknown'],
    ['https://gigafibre.ca', 'unknown'],
    ['hello', 'unknown'],
    ['9C:A2:F4:11:22', 'unknown'],
  ] as const)('%s is a %s', (value, kind) => {
    expect(barcodeKind(value)).toBe(kind)
  })

  it('names formats as the contract does', () => {
    expect(formatName('Code128')).toBe('CODE_128')
    expect(formatName('QRCode')).toBe('QR_CODE')
    expect(formatName('DataMatrix')).toBe('DATA_MATRIX')
    expect(formatName('EAN13')).toBe('EAN_13')
  })

  it('reads the key/value payload of a label QR code', () => {
    expect(
      equipmentFromBarcodes([
        { format: 'QR_CODE', value: 'SN:HWTC12345678;MAC:00E0FC112233;MODEL:EG8145X6', kind: 'unknown' },
      ]),
    ).toEqual({ brand: 'Huawei', model: 'EG8145X6', serial: 'HWTC12345678', mac: '00:E0:FC:11:22:33' })
  })
})

describe('vision.drop — the hub works, then the connection dies', () => {
  let erp: FakeErp
  let server: Awaited<ReturnType<typeof startHub>>
  beforeAll(async () => {
    erp = await startFakeErp()
    server = await startHub({
      erpUrl: erp.url,
      erpToken: erp.token,
      hubToken: TEST_HUB_TOKEN,
      dataDir: null,
      port: 0,
      faults: 'vision.drop=1',
    })
  })
  afterAll(async () => {
    await server.close()
    await erp.close()
  })

  it('drops the socket without an answer; the retry with the same key gets the stored answer', async () => {
    const image = await code128('GPON1A2B3C4D')
    const request = () =>
      fetch(`${server.url}/vision/barcodes`, {
        method: 'POST',
        body: form(image),
        headers: { authorization: `Bearer ${TEST_HUB_TOKEN}`, 'idempotency-key': 'lte-blip' },
      })
    await expect(request().then((r) => r.text())).rejects.toThrow()
    const retry = await request()
    expect(retry.status).toBe(200)
    expect(retry.headers.get('idempotent-replayed')).toBe('true')
    expect(await retry.json()).toEqual({ barcodes: [{ format: 'CODE_128', value: 'GPON1A2B3C4D', kind: 'serial' }] })
  })
})
