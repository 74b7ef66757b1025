import { describe, expect, it } from 'vitest'
import { journalTime } from './journalFormat'

describe('journal times', () => {
  it('read in Québec site time, 24-hour, whatever the browser zone', () => {
    expect(journalTime('2026-11-27T20:21:34.120Z')).toBe('2026-11-27 15:21:34') // EST, UTC−5
    expect(journalTime('2026-07-01T04:05:06.000Z')).toBe('2026-07-01 00:05:06') // EDT, UTC−4
    expect(journalTime('2026-03-08T06:59:59.000Z')).toBe('2026-03-08 01:59:59')
    expect(journalTime('2026-03-08T07:00:00.000Z')).toBe('2026-03-08 03:00:00') // spring forward
  })

  it('shows what it was given when it is not a time', () => {
    expect(journalTime('not a time')).toBe('not a time')
  })
})
