import { describe, expect, it } from 'vitest'
import { rowLanes } from './geometry'

const job = (start: number, end: number) => ({ start, end })

describe('lanes of a technician’s row', () => {
  it('gives a job that overlaps none the full height', () => {
    expect(rowLanes([job(0, 10), job(10, 20), job(30, 40)])).toEqual([
      { lane: 0, of: 1 },
      { lane: 0, of: 1 },
      { lane: 0, of: 1 },
    ])
  })

  it('splits the height between overlapping jobs and leaves the next free job alone', () => {
    expect(rowLanes([job(0, 30), job(10, 20), job(15, 40), job(50, 60)])).toEqual([
      { lane: 0, of: 3 },
      { lane: 1, of: 3 },
      { lane: 2, of: 3 },
      { lane: 0, of: 1 },
    ])
  })

  it('reuses a lane freed inside a group', () => {
    // 0–30 holds lane 0; 5–10 and 12–20 both fit in lane 1 one after the other.
    expect(rowLanes([job(0, 30), job(5, 10), job(12, 20)])).toEqual([
      { lane: 0, of: 2 },
      { lane: 1, of: 2 },
      { lane: 1, of: 2 },
    ])
  })

  it('keeps a long job’s group open for a job that starts after a short neighbour ended', () => {
    // 0–100 overlaps 10–20 and 50–60: one group of two lanes, not two groups.
    expect(rowLanes([job(0, 100), job(10, 20), job(50, 60)])).toEqual([
      { lane: 0, of: 2 },
      { lane: 1, of: 2 },
      { lane: 1, of: 2 },
    ])
  })

  it('has nothing to lay out for an empty row', () => {
    expect(rowLanes([])).toEqual([])
  })
})
