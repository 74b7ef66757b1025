/**
 * Monthly Sales Invoices, posted on the 1st and due 30 days later. Only the current month and, for
 * part of the customers, the previous one: enough for balances and overdue accounts without a
 * history nobody looks at. A customer's standing decides whether they paid; a delinquent account
 * still owes the month before last, so there are overdue invoices on every day of the year (last
 * month's is not yet due on the 1st of a month after a 30-day one, or in early March).
 */
import { PLAN_PRICES, TAX_RATE } from './catalogue'
import type { Household } from './customers'
import { nameInCreationOrder, yearly, type InvoiceDoc } from './docs'
import type { Rng } from './random'
import { DAY, HOUR, MINUTE, type SiteCalendar } from './time'
import { addDays } from '../../../src/contracts/frappeTime'

export interface BillingOptions {
  /** Share of served customers with an invoice this month. */
  invoicedShare: number
  /** Share of those who also have last month's. */
  previousMonthShare: number
}

const DUE_AFTER_DAYS = 30
const round2 = (x: number) => Math.round(x * 100) / 100

/** The monthly amount, taxes included, for what the household has in service. */
export function monthlyTotal(household: Household): number {
  let subtotal = 0
  for (const site of household.sites) {
    if (site.location.status !== 'Active') continue
    for (const line of site.plans) subtotal += (PLAN_PRICES.get(line.plan) ?? 0) * line.qty
  }
  return round2(subtotal * (1 + TAX_RATE))
}

/** The 1st of the month `months` before the month of a "YYYY-MM-01". */
function monthsBefore(firstOfMonth: string, months: number): string {
  const [y, m] = firstOfMonth.split('-').map(Number)
  const index = y * 12 + (m - 1) - months
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`
}

export function generateInvoices(
  rng: Rng,
  cal: SiteCalendar,
  households: readonly Household[],
  opts: BillingOptions,
): InvoiceDoc[] {
  const now = cal.now.getTime()
  const thisMonth = `${cal.today.slice(0, 8)}01`
  const lastMonth = monthsBefore(thisMonth, 1)
  const monthBeforeLast = monthsBefore(thisMonth, 2)
  const invoices: InvoiceDoc[] = []

  const invoice = (h: Household, postingDate: string, total: number, paidShare: number): InvoiceDoc => {
    // The billing run posts overnight, at 02:00 on the 1st.
    const postedAt = cal.at(postingDate, 2 * 60) + rng.int(0, 3600) * 1000
    const dueDate = addDays(postingDate, DUE_AFTER_DAYS)
    const outstanding = round2(total * (1 - paidShare))
    const status: InvoiceDoc['status'] = outstanding === 0 ? 'Paid' : dueDate < cal.today ? 'Overdue' : 'Unpaid'
    const paidAt = paidShare > 0 ? Math.min(now, postedAt + rng.int(1, 20) * DAY + rng.int(0, 600) * MINUTE) : postedAt
    return {
      name: '',
      creation: cal.datetime(postedAt),
      modified: cal.datetime(Math.max(postedAt, paidAt)),
      customer: h.customer.name,
      posting_date: postingDate,
      due_date: dueDate,
      grand_total: total,
      outstanding_amount: outstanding,
      status,
      currency: 'CAD',
    }
  }

  for (const h of households) {
    const total = monthlyTotal(h)
    if (total === 0 || !rng.chance(opts.invoicedShare)) continue
    const since = h.sites.reduce((min, s) => (s.activatedOn < min ? s.activatedOn : min), '9999')
    // Paying takes a few days: this month's is often still open.
    const daysIntoMonth = Number(cal.today.slice(8, 10))
    const paidThisMonth = h.standing === 'good' && rng.chance(Math.min(0.85, daysIntoMonth / 30))
    if (h.standing === 'delinquent' && since < monthBeforeLast) invoices.push(invoice(h, monthBeforeLast, total, 0))
    if (since < lastMonth && rng.chance(opts.previousMonthShare)) {
      const paid = h.standing === 'good' ? 1 : h.standing === 'late' && rng.chance(0.4) ? 0.5 : 0
      invoices.push(invoice(h, lastMonth, total, paid))
    }
    if (since < thisMonth && cal.at(thisMonth, 2 * 60) + HOUR <= now)
      invoices.push(invoice(h, thisMonth, total, paidThisMonth ? 1 : 0))
  }
  // One in two hundred was issued by mistake and cancelled.
  for (const inv of invoices)
    if (rng.chance(0.005)) {
      inv.status = 'Cancelled'
      inv.outstanding_amount = 0
    }
  return nameInCreationOrder(invoices, yearly('ACC-SINV'))
}
