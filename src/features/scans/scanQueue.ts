/**
 * The scan queue: every scan is written to IndexedDB before any network call and leaves it only
 * when ERPNext has confirmed the equipment. Unlike a generic background-sync queue it knows the
 * domain: a 5xx is a failure to retry, not a success; a 400 is a question for the technician, not
 * something to retry forever; only one tab replays at a time; and each replay is idempotent (the
 * scan id is the hub's Idempotency-Key and ERPNext's unique `scan_id`).
 *
 * Pure logic: storage, network, lock and clock are given, so it is tested without a browser.
 */
import type { ScanSaveAnswer } from '../../contracts/tech'
import type { FlushLock } from './flushLock'
import type { PhotoScaler, PhotoScaling } from './photoScale'
import {
  awaitsTransfer,
  backoffDelay,
  isRetryable,
  newScanId,
  normalizeSerial,
  type HubReader,
  type Reading,
  type ScanError,
  type ScanRecord,
  type ScanValues,
} from './scanRecord'
import type { ScanStore } from './scanStore'

export interface QueueClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

/** The network side. Failures are thrown with a `status` (0 = no answer), a `code` and a `sentence`. */
export interface ScanTransport {
  read(scan: Pick<ScanRecord, 'id' | 'photo' | 'reader'>): Promise<Reading>
  save(scan: ScanRecord): Promise<ScanSaveAnswer>
}

/** Longest a photo may take to shrink before it is queued as taken. */
const SCALE_LIMIT_MS = 15_000

export interface ScanQueueDeps {
  store: ScanStore
  transport: ScanTransport
  lock: FlushLock
  clock: QueueClock
  random?: () => number
  /** Scans sent at once during a flush. */
  concurrency?: number
  /**
   * Shrinks a photo before it is queued (./photoScale). Without it, photos are queued as taken.
   * Whatever it answers — or if it throws — the scan is queued: with the original photo if need be.
   */
  scalePhoto?: PhotoScaler
  /** Called after anything in the queue changed (this tab's view, other tabs' badges). */
  onChange?: () => void
  /** Called when ERPNext confirmed a scan's equipment and the scan left the queue. */
  onSaved?: (record: ScanRecord, answer: ScanSaveAnswer) => void
}

export interface CaptureInput {
  job: string
  location: string | null
  customerName: string | null
  technician: string
  photo: Blob
  values: Pick<ScanValues, 'equipment_type'> & Partial<ScanValues>
  reader?: HubReader
}

interface FailureLike {
  status?: unknown
  code?: unknown
  sentence?: { fr?: unknown; en?: unknown }
}

const NO_SERIAL = {
  fr: 'Aucun numéro de série n’a été lu sur la photo. Saisissez-le à la main ou reprenez la photo.',
  en: 'No serial number could be read on the photo. Type it in or take the photo again.',
}
const NO_PHOTO = {
  fr: 'La photo de ce scan est perdue. Saisissez le numéro de série à la main.',
  en: 'This scan’s photo is lost. Type the serial number in.',
}

export function toScanError(err: unknown, at: number): ScanError {
  const e = (err ?? {}) as FailureLike
  const status = typeof e.status === 'number' ? e.status : 0
  const code = typeof e.code === 'string' ? e.code : status ? `HTTP_${status}` : 'NETWORK'
  const fr =
    typeof e.sentence?.fr === 'string' ? e.sentence.fr : err instanceof Error ? err.message : 'Erreur inattendue.'
  const en =
    typeof e.sentence?.en === 'string' ? e.sentence.en : err instanceof Error ? err.message : 'Unexpected error.'
  return { code, status, fr, en, at }
}

/** No answer at all: the next scans would fail the same way, so the pass stops. */
const noAnswer = (e: ScanError) => e.status === 0

export class ScanQueue {
  private timer: unknown = null
  private flushing: Promise<void> | null = null
  private again = false
  private againForced = false
  private stopped = false
  private readonly random: () => number
  private readonly concurrency: number

  constructor(private readonly deps: ScanQueueDeps) {
    this.random = deps.random ?? Math.random
    this.concurrency = deps.concurrency ?? 4
  }

  list(): Promise<ScanRecord[]> {
    return this.deps.store.all()
  }

  get(id: string): Promise<ScanRecord | undefined> {
    return this.deps.store.get(id)
  }

  /**
   * First thing after the shutter: the photo, shrunk to fit on the tablet, is safe in IndexedDB
   * before anything else happens. A photo that cannot be shrunk is kept as taken, with the reason:
   * a scan is never lost to its photo's size or format.
   */
  async capture(input: CaptureInput): Promise<ScanRecord> {
    const scaling = await this.scale(input.photo)
    const now = this.deps.clock.now()
    const record: ScanRecord = {
      id: newScanId(),
      createdAt: now,
      updatedAt: now,
      job: input.job,
      location: input.location,
      customerName: input.customerName,
      technician: input.technician,
      photo: scaling?.ok ? scaling.blob : input.photo,
      photoBytes: scaling?.ok ? scaling.bytes : input.photo.size,
      originalBytes: input.photo.size,
      ...(scaling && !scaling.ok ? { photoUnscaled: scaling.reason } : {}),
      reader: input.reader ?? 'barcodes',
      step: 'captured',
      state: 'review',
      values: { serial_no: '', mac_address: null, brand: null, model: null, ...input.values },
      readBy: null,
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
    }
    await this.deps.store.put(record)
    this.changed()
    return record
  }

  /** The photo to queue, or why it is queued as taken; `null` when this queue shrinks nothing. */
  private async scale(photo: Blob): Promise<PhotoScaling | null> {
    if (!this.deps.scalePhoto) return null
    const failed: PhotoScaling = { ok: false, reason: 'failed', originalBytes: photo.size }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      // A browser stuck decoding a picture must not hold the scan: past the limit, it is kept as taken.
      const tooLong = new Promise<PhotoScaling>((resolve) => {
        timer = setTimeout(() => resolve(failed), SCALE_LIMIT_MS)
      })
      return await Promise.race([this.deps.scalePhoto(photo), tooLong])
    } catch {
      return failed
    } finally {
      clearTimeout(timer)
    }
  }

  /** What was read (on the device or by the hub) while the technician looks at it. */
  async recordReading(id: string, reading: Reading, by: 'device' | 'hub'): Promise<ScanRecord | null> {
    return this.update(id, (r) => ({
      ...r,
      step: reading.serial || reading.mac ? 'decoded' : r.step,
      readBy: reading.serial ? by : r.readBy,
      values: mergeReading(r.values, reading),
    }))
  }

  /**
   * The hub reads the photo now, while the technician waits (8 s at most, in the transport). If it
   * cannot answer, the scan is left to the queue, which reads and records it later by itself.
   */
  async readNow(
    id: string,
    reader: HubReader,
  ): Promise<{ record: ScanRecord | null; reading: Reading | null; error: ScanError | null }> {
    const current = await this.update(id, (r) => ({ ...r, reader }))
    if (!current) return { record: null, reading: null, error: null }
    try {
      const reading = await this.deps.transport.read(current)
      return { record: await this.recordReading(id, reading, 'hub'), reading, error: null }
    } catch (err) {
      const error = toScanError(err, this.deps.clock.now())
      const record = await this.update(id, (r) => this.failed({ ...r, step: 'captured', state: 'waiting' }, error))
      this.schedule()
      return { record, reading: null, error }
    }
  }

  /** The technician confirmed (or corrected) the values: the queue records them in ERPNext. */
  async confirm(id: string, values: ScanValues): Promise<void> {
    await this.update(id, (r) => ({
      ...r,
      step: 'confirmed',
      state: 'waiting',
      values: { ...values, serial_no: normalizeSerial(values.serial_no) },
      readBy: r.readBy && normalizeSerial(values.serial_no) === r.values.serial_no ? r.readBy : 'hand',
      attempts: 0,
      nextAttemptAt: 0,
      lastError: null,
    }))
    await this.flush()
  }

  /**
   * Sends a scan in "needs attention" again as it is, values unchanged: after the office confirmed
   * the transfer it was waiting for. A scan that was never confirmed stays as it is.
   */
  async retry(id: string): Promise<void> {
    await this.update(id, (r) =>
      r.state === 'attention' && r.step === 'confirmed' ? { ...r, state: 'waiting', nextAttemptAt: 0 } : r,
    )
    await this.flush({ force: true })
  }

  /** Leaves an unread photo to the queue: the hub will read it, and a serial found is recorded. */
  async leaveToQueue(id: string): Promise<void> {
    await this.update(id, (r) => ({
      ...r,
      state: 'waiting',
      step: r.step === 'confirmed' ? 'confirmed' : 'captured',
      nextAttemptAt: 0,
    }))
    await this.flush()
  }

  async discard(id: string): Promise<void> {
    await this.deps.store.delete(id)
    this.changed()
  }

  /**
   * "Réessayer maintenant", the network coming back, the app starting: backoff waits are skipped.
   * `transfers`: the technician's own tap also sends again the scans waiting on a transfer (the
   * office may have confirmed it); the automatic moments leave those alone.
   */
  async retryNow(opts: { transfers?: boolean } = {}): Promise<void> {
    if (opts.transfers) {
      for (const r of await this.deps.store.all()) {
        if (r.state === 'attention' && r.step === 'confirmed' && awaitsTransfer(r.lastError)) {
          await this.update(r.id, (current) =>
            current.state === 'attention' ? { ...current, state: 'waiting', nextAttemptAt: 0 } : current,
          )
        }
      }
    }
    return this.flush({ force: true })
  }

  /** Sends what is due, in capture order, in one tab at a time. */
  flush(opts: { force?: boolean } = {}): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.flushing) {
      // A pass is under way (maybe waiting on a slow hub): one more follows it, forced if asked.
      this.again = true
      this.againForced ||= opts.force ?? false
      return this.flushing
    }
    this.flushing = (async () => {
      try {
        let force = opts.force ?? false
        do {
          this.again = false
          await this.deps.lock.run(() => this.pass(force))
          force = this.againForced
          this.againForced = false
        } while (this.again && !this.stopped)
      } finally {
        this.flushing = null
        this.schedule()
        this.changed()
      }
    })()
    return this.flushing
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer)
    this.timer = null
  }

  /**
   * A few scans at a time (a backlog of hundreds drains in seconds, not minutes), oldest first.
   * No answer at all means no network: the pass stops rather than failing every scan in turn.
   */
  private async pass(force: boolean): Promise<void> {
    const now = this.deps.clock.now()
    const due = (await this.deps.store.all()).filter((r) => r.state === 'waiting' && (force || r.nextAttemptAt <= now))
    let next = 0
    let unreachable = false
    const worker = async () => {
      while (!unreachable && !this.stopped && next < due.length) {
        const error = await this.process(due[next++].id)
        if (error && noAnswer(error)) unreachable = true
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker))
  }

  /** Takes one scan as far as it can go; returns the failure that stopped it, if any. */
  private async process(id: string): Promise<ScanError | null> {
    let record: ScanRecord | null | undefined = await this.deps.store.get(id)
    if (!record || record.state !== 'waiting') return null
    try {
      if (record.step !== 'confirmed') {
        if (!record.photo)
          return this.needsAttention(id, { code: 'NO_PHOTO', status: 422, ...NO_PHOTO, at: this.deps.clock.now() })
        const reading = await this.deps.transport.read(record)
        const values = mergeReading(record.values, reading)
        if (!values.serial_no)
          return this.needsAttention(
            id,
            { code: 'NO_SERIAL', status: 422, ...NO_SERIAL, at: this.deps.clock.now() },
            values,
          )
        record = await this.update(id, (r) => ({ ...r, step: 'confirmed', readBy: 'hub', values }))
        if (!record) return null
      }
      const answer = await this.deps.transport.save(record)
      await this.deps.store.delete(id)
      this.deps.onSaved?.({ ...record, step: 'saved' }, answer)
      return null
    } catch (err) {
      const error = toScanError(err, this.deps.clock.now())
      await this.update(id, (r) => this.failed(r, error))
      return error
    }
  }

  private failed(r: ScanRecord, error: ScanError): ScanRecord {
    if (!isRetryable(error.status)) return { ...r, state: 'attention', lastError: error }
    const attempts = r.attempts + 1
    return {
      ...r,
      attempts,
      lastError: error,
      nextAttemptAt: this.deps.clock.now() + backoffDelay(attempts, this.random),
    }
  }

  private async needsAttention(id: string, error: ScanError, values?: ScanValues): Promise<ScanError> {
    await this.update(id, (r) => ({ ...r, state: 'attention', lastError: error, values: values ?? r.values }))
    return error
  }

  /** Read-modify-write of one scan; a scan discarded meanwhile stays discarded. */
  private async update(id: string, change: (r: ScanRecord) => ScanRecord): Promise<ScanRecord | null> {
    const current = await this.deps.store.get(id)
    if (!current) return null
    const next = { ...change(current), updatedAt: this.deps.clock.now() }
    await this.deps.store.put(next)
    this.changed()
    return next
  }

  /** One timer, for the earliest scan whose backoff ends. */
  private schedule(): void {
    if (this.timer !== null) this.deps.clock.clearTimeout(this.timer)
    this.timer = null
    if (this.stopped) return
    void this.deps.store.all().then((all) => {
      const next = Math.min(...all.filter((r) => r.state === 'waiting').map((r) => r.nextAttemptAt))
      if (!Number.isFinite(next) || this.stopped) return
      if (this.timer !== null) this.deps.clock.clearTimeout(this.timer)
      this.timer = this.deps.clock.setTimeout(
        () => {
          this.timer = null
          void this.flush()
        },
        Math.max(0, next - this.deps.clock.now()),
      )
    })
  }

  private changed(): void {
    this.deps.onChange?.()
  }
}

function mergeReading(values: ScanValues, reading: Reading): ScanValues {
  return {
    ...values,
    serial_no: values.serial_no || reading.serial || '',
    mac_address: values.mac_address ?? reading.mac,
    brand: values.brand ?? reading.brand,
    model: values.model ?? reading.model,
  }
}
