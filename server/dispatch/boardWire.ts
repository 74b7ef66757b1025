/**
 * A kept board as bytes: the compact encoding (src/contracts/boardEncoding.ts), its head holding
 * the first rows in the board's order, or the plain JSON payload for other clients. Each is
 * encoded once per version of the board and gzipped beside, so a request costs a lookup.
 *
 * The gzip stream is cut where the head ends (a sync flush), so a browser inflates and reads the
 * head before the rest of the body has been inflated.
 */
import { promisify } from 'node:util'
import { constants, crc32, deflateRaw } from 'node:zlib'
import type { BoardJob, BoardTechnician } from '../../src/contracts/dispatch'
import { BOARD_ENCODING_VERSION, toColumns, type BoardHead, type BoardRest } from '../../src/contracts/boardEncoding'
import type { BoardEntry } from './boardCache'

const deflateRawAsync = promisify(deflateRaw)

export interface Encoded {
  /** The body's parts, in order (head first). */
  plain: Uint8Array<ArrayBuffer>
  gzip: Uint8Array<ArrayBuffer>
  /** Jobs in the head, and in all. */
  headJobs: number
  jobs: number
}

/** The board's rows in its order: active technicians, and inactive ones holding jobs in the range, by name. */
export function rowOrder(technicians: readonly BoardTechnician[], jobs: Iterable<BoardJob>): BoardTechnician[] {
  const busy = new Set<string>()
  for (const j of jobs) if (j.technician && j.status !== 'Unscheduled') busy.add(j.technician)
  return technicians
    .filter((t) => t.status !== 'Inactive' || busy.has(t.name))
    .sort((a, b) => a.full_name.localeCompare(b.full_name, 'fr') || a.name.localeCompare(b.name))
}

/** Gzip of parts, with a sync flush after each but the last: a reader inflates each part as it arrives. */
export async function gzipParts(parts: Buffer[]): Promise<Uint8Array<ArrayBuffer>> {
  const header = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff])
  const deflated = await Promise.all(
    parts.map((p, i) =>
      deflateRawAsync(p, {
        level: constants.Z_BEST_SPEED,
        finishFlush: i === parts.length - 1 ? constants.Z_FINISH : constants.Z_SYNC_FLUSH,
      }),
    ),
  )
  let crc = 0
  let size = 0
  for (const p of parts) {
    crc = crc32(p, crc)
    size += p.length
  }
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc >>> 0, 0)
  trailer.writeUInt32LE(size % 2 ** 32, 4)
  return Buffer.concat([header, ...deflated, trailer])
}

/** The compact encoding with the first `rows` rows' jobs (and the queue) in its head. */
export async function encodeCompact(entry: BoardEntry, rows: number): Promise<Encoded> {
  const ordered = rowOrder(entry.technicians, entry.jobs.values())
  const first = new Set(ordered.slice(0, rows).map((t) => t.name))
  const shown = new Set(ordered.map((t) => t.name))
  const head: BoardJob[] = []
  const rest: BoardJob[] = []
  for (const j of entry.jobs.values()) {
    if (j.status === 'Unscheduled' || (j.technician && first.has(j.technician))) head.push(j)
    else rest.push(j)
  }
  const headLine: BoardHead<BoardEntry['tags'][number]> = {
    v: BOARD_ENCODING_VERSION,
    from: entry.from,
    to: entry.to,
    tags: entry.tags,
    technicians: toColumns([...ordered, ...entry.technicians.filter((t) => !shown.has(t.name))]),
    jobs: toColumns(head),
    more: rest.length,
  }
  const parts = [Buffer.from(`${JSON.stringify(headLine)}\n`)]
  if (rest.length) parts.push(Buffer.from(`${JSON.stringify({ jobs: toColumns(rest) } satisfies BoardRest)}\n`))
  return { plain: Buffer.concat(parts), gzip: await gzipParts(parts), headJobs: head.length, jobs: entry.jobs.size }
}

/** The plain JSON payload (BoardPayload), for clients that do not ask for the compact encoding. */
export async function encodeJson(entry: BoardEntry): Promise<Encoded> {
  const part = Buffer.from(JSON.stringify(entry.payload()))
  return { plain: part, gzip: await gzipParts([part]), headJobs: entry.jobs.size, jobs: entry.jobs.size }
}

/** The encoding of a variant ("json" or "rows:N") for the entry's current version, made once. */
export function encoded(entry: BoardEntry, variant: string): Promise<Encoded> {
  const held = entry.encoded.get(variant) as Promise<Encoded> | undefined
  if (held) return held
  entry.variants.add(variant)
  const rows = variant.startsWith('rows:') ? Number(variant.slice(5)) : null
  const made = rows === null ? encodeJson(entry) : encodeCompact(entry, rows)
  entry.encoded.set(variant, made)
  made.catch(() => entry.encoded.delete(variant))
  return made
}
