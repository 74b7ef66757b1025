/**
 * GET /ops/api/dispatch/board?from=YYYY-MM-DD&to=YYYY-MM-DD[&rows=N] — the dispatch board's view
 * model (capability dispatch:view), answered from the board kept ready in memory (boardCache.ts).
 *
 * With `Accept: application/x-ndjson` it comes in the compact encoding, the first `rows` rows of
 * the board (and the queue) first (src/contracts/boardEncoding.ts); otherwise as one JSON
 * BoardPayload. `Server-Timing` says how long the answer took in the BFF; `Event-Position` the
 * newest live event the board shows, so the page replays the ones after it (src/api/events.ts).
 */
import { FastResponse } from 'srvx'
import type { H3 } from 'h3'
import type { AppContext } from '../app'
import { Refusal } from '../errors'
import { requireCapability } from '../guard'
import { BOARD_NDJSON } from '../../src/contracts/boardEncoding'
import { EVENT_POSITION_HEADER } from '../../src/contracts/eventIds'
import { addDays, mondayOf, toFrappeDate } from '../../src/contracts/frappeTime'
import { BoardCache, type BoardCacheOptions } from './boardCache'
import { erpBoardSource, type BoardSource } from './boardSource'
import { encoded } from './boardWire'
import { errorField, log } from '../log'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A week view plus margins is the widest range a board asks for. */
export const MAX_RANGE_DAYS = 14
/** Rows in the head when the client does not say; the head never holds more than this many. */
const DEFAULT_ROWS = 30
const MAX_ROWS = 200
/** A burst of changes (a drag, an optimizer run) is encoded again once, this long after the last. */
const ENCODE_AFTER_MS = 30
/** Smaller bodies go as they are. */
const COMPRESS_FROM_BYTES = 32 * 1024

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export interface BoardRouteOptions extends BoardCacheOptions {
  source?: BoardSource
  /** Build this week's board and today's at start (a served BFF), so the first dispatcher does not wait. */
  warm?: boolean
}

export function boardRoute(app: H3, ctx: AppContext, options: BoardRouteOptions = {}): BoardCache {
  const cache = new BoardCache(options.source ?? erpBoardSource(ctx.erp), options)
  const timers = new WeakMap<object, ReturnType<typeof setTimeout>>()
  cache.onChange = (entry) => {
    clearTimeout(timers.get(entry))
    const timer = setTimeout(() => {
      for (const variant of entry.variants) void encoded(entry, variant).catch(() => undefined)
    }, ENCODE_AFTER_MS)
    timer.unref?.()
    timers.set(entry, timer)
  }
  // The newest event this replica has received. A request waits until every event received is
  // applied (BoardCache.board), so the board it answers shows every event up to this one. Before
  // any arrives, the stream's newest at start: every board is built from ERPNext after it.
  let position: string | null = null
  const startRead = ctx.bus.lastId().then(
    (id) => {
      position ??= id
    },
    () => undefined,
  )
  ctx.bus.subscribe((event) => {
    position = event.id
    void cache.onEvent(event)
  })

  if (options.warm) {
    const warm = setTimeout(() => {
      const started = performance.now()
      const today = toFrappeDate(new Date())
      const monday = mondayOf(today)
      void cache
        .board(monday, addDays(monday, 6))
        .then(() => cache.board(today, today))
        .then(async (entry) => {
          await encoded(entry, `rows:${DEFAULT_ROWS}`)
          // Said once, so an operator (and a bench) knows when this replica's start-up reads are over.
          log.info({ week: monday, ms: Math.round(performance.now() - started) }, 'dispatch board: ready')
        })
        .catch((err: unknown) => log.warn({ err: errorField(err) }, 'dispatch board: warm-up failed'))
    }, 2_000)
    warm.unref()
  }

  app.get('/ops/api/dispatch/board', async (event) => {
    requireCapability(ctx, event, 'dispatch:view')
    const started = performance.now()
    const params = event.url.searchParams
    const from = params.get('from') ?? ''
    const to = params.get('to') ?? from
    const span = DATE.test(from) && DATE.test(to) ? daysBetween(from, to) : NaN
    if (!(span >= 0 && span <= MAX_RANGE_DAYS)) {
      throw new Refusal(400, 'INVALID_RANGE', {
        fr: `Période invalide : indiquez from et to (AAAA-MM-JJ), ${MAX_RANGE_DAYS} jours au plus.`,
        en: `Invalid range: give from and to (YYYY-MM-DD), at most ${MAX_RANGE_DAYS} days apart.`,
      })
    }
    const compact = (event.req.headers.get('accept') ?? '').includes(BOARD_NDJSON)
    const askedRows = Number(params.get('rows') ?? DEFAULT_ROWS)
    const rows = Number.isInteger(askedRows) && askedRows >= 0 ? Math.min(askedRows, MAX_ROWS) : DEFAULT_ROWS
    await startRead
    const at = position
    const entry = await cache.board(from, to)
    const body = await encoded(entry, compact ? `rows:${rows}` : 'json')
    const gzip =
      body.plain.length >= COMPRESS_FROM_BYTES && /\bgzip\b/.test(event.req.headers.get('accept-encoding') ?? '')
    const bytes = gzip ? body.gzip : body.plain
    const headers: Record<string, string> = {
      'content-type': compact ? `${BOARD_NDJSON}; charset=utf-8` : 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      vary: 'accept, accept-encoding',
      'server-timing': `board;dur=${(performance.now() - started).toFixed(1)}`,
    }
    if (gzip) headers['content-encoding'] = 'gzip'
    if (at !== null) headers[EVENT_POSITION_HEADER] = at
    return new FastResponse(bytes, { status: 200, headers })
  })
  return cache
}
