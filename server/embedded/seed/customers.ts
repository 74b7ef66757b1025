/**
 * Subscribers and where they are served: Customers, their Service Locations (a few have a second
 * one, a chalet or a rental), and one Subscription per location. The recent sign-ups are the ones
 * with installations in the job window; their activation day drives the Installation jobs.
 */
import { INTERNET_PLANS, PHONE_PLAN, TV_PLAN, type PlanLine } from './catalogue'
import type { CustomerDoc, LocationDoc, SubscriptionDoc } from './docs'
import { nameInCreationOrder, yearly } from './docs'
import {
  BUSINESS_KINDS,
  BUSINESS_SUFFIXES,
  CITIES,
  EMAIL_DOMAINS,
  FEMALE_FIRST_NAMES,
  LAST_NAMES,
  MALE_FIRST_NAMES,
  OTHER_FIRST_NAMES,
  OTHER_LAST_NAMES,
  STREET_NAMES,
  STREET_TYPES,
  emailLocalPart,
  formatPhoneAsTyped,
  offsetPoint,
  postalCode,
  type City,
  type PhoneBook,
} from './quebec'
import { weighted, type Rng } from './random'
import { DAY, HOUR, type SiteCalendar } from './time'

/** How the customer pays: drives subscription status and overdue invoices. */
export type Standing = 'good' | 'late' | 'delinquent'

export interface Household {
  customer: CustomerDoc
  /** For SMS greetings ("Bonjour Julie"). */
  firstName: string
  /** Ten digits, when the customer gave a mobile number. */
  phone?: string
  standing: Standing
  sites: Site[]
}

export interface Site {
  location: LocationDoc
  subscription: SubscriptionDoc
  household: Household
  city: City
  plans: PlanLine[]
  /** The day service started (or will start, for a Pending location). */
  activatedOn: string
  /** When the location was ordered (epoch ms): its installation job is booked then. */
  orderedAt: number
}

export interface CustomerOptions {
  customers: number
  /** Share of customers with a second service location. */
  secondLocationShare: number
}

export interface CustomerBook {
  households: Household[]
  sites: Site[]
  customers: CustomerDoc[]
  locations: LocationDoc[]
  subscriptions: SubscriptionDoc[]
}

const YEAR = 365 * DAY
const HISTORY = 6 * YEAR
/** Sign-ups in the last month: their installs fall in the dispatch window. */
const RECENT_SHARE = 0.05
const RECENT_SPAN = 30 * DAY

interface Street {
  name: string
  lat: number
  lon: number
  dirNorth: number
  dirEast: number
  firstCivic: number
}

/** A town's streets, each laid out in a line so neighbours on the map share a street. */
function streetsOf(rng: Rng, city: City): Street[] {
  const pickType = weighted(STREET_TYPES)
  const names = new Set<string>(city.mainStreets)
  const wanted = 18 + Math.round(city.weight / 3)
  for (let guard = 0; names.size < wanted && guard < wanted * 10; guard++) {
    names.add(`${pickType(rng)} ${rng.pick(STREET_NAMES)}`)
  }
  return [...names].map((name) => {
    const [lat, lon] = offsetPoint(
      city.latitude,
      city.longitude,
      rng.gauss() * city.radiusKm * 0.5,
      rng.gauss() * city.radiusKm * 0.5,
    )
    const angle = rng.next() * Math.PI
    return {
      name,
      lat,
      lon,
      dirNorth: Math.sin(angle),
      dirEast: Math.cos(angle),
      firstCivic: rng.pick([1, 10, 100, 200, 500, 1000, 2000]),
    }
  })
}

/** Hands out OLT ports city by city: 2 slots × 16 PON ports × 32 ONUs per OLT. */
class OltPlant {
  private readonly next = new Map<string, number>()
  constructor(private readonly rng: Rng) {}

  allocate(city: City): { olt_name: string; olt_port: string } {
    const n = this.next.get(city.oltCode) ?? 0
    // A few ONU ids stay free, as they do after churn.
    this.next.set(city.oltCode, n + (this.rng.chance(0.15) ? 2 : 1))
    const olt = Math.floor(n / 1024) + 1
    const k = n % 1024
    return {
      olt_name: `OLT-${city.oltCode}-${String(olt).padStart(2, '0')}`,
      olt_port: `1/${1 + Math.floor(k / 512)}/${1 + Math.floor((k % 512) / 32)}:${1 + (k % 32)}`,
    }
  }
}

const pickInternet = weighted(INTERNET_PLANS.map((p) => [p.plan, p.weight] as const))

function planLines(rng: Rng, company: boolean): PlanLine[] {
  const internet = pickInternet(rng)
  const lines: PlanLine[] = [{ plan: company ? 'Giga 1000' : internet, qty: 1 }]
  if (!company && rng.chance(0.25)) lines.push({ plan: TV_PLAN.plan, qty: 1 })
  if (company) lines.push({ plan: PHONE_PLAN.plan, qty: rng.int(1, 4) })
  else if (rng.chance(0.18)) lines.push({ plan: PHONE_PLAN.plan, qty: 1 })
  return lines
}

export function generateCustomers(rng: Rng, cal: SiteCalendar, phones: PhoneBook, opts: CustomerOptions): CustomerBook {
  const now = cal.now.getTime()
  const pickCity = weighted(CITIES.map((c) => [c, c.weight] as const))
  const pickDomain = weighted(EMAIL_DOMAINS)
  const streets = new Map(CITIES.map((c) => [c, streetsOf(rng, c)]))
  const olts = new OltPlant(rng)
  const households: Household[] = []
  const sites: Site[] = []
  const emails = new Set<string>()

  const recentFrom = opts.customers - Math.round(opts.customers * RECENT_SHARE)
  for (let i = 0; i < opts.customers; i++) {
    // Sign-ups accelerate over the years (u^0.6), then the last month is spread evenly.
    const created =
      i < recentFrom
        ? now - HISTORY + (HISTORY - RECENT_SPAN) * ((i + rng.next()) / recentFrom) ** 0.6
        : now - RECENT_SPAN + (RECENT_SPAN - HOUR) * ((i - recentFrom + rng.next()) / (opts.customers - recentFrom))
    const company = rng.chance(0.025)
    const other = rng.chance(0.08)
    const female = rng.chance(0.5)
    const firstName = other ? rng.pick(OTHER_FIRST_NAMES) : rng.pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES)
    const lastName = other ? rng.pick(OTHER_LAST_NAMES) : rng.pick(LAST_NAMES)
    const home = pickCity(rng)
    const customerName = company
      ? `${rng.pick(BUSINESS_KINDS)} ${lastName}${rng.pick(BUSINESS_SUFFIXES)}`
      : `${firstName} ${lastName}`

    const customer: CustomerDoc = {
      name: `CUST-${String(i + 1).padStart(5, '0')}`,
      creation: cal.datetime(created),
      modified: '',
      customer_name: customerName,
      customer_type: company ? 'Company' : 'Individual',
      customer_group: company ? 'Commercial' : 'Résidentiel',
      territory: home.zone.region,
      language: other || rng.chance(0.03) ? 'en' : 'fr',
      disabled: 0,
    }
    const phone = rng.chance(company ? 0.98 : 0.92) ? phones.draw() : undefined
    if (phone) customer.mobile_no = formatPhoneAsTyped(rng, phone)
    if (rng.chance(company ? 0.9 : 0.75)) {
      // "info@garage-cote.ca" for a business, "marie.cote@videotron.ca" for a person.
      let email = company
        ? `info@${emailLocalPart(customerName.split(' ')[0], lastName).replace('.', '-')}.ca`
        : `${emailLocalPart(firstName, lastName)}@${pickDomain(rng)}`
      if (emails.has(email)) email = email.replace('@', `${rng.int(1, 99)}@`)
      if (!emails.has(email)) {
        emails.add(email)
        customer.email_id = email
      }
    }
    const standing: Standing = rng.chance(0.86) ? 'good' : rng.chance(0.7) ? 'late' : 'delinquent'
    const household: Household = { customer, firstName, standing, sites: [], ...(phone ? { phone } : {}) }
    households.push(household)

    const siteCount = i < recentFrom && rng.chance(opts.secondLocationShare) ? 2 : 1
    for (let s = 0; s < siteCount; s++) {
      // A second address comes later: a chalet up north or a rental property.
      const siteCreated = s === 0 ? created + rng.int(1, 600) * 1000 : created + rng.next() * (now - created) * 0.8
      const city = s === 0 ? home : pickCity(rng)
      const site = createSite(rng, cal, olts, household, city, streets.get(city) ?? [], siteCreated, company)
      household.sites.push(site)
      sites.push(site)
    }
    const active = household.sites.some((s) => s.location.status !== 'Inactive')
    if (!active && rng.chance(0.6)) customer.disabled = 1
    customer.modified = rng.chance(0.3) ? cal.datetime(created + rng.next() * (now - created)) : customer.creation
  }

  const locations = nameInCreationOrder(
    sites.map((s) => s.location),
    () => 'LOC-',
  )
  const subscriptions = nameInCreationOrder(
    sites.map((s) => s.subscription),
    yearly('ACC-SUB'),
  )
  for (const site of sites) {
    site.location.customer = site.household.customer.name
    site.subscription.party = site.household.customer.name
    site.subscription.service_location = site.location.name
  }
  return { households, sites, customers: households.map((h) => h.customer), locations, subscriptions }
}

function createSite(
  rng: Rng,
  cal: SiteCalendar,
  olts: OltPlant,
  household: Household,
  city: City,
  streets: Street[],
  created: number,
  company: boolean,
): Site {
  const now = cal.now.getTime()
  const street = rng.pick(streets)
  const civic = street.firstCivic + rng.int(0, 300) * 2 + (rng.chance(0.5) ? 1 : 0)
  const along = ((civic - street.firstCivic) / 600) * 1.5 // km along the street
  const [latitude, longitude] = offsetPoint(
    street.lat,
    street.lon,
    along * street.dirNorth + rng.gauss() * 0.02,
    along * street.dirEast + rng.gauss() * 0.02,
  )
  const unit = !company && rng.chance(0.12) ? `, app. ${rng.int(1, 12)}` : ''

  // Service starts one to two weeks after the order: the installation visit.
  const activatedOn = cal.date(created + rng.int(5, 14) * DAY)
  const recentlyOrdered = activatedOn >= cal.today
  const cancelled = !recentlyOrdered && now - created > 90 * DAY && rng.chance(0.07)
  const status = recentlyOrdered ? 'Pending' : cancelled ? 'Inactive' : 'Active'
  const creation = cal.datetime(created)
  const modified =
    status === 'Active' && rng.chance(0.2) ? cal.datetime(created + rng.next() * (now - created)) : creation

  const location: LocationDoc = {
    name: '',
    creation,
    modified,
    customer: '',
    address_line: `${civic}, ${street.name}${unit}`,
    city: city.name,
    postal_code: postalCode(rng, city),
    province: 'QC',
    latitude,
    longitude,
    status,
    ...olts.allocate(city),
  }
  const plans = planLines(rng, company)
  const subscription: SubscriptionDoc = {
    name: '',
    creation: cal.datetime(created + 2000),
    modified: creation,
    party_type: 'Customer',
    party: '',
    service_location: '',
    status: 'Active',
    start_date: activatedOn,
    plans, // the rows are plain { plan, qty }, shared with the site
  }
  if (cancelled) {
    const endedAt = created + 60 * DAY + rng.next() * (now - created - 61 * DAY)
    subscription.status = 'Cancelled'
    subscription.end_date = cal.date(endedAt)
    subscription.modified = cal.datetime(endedAt)
    location.modified = subscription.modified
  } else {
    const standing = household.standing
    if (status === 'Active' && standing !== 'good')
      subscription.status = standing === 'late' ? 'Past Due Date' : 'Unpaid'
    subscription.modified = subscription.creation
  }
  return { location, subscription, household, city, plans, activatedOn, orderedAt: created }
}
