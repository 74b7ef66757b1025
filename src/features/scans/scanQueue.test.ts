import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import type { ScanSaveAnswer } from '../../contracts/tech'
import { leaseLock, type FlushLock } from './flushLock'
import type { PhotoScaler } from './photoScale'
import { ScanQueue, type QueueClock, type ScanTransport } from './scanQueue'
import { awaitsTransfer, backoffDelay, readingFromBarcodes, type Reading, type ScanRecord } from './scanRecord'
import { idbScanStore } from './scanStore'

/** A clock the test moves by hand: timers fire only when it says so. */
class FakeClock implements QueueClock {
  t = 1_700_000_000_000
  private timers = new Map<number, { at: number; fn: () => void }>()
  private seq = 0
  now = () => this.t
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq
    this.timers.set(id, { at: this.t + ms, fn })
    return id
  }
  clearTimeout = (id: unknown) => {
    this.timers.delete(id as number)
  }
  setInterval = () => 0
  clearInterval = () => {}
  get pending() {
    return this.timers.size
  }
  advance(ms: number) {
    this.t += ms
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.t) {
        this.timers.delete(id)
        timer.fn()
      }
    }
  }
}

const failure = (status: number, code = `HTTP_${status}`) =>
  Object.assign(new Error(code), { status, code, sentence: { fr: `Refus ${status}`, en: `Refused ${status}` } })

const saved = (record: ScanRecord): ScanSaveAnswer => ({
  outcome: 'created',
  equipment: {
    name: 'EQ-00001',
    equipment_type: record.values.equipment_type,
    serial_no: record.values.serial_no,
    scan_id: record.id,
  },
})

/** A network that answers from a script, and counts what reached it. */
function scriptedTransport(script: { read?: (Reading | Error)[]; save?: Error[] } = {}) {
  const reads = [...(script.read ?? [])]
  const saves = [...(script.save ?? [])]
  const savedIds: string[] = []
  const transport: ScanTransport & { reads: number; savedIds: string[] } = {
    reads: 0,
    savedIds,
    async read() {
      transport.reads++
      const next = reads.shift() ?? { serial: 'GPON1A2B3C4D', mac: null, brand: null, model: null }
      if (next instanceof Error) throw next
      return next
    },
    async save(record) {
      const next = saves.shift()
      if (next) throw next
      savedIds.push(record.id)
      return saved(record)
    },
  }
  return transport
}

const openLock: FlushLock = {
  run: async (work) => {
    await work()
    return true
  },
}
let dbCount = 0

function setup(
  transport = scriptedTransport(),
  lock: FlushLock = openLock,
  clock = new FakeClock(),
  store = idbScanStore(`scans-test-${++dbCount}`),
) {
  const onSaved = vi.fn()
  const queue = new ScanQueue({ store, transport, lock, clock, random: () => 1, onSaved })
  return { queue, store, transport, clock, onSaved }
}

const photo = () => new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' })
const capture = (queue: ScanQueue) =>
  queue.capture({
    job: 'DJ-2026-00001',
    location: 'LOC-00001',
    customerName: 'Marie Côté',
    technician: 'TECH-001',
    photo: photo(),
    values: { equipment_type: 'ONT' },
  })
const values = {
  serial_no: 'tplg1a2b3c4d',
  mac_address: null,
  equipment_type: 'ONT' as const,
  brand: null,
  model: null,
}

describe('the scan queue', () => {
  it('keeps the photo in IndexedDB before any network call', async () => {
    const { queue, store, transport } = setup()
    const scan = await capture(queue)
    const stored = await store.get(scan.id)
    expect(stored).toMatchObject({
      step: 'captured',
      state: 'review',
      job: 'DJ-2026-00001',
      technician: 'TECH-001',
      attempts: 0,
    })
    expect(stored!.photo).toBeInstanceOf(Blob)
    expect(stored!.photo!.size).toBe(4)
    expect(transport.reads + transport.savedIds.length).toBe(0)
  })

  it('a confirmed scan leaves the queue only once ERPNext has recorded the equipment', async () => {
    const { queue, store, transport, onSaved } = setup()
    const scan = await capture(queue)
    await queue.confirm(scan.id, values)
    expect(transport.savedIds).toEqual([scan.id])
    expect(await store.all()).toEqual([])
    expect(onSaved.mock.calls[0][0]).toMatchObject({
      id: scan.id,
      step: 'saved',
      values: { serial_no: 'TPLG1A2B3C4D' },
    })
  })

  it('a 5xx is not a success: the scan stays, waits its backoff, and is sent on the next try', async () => {
    const { queue, store, transport, clock } = setup(scriptedTransport({ save: [failure(500), failure(502)] }))
    const scan = await capture(queue)
    await queue.confirm(scan.id, values)
    expect(await store.get(scan.id)).toMatchObject({
      state: 'waiting',
      step: 'confirmed',
      attempts: 1,
      lastError: { status: 500 },
    })

    await vi.waitFor(() => expect(clock.pending).toBe(1))
    clock.advance(backoffDelay(1, () => 1) - 1)
    expect(transport.savedIds).toEqual([])
    clock.advance(1)
    await vi.waitFor(async () => expect((await store.get(scan.id))?.attempts).toBe(2))
    await vi.waitFor(() => expect(clock.pending).toBe(1))
    clock.advance(backoffDelay(2, () => 1))
    await vi.waitFor(() => expect(transport.savedIds).toEqual([scan.id]))
    await vi.waitFor(async () => expect(await store.all()).toEqual([]))
  })

  it('a 400 asks the technician, and is never retried on its own; a corrected serial then goes through', async () => {
    const { queue, store, transport, clock } = setup(scriptedTransport({ save: [failure(400, 'INVALID_SERIAL')] }))
    const scan = await capture(queue)
    await queue.confirm(scan.id, values)
    expect(await store.get(scan.id)).toMatchObject({
      state: 'attention',
      lastError: { code: 'INVALID_SERIAL', fr: 'Refus 400' },
    })
    expect(clock.pending).toBe(0)
    clock.advance(24 * 3600_000)
    await queue.retryNow()
    expect(transport.savedIds).toEqual([])

    await queue.confirm(scan.id, { ...values, serial_no: 'TPLG1A2B3C4E' })
    expect(transport.savedIds).toEqual([scan.id])
    expect(await store.all()).toEqual([])
  })

  it('a 409 transfer refusal keeps the scan in "needs attention" with the server’s sentence; retried once the office confirmed, it leaves the queue', async () => {
    const refusal = Object.assign(new Error('refused'), {
      status: 409,
      code: 'EQUIPMENT_AT_OTHER_CUSTOMER',
      sentence: {
        fr: 'Cet équipement est enregistré chez un autre client.',
        en: 'This equipment is registered at another customer.',
      },
    })
    const { queue, store, transport, clock, onSaved } = setup(scriptedTransport({ save: [refusal, refusal] }))
    const scan = await capture(queue)
    await queue.confirm(scan.id, values)
    expect(await store.get(scan.id)).toMatchObject({
      state: 'attention',
      step: 'confirmed',
      attempts: 0,
      lastError: {
        code: 'EQUIPMENT_AT_OTHER_CUSTOMER',
        status: 409,
        fr: 'Cet équipement est enregistré chez un autre client.',
        en: 'This equipment is registered at another customer.',
      },
    })
    expect(awaitsTransfer((await store.get(scan.id))!.lastError)).toBe(true)
    expect(clock.pending).toBe(0) // never retried on its own
    await queue.retryNow()
    expect(await store.get(scan.id)).toMatchObject({ state: 'attention' })

    await queue.retry(scan.id) // not confirmed yet: refused again, still kept
    expect(await store.get(scan.id)).toMatchObject({ state: 'attention', values: { serial_no: 'TPLG1A2B3C4D' } })
    await queue.retryNow({ transfers: true }) // the technician's "Réessayer maintenant": confirmed by now, the same scan id goes through
    expect(transport.savedIds).toEqual([scan.id])
    expect(await store.all()).toEqual([])
    expect(onSaved).toHaveBeenCalledTimes(1)
  })

  it('a scan the technician discards is gone, and nothing is sent for it', async () => {
    const { queue, store, transport } = setup(scriptedTransport({ save: [failure(404)] }))
    const scan = await capture(queue)
    await queue.confirm(scan.id, values)
    await queue.discard(scan.id)
    await queue.retryNow()
    expect(await store.all()).toEqual([])
    expect(transport.savedIds).toEqual([])
  })

  it('with no network the pass stops instead of failing every scan in turn, and "retry now" skips the backoff', async () => {
    const offline = Array.from({ length: 8 }, () => failure(0, 'NETWORK'))
    const transport = scriptedTransport({ save: offline })
    let attemptsSeen = 0
    const counting: ScanTransport = {
      read: (r) => transport.read(r),
      save: (r) => {
        attemptsSeen++
        return transport.save(r)
      },
    }
    const { queue, store, clock } = setup(counting as typeof transport)
    for (let i = 0; i < 8; i++) {
      const s = await capture(queue)
      await store.put({ ...s, step: 'confirmed', state: 'waiting', values })
      clock.advance(1_000)
    }
    await queue.flush()
    expect(attemptsSeen).toBe(4) // the scans already on their way; the other four were not tried
    expect((await store.all()).filter((r) => r.attempts === 1)).toHaveLength(4)

    attemptsSeen = 0
    await queue.retryNow() // the network is back (4 scripted failures left, then success)
    await queue.retryNow()
    expect(await store.all()).toEqual([])
  })

  it('a photo left to the queue is read by the hub and recorded with the serial it found', async () => {
    const transport = scriptedTransport({
      read: [failure(503), { serial: 'ZTEG00C0FFEE', mac: '9C:A2:F4:11:22:33', brand: 'ZTE', model: 'F670L' }],
    })
    const { queue, store, onSaved } = setup(transport)
    const scan = await capture(queue)
    const now = await queue.readNow(scan.id, 'equipment')
    expect(now.error?.status).toBe(503)
    expect(await store.get(scan.id)).toMatchObject({
      state: 'waiting',
      step: 'captured',
      reader: 'equipment',
      attempts: 1,
    })

    await queue.retryNow()
    expect(await store.all()).toEqual([])
    expect(onSaved.mock.calls[0][0].values).toMatchObject({
      serial_no: 'ZTEG00C0FFEE',
      mac_address: '9C:A2:F4:11:22:33',
      brand: 'ZTE',
    })
    expect(onSaved.mock.calls[0][0].readBy).toBe('hub')
  })

  it('a photo on which the hub finds no serial waits for the technician instead of being retried', async () => {
    const transport = scriptedTransport({
      read: [{ serial: null, mac: '9C:A2:F4:11:22:33', brand: null, model: null }],
    })
    const { queue, store } = setup(transport)
    const scan = await capture(queue)
    await queue.leaveToQueue(scan.id)
    expect(await store.get(scan.id)).toMatchObject({
      state: 'attention',
      lastError: { code: 'NO_SERIAL' },
      values: { mac_address: '9C:A2:F4:11:22:33' },
    })
    await queue.retryNow()
    expect(transport.reads).toBe(1)
  })

  it('two tabs flushing together send each scan once', async () => {
    const clock = new FakeClock()
    const storage = new Map<string, string>()
    const localStorageLike = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => {
        storage.set(k, v)
      },
      removeItem: (k: string) => {
        storage.delete(k)
      },
    }
    const shared = idbScanStore(`scans-test-${++dbCount}`)
    const network = scriptedTransport()
    // Slow answers, so both tabs are mid-flush at the same time.
    const slow: ScanTransport = {
      read: (r) => network.read(r),
      save: async (r) => {
        await new Promise((ok) => setTimeout(ok, 20))
        return network.save(r)
      },
    }
    const tabA = setup(slow as typeof network, leaseLock(localStorageLike, 'tab-a', clock), clock, shared)
    const tabB = setup(slow as typeof network, leaseLock(localStorageLike, 'tab-b', clock), clock, shared)
    const scans = [await capture(tabA.queue), await capture(tabA.queue), await capture(tabA.queue)]
    for (const s of scans)
      await tabA.store.put({
        ...(await shared.get(s.id))!,
        step: 'confirmed',
        state: 'waiting',
        values: { ...values, serial_no: `TPLG0000000${s.id.length % 10}` },
      })

    await Promise.all([tabA.queue.retryNow(), tabB.queue.retryNow(), tabB.queue.retryNow(), tabA.queue.retryNow()])
    await tabB.queue.retryNow()
    expect(network.savedIds.sort()).toEqual(scans.map((s) => s.id).sort())
    expect(await shared.all()).toEqual([])
  })
})

describe('reading a label and waiting between tries', () => {
  it('tells the serial from the MAC among a photo’s barcodes, whatever their order and labels', () => {
    expect(
      readingFromBarcodes([
        { format: 'CODE_128', value: 'MAC: 9ca2f4112233' },
        { format: 'CODE_128', value: 'S/N: gpon1a2b3c4d' },
        { format: 'EAN_13', value: '0123456789012' },
      ]),
    ).toEqual({ serial: 'GPON1A2B3C4D', mac: '9C:A2:F4:11:22:33', brand: null, model: null })
    expect(
      readingFromBarcodes([{ format: 'QR_CODE', value: 'SN:HWTC12345678;MAC:AA-BB-CC-DD-EE-FF;MODEL:HG8245X6' }]),
    ).toEqual({ serial: 'HWTC12345678', mac: 'AA:BB:CC:DD:EE:FF', brand: null, model: 'HG8245X6' })
  })

  it('waits longer after each failure, never more than a minute, with jitter between half and all of it', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, () => 1))).toEqual([2_000, 4_000, 8_000, 16_000])
    expect(backoffDelay(30, () => 1)).toBe(60_000)
    expect(backoffDelay(1, () => 0)).toBe(1_000)
  })

  it('a lease held by another live tab is respected; an expired one is taken over', async () => {
    const clock = new FakeClock()
    const storage = new Map<string, string>()
    const ls = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => {
        storage.set(k, v)
      },
      removeItem: (k: string) => {
        storage.delete(k)
      },
    }
    storage.set('ops-scan-flush-lease', JSON.stringify({ owner: 'crashed-tab', until: clock.now() + 5_000 }))
    const mine = leaseLock(ls, 'me', clock)
    let ran = 0
    expect(
      await mine.run(async () => {
        ran++
      }),
    ).toBe(false)
    clock.advance(5_001)
    expect(
      await mine.run(async () => {
        ran++
      }),
    ).toBe(true)
    expect(ran).toBe(1)
    expect(storage.has('ops-scan-flush-lease')).toBe(false)
  })
})

describe('the photo kept in the queue', () => {
  const taken = () => new Blob([new Uint8Array(7_200_000)], { type: 'image/jpeg' })
  const shrunk = new Blob([new Uint8Array(380_000)], { type: 'image/jpeg' })

  function withScaler(scalePhoto: PhotoScaler) {
    const store = idbScanStore(`scans-test-${++dbCount}`)
    const readPhotos: (Blob | null)[] = []
    const transport = scriptedTransport()
    const reading: ScanTransport = {
      read: (scan) => {
        readPhotos.push(scan.photo)
        return transport.read(scan)
      },
      save: (record) => transport.save(record),
    }
    const queue = new ScanQueue({ store, transport: reading, lock: openLock, clock: new FakeClock(), scalePhoto })
    const take = (photo: Blob) =>
      queue.capture({
        job: 'DJ-2026-00001',
        location: null,
        customerName: null,
        technician: 'TECH-001',
        photo,
        values: { equipment_type: 'ONT' },
      })
    return { queue, store, take, readPhotos }
  }

  it('keeps the shrunk photo with both sizes, and it is the one the hub reads', async () => {
    const { queue, store, take, readPhotos } = withScaler(async (photo) => ({
      ok: true,
      blob: shrunk,
      width: 2000,
      height: 1500,
      originalBytes: photo.size,
      bytes: shrunk.size,
      scaled: true,
    }))
    const scan = await take(taken())
    const stored = await store.get(scan.id)
    expect(stored).toMatchObject({ photoBytes: 380_000, originalBytes: 7_200_000 })
    expect(stored!.photo!.size).toBe(380_000)
    expect(stored).not.toHaveProperty('photoUnscaled')

    await queue.readNow(scan.id, 'barcodes')
    expect(readPhotos.map((p) => p?.size)).toEqual([380_000])
  })

  it('never drops a scan whose photo cannot be shrunk: the photo is kept as taken, with the reason', async () => {
    const { queue, store, take, readPhotos } = withScaler(async (photo) => ({
      ok: false,
      reason: 'undecodable',
      originalBytes: photo.size,
    }))
    const scan = await take(taken())
    expect(await store.all()).toHaveLength(1)
    const stored = await store.get(scan.id)
    expect(stored).toMatchObject({
      step: 'captured',
      photoUnscaled: 'undecodable',
      photoBytes: 7_200_000,
      originalBytes: 7_200_000,
    })
    expect(stored!.photo!.size).toBe(7_200_000)

    // The hub still gets its chance at the photo.
    await queue.leaveToQueue(scan.id)
    expect(readPhotos.map((p) => p?.size)).toEqual([7_200_000])
  })

  it('never drops a scan when shrinking breaks down altogether', async () => {
    const { store, take } = withScaler(() => Promise.reject(new Error('out of memory')))
    const scan = await take(taken())
    expect(await store.get(scan.id)).toMatchObject({ photoUnscaled: 'failed', photoBytes: 7_200_000 })
  })

  it('still reads and sends a scan queued before photos were shrunk (no sizes on it)', async () => {
    const { queue, store } = setup()
    const old = await capture(queue)
    const { photoBytes: _bytes, originalBytes: _original, ...before } = (await store.get(old.id))!
    await store.put(before)
    await queue.confirm(old.id, values)
    expect(await store.all()).toEqual([])
  })
})
