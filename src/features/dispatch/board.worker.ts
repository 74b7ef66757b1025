/**
 * Reads the dispatch board off the main thread: fetches it in the compact encoding (or reads the
 * body of the request the page made as the app opened), parses each
 * line as it arrives and hands the board back in two steps, the head (technicians, the queue, the
 * rows in view) as soon as it is read, then the range's other jobs. The page draws the head while
 * this worker is still reading the rest. See src/contracts/boardEncoding.ts and boardLoader.ts.
 */
import { BOARD_NDJSON, fromColumns, isBoardHead, type BoardRest } from 'src/contracts/boardEncoding'
import { EVENT_POSITION_HEADER } from 'src/contracts/eventIds'
import type { BoardJob, BoardPayload, BoardTechnician } from 'src/contracts/dispatch'
import type { BoardWorkerReply, BoardWorkerRequest } from './boardLoader'

interface WorkerScope {
  postMessage(message: BoardWorkerReply): void
  addEventListener(type: 'message', listener: (event: MessageEvent<BoardWorkerRequest>) => void): void
}
const scope = self as unknown as WorkerScope
const running = new Map<number, AbortController>()
/** Loads whose head the page has drawn: their rest may be sent (until then it would compete with that first paint). */
const released = new Map<number, () => void>()

function whenReleased(id: number): Promise<void> {
  return new Promise((resolve) => released.set(id, resolve))
}

/**
 * Reads a load's answer: from its own request, or from the body the page's request received
 * (`given`). `headRead`: the page has read the head itself; `given` then starts at the rest, and
 * a request made here has its head skipped.
 */
async function load(id: number, url: string, given?: ReadableStream<BufferSource>, headRead = false): Promise<void> {
  const controller = new AbortController()
  running.set(id, controller)
  try {
    let body = given
    let position: string | null = null
    if (!body) {
      const res = await fetch(url, {
        headers: { accept: BOARD_NDJSON },
        credentials: 'same-origin',
        signal: controller.signal,
      })
      if (!res.ok || !res.body) return scope.postMessage({ id, type: 'failed', status: res.status })
      body = res.body
      position = res.headers.get(EVENT_POSITION_HEADER)
    }
    const reader = body.pipeThrough(new TextDecoderStream()).getReader()
    // A cancelled load stops reading (and, through the pipe, the request it was given).
    controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => undefined))
    let parts: string[] = []
    // The lines read so far (the head, read by the page, counts as one).
    let lines = headRead && given ? 1 : 0
    const release = whenReleased(id)
    const rests: BoardJob[][] = []
    const take = (line: string) => {
      if (!line.trim()) return
      if (lines === 0 && headRead) {
        lines++
        return
      }
      const parsed: unknown = JSON.parse(line)
      if (lines++ === 0) {
        if (!isBoardHead(parsed)) throw new Error('not a board in the expected encoding')
        const payload: BoardPayload = {
          from: parsed.from,
          to: parsed.to,
          tags: parsed.tags as BoardPayload['tags'],
          technicians: fromColumns<BoardTechnician>(parsed.technicians),
          jobs: fromColumns<BoardJob>(parsed.jobs),
        }
        scope.postMessage({ id, type: 'head', payload, more: parsed.more, position })
      } else rests.push(fromColumns<BoardJob>((parsed as BoardRest).jobs))
    }
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      // Only the new text is searched for the end of a line: the rest can be megabytes long.
      let cut = value.indexOf('\n')
      let chunk = value
      while (cut >= 0) {
        parts.push(chunk.slice(0, cut))
        take(parts.join(''))
        parts = []
        chunk = chunk.slice(cut + 1)
        cut = chunk.indexOf('\n')
      }
      if (chunk) parts.push(chunk)
    }
    take(parts.join(''))
    if (rests.length) {
      await release
      for (const jobs of rests) scope.postMessage({ id, type: 'rest', jobs })
    }
    scope.postMessage({ id, type: 'done' })
  } catch (err) {
    if (!controller.signal.aborted)
      scope.postMessage({ id, type: 'failed', status: 0, message: err instanceof Error ? err.message : String(err) })
  } finally {
    running.delete(id)
    released.delete(id)
  }
}

scope.addEventListener('message', (event) => {
  const request = event.data
  if (request.type === 'cancel') {
    running.get(request.id)?.abort()
    released.get(request.id)?.()
  } else if (request.type === 'more') released.get(request.id)?.()
  else void load(request.id, request.url, request.body, request.headRead)
})
