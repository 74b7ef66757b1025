import { beforeAll, describe, expect, it } from 'vitest'
import { toFrappeDatetime } from '../../../src/contracts/frappeTime'
import { PERSONAS, TECHNICIAN_PERSONA_ID } from '../../../src/contracts/personas'
import { datasetProblems } from './datasetChecks'
import { DEMO_SEED, SEED_DOCTYPES, generateDataset, jobDays } from './index'

type Doc = Record<string, unknown>
type Dataset = Record<string, Doc[]>

// A Friday morning, 9:00 in Saint-Jérôme.
const NOW = new Date('2026-11-27T14:00:00Z')
const NOW_STRING = toFrappeDatetime(NOW)
const persona = PERSONAS.find((p) => p.id === 'technician')

const count = (docs: Doc[], pred: (d: Doc) => boolean) => docs.reduce((n, d) => n + (pred(d) ? 1 : 0), 0)
/** The names of the documents that break a rule (one assertion per rule keeps the suite fast). */
const breaking = (docs: Doc[], ok: (d: Doc) => boolean) =>
  docs
    .filter((d) => !ok(d))
    .map((d) => String(d.name))
    .slice(0, 10)
const between = (x: unknown, lo: number, hi: number) => Number(x) >= lo && Number(x) <= hi
const minutesOf = (datetime: string) => Number(datetime.slice(11, 13)) * 60 + Number(datetime.slice(14, 16))

function techSkills(dataset: Dataset): Map<string, Set<string>> {
  const category = new Map(dataset.Tag.map((t) => [t.name, t.category]))
  return new Map(
    dataset.Technician.map((t) => [
      String(t.name),
      new Set((t.tags as { tag: string }[]).map((r) => r.tag).filter((tag) => category.get(tag) === 'Skill')),
    ]),
  )
}

describe('demo dataset', () => {
  let demo: Dataset
  beforeAll(() => {
    demo = generateDataset({ profile: 'demo', now: NOW })
  })

  it('is the same for the same seed and now, and differs for another seed', () => {
    // Compared as JSON: a deep toEqual over 35,000 documents is slower than generating them.
    const again = generateDataset({ profile: 'demo', now: NOW, seed: DEMO_SEED })
    expect(JSON.stringify(again) === JSON.stringify(demo)).toBe(true)
    const other = generateDataset({ profile: 'demo', now: NOW, seed: 7 })
    expect(other.Customer[0]).not.toEqual(demo.Customer[0])
    expect(other['Service Equipment'][0].serial_no).not.toBe(demo['Service Equipment'][0].serial_no)
  })

  it('lists the doctypes in insertion order', () => {
    expect(Object.keys(demo)).toEqual([...SEED_DOCTYPES])
  })

  it('loads as Frappe would accept it: known fields, choices, mandatory fields, links, unique values', () => {
    expect(datasetProblems(demo, NOW)).toEqual([])
  })

  it('has the size of a regional operator', () => {
    expect(demo.Technician).toHaveLength(40)
    expect(count(demo.Technician, (t) => t.status === 'Inactive')).toBe(2)
    expect(demo.Customer).toHaveLength(4000)
    expect(count(demo.Customer, (c) => c.customer_type === 'Company')).toBeGreaterThan(20)
    expect(demo['Service Location'].length).toBeGreaterThan(4100)
    expect(demo['Service Location'].length).toBeLessThan(4500)
    expect(demo.Subscription).toHaveLength(demo['Service Location'].length)
    expect(demo['Dispatch Job']).toHaveLength(800)
    const open = count(demo.Issue, (i) => ['Open', 'Replied', 'On Hold'].includes(String(i.status)))
    expect(open).toBeGreaterThan(250)
    expect(open).toBeLessThan(350)
    expect(demo['Sales Invoice'].length).toBeGreaterThan(4000)
    expect(demo['Sales Invoice'].length).toBeLessThan(8000)
    expect(demo.Communication.length).toBeGreaterThan(2000)
    expect(demo['Service Equipment'].length).toBeGreaterThan(8000)
  })

  it('names documents with ERPNext naming series', () => {
    const patterns: Record<string, RegExp> = {
      Technician: /^TECH-\d{3,}$/,
      Customer: /^CUST-\d{5}$/,
      'Service Location': /^LOC-\d{5}$/,
      Subscription: /^ACC-SUB-\d{4}-\d{5}$/,
      Issue: /^ISS-\d{4}-\d{5}$/,
      'Service Equipment': /^EQ-\d{5}$/,
      'Dispatch Job': /^DJ-\d{4}-\d{5}$/,
      'Sales Invoice': /^ACC-SINV-\d{4}-\d{5}$/,
      Communication: /^[0-9a-f]{10}$/,
    }
    for (const [doctype, pattern] of Object.entries(patterns)) {
      expect(
        breaking(demo[doctype], (d) => pattern.test(String(d.name))),
        doctype,
      ).toEqual([])
    }
    expect(breaking(demo.Tag, (t) => t.name === t.tag_name)).toEqual([])
    expect(breaking(demo.User, (u) => u.name === u.email)).toEqual([])
    expect(demo['Dispatch Job'].map((j) => j.name)).toContain('DJ-2026-00001')
  })

  it('signs the technician persona in as TECH-001, with jobs today', () => {
    const tech = demo.Technician.find((t) => t.name === TECHNICIAN_PERSONA_ID)
    expect(tech).toMatchObject({ full_name: persona?.name, email: persona?.email, status: 'Active' })
    const today = NOW_STRING.slice(0, 10)
    const mine = demo['Dispatch Job'].filter(
      (j) => j.technician === TECHNICIAN_PERSONA_ID && String(j.scheduled_start).startsWith(today),
    )
    expect(mine.length).toBeGreaterThanOrEqual(3)
  })

  it('gives one ERPNext user per persona, linked to Authentik', () => {
    expect(demo.User.map((u) => u.email)).toEqual(PERSONAS.map((p) => p.email))
    for (const u of demo.User) expect(u.social_logins).toEqual([{ provider: 'authentik', userid: u.email }])
  })

  it('gives technicians unique ASCII e-mails, tracker ids and colours, and tags that exist', () => {
    const techs = demo.Technician
    for (const key of ['email', 'traccar_device_id', 'color'])
      expect(new Set(techs.map((t) => t[key])).size, key).toBe(techs.length)
    expect(
      breaking(
        techs,
        (t) =>
          /^[a-z-]+\.[a-z-]+\d*@gigafibre\.ca$/.test(String(t.email)) &&
          /^#[0-9A-F]{6}$/.test(String(t.color)) &&
          /^\d{2}:\d{2}$/.test(String(t.shift_start)) &&
          between(t.home_latitude, 45.5, 46) &&
          between(t.home_longitude, -74.3, -73.4),
      ),
    ).toEqual([])
    const tags = new Set(demo.Tag.map((t) => t.name))
    expect(breaking(techs, (t) => (t.tags as { tag: string }[]).every((row) => tags.has(row.tag)))).toEqual([])
    expect(
      breaking(techs, (t) => (t.tags as { tag: string }[]).some((row) => row.tag === 'Fibre' || row.tag === 'Wi-Fi')),
    ).toEqual([])
  })

  it('places customers in the region with Québec phone numbers and postal codes', () => {
    expect(
      breaking(
        demo['Service Location'],
        (l) =>
          between(l.latitude, 45.5, 46) &&
          between(l.longitude, -74.3, -73.4) &&
          /^J\d[A-Z] \d[A-Z]\d$/.test(String(l.postal_code)) &&
          /^OLT-[A-Z]{3}-\d{2}$/.test(String(l.olt_name)) &&
          /^1\/[12]\/\d{1,2}:\d{1,2}$/.test(String(l.olt_port)),
      ),
    ).toEqual([])
    expect(
      breaking(
        demo.Customer,
        (c) => c.mobile_no === undefined || /^1?(450|579|514)555\d{4}$/.test(String(c.mobile_no).replace(/\D/g, '')),
      ),
    ).toEqual([])
    expect(breaking(demo.Communication, (c) => /^\+1(450|579|514)555\d{4}$/.test(String(c.phone_no)))).toEqual([])
  })

  it('records equipment with vendor serials and well-formed, unique MACs', () => {
    const eq = demo['Service Equipment']
    expect(
      breaking(eq, (e) => e.mac_address === undefined || /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/.test(String(e.mac_address))),
    ).toEqual([])
    expect(
      breaking(eq, (e) => e.equipment_type !== 'ONT' || /^(GPON|TPLG|ZTEG|ALCL)[0-9A-F]{8}$/.test(String(e.serial_no))),
    ).toEqual([])
    expect(count(eq, (e) => e.equipment_type === 'Router' && e.mac_address !== undefined)).toBe(
      count(eq, (e) => e.equipment_type === 'Router'),
    )
    const withOnt = new Set(eq.filter((e) => e.equipment_type === 'ONT').map((e) => e.service_location))
    expect(breaking(demo['Service Location'], (l) => l.status !== 'Active' || withOnt.has(l.name))).toEqual([])
    expect(count(eq, (e) => e.status === 'In Stock' && e.customer === undefined)).toBeGreaterThan(0)
  })

  it('schedules jobs on the past 7 and next 7 site-local days, at working hours, in 15-minute steps', () => {
    const days = new Set(jobDays('demo', NOW))
    expect(days.size).toBe(15)
    expect(
      breaking(demo['Dispatch Job'], (j) => {
        const start = String(j.scheduled_start)
        return (
          days.has(start.slice(0, 10)) &&
          minutesOf(start) % 15 === 0 &&
          between(minutesOf(start), 7 * 60, 19 * 60) &&
          Number(j.duration_minutes) % 15 === 0 &&
          between(j.duration_minutes, 30, 240)
        )
      }),
    ).toEqual([])
  })

  it('gives jobs statuses that match the clock, and an unassigned queue', () => {
    const today = NOW_STRING.slice(0, 10)
    const jobs = demo['Dispatch Job']
    expect(
      breaking(jobs, (j) => {
        const day = String(j.scheduled_start).slice(0, 10)
        if (j.status === 'Unscheduled') return j.technician === undefined && day >= today
        if (j.technician === undefined) return false
        if (day < today) return j.status === 'Completed' || j.status === 'Cancelled'
        if (day > today) return j.status === 'Scheduled' || j.status === 'Cancelled'
        return true
      }),
    ).toEqual([])
    expect(
      breaking(
        jobs,
        (j) => (j.status !== 'In Progress' && j.status !== 'En Route') || String(j.scheduled_start).startsWith(today),
      ),
    ).toEqual([])
    expect(
      breaking(
        jobs,
        (j) => (j.status === 'Completed') === (j.completion_notes !== undefined) || j.status === 'Cancelled',
      ),
    ).toEqual([])
    const unscheduled = count(jobs, (j) => j.status === 'Unscheduled')
    expect(unscheduled).toBeGreaterThan(60)
    expect(unscheduled).toBeLessThan(100)
    expect(count(jobs, (j) => j.status === 'Unscheduled' && j.priority === 'Urgent')).toBeGreaterThan(0)
    expect(count(jobs, (j) => j.priority === 'Urgent' || j.priority === 'High')).toBeGreaterThan(40)
    const todays = jobs.filter((j) => String(j.scheduled_start).startsWith(today)).map((j) => j.status)
    expect(todays).toContain('Completed')
    expect(todays).toContain('In Progress')
    expect(todays).toContain('Scheduled')
  })

  it('copies the address and position from the service location', () => {
    const locations = new Map(demo['Service Location'].map((l) => [l.name, l]))
    expect(
      breaking(demo['Dispatch Job'], (j) => {
        const loc = locations.get(j.service_location)
        return (
          loc !== undefined &&
          loc.customer === j.customer &&
          j.latitude === loc.latitude &&
          j.longitude === loc.longitude &&
          String(j.address).startsWith(`${String(loc.address_line)}, ${String(loc.city)}`)
        )
      }),
    ).toEqual([])
  })

  it('leaves the conflicts a dispatcher must see: overlaps and missing skills', () => {
    const skills = techSkills(demo)
    const category = new Map(demo.Tag.map((t) => [t.name, t.category]))
    let missing = 0
    let overlaps = 0
    const byTechDay = new Map<string, Doc[]>()
    for (const j of demo['Dispatch Job']) {
      if (!j.technician || j.status === 'Unscheduled') continue
      const needed = (j.tags as { tag: string }[]).map((r) => r.tag).filter((t) => category.get(t) === 'Skill')
      if (!needed.every((s) => skills.get(String(j.technician))?.has(s))) missing++
      const key = `${String(j.technician)}|${String(j.scheduled_start).slice(0, 10)}`
      byTechDay.set(key, [...(byTechDay.get(key) ?? []), j])
    }
    for (const jobs of byTechDay.values()) {
      jobs.sort((a, b) => minutesOf(String(a.scheduled_start)) - minutesOf(String(b.scheduled_start)))
      for (let i = 1; i < jobs.length; i++) {
        if (
          minutesOf(String(jobs[i].scheduled_start)) <
          minutesOf(String(jobs[i - 1].scheduled_start)) + Number(jobs[i - 1].duration_minutes)
        )
          overlaps++
      }
    }
    const assigned = count(demo['Dispatch Job'], (j) => j.technician !== undefined)
    expect(missing).toBeGreaterThan(0)
    expect(missing).toBeLessThan(assigned * 0.15)
    expect(overlaps).toBeGreaterThan(0)
    expect(overlaps).toBeLessThan(assigned * 0.15)
  })

  it('links some repair jobs to open tickets', () => {
    const issues = new Map(demo.Issue.map((i) => [i.name, i]))
    const linked = demo['Dispatch Job'].filter((j) => j.issue !== undefined)
    expect(linked.length).toBeGreaterThan(50)
    expect(
      breaking(linked, (j) => j.job_type === 'Repair' && issues.get(j.issue)?.service_location === j.service_location),
    ).toEqual([])
    expect(
      count(linked, (j) => ['Open', 'Replied', 'On Hold'].includes(String(issues.get(j.issue)?.status))),
    ).toBeGreaterThan(0)
  })

  it('bills in CAD with balances on unpaid and overdue invoices', () => {
    const today = NOW_STRING.slice(0, 10)
    expect(
      breaking(
        demo['Sales Invoice'],
        (inv) =>
          inv.currency === 'CAD' &&
          (inv.status === 'Paid' || inv.status === 'Cancelled'
            ? inv.outstanding_amount === 0
            : Number(inv.outstanding_amount) > 0) &&
          Number(inv.outstanding_amount) <= Number(inv.grand_total) &&
          (inv.status !== 'Overdue' || String(inv.due_date) < today) &&
          (inv.status !== 'Unpaid' || String(inv.due_date) >= today),
      ),
    ).toEqual([])
    expect(count(demo['Sales Invoice'], (i) => i.status === 'Overdue')).toBeGreaterThan(0)
    expect(count(demo['Sales Invoice'], (i) => i.status === 'Unpaid')).toBeGreaterThan(0)
  })

  it('keeps times at quarter hours across the autumn clock change', () => {
    // 2026-11-01 is the day clocks go back in Québec; the window of Nov 3 includes it.
    const dst = generateDataset({ profile: 'demo', now: new Date('2026-11-03T15:00:00Z') })
    const onSwitchDay = dst['Dispatch Job'].filter((j) => String(j.scheduled_start).startsWith('2026-11-01'))
    expect(onSwitchDay.length).toBeGreaterThan(0)
    expect(breaking(dst['Dispatch Job'], (j) => minutesOf(String(j.scheduled_start)) % 15 === 0)).toEqual([])
  })
})

describe('large dataset', () => {
  let large: Dataset
  let millis = 0
  beforeAll(() => {
    const started = performance.now()
    large = generateDataset({ profile: 'large', now: NOW })
    millis = performance.now() - started
    console.log(`large profile generated in ${Math.round(millis)} ms`)
  }, 60_000)

  it('has benchmark sizes', () => {
    expect(large.Technician).toHaveLength(1000)
    expect(large.Customer).toHaveLength(50_000)
    expect(large['Dispatch Job']).toHaveLength(20_000)
    expect(large['Service Location'].length).toBeGreaterThan(50_000)
    expect(large['Service Equipment'].length).toBeGreaterThan(100_000)
    expect(millis).toBeGreaterThan(0)
  })

  it('keeps TECH-001 as the persona', () => {
    expect(large.Technician[0]).toMatchObject({ name: TECHNICIAN_PERSONA_ID, email: persona?.email })
  })

  it('puts every job in the current Monday-to-Sunday week', () => {
    const week = jobDays('large', NOW)
    expect(week[0]).toBe('2026-11-23')
    expect(week[6]).toBe('2026-11-29')
    const days = new Set(week)
    expect(breaking(large['Dispatch Job'], (j) => days.has(String(j.scheduled_start).slice(0, 10)))).toEqual([])
  })

  it('loads as Frappe would accept it', () => {
    expect(datasetProblems(large, NOW)).toEqual([])
  })
})
