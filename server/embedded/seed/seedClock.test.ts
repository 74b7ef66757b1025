/**
 * The demo dataset is laid out around the instant it is generated. Whatever that instant — either
 * side of a daylight-saving change, New Year's Eve, a Sunday, February 29, the night the month's
 * invoices are not yet posted — it must still hold what the journeys and a demo rely on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays, toFrappeDate } from '../../../src/contracts/frappeTime'
import { TECHNICIAN_PERSONA_ID } from '../../../src/contracts/personas'
import { deviceCategory, simulateDevice, type SimulatedEquipmentType } from '../hub/devices/simulate'
import { testConfig } from '../../testing'
import { datasetProblems, readings } from './datasetChecks'
import { generateDataset } from './index'

type Doc = Record<string, unknown>
type Dataset = Record<string, Doc[]>

const INSTANTS: readonly (readonly [string, string])[] = [
  ['the evening before clocks spring forward', '2026-03-07T22:30:00-05:00'],
  ['half an hour before clocks spring forward', '2026-03-08T01:30:00-05:00'],
  ['the morning clocks sprang forward', '2026-03-08T08:00:00-04:00'],
  ['the evening before clocks fall back', '2026-10-31T22:30:00-04:00'],
  ['the first 01:30 of the autumn change', '2026-11-01T01:30:00-04:00'],
  ['the second 01:30 of the autumn change', '2026-11-01T01:30:00-05:00'],
  ['the morning clocks fell back', '2026-11-01T08:00:00-05:00'],
  ['New Year’s Eve, 23:30', '2026-12-31T23:30:00-05:00'],
  ['a Sunday morning', '2026-12-06T10:00:00-05:00'],
  ['February 29 of a leap year', '2028-02-29T09:00:00-05:00'],
  ['the 1st of a month, before the billing run', '2026-12-01T01:00:00-05:00'],
]

const OPEN_TICKET = new Set(['Open', 'Replied', 'On Hold'])
const minutesOf = (datetime: unknown) =>
  Number(String(datetime).slice(11, 13)) * 60 + Number(String(datetime).slice(14, 16))
const dayOf = (datetime: unknown) => String(datetime).slice(0, 10)
/** The names of the documents that break a rule, a few of them. */
const breaking = (docs: Doc[], ok: (d: Doc) => boolean) =>
  docs
    .filter((d) => !ok(d))
    .map((d) => String(d.name))
    .slice(0, 10)

const timings: string[] = []
afterAll(() => console.log(`demo dataset generated in ${timings.join(', ')}`))

describe.each(INSTANTS)('the demo dataset generated %s', (_, iso) => {
  const now = new Date(iso)
  const today = toFrappeDate(now)
  const tomorrow = addDays(today, 1)
  let data: Dataset
  let booked: (day: string) => Set<string>
  beforeAll(() => {
    const started = performance.now()
    data = generateDataset({ profile: 'demo', now })
    timings.push(`${Math.round(performance.now() - started)} ms`)
    const assigned = data['Dispatch Job'].filter((j) => j.technician !== undefined && j.status !== 'Unscheduled')
    booked = (day) => new Set(assigned.filter((j) => dayOf(j.scheduled_start) === day).map((j) => String(j.technician)))
  })

  it('loads as Frappe would accept it', () => {
    expect(datasetProblems(data, now)).toEqual([])
  })

  it('has jobs today and tomorrow, the technician persona’s day, and technicians free tomorrow', () => {
    const working = (day: string) =>
      new Set(
        data['Dispatch Job']
          .filter(
            (j) =>
              j.technician !== undefined &&
              dayOf(j.scheduled_start) === day &&
              j.status !== 'Cancelled' &&
              j.status !== 'Unscheduled',
          )
          .map((j) => String(j.technician)),
      )
    expect(working(today).size).toBeGreaterThanOrEqual(3)
    expect(working(tomorrow).size).toBeGreaterThanOrEqual(3)
    expect(working(today)).toContain(TECHNICIAN_PERSONA_ID)
    const active = data.Technician.filter((t) => t.status === 'Active')
    const free = active.filter((t) => !booked(tomorrow).has(String(t.name)))
    expect(free.length).toBeGreaterThanOrEqual(3)
  })

  it('books work at quarter hours of the working day, and the status follows the clock', () => {
    const jobs = data['Dispatch Job']
    expect(
      breaking(
        jobs,
        (j) =>
          minutesOf(j.scheduled_start) % 15 === 0 &&
          minutesOf(j.scheduled_start) >= 7 * 60 &&
          minutesOf(j.scheduled_start) <= 19 * 60,
      ),
    ).toEqual([])
    expect(
      breaking(jobs, (j) => {
        const day = dayOf(j.scheduled_start)
        if (j.status === 'Unscheduled') return j.technician === undefined && day >= today
        if (day < today) return j.status === 'Completed' || j.status === 'Cancelled'
        if (day > today) return j.status === 'Scheduled' || j.status === 'Cancelled'
        return true
      }),
    ).toEqual([])
  })

  it('has an unassigned queue with urgent repairs for today', () => {
    const queue = data['Dispatch Job'].filter((j) => j.status === 'Unscheduled')
    expect(queue.length).toBeGreaterThan(60)
    expect(queue.filter((j) => j.priority === 'Urgent' && dayOf(j.scheduled_start) === today).length).toBeGreaterThan(0)
  })

  it('has customers with an open ticket and invoices, and overdue invoices', () => {
    const invoiced = new Set(data['Sales Invoice'].map((i) => String(i.customer)))
    const withBoth = new Set(
      data.Issue.filter((i) => i.status === 'Open' && invoiced.has(String(i.customer))).map((i) => i.customer),
    )
    expect(withBoth.size).toBeGreaterThanOrEqual(10)
    expect(data.Issue.filter((i) => OPEN_TICKET.has(String(i.status))).length).toBeGreaterThan(200)
    expect(data['Sales Invoice'].filter((i) => i.status === 'Overdue').length).toBeGreaterThan(0)
  })

  it('has equipment of every type at customers, and devices the hub can diagnose', () => {
    const installed = data['Service Equipment'].filter((e) => e.status === 'In Service' && e.customer !== undefined)
    const types = new Set(installed.map((e) => e.equipment_type))
    expect([...types].sort()).toEqual(['Mesh Node', 'ONT', 'Router', 'Set-top Box'])
    // Online now, its WAN up and, for an ONT, its fiber level good: what Diagnostiquer calls healthy.
    const healthy = (type: SimulatedEquipmentType) =>
      installed.some((e) => {
        if (e.equipment_type !== type || deviceCategory(String(e.serial_no)) !== 'healthy') return false
        const { document } = simulateDevice(
          {
            serial: String(e.serial_no),
            equipmentType: type,
            brand: String(e.brand),
            model: String(e.model),
            mac: e.mac_address as string | undefined,
          },
          now,
        )
        return (
          document !== null &&
          document.online &&
          document.wan.status === 'Connected' &&
          document.opticalStatus.every((o) => o.status === 'ok')
        )
      })
    for (const type of ['ONT', 'Router', 'Mesh Node'] as const) expect(healthy(type), type).toBe(true)
    const onts = installed.filter((e) => e.equipment_type === 'ONT').map((e) => deviceCategory(String(e.serial_no)))
    expect(onts).toContain('los')
    expect(onts).toContain('timeout')
  })
})

describe('the seed clock', () => {
  it('is set with SEED_NOW, an ISO date-time with its offset, and refused otherwise in one line', () => {
    expect(testConfig({ SEED_NOW: '2026-12-31T23:30:00-05:00' }).seedNow?.toISOString()).toBe(
      '2027-01-01T04:30:00.000Z',
    )
    expect(testConfig({}).seedNow).toBeNull()
    for (const wrong of ['2026-12-31', '2026-12-31T23:30:00', 'tomorrow', '2026-13-01T00:00:00Z']) {
      expect(() => testConfig({ SEED_NOW: wrong }), wrong).toThrow(
        /^SEED_NOW must be an ISO date-time with its UTC offset, e\.g\. 2026-12-31T23:30:00-05:00 \(got ".*"\)$/,
      )
    }
  })

  it('reads a site-local time in the repeated autumn hour as either of its instants', () => {
    expect(readings('2026-11-01 01:30:00.000000')).toEqual({
      earliest: Date.parse('2026-11-01T01:30:00-04:00'),
      latest: Date.parse('2026-11-01T01:30:00-05:00'),
    })
    const noon = Date.parse('2026-11-01T12:00:00-05:00')
    expect(readings('2026-11-01 12:00:00.000000')).toEqual({ earliest: noon, latest: noon })
    expect(readings('2026-03-08 02:30:00.000000').earliest).toBe(Date.parse('2026-03-08T03:30:00-04:00'))
  })
})
