/**
 * Dispatch Jobs over a window of site-local days: each technician's day is laid out job after job
 * from the start of the shift, with travel in between, so the board looks like a real day. The
 * imperfections a dispatcher must see are put there on purpose: a few overlaps, a few jobs past the
 * shift, a few technicians lacking a required skill, and an unassigned queue with urgent repairs.
 * Status follows the clock: the past is done, today is under way, the future is booked.
 */
import type { JobStatus, JobType, Priority } from '../../../src/contracts/doctypes'
import { PHONE_PLAN, TV_PLAN } from './catalogue'
import type { Site } from './customers'
import type { IssueDoc, JobDoc } from './docs'
import { nameInCreationOrder, yearly } from './docs'
import {
  ADD_ONS,
  CANCELLATION_NOTES,
  FIELD_PROBLEMS,
  INSPECTIONS,
  MOVES,
  REMOVALS,
  completionNote,
  type Problem,
} from './phrases'
import { pickWeighted, type Zone } from './quebec'
import { shuffle, weighted, type Rng } from './random'
import { JOB_TYPE_TAGS, SKILLS, type CrewMember, type Skill } from './technicians'
import { openIssue } from './tickets'
import { DAY, HOUR, MINUTE, weekday, type SiteCalendar } from './time'

export interface JobOptions {
  jobs: number
  /** Site-local days the jobs fall on, in order; must include today for today's board to be live. */
  days: readonly string[]
  unscheduledShare: number
}

export interface FieldWork {
  jobs: JobDoc[]
  /** Tickets behind repair jobs, not yet named. */
  issues: IssueDoc[]
  /** Which ticket each job came from, to fill `issue` once the tickets are named. */
  issueOf: Map<JobDoc, IssueDoc>
  /** Jobs with their site, for the SMS reminders on the timeline. */
  visits: { job: JobDoc; site: Site; startsAt: number }[]
}

interface Demand {
  jobType: JobType
  site: Site
  day: string
  priority: Priority
  skills: readonly Skill[]
  description: string
  problem?: Problem
  /** The installation that starts the site's service: done if its day is past. */
  activation?: boolean
  unscheduled?: boolean
  technician?: CrewMember
}

interface Placed extends Demand {
  start: number
  duration: number
  status: JobStatus
}

const DAY_WEIGHT = [0.1, 1, 1, 1, 1, 1, 0.35] // Sunday … Saturday: crews work Saturdays, Sundays on call
const JOB_TYPES_WEIGHTED = weighted<JobType>([
  ['Repair', 45],
  ['Installation', 17],
  ['Inspection', 14],
  ['Move', 12],
  ['Removal', 12],
])
const DURATIONS: Readonly<Record<JobType, readonly [number, number]>> = {
  Installation: [120, 240],
  Repair: [45, 150],
  Move: [90, 180],
  Removal: [30, 60],
  Inspection: [30, 90],
}
const EARLIEST = 7 * 60
const LATEST = 19 * 60
const FIRST_JOB_DELAYS = [0, 0, 0, 15, 30]
const OVERLAPS = [30, 45]
const TRAVEL_TIMES = [15, 15, 30, 30, 45]
/** Arrival windows customers ask for: 8–10, 10–12, 13–15, 15–17. */
const REQUESTED_WINDOWS = [8 * 60, 10 * 60, 13 * 60, 15 * 60]

const hasAll = (member: CrewMember, skills: readonly Skill[]) => skills.every((s) => member.skills.has(s))
const hasPlan = (site: Site, plan: string) => site.plans.some((p) => p.plan === plan)

function duration(rng: Rng, jobType: JobType): number {
  const [min, max] = DURATIONS[jobType]
  return min + rng.int(0, (max - min) / 15) * 15
}

const PROBLEMS_BY_SERVICES = [0, 1, 2, 3].map((mask) =>
  FIELD_PROBLEMS.filter(
    (p) =>
      (!p.skills.includes(SKILLS.tv) || (mask & 1) !== 0) && (!p.skills.includes(SKILLS.phone) || (mask & 2) !== 0),
  ),
)
const problemsFor = (site: Site) =>
  PROBLEMS_BY_SERVICES[(hasPlan(site, TV_PLAN.plan) ? 1 : 0) | (hasPlan(site, PHONE_PLAN.plan) ? 2 : 0)]

/** What a visit of this type at this site is about, within the skills `allowed` (when given). */
function brief(
  rng: Rng,
  jobType: JobType,
  site: Site,
  allowed?: (skills: readonly Skill[]) => boolean,
): Omit<Demand, 'site' | 'day'> {
  const ok = (skills: readonly Skill[]) => !allowed || allowed(skills)
  const within = <T extends { skills: readonly Skill[] }>(items: readonly T[]) =>
    allowed ? items.filter((i) => ok(i.skills)) : items
  switch (jobType) {
    case 'Installation': {
      const add = rng.pick(within(ADD_ONS))
      return { jobType, priority: rng.chance(0.7) ? 'Low' : 'Medium', skills: add.skills, description: add.description }
    }
    case 'Repair': {
      // TV and phone problems only where the customer has those services.
      const fits = within(problemsFor(site))
      const problem = rng.pick(fits.length > 0 ? fits : FIELD_PROBLEMS.slice(0, 1))
      return {
        jobType,
        priority: pickWeighted(rng, problem.priority),
        skills: problem.skills,
        description: problem.subject,
        problem,
      }
    }
    case 'Inspection': {
      const insp = rng.pick(within(INSPECTIONS))
      return {
        jobType,
        priority: rng.chance(0.6) ? 'Low' : 'Medium',
        skills: insp.skills,
        description: insp.description,
      }
    }
    case 'Move':
      return {
        jobType,
        priority: rng.chance(0.8) ? 'Medium' : 'High',
        skills: [SKILLS.fibre],
        description: rng.pick(MOVES),
      }
    case 'Removal':
      return { jobType, priority: 'Low', skills: [], description: rng.pick(REMOVALS) }
  }
}

/** The visit that lights up a new subscriber: its skills follow the plans ordered. */
function activationBrief(rng: Rng, site: Site): Omit<Demand, 'site' | 'day'> {
  const skills: Skill[] = [SKILLS.fibre]
  if (hasPlan(site, TV_PLAN.plan)) skills.push(SKILLS.tv)
  if (hasPlan(site, PHONE_PLAN.plan)) skills.push(SKILLS.phone)
  if (rng.chance(0.25)) skills.push(SKILLS.bucketTruck) // aerial drop from the pole
  const priority: Priority = rng.chance(0.75) ? 'Medium' : rng.chance(0.6) ? 'High' : 'Low'
  return {
    jobType: 'Installation',
    priority,
    skills,
    description: `Installation ${site.plans.map((p) => p.plan).join(' + ')}`,
    activation: true,
  }
}

export function generateJobs(
  rng: Rng,
  cal: SiteCalendar,
  crew: readonly CrewMember[],
  sites: readonly Site[],
  opts: JobOptions,
): FieldWork {
  const now = cal.now.getTime()
  const days = opts.days
  const dayIndex = new Map(days.map((d, i) => [d, i]))
  const pickDay = weighted(days.map((d) => [d, DAY_WEIGHT[weekday(d)]] as const))
  const upcoming = days.filter((d) => d >= cal.today)
  const active = sites.filter((s) => s.location.status === 'Active')
  const inactive = sites.filter((s) => s.location.status === 'Inactive')
  const working = crew.filter((m) => m.active)
  const crewByZone = new Map<Zone, CrewMember[]>()
  for (const m of working) {
    for (const z of m.zones) {
      const list = crewByZone.get(z)
      if (list) list.push(m)
      else crewByZone.set(z, [m])
    }
  }
  const siteFor = (jobType: JobType) =>
    jobType === 'Removal' && inactive.length > 0 ? rng.pick(inactive) : rng.pick(active)

  const demands: Demand[] = []

  // TECH-001 (the technician persona) gets a full day on every workday, and today whatever it is.
  const persona = crew[0]
  const personaSites = active.filter((s) => persona.zones.includes(s.city.zone))
  for (const day of days) {
    if (!(DAY_WEIGHT[weekday(day)] === 1 || day === cal.today) || personaSites.length === 0) continue
    for (let n = rng.int(3, 5); n > 0 && demands.length < opts.jobs; n--) {
      const site = rng.pick(personaSites)
      const jobType = weighted<JobType>([
        ['Repair', 50],
        ['Inspection', 20],
        ['Move', 15],
        ['Installation', 15],
      ])(rng)
      demands.push({
        ...brief(rng, jobType, site, (skills) => hasAll(persona, skills)),
        site,
        day,
        technician: persona,
      })
    }
  }

  // New subscribers whose service starts in the window are installed on that day.
  let activations = Math.round(opts.jobs * 0.3)
  for (const site of sites) {
    if (demands.length >= opts.jobs || activations <= 0) break
    if (site.location.status === 'Inactive' || !dayIndex.has(site.activatedOn)) continue
    demands.push({ ...activationBrief(rng, site), site, day: site.activatedOn })
    activations--
  }

  // The unassigned queue: requests for today and the coming days, urgent repairs first.
  const unscheduled = Math.round(opts.jobs * opts.unscheduledShare)
  for (let i = 0; i < unscheduled && upcoming.length > 0 && demands.length < opts.jobs; i++) {
    const jobType =
      i < 3
        ? 'Repair'
        : weighted<JobType>([
            ['Repair', 60],
            ['Installation', 15],
            ['Inspection', 10],
            ['Move', 10],
            ['Removal', 5],
          ])(rng)
    const site = siteFor(jobType)
    const d: Demand = {
      ...brief(rng, jobType, site),
      site,
      day: i < 3 ? cal.today : rng.pick(upcoming),
      unscheduled: true,
    }
    if (i < 3) d.priority = 'Urgent'
    demands.push(d)
  }

  while (demands.length < opts.jobs) {
    const jobType = JOB_TYPES_WEIGHTED(rng)
    const site = siteFor(jobType)
    demands.push({ ...brief(rng, jobType, site), site, day: pickDay(rng) })
  }

  const placed = schedule(rng, working, crewByZone, demands, dayIndex)
  settleStatuses(rng, cal, placed)
  return toDocuments(rng, cal, placed, now)
}

/** Share of the crew off on any day (leave, training, a day in the shop): nothing is booked for them. */
const OFF_SHARE = 0.1

/**
 * Lays each technician's day out job after job. The persona's jobs go first so their day starts
 * on time; the others are shuffled so every technician's day fills evenly. Every day a few
 * technicians are off, so a dispatcher always has someone with a free day to call in.
 */
function schedule(
  rng: Rng,
  working: readonly CrewMember[],
  crewByZone: Map<Zone, CrewMember[]>,
  demands: Demand[],
  dayIndex: Map<string, number>,
): Placed[] {
  const forced = demands.filter((d) => d.technician)
  const rest = shuffle(
    rng,
    demands.filter((d) => !d.technician),
  )
  // Per technician and day: where the next job can start, and where the last one started.
  const crewIndex = new Map(working.map((m, i) => [m, i]))
  const nextFree = new Float64Array(working.length * dayIndex.size).fill(-1)
  const lastStart = new Float64Array(working.length * dayIndex.size)
  const slot = (m: CrewMember, day: string) => (crewIndex.get(m) ?? 0) * dayIndex.size + (dayIndex.get(day) ?? 0)
  const placed: Placed[] = []

  const off = new Uint8Array(working.length * dayIndex.size)
  const booked = new Set(forced.map((d) => d.technician))
  const others = working.filter((m) => !booked.has(m))
  for (const day of dayIndex.keys()) {
    const away = shuffle(rng, others).slice(0, Math.round(working.length * OFF_SHARE))
    for (const m of away) off[slot(m, day)] = 1
  }
  const available = (m: CrewMember, day: string) => off[slot(m, day)] === 0

  const slotFor = (m: CrewMember, day: string) => {
    const k = slot(m, day)
    if (nextFree[k] < 0) return Math.max(m.shiftStart, EARLIEST) + rng.pick(FIRST_JOB_DELAYS)
    // Now and then a job is booked on top of the previous one: the conflict the board must show.
    if (rng.chance(0.04)) return lastStart[k] + rng.pick(OVERLAPS)
    return nextFree[k]
  }

  for (const d of [...forced, ...rest]) {
    const minutes = duration(rng, d.jobType)
    if (d.unscheduled || working.length === 0 || !dayIndex.has(d.day)) {
      // A requested window, not a booking: the dispatcher will place it.
      placed.push(
        Object.assign(d, { start: rng.pick(REQUESTED_WINDOWS), duration: minutes, status: 'Unscheduled' as const }),
      )
      continue
    }
    let member = d.technician
    let start = 0
    if (member) {
      start = slotFor(member, d.day)
    } else {
      const local = crewByZone.get(d.site.city.zone)
      // A few jobs go to someone without the required skill: the warning the board must raise.
      const wantMissingSkill = d.skills.length > 0 && rng.chance(0.05)
      let fallback: { m: CrewMember; start: number; overrun: number } | undefined
      for (let attempt = 0; attempt < 16; attempt++) {
        const pool = local && local.length > 0 && rng.chance(0.8) ? local : working
        const candidate = rng.pick(pool)
        if (!available(candidate, d.day) || hasAll(candidate, d.skills) === wantMissingSkill) continue
        const s = slotFor(candidate, d.day)
        const overrun = s + minutes - candidate.shiftEnd
        if (overrun <= 30 && s <= LATEST) {
          member = candidate
          start = s
          break
        }
        if (!fallback || overrun < fallback.overrun) fallback = { m: candidate, start: s, overrun }
      }
      if (!member) {
        // Everyone suitable is booked: it runs past the shift of whoever is least late, as in real life.
        const free = fallback ? [] : working.filter((w) => available(w, d.day))
        const m = fallback?.m ?? rng.pick(free.length > 0 ? free : working)
        member = m
        start = fallback?.start ?? slotFor(m, d.day)
      }
    }
    start = Math.min(start, LATEST)
    const k = slot(member, d.day)
    nextFree[k] = Math.max(nextFree[k], start + minutes + rng.pick(TRAVEL_TIMES))
    lastStart[k] = start
    placed.push(Object.assign(d, { technician: member, start, duration: minutes, status: 'Scheduled' as const }))
  }
  return placed
}

/** Past jobs are done (a few cancelled), today's are under way, future ones are booked. */
function settleStatuses(rng: Rng, cal: SiteCalendar, placed: Placed[]): void {
  const now = cal.now.getTime()
  const todayByTech = new Map<CrewMember, Placed[]>()
  for (const p of placed) {
    if (p.status === 'Unscheduled' || !p.technician) continue
    const startsAt = cal.at(p.day, p.start)
    const endsAt = startsAt + p.duration * MINUTE
    if (endsAt <= now) p.status = p.activation || rng.chance(0.93) ? 'Completed' : 'Cancelled'
    else if (startsAt <= now) p.status = 'In Progress'
    else p.status = rng.chance(0.96) || p.activation ? 'Scheduled' : 'Cancelled'
    if (p.day !== cal.today) continue
    const list = todayByTech.get(p.technician)
    if (list) list.push(p)
    else todayByTech.set(p.technician, [p])
  }
  // One job at a time: an overlapping one waits, and the next one is En Route when it is close.
  for (const jobs of todayByTech.values()) {
    jobs.sort((a, b) => a.start - b.start)
    const current = jobs.filter((j) => j.status === 'In Progress')
    for (const extra of current.slice(1)) extra.status = 'Scheduled'
    if (current.length > 0) continue
    const next = jobs.find((j) => j.status === 'Scheduled')
    if (next && cal.at(next.day, next.start) - now <= 90 * MINUTE) next.status = 'En Route'
  }
}

function toDocuments(rng: Rng, cal: SiteCalendar, placed: Placed[], now: number): FieldWork {
  const jobs: JobDoc[] = []
  const issues: IssueDoc[] = []
  const issueOf = new Map<JobDoc, IssueDoc>()
  const visits: FieldWork['visits'] = []
  const clamp = (t: number, lo: number) => Math.max(lo, Math.min(now, t))

  for (const p of placed) {
    const startsAt = cal.at(p.day, p.start)
    const endsAt = startsAt + p.duration * MINUTE
    const latest = Math.min(now, startsAt)
    // Booked ahead for planned work; within hours for what is urgent.
    const lead = p.activation
      ? Math.max(0, latest - p.site.orderedAt - 30 * MINUTE) * (1 - rng.next() * 0.1)
      : p.priority === 'Urgent'
        ? (0.5 + rng.next() * 5) * HOUR
        : p.unscheduled
          ? rng.next() * 3 * DAY
          : (2 + rng.next() * 10 * 24) * HOUR
    const createdAt = Math.max(latest - lead - 10 * MINUTE, now - 60 * DAY)
    const modifiedAt =
      p.status === 'Completed'
        ? clamp(endsAt + rng.int(0, 20) * MINUTE, createdAt)
        : p.status === 'Cancelled'
          ? clamp(startsAt - rng.next() * DAY, createdAt)
          : p.status === 'In Progress'
            ? clamp(startsAt + rng.int(0, 10) * MINUTE, createdAt)
            : p.status === 'En Route'
              ? clamp(now - rng.int(1, 20) * MINUTE, createdAt)
              : clamp(createdAt + rng.next() * (now - createdAt) * 0.3, createdAt)
    const loc = p.site.location
    const job: JobDoc = {
      name: '',
      creation: cal.datetime(createdAt),
      modified: cal.datetime(modifiedAt),
      job_type: p.jobType,
      status: p.status,
      priority: p.priority,
      customer: p.site.household.customer.name,
      service_location: loc.name,
      scheduled_start: cal.datetime(startsAt),
      duration_minutes: p.duration,
      address: `${loc.address_line}, ${loc.city} QC ${loc.postal_code ?? ''}`.trim(),
      tags: [JOB_TYPE_TAGS[p.jobType], ...p.skills, p.site.city.zone.tag].map((tag) => ({ tag })),
      description: p.description,
    }
    if (p.technician && p.status !== 'Unscheduled') job.technician = p.technician.doc.name
    if (loc.latitude !== undefined) job.latitude = loc.latitude
    if (loc.longitude !== undefined) job.longitude = loc.longitude
    if (p.status === 'Completed') job.completion_notes = completionNote(rng, p.jobType)
    else if (p.status === 'Cancelled') job.completion_notes = rng.pick(CANCELLATION_NOTES)
    jobs.push(job)
    visits.push({ job, site: p.site, startsAt })

    // Most repairs start from a customer's ticket, opened shortly before the job was booked.
    if (p.problem && rng.chance(0.6)) {
      const openedAt = createdAt - rng.int(5, 120) * MINUTE
      const status =
        p.status === 'Completed'
          ? rng.chance(0.7)
            ? 'Resolved'
            : 'Closed'
          : p.status === 'Cancelled'
            ? 'Closed'
            : pickWeighted(rng, [
                ['Open', 50],
                ['Replied', 40],
                ['On Hold', 10],
              ] as const)
      const issue = openIssue(rng, cal, p.site, p.problem, openedAt, status, status === 'Open' ? openedAt : modifiedAt)
      issue.priority = p.priority
      issues.push(issue)
      issueOf.set(job, issue)
    }
  }
  return { jobs: nameInCreationOrder(jobs, yearly('DJ')), issues, issueOf, visits }
}
