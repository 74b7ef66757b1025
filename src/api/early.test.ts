import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

const api = vi.fn<(path: string) => Promise<unknown>>()
vi.mock('./http', () => ({ api: (path: string) => api(path) }))
const { askEarly, readTaking } = await import('./early')

describe('early reads', () => {
  beforeEach(() => {
    api.mockReset()
    vi.useFakeTimers({ toFake: ['Date'] })
  })
  afterEach(() => vi.useRealTimers())

  it('gives the early answer to the screen once, then reads afresh', async () => {
    api.mockResolvedValueOnce({ day: 'early' }).mockResolvedValueOnce({ day: 'second' })
    askEarly('/tech/day')
    expect(await readTaking('/tech/day')).toEqual({ day: 'early' })
    expect(await readTaking('/tech/day')).toEqual({ day: 'second' })
    expect(api).toHaveBeenCalledTimes(2)
  })

  it('asks again when the early read failed, so its error is never shown', async () => {
    api.mockRejectedValueOnce(new Error('401 before the persona was picked')).mockResolvedValueOnce({ day: 'mine' })
    askEarly('/tech/day')
    expect(await readTaking('/tech/day')).toEqual({ day: 'mine' })
    expect(api).toHaveBeenCalledTimes(2)
  })

  it('does not hand over an answer older than 30 s', async () => {
    api.mockResolvedValueOnce({ day: 'stale' }).mockResolvedValueOnce({ day: 'now' })
    askEarly('/tech/day')
    vi.setSystemTime(Date.now() + 31_000)
    expect(await readTaking('/tech/day')).toEqual({ day: 'now' })
  })

  it('reads other paths itself', async () => {
    api.mockResolvedValueOnce({ day: 'early' }).mockResolvedValueOnce({ job: 'DJ-1' })
    askEarly('/tech/day')
    expect(await readTaking('/tech/jobs/DJ-1')).toEqual({ job: 'DJ-1' })
    expect(api.mock.calls.map(([path]) => path)).toEqual(['/tech/day', '/tech/jobs/DJ-1'])
  })
})
