/**
 * What a flow knows of the customer, read from ERPNext when a run starts: the customer, their
 * first active service location, the active subscription there (its plan) and the ONT installed
 * there. The Parcours menu uses it to list only the flows that fit.
 */
import type { Customer, ServiceEquipment, ServiceLocation, Subscription } from '../../src/contracts/doctypes'
import type { FlowCustomer } from '../../src/contracts/flows/types'
import type { ErpClient } from '../upstream/erp'

const LOCATION_FIELDS = ['name', 'address_line', 'city', 'postal_code', 'status', 'creation']

export async function activeSubscription(
  erp: ErpClient,
  customer: string,
  location?: string,
): Promise<Subscription | null> {
  const rows = await erp.list<Subscription>('Subscription', {
    fields: ['name', 'service_location', 'start_date'],
    filters: [
      ['party', '=', customer],
      ['status', '=', 'Active'],
    ],
    orderBy: 'start_date desc',
  })
  // The one at the location, else the newest active one of the customer.
  const chosen = rows.find((r) => location && r.service_location === location) ?? rows[0]
  return chosen ? erp.get<Subscription>('Subscription', chosen.name) : null
}

/** The FlowCustomer of a Customer document; null when there is no such customer. */
export async function loadFlowCustomer(erp: ErpClient, name: string): Promise<FlowCustomer | null> {
  const customer = await erp.get<Customer>('Customer', name)
  if (!customer) return null
  const locations = await erp.list<ServiceLocation>('Service Location', {
    fields: LOCATION_FIELDS,
    filters: [
      ['customer', '=', name],
      ['status', '=', 'Active'],
    ],
    orderBy: 'creation asc',
  })
  const location = locations[0]
  const [subscription, onts] = await Promise.all([
    activeSubscription(erp, name, location?.name),
    location
      ? erp.list<ServiceEquipment>('Service Equipment', {
          fields: ['name', 'serial_no', 'status'],
          filters: [
            ['service_location', '=', location.name],
            ['equipment_type', '=', 'ONT'],
          ],
        })
      : Promise.resolve([]),
  ])
  const ont = onts.find((e) => e.status === 'In Service') ?? onts.find((e) => e.status !== 'Returned')
  return flowCustomerOf(customer, location ?? null, subscription, ont?.serial_no)
}

export function flowCustomerOf(
  customer: Customer,
  location: ServiceLocation | null,
  subscription: Subscription | null,
  ont?: string,
): FlowCustomer {
  const out: FlowCustomer = {
    name: customer.name,
    customer_name: customer.customer_name,
    language: customer.language === 'en' ? 'en' : 'fr',
  }
  if (customer.mobile_no) out.mobile_no = customer.mobile_no
  if (customer.email_id) out.email_id = customer.email_id
  if (location) {
    out.location = location.name
    out.address = location.address_line
    out.city = location.city
    if (location.postal_code) out.postal_code = location.postal_code
  }
  if (subscription) {
    out.subscription = subscription.name
    const plan = subscription.plans?.[0]?.plan
    if (plan) out.plan = plan
  }
  if (ont) out.ont = ont
  return out
}
