// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { BOARD_ENCODING_VERSION, toColumns } from 'src/contracts/boardEncoding'
import type { BoardPayload } from 'src/contracts/dispatch'
import type { BoardWorkerReply, BoardWorkerRequest } from './boardLoader'

/** Live-event listeners by type, as src/api/events would call them. */
const live = new Map<string, Set<(e: { id: string; type: string; data: unknown }) => void>>()
vi.mock('src/api/events', () => ({
  onLiveEvent: (type: string, fn: (e: { id: string; type: string; data: unknown }) => void) => {
    const set = live.get(type) ?? new Set()
    set.add(fn)
    live.set(type, set)
    return () => set.delete(fn)
  },
}))
vi.mock('src/api/http', () => ({ api: vi.fn() }))

/** The board's worker, played by the test: what the page posts, and what it answers. */
class FakeWorker {
  static last: FakeWorker | null = null
  /** Set to make handing over a stream fail, as in a browser that cannot transfer one. */
  static refuseStreams = false
  posted: BoardWorkerRequest[] = []
  transferred: unknown[] = []
  private listeners: ((e: MessageEvent<BoardWorkerReply>) => void)[] = []
  constructor() {
    FakeWorker.last = this
  }
  addEventListener(type: string, fn: (e: MessageEvent<BoardWorkerReply>) => void) {
    if (type === 'message') this.listeners.push(fn)
  }
  postMessage(message: BoardWorkerRequest, transfer: unknown[] = []) {
    if (transfer.length && FakeWorker.refuseStreams) throw new DOMException('not transferable', 'DataCloneError')
    this.posted.push(message)
    this.transferred.push(...transfer)
  }
  reply(message: BoardWorkerReply) {
    for (const fn of this.listeners) fn({ data: message } as MessageEvent<BoardWorkerReply>)
  }
  loads() {
    return this.posted.filter((m): m is Extract<BoardWorkerRequest, { type: 'load' }> => m.type === 'load')
  }
}

const WEEK = { from: '2026-11-30', to: '2026-12-06', rows: 30 }
const payload = (from: string, to: string): BoardPayload => ({ from, to, tags: [], technicians: [], jobs: [] })

/** A board's body in the compact encoding: its head line (one technician, one job), then its rest. */
const TECH = { name: 'TECH-1', full_name: 'Émilie Côté', status: 'Active' }
const JOB = { name: 'DJ-1', customer_name: 'Hélène Thériault', status: 'Scheduled', technician: 'TECH-1' }
const HEAD_LINE = `${JSON.stringify({
  v: BOARD_ENCODING_VERSION,
  from: WEEK.from,
  to: WEEK.to,
  tags: [],
  technicians: toColumns([TECH]),
  jobs: toColumns([JOB]),
  more: 1,
})}\n`
const REST_LINE = `${JSON.stringify({ jobs: toColumns([{ ...JOB, name: 'DJ-2' }]) })}\n`
const HEAD_PAYLOAD: BoardPayload = {
  from: WEEK.from,
  to: WEEK.to,
  tags: [],
  technicians: [TECH],
  jobs: [JOB],
} as unknown as BoardPayload

/** A stream of `text`'s bytes in chunks of `size` (cutting characters in two where they fall). */
function chunked(text: string, size: number): ReadableStream<Uint8Array<ArrayBuffer>> {
  const bytes = new TextEncoder().encode(text)
  let at = 0
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close()
      controller.enqueue(bytes.slice(at, at + size))
      at += size
    },
  })
}

async function textOf(stream: ReadableStream<BufferSource>): Promise<string> {
  return new Response(stream as ReadableStream<Uint8Array<ArrayBuffer>>).text()
}

/** The page's own requests: what was asked, and the answer each gets (a board's body by default). */
let requests: { url: string; init: RequestInit }[] = []
const boardAnswer = () => new Response(HEAD_LINE + REST_LINE, { status: 200, headers: { 'event-position': '17' } })
let answer: () => Promise<Response> = async () => boardAnswer()

async function freshLoader() {
  vi.resetModules()
  live.clear()
  requests = []
  vi.stubGlobal('Worker', FakeWorker)
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    requests.push({ url, init })
    return new Promise<Response>((resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
      answer().then(resolve, reject)
    })
  })
  const loader = await import('./boardLoader')
  const worker = () => FakeWorker.last!
  /** Once the page's early request has been answered and handed to the worker. */
  const handedOver = () => vi.waitFor(() => expect(worker().loads().length).toBeGreaterThan(0))
  return { ...loader, worker, handedOver }
}

describe('the board asked for as the app opens', () => {
  beforeEach(() => {
    FakeWorker.last = null
    FakeWorker.refuseStreams = false
    answer = async () => boardAnswer()
  })

  it('is requested by the page itself, which reads its head and hands the rest of its body to the worker', async () => {
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    expect(requests).toHaveLength(1)
    expect(requests[0].url).toContain('from=2026-11-30')
    expect(new Headers(requests[0].init.headers).get('accept')).toContain('ndjson')
    await handedOver()
    const [early] = worker().loads()
    expect(early.headRead).toBe(true)
    expect(early.body).toBeInstanceOf(ReadableStream)
    expect(worker().transferred).toEqual([early.body])
    expect(await textOf(early.body!)).toBe(REST_LINE)
    // The head is the page's already, worker or not: drawn as soon as the page asks for it, with
    // the position in the live stream the board was read at.
    const head = vi.fn()
    void loadBoard(WEEK, { head, rest: vi.fn() })
    expect(head).toHaveBeenCalledWith(HEAD_PAYLOAD, 1, '17')
  })

  it('is read by the worker, whole, when its body is not a board in the expected encoding', async () => {
    answer = async () => new Response('{"from":"2026-11-30"}\n', { status: 200 })
    const { prefetchBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const [early] = worker().loads()
    expect(early.body).toBeUndefined()
    expect(early.headRead).toBeUndefined()
  })

  it('is asked again by the worker when the page’s request was refused', async () => {
    answer = async () => new Response('{}', { status: 503 })
    const { prefetchBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const [early] = worker().loads()
    expect(early.body).toBeUndefined()
    expect(early.url).toContain('from=2026-11-30')
  })

  it('has its rest asked again by the worker where a stream cannot be handed over', async () => {
    FakeWorker.refuseStreams = true
    const { prefetchBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const [early] = worker().loads()
    expect(early.body).toBeUndefined()
    expect(early.headRead).toBe(true)
  })

  it('stops the page’s request when dropped before its answer came', async () => {
    let arrive: (res: Response) => void = () => undefined
    answer = () => new Promise<Response>((resolve) => (arrive = resolve))
    const { prefetchBoard, loadBoard, worker } = await freshLoader()
    prefetchBoard(WEEK)
    const signal = requests[0].init.signal!
    const day = { from: '2026-12-03', to: '2026-12-03', rows: 30 }
    void loadBoard(day, { head: vi.fn(), rest: vi.fn() })
    expect(signal.aborted).toBe(true)
    arrive(new Response('{}\n'))
    await new Promise((r) => setTimeout(r, 0))
    // Only the page's load of the day reached the worker.
    expect(
      worker()
        .loads()
        .map((l) => l.url),
    ).toEqual([expect.stringContaining('from=2026-12-03')])
  })

  it('is taken over by the page’s first load of the same range, with what already arrived: asked once', async () => {
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const [early] = worker().loads()
    expect(early.url).toContain('from=2026-11-30')
    // The head and the rest arrive before the page is there to draw them.
    worker().reply({ id: early.id, type: 'rest', jobs: [] })
    worker().reply({ id: early.id, type: 'done' })
    const head = vi.fn()
    const rest = vi.fn()
    await loadBoard(WEEK, { head, rest })
    expect(head).toHaveBeenCalledWith(HEAD_PAYLOAD, 1, '17')
    expect(rest).toHaveBeenCalledWith([])
    expect(worker().loads()).toHaveLength(1)
  })

  it('goes on feeding the page once taken over, when its answer comes later', async () => {
    let arrive: (res: Response) => void = () => undefined
    answer = () => new Promise<Response>((resolve) => (arrive = resolve))
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    const head = vi.fn()
    const done = loadBoard(WEEK, { head, rest: vi.fn() })
    expect(head).not.toHaveBeenCalled()
    // The head comes in pieces, a character cut in two among them.
    arrive(new Response(chunked(HEAD_LINE + REST_LINE, 7)))
    await handedOver()
    expect(head).toHaveBeenCalledWith(HEAD_PAYLOAD, 1, null)
    const [early] = worker().loads()
    worker().reply({ id: early.id, type: 'done' })
    await done
    expect(head).toHaveBeenCalledTimes(1)
    expect(worker().loads()).toHaveLength(1)
  })

  it('is dropped for a load of another range, which is asked for afresh', async () => {
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const day = { from: '2026-12-03', to: '2026-12-03', rows: 30 }
    const head = vi.fn()
    const done = loadBoard(day, { head, rest: vi.fn() })
    const [early, own] = worker().loads()
    expect(worker().posted).toContainEqual({ type: 'cancel', id: early.id })
    expect(own.url).toContain('from=2026-12-03')
    // A late answer to the dropped load is not drawn.
    worker().reply({ id: early.id, type: 'head', payload: payload(WEEK.from, WEEK.to), more: 0, position: '3' })
    worker().reply({ id: own.id, type: 'head', payload: payload(day.from, day.to), more: 0, position: '4' })
    worker().reply({ id: own.id, type: 'done' })
    await done
    expect(head).toHaveBeenCalledTimes(1)
    expect(head).toHaveBeenCalledWith(payload(day.from, day.to), 0, '4')
  })

  it.each([
    // Another dispatcher moves a job, or an admin adds a technician: the early answer may predate it.
    ['a job', { doctype: 'Dispatch Job', name: 'DJ-1' }],
    ['a technician', { doctype: 'Technician', name: 'TECH-031', action: 'create' }],
  ])('is not used when %s changed while it was on its way: the page reads the board again', async (_, change) => {
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    await handedOver()
    const [early] = worker().loads()
    worker().reply({ id: early.id, type: 'head', payload: payload(WEEK.from, WEEK.to), more: 0, position: '3' })
    for (const fn of live.get('doc_update') ?? []) fn({ id: '5', type: 'doc_update', data: change })
    const head = vi.fn()
    const done = loadBoard(WEEK, { head, rest: vi.fn() })
    expect(head).not.toHaveBeenCalled()
    const loads = worker().loads()
    expect(loads).toHaveLength(2)
    worker().reply({ id: loads[1].id, type: 'head', payload: payload(WEEK.from, WEEK.to), more: 0, position: '4' })
    worker().reply({ id: loads[1].id, type: 'done' })
    await done
    expect(head).toHaveBeenCalledTimes(1)
    // Listening stops once the early load is settled.
    expect(live.get('doc_update')?.size).toBe(0)
  })

  it('ignores changes to other documents', async () => {
    const { prefetchBoard, loadBoard, worker, handedOver } = await freshLoader()
    prefetchBoard(WEEK)
    for (const fn of live.get('doc_update') ?? [])
      fn({ id: '5', type: 'doc_update', data: { doctype: 'Customer', name: 'CUST-1' } })
    const head = vi.fn()
    const done = loadBoard(WEEK, { head, rest: vi.fn() })
    await handedOver()
    const [early] = worker().loads()
    worker().reply({ id: early.id, type: 'done' })
    await done
    expect(head).toHaveBeenCalledTimes(1)
    expect(worker().loads()).toHaveLength(1)
  })
})

describe('the head of a board, read on the page', () => {
  it('is read up to the end of its line, however its bytes are cut, and the rest is left as it came', async () => {
    const { readHead } = await freshLoader()
    for (const size of [1, 5, 64, 100_000]) {
      const read = await readHead(chunked(HEAD_LINE + REST_LINE, size))
      expect(read?.payload).toEqual(HEAD_PAYLOAD)
      expect(read?.more).toBe(1)
      expect(await textOf(read!.rest)).toBe(REST_LINE)
    }
  })

  it('leaves an empty rest when the board has no other line', async () => {
    const { readHead } = await freshLoader()
    const read = await readHead(chunked(HEAD_LINE, 16))
    expect(read?.payload).toEqual(HEAD_PAYLOAD)
    expect(await textOf(read!.rest)).toBe('')
  })

  it('is null, and the body let go, when the body is not a board in the expected encoding', async () => {
    const { readHead } = await freshLoader()
    let cancelled = false
    const body = new ReadableStream<Uint8Array<ArrayBuffer>>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"v":0,"from":"2026-11-30"}\n{"jobs":'))
      },
      cancel() {
        cancelled = true
      },
    })
    expect(await readHead(body)).toBeNull()
    expect(cancelled).toBe(true)
    expect(await readHead(chunked('<html>Service indisponible</html>', 8))).toBeNull()
  })
})
