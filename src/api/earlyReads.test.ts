// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { EARLY_READS_KEY, type EarlyReads } from 'src/contracts/openingScreen'
import { fetchTakingEarly } from './earlyReads'

/** The requests that went to the network, past the reads index.html started. */
let fetched: string[] = []

function started(reads: EarlyReads) {
  ;(window as unknown as Record<string, unknown>)[EARLY_READS_KEY] = reads
}

describe('the reads index.html started, taken by the app’s client', () => {
  beforeEach(() => {
    fetched = []
    vi.stubGlobal('fetch', (url: string) => {
      fetched.push(url)
      return Promise.resolve(new Response('{"fresh":true}'))
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
    delete (window as unknown as Record<string, unknown>)[EARLY_READS_KEY]
  })

  it('answers the first GET of the same address with the answer already on its way, once', async () => {
    const early = new Response('{"early":true}')
    started({ '/ops/api/me': { at: Date.now(), answer: Promise.resolve(early) } })
    expect(await fetchTakingEarly('/ops/api/me', { credentials: 'same-origin' })).toBe(early)
    expect(fetched).toEqual([])
    expect(await (await fetchTakingEarly('/ops/api/me')).json()).toEqual({ fresh: true })
    expect(fetched).toEqual(['/ops/api/me'])
  })

  it('asks again when the early read failed, or is too old', async () => {
    started({
      '/ops/api/me': { at: Date.now(), answer: Promise.reject(new TypeError('Failed to fetch')) },
      '/ops/api/tech/day': { at: Date.now() - 60_000, answer: Promise.resolve(new Response('{"old":true}')) },
    })
    expect(await (await fetchTakingEarly('/ops/api/me')).json()).toEqual({ fresh: true })
    expect(await (await fetchTakingEarly('/ops/api/tech/day')).json()).toEqual({ fresh: true })
    expect(fetched).toEqual(['/ops/api/me', '/ops/api/tech/day'])
  })

  it('leaves writes and other addresses to the network', async () => {
    const early = { at: Date.now(), answer: Promise.resolve(new Response('{"early":true}')) }
    started({ '/ops/api/me': early })
    await fetchTakingEarly('/ops/api/me', { method: 'POST', body: '{}' })
    await fetchTakingEarly('/ops/api/clients')
    expect(fetched).toEqual(['/ops/api/me', '/ops/api/clients'])
    // The early read is still there for the GET.
    expect(await (await fetchTakingEarly('/ops/api/me')).json()).toEqual({ early: true })
  })

  it('gives up waiting when the caller aborts', async () => {
    let arrive: (res: Response) => void = () => undefined
    started({ '/ops/api/me': { at: Date.now(), answer: new Promise<Response>((r) => (arrive = r)) } })
    const controller = new AbortController()
    const answer = fetchTakingEarly('/ops/api/me', { signal: controller.signal })
    controller.abort(new DOMException('stopped', 'AbortError'))
    await expect(answer).rejects.toThrow('stopped')
    arrive(new Response('{}'))
  })
})
