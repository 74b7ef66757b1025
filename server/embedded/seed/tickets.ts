/** Support tickets (Issue): the ones that led to a repair visit and the ones handled by phone. */
import type { IssueDoc } from './docs'
import type { Site } from './customers'
import { FIELD_PROBLEMS, OFFICE_PROBLEMS, type Problem } from './phrases'
import { pickWeighted, toE164 } from './quebec'
import type { Rng } from './random'
import { DAY, HOUR, MINUTE, type SiteCalendar } from './time'

type IssueStatus = NonNullable<IssueDoc['status']>

/** An unnamed Issue for a site; named with all the others once every ticket exists. */
export function openIssue(
  rng: Rng,
  cal: SiteCalendar,
  site: Site,
  problem: Problem,
  openedAt: number,
  status: IssueStatus,
  modifiedAt: number,
): IssueDoc {
  const customer = site.household.customer
  const issue: IssueDoc = {
    name: '',
    creation: cal.datetime(openedAt),
    modified: cal.datetime(Math.max(openedAt, modifiedAt)),
    subject: problem.subject,
    customer: customer.name,
    service_location: site.location.name,
    status,
    priority: pickWeighted(rng, problem.priority),
    opening_date: cal.date(openedAt),
    description: rng.pick(problem.details),
  }
  // Tickets come by e-mail when we have one, otherwise from a call or an SMS.
  if (customer.email_id) issue.raised_by = customer.email_id
  else if (site.household.phone) issue.raised_by = toE164(site.household.phone)
  return issue
}

export interface TicketOptions {
  /** Tickets still open, on top of those behind the repair jobs. */
  open: number
  /** Resolved or closed tickets from the last months. */
  closed: number
}

const OPEN_STATUSES: readonly (readonly [IssueStatus, number])[] = [
  ['Open', 60],
  ['Replied', 28],
  ['On Hold', 12],
]

/** Tickets without a dispatch job: office matters, and field problems not yet booked. */
export function generateTickets(rng: Rng, cal: SiteCalendar, sites: readonly Site[], opts: TicketOptions): IssueDoc[] {
  const now = cal.now.getTime()
  const served = sites.filter((s) => s.location.status === 'Active')
  const issues: IssueDoc[] = []
  if (served.length === 0) return issues
  for (let i = 0; i < opts.open + opts.closed; i++) {
    const open = i < opts.open
    const site = rng.pick(served)
    const problem = rng.chance(0.55) ? rng.pick(OFFICE_PROBLEMS) : rng.pick(FIELD_PROBLEMS)
    const openedAt = open ? now - rng.next() * 21 * DAY - 10 * MINUTE : now - (7 + rng.next() * 120) * DAY
    const status = open ? pickWeighted(rng, OPEN_STATUSES) : rng.chance(0.6) ? 'Closed' : 'Resolved'
    const touchedAt = status === 'Open' ? openedAt : Math.min(now, openedAt + rng.next() * 4 * DAY + HOUR)
    issues.push(openIssue(rng, cal, site, problem, openedAt, status, touchedAt))
  }
  return issues
}
