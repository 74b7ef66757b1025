import { describe, expect, it } from 'vitest'
import { fromColumns, isBoardHead, toColumns, BOARD_ENCODING_VERSION } from './boardEncoding'

describe('the board’s column encoding', () => {
  it('gives back every field of every record, whatever the fields, and leaves absent ones absent', () => {
    const records = [
      { name: 'DJ-1', status: 'Scheduled', start: 1, tags: ['Fibre', 'Nacelle'], pinned: true, window: '08:00' },
      { name: 'DJ-2', status: 'Scheduled', start: 2, tags: [] },
      { name: 'DJ-3', status: 'Unscheduled', tags: ['Fibre'], note: { any: 'value' } },
      { name: 'DJ-4', status: 'Scheduled', start: 0, latitude: 45.5, pinned: false },
    ]
    expect(fromColumns(toColumns(records))).toEqual(records)
  })

  it('sends a repeated text once, and a text that does not repeat as it is', () => {
    const records = Array.from({ length: 10 }, (_, i) => ({
      name: `DJ-${i}`,
      status: i % 2 ? 'Scheduled' : 'Completed',
    }))
    const cols = toColumns(records)
    expect(cols.c.status).toEqual({ d: ['Completed', 'Scheduled'], i: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2] })
    expect(cols.c.name).toEqual({ v: records.map((r) => r.name) })
  })

  it('holds no records as well as many', () => {
    expect(fromColumns(toColumns([]))).toEqual([])
  })

  it('recognises a head of its own version only', () => {
    const head = { v: BOARD_ENCODING_VERSION, from: '2026-12-01', to: '2026-12-01' }
    expect(isBoardHead(head)).toBe(true)
    expect(isBoardHead({ ...head, v: 0 })).toBe(false)
    expect(isBoardHead({ jobs: [] })).toBe(false)
    expect(isBoardHead(null)).toBe(false)
  })
})
