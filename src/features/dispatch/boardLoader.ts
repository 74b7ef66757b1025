/**
 * Loads the board in two parts: the head — technicians, the queue and the rows in view — read on
 * the page as it arrives, then the range's other jobs, parsed off the main thread by the worker
 * (board.worker.ts). Where no worker can run, or the worker's request fails, the board is read as
 * one JSON payload through the usual client, which also turns a refusal into the ApiError the page
 * shows.
 */
import { api } from 'src/api/http'
import { onLiveEvent } from 'src/api/events'
import { BOARD_NDJSON, fromColumns, isBoardHead } from 'src/contracts/boardEncoding'
import { EVENT_POSITION_HEADER } from 'src/contracts/eventIds'
import { boardChangeOf } from './livePatches'
import type { BoardJob, BoardPayload, BoardTechnician } from 'src/contracts/dispatch'

export type BoardWorkerRequest =
  /**
   * `body`: the answer's body when the page made the request itself (see prefetchBoard);
   * `headRead`: the page has read the head itself, so `body` starts at the rest (and a request
   * made afresh has its head skipped).
   */
  | { type: 'load'; id: number; url: string; body?: ReadableStream<BufferSource>; headRead?: boolean }
  /** The head is drawn: the rest may come. */
  | { type: 'more'; id: number }
  | { type: 'cancel'; id: number }

export type BoardWorkerReply =
  /** `position`: the newest live event the board shows (the answer's Event-Position), if it said. */
  | { id: number; type: 'head'; payload: BoardPayload; more: number; position: string | null }
  | { id: number; type: 'rest'; jobs: BoardJob[] }
  | { id: number; type: 'done' }
  | { id: number; type: 'failed'; status: number; message?: string }

export interface BoardQuery {
  from: string
  to: string
  /** Rows the board shows first (those in view). */
  rows: number
}

export interface BoardParts {
  /**
   * The head: every technician and tag, the queue, and the jobs of the first `rows` rows;
   * `position`, the newest live event the board shows (null when the answer did not say).
   */
  head(payload: BoardPayload, more: number, position: string | null): void
  /** The range's other jobs. */
  rest(jobs: BoardJob[]): void
}

let worker: Worker | null | undefined
let nextId = 0
const waiting = new Map<number, (reply: BoardWorkerReply) => void>()

function boardWorker(): Worker | null {
  if (worker !== undefined) return worker
  try {
    worker =
      typeof Worker === 'function'
        ? new Worker(new URL('./board.worker.ts', import.meta.url), { type: 'module', name: 'board' })
        : null
  } catch {
    worker = null
  }
  worker?.addEventListener('message', (event: MessageEvent<BoardWorkerReply>) =>
    waiting.get(event.data.id)?.(event.data),
  )
  worker?.addEventListener('error', () => {
    // A worker that cannot start (an old browser, a blocked script): the main thread reads the board.
    worker = null
    for (const [id, answer] of waiting) answer({ id, type: 'failed', status: 0 })
  })
  return worker
}

/** Starts the worker ahead of the first load, so its script is there when the board is asked for. */
export function prepareBoardWorker(): void {
  boardWorker()
}

/** The board's address for a range. */
function boardUrl(query: BoardQuery): string {
  return `/ops/api/dispatch/board?${new URLSearchParams({ from: query.from, to: query.to, rows: String(query.rows) })}`
}

/** A load started as the app opened, before the board's page asked for it (prefetchBoard). */
interface EarlyLoad {
  id: number
  url: string
  /** The worker's replies so far, handed to the page's load when it takes this one over. */
  replies: BoardWorkerReply[]
  /** A job, a technician or a tag changed (or the stream asked for a resync) since it started: its answer may be stale. */
  stale: boolean
  stop: () => void
  /** Stops the page's own request, while it is still the page's. */
  abort: AbortController
}
let early: EarlyLoad | null = null
/** An early load the page never took over (it opened elsewhere) is dropped after this. */
const EARLY_KEPT_MS = 60_000

function dropEarly(w: Worker | null): void {
  if (!early) return
  early.stop()
  early.abort.abort()
  waiting.delete(early.id)
  w?.postMessage({ type: 'cancel', id: early.id } satisfies BoardWorkerRequest)
  early = null
}

/**
 * Asks for a range as the app opens on the board, while the shell and the board's code are still
 * on their way: the page's first load of the same range takes it over with what has arrived.
 * Live changes are listened to from now on, so one made meanwhile is not missed: the page then
 * loads afresh instead.
 */
export function prefetchBoard(query: BoardQuery): void {
  const w = boardWorker()
  if (!w || early) return
  const id = ++nextId
  const url = boardUrl(query)
  const changed = () => {
    if (early?.id === id) early.stale = true
  }
  const offChange = onLiveEvent('doc_update', (e) => {
    const change = boardChangeOf(e)
    if (change && change.kind !== 'customer') changed()
  })
  const offResync = onLiveEvent('resync', changed)
  const timer = setTimeout(() => {
    if (early?.id === id) dropEarly(w)
  }, EARLY_KEPT_MS)
  const load: EarlyLoad = {
    id,
    url,
    replies: [],
    stale: false,
    abort: new AbortController(),
    stop: () => {
      offChange()
      offResync()
      clearTimeout(timer)
    },
  }
  early = load
  waiting.set(id, (reply) => load.replies.push(reply))
  performance.mark('dispatch:board-asked', { detail: { early: true } })
  void askEarly(w, load)
}

/**
 * The early request is made here, on the page, rather than by the worker: the worker's script and
 * its request would otherwise wait behind the fifty-odd files of the shell and the board's code
 * that the browser fetches a few at a time. Its head is read here too, as it arrives, so the board
 * can be drawn as soon as its page is up, whether or not the worker has started by then (on a
 * busy machine it starts hundreds of milliseconds after it is created); the rest of the body is
 * handed to the worker to read. Where a stream cannot be handed over, or the request fails, the
 * worker makes it again itself.
 */
async function askEarly(w: Worker, load: EarlyLoad): Promise<void> {
  const { id, url } = load
  let body: ReadableStream<Uint8Array<ArrayBuffer>> | null = null
  let position: string | null = null
  try {
    const res = await fetch(url, {
      headers: { accept: BOARD_NDJSON },
      credentials: 'same-origin',
      signal: load.abort.signal,
      priority: 'high',
    })
    if (res.ok) {
      body = res.body
      position = res.headers.get(EVENT_POSITION_HEADER)
    } else void res.body?.cancel().catch(() => undefined)
  } catch {
    if (load.abort.signal.aborted) return
  }
  let rest: ReadableStream<Uint8Array<ArrayBuffer>> | null = null
  if (body) {
    const read = await readHead(body).catch(() => null)
    if (read) {
      waiting.get(id)?.({ id, type: 'head', payload: read.payload, more: read.more, position })
      rest = read.rest
    }
  }
  if (load.abort.signal.aborted) {
    void rest?.cancel().catch(() => undefined)
    return
  }
  if (rest) {
    try {
      w.postMessage({ type: 'load', id, url, body: rest, headRead: true } satisfies BoardWorkerRequest, [rest])
      return
    } catch {
      // A browser that cannot transfer a stream: the worker asks again, for the rest only.
      void rest.cancel().catch(() => undefined)
      w.postMessage({ type: 'load', id, url, headRead: true } satisfies BoardWorkerRequest)
      return
    }
  }
  w.postMessage({ type: 'load', id, url } satisfies BoardWorkerRequest)
}

/**
 * The head of a board in the compact encoding, read from the start of `body` up to its first
 * line's end, and the body's rest as a stream of its own (the bytes after that line first).
 * Null when the body is not a board in the expected encoding (the worker then asks again, and
 * says so).
 */
export async function readHead(
  body: ReadableStream<Uint8Array<ArrayBuffer>>,
): Promise<{ payload: BoardPayload; more: number; rest: ReadableStream<Uint8Array<ArrayBuffer>> } | null> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  let after: Uint8Array<ArrayBuffer> | null = null
  let ended = false
  for (;;) {
    const { done, value } = await reader.read()
    if (done) {
      text += decoder.decode()
      ended = true
      break
    }
    // A line ends at byte 0x0A, which UTF-8 never uses inside a character.
    const cut = value.indexOf(10)
    if (cut < 0) {
      text += decoder.decode(value, { stream: true })
      continue
    }
    text += decoder.decode(value.subarray(0, cut))
    after = value.subarray(cut + 1)
    break
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = null
  }
  if (!isBoardHead(parsed)) {
    void reader.cancel().catch(() => undefined)
    return null
  }
  const payload: BoardPayload = {
    from: parsed.from,
    to: parsed.to,
    tags: parsed.tags as BoardPayload['tags'],
    technicians: fromColumns<BoardTechnician>(parsed.technicians),
    jobs: fromColumns<BoardJob>(parsed.jobs),
  }
  const rest = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      if (after?.length) controller.enqueue(after)
      if (ended) controller.close()
    },
    async pull(controller) {
      const { done, value } = await reader.read()
      if (done) controller.close()
      else controller.enqueue(value)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
  return { payload, more: parsed.more, rest }
}

/** The early load of this address, if there is one still current; any other is dropped. */
function takeEarly(w: Worker, url: string): EarlyLoad | null {
  const taken = early && early.url === url && !early.stale ? early : null
  if (taken) {
    taken.stop()
    // From here the load is the page's: cancelling it tells the worker, and stops the request
    // made as the app opened if its answer is still on its way.
    early = null
  } else if (early) {
    performance.mark('dispatch:early-dropped', { detail: { stale: early.stale } })
    dropEarly(w)
  }
  return taken
}

/** After the next frame has been painted. */
function afterPaint(fn: () => void) {
  requestAnimationFrame(() => setTimeout(fn, 0))
}

async function asJson(query: BoardQuery, parts: BoardParts): Promise<void> {
  let position: string | null = null
  const payload = await api<BoardPayload>('/dispatch/board', {
    query: { from: query.from, to: query.to },
    onResponse({ response }) {
      position = response.headers.get(EVENT_POSITION_HEADER)
    },
  })
  parts.head(payload, 0, position)
}

/**
 * Loads a range; `head` and `rest` are called as the parts arrive, and the promise settles once
 * the whole board is in. `signal` stops a load a newer one has replaced.
 */
export function loadBoard(query: BoardQuery, parts: BoardParts, signal?: AbortSignal): Promise<void> {
  const w = boardWorker()
  if (!w) return asJson(query, parts)
  const url = boardUrl(query)
  const taken = takeEarly(w, url)
  const id = taken?.id ?? ++nextId
  return new Promise<void>((resolve, reject) => {
    const finish = () => {
      waiting.delete(id)
      signal?.removeEventListener('abort', cancel)
    }
    const cancel = () => {
      finish()
      taken?.abort.abort()
      w.postMessage({ type: 'cancel', id } satisfies BoardWorkerRequest)
      resolve()
    }
    signal?.addEventListener('abort', cancel)
    const answer = (reply: BoardWorkerReply) => {
      try {
        if (reply.type === 'head') {
          parts.head(reply.payload, reply.more, reply.position)
          // The rest is asked for once the head is on screen: receiving it costs the main thread.
          afterPaint(() => w.postMessage({ type: 'more', id } satisfies BoardWorkerRequest))
        } else if (reply.type === 'rest') parts.rest(reply.jobs)
        else if (reply.type === 'done') {
          finish()
          resolve()
        } else {
          finish()
          // Read again, whole, as JSON: the same request through the usual client says what went wrong.
          asJson(query, parts).then(resolve, reject)
        }
      } catch (err) {
        finish()
        reject(err instanceof Error ? err : new Error(String(err)))
      }
    }
    waiting.set(id, answer)
    if (taken) for (const reply of taken.replies) answer(reply)
    else {
      performance.mark('dispatch:board-asked', { detail: { early: false } })
      w.postMessage({ type: 'load', id, url } satisfies BoardWorkerRequest)
    }
  })
}
