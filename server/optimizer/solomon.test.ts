import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSolomon, solomonToProblem } from './solomon'

const C101 = resolve(import.meta.dirname, 'fixtures/C101.txt')

const TINY = `TINY

VEHICLE
NUMBER     CAPACITY
  2          10

CUSTOMER
CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME

    0      0          0          0          0        100          0
    1      3          4          5          0         50          2
    2      6          8          5         10         20          2
`

describe('parseSolomon', () => {
  it('reads a benchmark instance: fleet, depot and customers', () => {
    const inst = parseSolomon(readFileSync(C101, 'utf8'))
    expect(inst.name).toBe('C101')
    expect(inst.vehicles).toBe(25)
    expect(inst.capacity).toBe(200)
    expect(inst.depot).toEqual({ id: 0, x: 40, y: 50, demand: 0, ready: 0, due: 1236, service: 0 })
    expect(inst.customers).toHaveLength(100)
    expect(inst.customers[0]).toEqual({ id: 1, x: 45, y: 68, demand: 10, ready: 912, due: 967, service: 90 })
  })

  it('turns an instance into a request: every vehicle leaves the depot and is back by its due date', () => {
    const problem = solomonToProblem(parseSolomon(TINY))
    expect(problem.metric).toEqual({ kind: 'euclidean' })
    expect(problem.vehicles).toEqual([
      { id: 'v1', start: [0, 0], end: [0, 0], time_window: [0, 100], capacity: [10] },
      { id: 'v2', start: [0, 0], end: [0, 0], time_window: [0, 100], capacity: [10] },
    ])
    expect(problem.jobs[1]).toEqual({ id: '2', location: [6, 8], service: 2, time_windows: [[10, 20]], amount: [5] })
  })

  it.each([
    ['a field that is not a number', TINY.replace('6          8', '6          x'), 12, /"x" is not a number/],
    [
      'a short customer row',
      TINY.replace('    2      6          8          5         10         20          2', '  2 6 8'),
      12,
      /expected 7 numbers/,
    ],
    ['a missing VEHICLE section', TINY.replace('VEHICLE', 'VEHICLES'), 3, /VEHICLE/],
    ['a fleet line with one number', TINY.replace('  2          10', '  2'), 5, /expected 2 numbers/],
    ['a customer listed twice', TINY.replace('    2      6', '    1      6'), 12, /appears twice/],
    ['a window that closes before it opens', TINY.replace('10         20', '30         20'), 12, /after its due date/],
    [
      'no depot first',
      TINY.replace(
        '    0      0          0          0          0        100',
        '    9      0          0          0          0        100',
      ),
      10,
      /depot/,
    ],
  ])('refuses %s, naming the line', (_what, text, line, message) => {
    expect(() => parseSolomon(text)).toThrow(new RegExp(`line ${line}:`))
    expect(() => parseSolomon(text)).toThrow(message)
  })

  it('refuses an empty file', () => {
    expect(() => parseSolomon('\n\n')).toThrow(/line 1: the file is empty/)
  })
})
