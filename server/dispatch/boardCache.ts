/**
 * The dispatch board, kept ready in the BFF: each range asked for is built once from ERPNext and
 * then kept current by the change events the BFF already carries (every write through it, the
 * hub's job.updated), so the board route answers from memory in milliseconds instead of reading
 * 20,000 jobs again.
 *
 * It is never served wrong:
 * - an event names one document; the cache reads that document again and puts it where it now
 *   belongs (the range, the queue, or nowhere). If it cannot be read, every range is dropped and
 *   built again: a range that may be wrong is rebuilt, not served.
 * - an event that arrives while a range is being built is applied again once the build is done,
 *   since the build may have read the document before the change.
 * - a request waits for the events already received to be applied, so a dispatcher who moves a
 *   job and reloads sees their move.
 * - changes made in ERPNext by others (without going through the BFF or the hub) are found by a
 *   sweep every few seconds while the board is in use: the jobs modified since the newest one
 *   seen, and each range's count (a deleted job).
 *
 * What each user may see is not the cache's concern: the route checks dispatch:view before it
 * asks, and a board holds nothing a dispatcher may not see.
 */
import type { BoardJob, BoardPayload, BoardTechnician } from '../../src/contracts/dispatch'
import { addDays } from '../../src/contracts/frappeTime'
import type { BusEvent } from '../events/bus'
import type { BoardSource } from './boardSource'
import { log } from '../log'

export interface BoardCacheOptions {
  now?: () => number
  /** Ranges kept at most; the least recently asked for goes first. */
  maxRanges?: number
  /** How often changes made outside the BFF are looked for while a board is in use. */
  sweepEveryMs?: number
  /** A range nobody asked for this long is dropped. */
  idleMs?: number
  /** Above this many jobs changed outside the BFF since the last sweep, ranges are rebuilt. */
  sweepLimit?: number
  log?: (message: string) => void
}

/** One range's board, as it is now. `version` moves on every change; encodings are kept per version. */
export class BoardEntry {
  readonly lo: string
  readonly hi: string
  version = 0
  usedAt = 0
  readonly jobs: Map<string, BoardJob>
  technicians: BoardTechnician[]
  tags: BoardPayload['tags']
  /** Encodings of this version, by variant (see boardWire.ts); cleared on every change. */
  readonly encoded = new Map<string, unknown>()
  /** Variants asked for, encoded again in the background after a change. */
  readonly variants = new Set<string>()

  constructor(
    readonly from: string,
    readonly to: string,
    payload: BoardPayload,
  ) {
    this.lo = `${from} 00:00:00`
    this.hi = `${addDays(to, 1)} 00:00:00`
    this.jobs = new Map(payload.jobs.map((j) => [j.name, j]))
    this.technicians = payload.technicians
    this.tags = payload.tags
  }

  /** Whether a job, in this version, belongs on this board: the queue, or scheduled in the range. */
  holds(job: BoardJob): boolean {
    if (job.status === 'Unscheduled') return true
    const start = job.scheduled_start
    return typeof start === 'string' && start >= this.lo && start < this.hi
  }

  payload(): BoardPayload {
    return {
      from: this.from,
      to: this.to,
      tags: this.tags,
      technicians: this.technicians,
      jobs: [...this.jobs.values()],
    }
  }
}

interface Slot {
  key: string
  from: string
  to: string
  ready: Promise<BoardEntry>
  entry: BoardEntry | null
  /** Jobs changed while the build ran, read again once it is done. */
  missed: Set<string>
  /** A technician or customer changed while the build ran: it is built again. */
  outdated: boolean
}

export class BoardCache {
  private readonly slots = new Map<string, Slot>()
  private readonly inflight = new Set<Promise<void>>()
  private readonly customers = new Map<string, string>()
  private readonly now: () => number
  private readonly opts: Required<Omit<BoardCacheOptions, 'now' | 'log'>>
  private readonly log: (message: string) => void
  /** The newest `modified` of any job seen: the sweep looks for jobs changed after it. */
  private watermark = ''
  private lastSweep = 0
  private sweeping: Promise<void> | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  /** Called with an entry after each change, to prepare its encodings again. */
  onChange: (entry: BoardEntry) => void = () => undefined

  constructor(
    private readonly source: BoardSource,
    options: BoardCacheOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.log = options.log ?? ((m) => log.warn(`dispatch board: ${m}`))
    this.opts = {
      maxRanges: options.maxRanges ?? 6,
      sweepEveryMs: options.sweepEveryMs ?? 10_000,
      idleMs: options.idleMs ?? 15 * 60_000,
      sweepLimit: options.sweepLimit ?? 200,
    }
  }

  /** The board of a range, current as of every event received so far. */
  async board(from: string, to: string): Promise<BoardEntry> {
    if (this.inflight.size) await Promise.allSettled([...this.inflight])
    const key = `${from}|${to}`
    const slot = this.slots.get(key) ?? this.start(from, to)
    const entry = await slot.ready
    entry.usedAt = this.now()
    this.ensureSweeping()
    return entry
  }

  /** Ranges currently held (built or being built). */
  ranges(): string[] {
    return [...this.slots.keys()]
  }

  /** Feeds the cache with one bus event; the returned promise settles once it is applied. */
  onEvent(event: BusEvent): Promise<void> {
    const data = (event.data ?? {}) as { doctype?: unknown; name?: unknown; action?: unknown }
    const name = typeof data.name === 'string' ? data.name : null
    if (!name) return Promise.resolve()
    const action = typeof data.action === 'string' ? data.action : 'update'
    if (event.type === 'job.updated') return this.track(this.jobChanged(name, 'update'))
    if (event.type !== 'doc_update') return Promise.resolve()
    switch (data.doctype) {
      case 'Dispatch Job':
        return this.track(this.jobChanged(name, action))
      case 'Technician':
        return this.track(this.technicianChanged(name))
      case 'Customer':
        return this.track(this.customerChanged(name, action))
      case 'Tag':
        return this.track(this.tagsChanged())
      default:
        return Promise.resolve()
    }
  }

  /** Drops every range and builds again those in use: used when one may be wrong. */
  invalidate(reason: string): void {
    this.log(`every range is built again (${reason})`)
    const recent = [...this.slots.values()].filter((s) => !s.entry || this.now() - s.entry.usedAt < this.opts.idleMs)
    this.slots.clear()
    for (const s of recent) void this.start(s.from, s.to).ready.catch(() => undefined)
  }

  /** Looks for changes made outside the BFF now, unless a look is already on its way. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = null
    })
    return this.sweeping
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private start(from: string, to: string): Slot {
    const key = `${from}|${to}`
    const slot: Slot = { key, from, to, entry: null, missed: new Set(), outdated: false, ready: Promise.resolve(null!) }
    slot.ready = (async () => {
      for (;;) {
        slot.missed.clear()
        slot.outdated = false
        const payload = await this.source.build(from, to)
        if (slot.outdated) continue
        const entry = new BoardEntry(from, to, payload)
        for (const j of payload.jobs) {
          if (j.modified > this.watermark) this.watermark = j.modified
          if (j.customer && j.customer_name) this.customers.set(j.customer, j.customer_name)
        }
        for (const name of [...slot.missed]) {
          const job = await this.source.job(name)
          this.put(entry, name, job ? await this.named(job) : null)
        }
        if (slot.outdated) continue
        slot.entry = entry
        entry.usedAt = this.now()
        return entry
      }
    })()
    slot.ready.catch(() => {
      if (this.slots.get(key) === slot) this.slots.delete(key)
    })
    this.slots.set(key, slot)
    this.evict()
    return slot
  }

  private evict(): void {
    if (this.slots.size <= this.opts.maxRanges) return
    const built = [...this.slots.values()].filter((s) => s.entry).sort((a, b) => a.entry!.usedAt - b.entry!.usedAt)
    for (const s of built) {
      if (this.slots.size <= this.opts.maxRanges) return
      this.slots.delete(s.key)
    }
  }

  private track(task: Promise<void>): Promise<void> {
    const tracked = task.catch((err: unknown) => {
      this.invalidate(err instanceof Error ? err.message : String(err))
    })
    this.inflight.add(tracked)
    void tracked.finally(() => this.inflight.delete(tracked))
    return tracked
  }

  private building(): Slot[] {
    return [...this.slots.values()].filter((s) => !s.entry)
  }

  private built(): BoardEntry[] {
    return [...this.slots.values()].flatMap((s) => (s.entry ? [s.entry] : []))
  }

  /** The job with its customer's name, as the board shows it. */
  private async named(job: BoardJob): Promise<BoardJob> {
    if (!job.customer) return job
    let name = this.customers.get(job.customer)
    if (name === undefined) {
      name = (await this.source.customerName(job.customer)) ?? ''
      if (name) this.customers.set(job.customer, name)
    }
    return name ? { ...job, customer_name: name } : job
  }

  private changed(entry: BoardEntry): void {
    entry.version++
    entry.encoded.clear()
    this.onChange(entry)
  }

  /** Puts a job's new version (null: gone) on one board, where it now belongs. */
  private put(entry: BoardEntry, name: string, job: BoardJob | null): void {
    const held = entry.jobs.get(name)
    if (held && job && held.modified > job.modified) return // an older read arriving late
    if (job && entry.holds(job)) entry.jobs.set(name, job)
    else if (held) entry.jobs.delete(name)
    else return
    this.changed(entry)
  }

  private async jobChanged(name: string, action: string): Promise<void> {
    for (const s of this.building()) s.missed.add(name)
    const job = action === 'delete' ? null : await this.source.job(name)
    const shown = job ? await this.named(job) : null
    if (shown && shown.modified > this.watermark) this.watermark = shown.modified
    for (const entry of this.built()) this.put(entry, name, shown)
  }

  private async technicianChanged(name: string): Promise<void> {
    for (const s of this.building()) s.outdated = true
    const tech = await this.source.technician(name)
    for (const entry of this.built()) {
      const rest = entry.technicians.filter((t) => t.name !== name)
      entry.technicians = tech ? [...rest, tech] : rest
      this.changed(entry)
    }
  }

  private async customerChanged(name: string, action: string): Promise<void> {
    if (action === 'delete') return
    for (const s of this.building()) s.outdated = true
    const customerName = await this.source.customerName(name)
    if (customerName) this.customers.set(name, customerName)
    else this.customers.delete(name)
    for (const entry of this.built()) {
      let touched = false
      for (const [key, job] of entry.jobs) {
        if (job.customer !== name || job.customer_name === (customerName ?? undefined)) continue
        const next = { ...job }
        if (customerName) next.customer_name = customerName
        else delete next.customer_name
        entry.jobs.set(key, next)
        touched = true
      }
      if (touched) this.changed(entry)
    }
  }

  private async tagsChanged(): Promise<void> {
    // A renamed or deleted tag changes the tags of every document that carried it: built again.
    for (const s of this.building()) s.outdated = true
    this.invalidate('a tag changed')
  }

  private ensureSweeping(): void {
    if (this.timer || this.opts.sweepEveryMs <= 0) return
    this.lastSweep = this.now()
    this.timer = setInterval(
      () => {
        if (this.now() - this.lastSweep >= this.opts.sweepEveryMs) void this.sweep()
      },
      Math.min(this.opts.sweepEveryMs, 5_000),
    )
    this.timer.unref?.()
  }

  private async sweepOnce(): Promise<void> {
    this.lastSweep = this.now()
    for (const s of [...this.slots.values()])
      if (s.entry && this.now() - s.entry.usedAt > this.opts.idleMs) this.slots.delete(s.key)
    const entries = this.built()
    if (entries.length === 0 || !this.watermark) return
    try {
      const changed = await this.source.changedSince(this.watermark, this.opts.sweepLimit)
      if (changed.length >= this.opts.sweepLimit) return this.invalidate('many jobs changed in ERPNext')
      for (const row of changed) {
        const known = entries.every((e) => e.jobs.get(row.name)?.modified === row.modified)
        if (row.modified > this.watermark) this.watermark = row.modified
        if (!known) await this.track(this.jobChanged(row.name, 'update'))
      }
      // A job deleted in ERPNext leaves no trace but the count.
      for (const entry of this.built()) {
        const version = entry.version
        const n = await this.source.count(entry.from, entry.to)
        if (entry.version === version && n !== entry.jobs.size) {
          this.log(`${entry.from}…${entry.to} holds ${entry.jobs.size} jobs, ERPNext ${n}`)
          const key = `${entry.from}|${entry.to}`
          if (this.slots.get(key)?.entry === entry) {
            this.slots.delete(key)
            void this.start(entry.from, entry.to).ready.catch(() => undefined)
          }
        }
      }
    } catch (err) {
      this.log(`sweep failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
}
