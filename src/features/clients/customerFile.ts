/**
 * Everything the customer page shows, one loader per panel, so the panels load in parallel and
 * one that fails (say, billing) leaves the others on screen. Jobs feed both their panel and the
 * timeline: they are fetched once per load and shared.
 */
import { erp } from 'src/api/erp'
import type {
  Communication,
  Customer,
  DispatchJob,
  Issue,
  SalesInvoice,
  ServiceEquipment,
  ServiceLocation,
  Subscription,
  Technician,
} from 'src/contracts/doctypes'

export interface LocationFile {
  location: ServiceLocation
  subscriptions: Subscription[]
  equipment: ServiceEquipment[]
}
export interface InvoiceFile {
  invoices: SalesInvoice[]
  balance: number
  overdue: number
}
export interface JobFile {
  jobs: DispatchJob[]
  technicians: Record<string, string>
}

const OPEN_ISSUE = ['Open', 'Replied', 'On Hold']
export const TIMELINE_PAGE = 20

export function loadCustomer(name: string, signal?: AbortSignal): Promise<Customer> {
  return erp.get<Customer>('Customer', name, signal)
}

export async function loadLocations(customer: string, signal?: AbortSignal): Promise<LocationFile[]> {
  const [locations, subscriptions, equipment] = await Promise.all([
    erp.list<ServiceLocation>(
      'Service Location',
      { fields: ['*'], filters: { customer }, orderBy: 'name asc', limit: 0 },
      signal,
    ),
    erp.list<Subscription>(
      'Subscription',
      {
        fields: ['name', 'service_location', 'status', 'start_date', 'end_date'],
        filters: { party: customer },
        limit: 0,
      },
      signal,
    ),
    erp.list<ServiceEquipment>(
      'Service Equipment',
      { fields: ['*'], filters: { customer }, orderBy: 'name asc', limit: 0 },
      signal,
    ),
  ])
  // Plans are a child table: only the full document carries them.
  const withPlans = await Promise.all(subscriptions.map((s) => erp.get<Subscription>('Subscription', s.name, signal)))
  return locations.map((location) => ({
    location,
    subscriptions: withPlans.filter((s) => s.service_location === location.name),
    equipment: equipment.filter((e) => e.service_location === location.name && e.status !== 'Returned'),
  }))
}

export function loadOpenTickets(customer: string, signal?: AbortSignal): Promise<Issue[]> {
  return erp.list<Issue>(
    'Issue',
    {
      fields: ['name', 'subject', 'status', 'priority', 'opening_date', 'service_location', 'creation'],
      filters: [
        ['customer', '=', customer],
        ['status', 'in', OPEN_ISSUE],
      ],
      orderBy: 'creation desc',
      limit: 50,
    },
    signal,
  )
}

export function isOverdue(invoice: SalesInvoice, today: string): boolean {
  if (invoice.status === 'Overdue') return true
  return (
    (invoice.outstanding_amount ?? 0) > 0 &&
    invoice.status !== 'Cancelled' &&
    !!invoice.due_date &&
    invoice.due_date < today
  )
}

export async function loadInvoices(customer: string, today: string, signal?: AbortSignal): Promise<InvoiceFile> {
  const fields = ['name', 'posting_date', 'due_date', 'grand_total', 'outstanding_amount', 'status', 'currency']
  const [recent, unpaid] = await Promise.all([
    erp.list<SalesInvoice>(
      'Sales Invoice',
      { fields, filters: { customer }, orderBy: 'posting_date desc', limit: 12 },
      signal,
    ),
    erp.list<SalesInvoice>(
      'Sales Invoice',
      {
        fields,
        filters: [
          ['customer', '=', customer],
          ['outstanding_amount', '>', 0],
          ['status', '!=', 'Cancelled'],
        ],
        limit: 0,
      },
      signal,
    ),
  ])
  const balance = Math.round(unpaid.reduce((sum, i) => sum + (i.outstanding_amount ?? 0), 0) * 100) / 100
  return { invoices: recent, balance, overdue: unpaid.filter((i) => isOverdue(i, today)).length }
}

export async function loadJobs(customer: string, signal?: AbortSignal): Promise<JobFile> {
  const jobs = await erp.list<DispatchJob>(
    'Dispatch Job',
    {
      fields: [
        'name',
        'job_type',
        'status',
        'priority',
        'scheduled_start',
        'duration_minutes',
        'technician',
        'address',
        'service_location',
        'creation',
        'modified',
        'description',
      ],
      filters: { customer },
      orderBy: 'creation desc',
      limit: 100,
    },
    signal,
  )
  const ids = [...new Set(jobs.map((j) => j.technician).filter((t): t is string => !!t))]
  const crew = ids.length
    ? await erp
        .list<Technician>(
          'Technician',
          { fields: ['name', 'full_name'], filters: [['name', 'in', ids]], limit: 0 },
          signal,
        )
        .catch(() => [])
    : []
  return { jobs, technicians: Object.fromEntries(crew.map((t) => [t.name, t.full_name])) }
}

export function loadCommunications(customer: string, start: number, signal?: AbortSignal): Promise<Communication[]> {
  return erp.list<Communication>(
    'Communication',
    {
      fields: [
        'name',
        'communication_medium',
        'sent_or_received',
        'content',
        'phone_no',
        'sender',
        'communication_date',
        'message_id',
        'delivery_status',
      ],
      filters: { reference_doctype: 'Customer', reference_name: customer },
      orderBy: 'communication_date desc',
      limit: TIMELINE_PAGE,
      start,
    },
    signal,
  )
}

/**
 * Whether a document's live event may change a panel of this customer's file: a document the panel
 * lists, or one the event says is theirs. The BFF's events name the document's customer when it
 * has one (server/events/docEvents.ts); one that does not (the hub's status change, a deletion)
 * concerns the panel only for a document it lists, or when it creates one. Every other customer's
 * job moved on the board, ticket or equipment is not read again by every open file.
 */
export function eventConcerns(data: unknown, customer: string, listed: (name: string) => boolean): boolean {
  if (typeof data !== 'object' || data === null) return false
  const { name, customer: of, action } = data as { name?: unknown; customer?: unknown; action?: unknown }
  if (typeof name === 'string' && listed(name)) return true
  if ('customer' in data) return of === customer
  return action === 'create'
}
