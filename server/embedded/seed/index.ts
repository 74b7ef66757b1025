/**
 * The deterministic demo dataset of the embedded ERPNext: a Laurentides / Lanaudière fiber
 * operator, generated from a seed and a `now` so the same inputs always give the same documents,
 * and every date is relative to `now` (America/Toronto).
 *
 *   generateDataset({ profile: 'demo', now: new Date() })
 *
 * `demo` is what a person clicks through; `large` is for benchmarks (1,000 technicians, 50,000
 * customers, 20,000 jobs in the current week).
 */
import { generateInvoices } from './billing'
import { generateCustomers } from './customers'
import { generateEquipment } from './equipment'
import { generateJobs } from './jobs'
import { PhoneBook } from './quebec'
import { createRng } from './random'
import { addArrivalWindows } from './windows'
import { generateTags, generateTechnicians } from './technicians'
import { generateTickets } from './tickets'
import { SiteCalendar } from './time'
import { generateTimeline } from './timeline'
import { generateUsers } from './users'
import { nameInCreationOrder, yearly } from './docs'
import { addDays } from '../../../src/contracts/frappeTime'

export type SeedProfile = 'demo' | 'large'

/** The seed the app uses unless told otherwise: the day the demo was first shown. */
export const DEMO_SEED = 20261127

/** Doctypes in the order they can be inserted: every link points to an earlier one. */
export const SEED_DOCTYPES = [
  'Tag',
  'Technician',
  'Customer',
  'Service Location',
  'Subscription',
  'Issue',
  'Service Equipment',
  'Dispatch Job',
  'Sales Invoice',
  'Communication',
  'User',
] as const
export type SeedDoctype = (typeof SEED_DOCTYPES)[number]

export interface ProfileSize {
  technicians: number
  inactiveTechnicians: number
  customers: number
  secondLocationShare: number
  jobs: number
  /** Days before and after today the jobs span (demo), or the current Monday–Sunday week (large). */
  window: 'fortnight' | 'week'
  openTickets: number
  closedTickets: number
  inStock: number
  invoicedShare: number
  previousMonthShare: number
  conversationShare: number
  reminderShare: number
}

export const PROFILES: Readonly<Record<SeedProfile, ProfileSize>> = {
  demo: {
    technicians: 40,
    inactiveTechnicians: 2,
    customers: 4000,
    secondLocationShare: 0.08,
    jobs: 800,
    window: 'fortnight',
    openTickets: 210,
    closedTickets: 120,
    inStock: 150,
    invoicedShare: 1,
    previousMonthShare: 0.5,
    conversationShare: 0.3,
    reminderShare: 0.5,
  },
  large: {
    technicians: 1000,
    inactiveTechnicians: 20,
    customers: 50_000,
    secondLocationShare: 0.08,
    jobs: 20_000,
    window: 'week',
    openTickets: 1500,
    closedTickets: 0,
    inStock: 500,
    invoicedShare: 0.3,
    previousMonthShare: 0,
    conversationShare: 0.03,
    reminderShare: 0.05,
  },
}

/** The site-local days the profile's jobs fall on. */
export function jobDays(profile: SeedProfile, now: Date): string[] {
  const cal = new SiteCalendar(now)
  if (PROFILES[profile].window === 'week') {
    const monday = cal.mondayOfThisWeek()
    return Array.from({ length: 7 }, (_, i) => addDays(monday, i))
  }
  return Array.from({ length: 15 }, (_, i) => cal.day(i - 7))
}

export function generateDataset(opts: {
  profile: SeedProfile
  now: Date
  seed?: number
}): Record<string, Record<string, unknown>[]> {
  const seed = opts.seed ?? DEMO_SEED
  const size = PROFILES[opts.profile]
  const cal = new SiteCalendar(opts.now)
  const rng = (stream: string) => createRng(seed, stream)
  const phones = new PhoneBook(rng('phones'))

  const tags = generateTags(cal)
  const crew = generateTechnicians(rng('technicians'), cal, phones, {
    technicians: size.technicians,
    inactive: size.inactiveTechnicians,
  })
  const book = generateCustomers(rng('customers'), cal, phones, {
    customers: size.customers,
    secondLocationShare: size.secondLocationShare,
  })
  const equipment = generateEquipment(rng('equipment'), cal, book.sites, { inStock: size.inStock })
  const field = generateJobs(rng('jobs'), cal, crew, book.sites, {
    jobs: size.jobs,
    days: jobDays(opts.profile, opts.now),
    unscheduledShare: 0.1,
  })
  addArrivalWindows(rng('windows'), field.jobs)
  const tickets = generateTickets(rng('tickets'), cal, book.sites, {
    open: size.openTickets,
    closed: size.closedTickets,
  })
  const issues = nameInCreationOrder([...tickets, ...field.issues], yearly('ISS'))
  for (const [job, issue] of field.issueOf) job.issue = issue.name
  const invoices = generateInvoices(rng('billing'), cal, book.households, {
    invoicedShare: size.invoicedShare,
    previousMonthShare: size.previousMonthShare,
  })
  const communications = generateTimeline(rng('timeline'), cal, book.households, field, {
    conversationShare: size.conversationShare,
    reminderShare: size.reminderShare,
  })

  const dataset: Record<SeedDoctype, Record<string, unknown>[]> = {
    Tag: tags,
    Technician: crew.map((m) => m.doc),
    Customer: book.customers,
    'Service Location': book.locations,
    Subscription: book.subscriptions,
    Issue: issues,
    'Service Equipment': equipment,
    'Dispatch Job': field.jobs,
    'Sales Invoice': invoices,
    Communication: communications,
    User: generateUsers(cal),
  }
  return dataset
}
