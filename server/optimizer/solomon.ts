/**
 * Solomon's VRPTW instance format (the 56 benchmark instances of 1987): a name line, a VEHICLE
 * section (count and capacity), a CUSTOMER section with one row per customer (number, x, y,
 * demand, ready time, due date, service time). Customer 0 is the depot; its due date is when
 * vehicles must be back. Distances are Euclidean and travel time equals distance.
 */
import type { VrpProblem } from './types'

export interface SolomonCustomer {
  id: number
  x: number
  y: number
  demand: number
  ready: number
  due: number
  service: number
}

export interface SolomonInstance {
  name: string
  vehicles: number
  capacity: number
  /** The depot first (id 0), then the customers in file order. */
  depot: SolomonCustomer
  customers: SolomonCustomer[]
}

function fail(line: number, message: string): never {
  throw new Error(`Solomon instance, line ${line}: ${message}`)
}

function numbers(text: string, line: number, count: number, what: string): number[] {
  const fields = text.trim().split(/\s+/)
  if (fields.length !== count) fail(line, `expected ${count} numbers (${what}), found ${fields.length}.`)
  return fields.map((f) => {
    const v = Number(f)
    if (!Number.isFinite(v)) fail(line, `"${f}" is not a number (${what}).`)
    return v
  })
}

/** Reads an instance; a malformed file is refused with the line at fault. */
export function parseSolomon(text: string): SolomonInstance {
  const lines = text.split(/\r?\n/)
  let i = 0
  const skipBlank = (): void => {
    while (i < lines.length && lines[i].trim() === '') i++
  }
  skipBlank()
  if (i >= lines.length) fail(1, 'the file is empty.')
  const name = lines[i].trim()
  i++
  skipBlank()
  if (lines[i]?.trim().toUpperCase() !== 'VEHICLE') fail(i + 1, 'expected the "VEHICLE" section.')
  i++
  skipBlank()
  if (!/^NUMBER\s+CAPACITY$/i.test(lines[i]?.trim() ?? '')) fail(i + 1, 'expected the "NUMBER CAPACITY" header.')
  i++
  skipBlank()
  if (i >= lines.length) fail(i + 1, 'the vehicle count and capacity are missing.')
  const [vehicles, capacity] = numbers(lines[i], i + 1, 2, 'vehicle count and capacity')
  if (!Number.isInteger(vehicles) || vehicles < 1) fail(i + 1, 'the vehicle count must be a positive integer.')
  if (capacity <= 0) fail(i + 1, 'the capacity must be positive.')
  i++
  skipBlank()
  if (lines[i]?.trim().toUpperCase() !== 'CUSTOMER') fail(i + 1, 'expected the "CUSTOMER" section.')
  i++
  skipBlank()
  if (!/^CUST\s+NO\./i.test(lines[i]?.trim() ?? '')) fail(i + 1, 'expected the customer column header.')
  i++
  const rows: SolomonCustomer[] = []
  const seen = new Set<number>()
  for (; i < lines.length; i++) {
    if (lines[i].trim() === '') continue
    const line = i + 1
    const [id, x, y, demand, ready, due, service] = numbers(
      lines[i],
      line,
      7,
      'customer number, x, y, demand, ready time, due date, service time',
    )
    if (!Number.isInteger(id) || id < 0) fail(line, `the customer number ${id} is not a whole number ≥ 0.`)
    if (rows.length === 0 && id !== 0) fail(line, 'the first customer must be the depot, number 0.')
    if (seen.has(id)) fail(line, `customer ${id} appears twice.`)
    if (demand < 0 || service < 0) fail(line, 'demand and service time cannot be negative.')
    if (ready > due) fail(line, `customer ${id} is ready (${ready}) after its due date (${due}).`)
    if (demand > capacity) fail(line, `customer ${id}'s demand (${demand}) exceeds the vehicle capacity (${capacity}).`)
    seen.add(id)
    rows.push({ id, x, y, demand, ready, due, service })
  }
  if (rows.length === 0) fail(lines.length, 'the depot (customer 0) is missing.')
  return { name, vehicles, capacity, depot: rows[0], customers: rows.slice(1) }
}

/** The instance as an optimizer request: every vehicle leaves the depot and returns by its due date. */
export function solomonToProblem(inst: SolomonInstance): VrpProblem {
  const depot: [number, number] = [inst.depot.x, inst.depot.y]
  return {
    metric: { kind: 'euclidean' },
    vehicles: Array.from({ length: inst.vehicles }, (_, k) => ({
      id: `v${k + 1}`,
      start: depot,
      end: depot,
      time_window: [inst.depot.ready, inst.depot.due],
      capacity: [inst.capacity],
    })),
    jobs: inst.customers.map((c) => ({
      id: String(c.id),
      location: [c.x, c.y],
      service: c.service,
      time_windows: [[c.ready, c.due]],
      amount: [c.demand],
    })),
  }
}
