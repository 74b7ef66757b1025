/**
 * The actions a flow's `act` steps perform, as the rep (their capabilities are checked first: a
 * flow never does more than the rep may). Each creates or changes ERPNext documents, writes one
 * journal entry, tells open pages through the bus, and leaves a trace in the customer's timeline
 * (a ticket, a job or a text shows there already; the others add a short note).
 *
 * Done once per run and step: the runner claims the step before acting, and an action resumes
 * from what an earlier failed attempt already created (`Performer.partial`), so a retry never
 * makes a second customer. Tickets and jobs also carry the step's key on their last line, so an
 * answer lost after ERPNext saved finds the document instead of creating another.
 */
import type {
  Communication,
  Customer,
  DispatchJob,
  Issue,
  JobType,
  Priority,
  ServiceLocation,
  Subscription,
} from '../../src/contracts/doctypes'
import { JOB_TYPES, PRIORITIES } from '../../src/contracts/doctypes'
import { ACTION_SPECS } from '../../src/contracts/flows/catalogue'
import type { ActionKind, ActResult, AddressValue, FlowCustomer } from '../../src/contracts/flows/types'
import { toFrappeDate, toFrappeDatetime } from '../../src/contracts/frappeTime'
import { parseJsonObject } from '../../src/contracts/json'
import { toE164 } from '../../src/contracts/searchKeys'
import type { Sentence } from '../errors'
import { bookOnDay } from './booking'
import { activeSubscription, flowCustomerOf } from './customer'
import {
  failureOf,
  hasAny,
  missingCapability,
  NO_CUSTOMER,
  OperationFailed,
  published,
  servicesFor,
  type FlowServices,
  type Performer,
} from './operation'

const SMS_TIMEOUT_MS = 10_000

/** What an earlier, failed attempt of the same step already made (customer, location…: name). */
export type MadeEarlier = Record<string, string>

export interface ActionPerformer extends Performer {
  partial: MadeEarlier
}

type Params = Record<string, unknown>

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

const WHAT: Record<ActionKind, Sentence> = {
  'open-ticket': { fr: 'Le billet n’a pas pu être ouvert', en: 'The ticket could not be opened' },
  'book-technician': { fr: 'L’intervention n’a pas pu être réservée', en: 'The job could not be booked' },
  'send-sms': { fr: 'Le texto n’a pas pu être envoyé', en: 'The text could not be sent' },
  'create-customer': { fr: 'Le client n’a pas pu être créé', en: 'The customer could not be created' },
  'create-location': { fr: 'L’emplacement n’a pas pu être ajouté', en: 'The location could not be added' },
  'close-location': { fr: 'L’emplacement n’a pas pu être fermé', en: 'The location could not be closed' },
  'change-plan': { fr: 'Le forfait n’a pas pu être changé', en: 'The plan could not be changed' },
  'cancel-service': { fr: 'Le service n’a pas pu être résilié', en: 'The service could not be cancelled' },
  'add-note': { fr: 'La note n’a pas pu être ajoutée', en: 'The note could not be added' },
}

/** The last line of a ticket or job made by a flow: which run and step made it. */
export const markerLine = (key: string) => `Parcours ${key}`

const missing = (fr: string, en: string) => new OperationFailed({ fr, en }, false)

const asAddress = (v: unknown): AddressValue | null => {
  if (!v || typeof v !== 'object') return null
  const a = v as Record<string, unknown>
  const line = text(a.line)
  const city = text(a.city)
  return line && city ? { line, city, postalCode: text(a.postalCode).toUpperCase() } : null
}

/** A location given as a name, or as the result of a create-location step ({ name }). */
const locationName = (v: unknown): string => {
  if (typeof v === 'string') return v.trim()
  if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string')
    return (v as { name: string }).name
  return ''
}

function needCustomer(p: Performer): FlowCustomer {
  if (!p.customer) throw new OperationFailed(NO_CUSTOMER, false)
  return p.customer
}

function journal(services: FlowServices, p: Performer, action: ActionKind, target: string, detail = '') {
  services.audit.record({
    requestId: p.requestId,
    actor: p.user.email,
    action: 'flow.act',
    target,
    outcome: 'ok',
    status: 200,
    detail: `${p.idempotencyKey} (${action})${detail ? `: ${detail}` : ''}`,
  })
}

/** A line in the customer's timeline for what the flow did ("Parcours « Déménagement » : …"). */
async function note(services: FlowServices, p: ActionPerformer, customer: string, summary: Sentence): Promise<void> {
  if (p.partial.note) return
  const comm = await services.erp.insert<Communication>('Communication', {
    communication_medium: 'Phone',
    sent_or_received: 'Sent',
    reference_doctype: 'Customer',
    reference_name: customer,
    content: `Parcours « ${p.flowTitle.fr} » : ${summary.fr}`,
    sender: p.user.email,
    communication_date: toFrappeDatetime(new Date(p.now)),
  })
  p.partial.note = comm.name
  published(services, comm, 'Communication', 'create')
}

/** A document this step already made (its key on the description's last line), or null. */
async function madeByStep<T extends { name: string }>(
  services: FlowServices,
  doctype: string,
  key: string,
): Promise<T | null> {
  const rows = await services.erp.list<T>(doctype, {
    fields: ['name', 'modified'],
    filters: [['description', 'like', `%${markerLine(key)}`]],
    limit: 1,
  })
  return rows[0] ?? null
}

const withMarker = (description: string, key: string) =>
  [description.trim(), markerLine(key)].filter(Boolean).join('\n\n')

// ---- open-ticket --------------------------------------------------------------------------

async function openTicket(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const subject = text(params.subject)
  if (!subject) throw missing('Le billet n’a pas de sujet.', 'The ticket has no subject.')
  const priority = PRIORITIES.includes(params.priority as Priority) ? (params.priority as Priority) : 'Medium'
  let issue = await madeByStep<Issue>(services, 'Issue', p.idempotencyKey)
  if (!issue) {
    issue = await services.erp.insert<Issue>('Issue', {
      subject,
      customer: customer.name,
      ...(customer.location ? { service_location: customer.location } : {}),
      status: 'Open',
      priority,
      opening_date: toFrappeDate(new Date(p.now)),
      description: withMarker(text(params.description), p.idempotencyKey),
      raised_by: p.user.email,
    })
    published(services, issue, 'Issue', 'create')
  }
  journal(services, p, 'open-ticket', `Issue/${issue.name}`)
  return {
    doctype: 'Issue',
    name: issue.name,
    summary: { fr: `Billet ${issue.name} ouvert : ${subject}.`, en: `Ticket ${issue.name} opened: ${subject}.` },
  }
}

// ---- book-technician ----------------------------------------------------------------------

const DATE = /^\d{4}-\d{2}-\d{2}$/

async function bookTechnician(services: FlowServices, p: ActionPerformer, params: Params) {
  const customer = needCustomer(p)
  const jobType = params.jobType as JobType
  if (!JOB_TYPES.includes(jobType)) throw missing('Le type d’intervention est inconnu.', 'The job type is unknown.')
  const description = text(params.description)
  const duration = Math.min(8 * 60, Math.max(15, Math.round(Number(params.durationMinutes) || 60)))
  const priority = PRIORITIES.includes(params.priority as Priority) ? (params.priority as Priority) : 'Medium'
  const locName = locationName(params.location) || customer.location || ''
  if (!locName)
    throw missing(
      'Aucun emplacement pour cette intervention : ajoutez-en un au client.',
      'No location for this job: add one to the customer.',
    )
  const location = await services.erp.get<ServiceLocation>('Service Location', locName)
  if (!location) throw missing(`L’emplacement ${locName} n’existe pas.`, `Location ${locName} does not exist.`)

  let job = await madeByStep<DispatchJob>(services, 'Dispatch Job', p.idempotencyKey)
  let day = typeof params.date === 'string' && DATE.test(params.date.trim()) ? params.date.trim() : ''
  if (day && day < toFrappeDate(new Date(p.now))) day = '' // a day gone by: dispatch decides
  if (!job) {
    const site =
      location.latitude != null && location.longitude != null
        ? { latitude: location.latitude, longitude: location.longitude }
        : null
    const booking = day ? await bookOnDay(services.erp, day, duration, site, p.now) : null
    const wish = day && !booking ? `Jour souhaité : ${day}` : ''
    job = await services.erp.insert<DispatchJob>('Dispatch Job', {
      job_type: jobType,
      priority,
      customer: customer.name,
      service_location: location.name,
      address: `${location.address_line}, ${location.city}`,
      latitude: location.latitude,
      longitude: location.longitude,
      duration_minutes: duration,
      description: withMarker([wish, description].filter(Boolean).join('\n'), p.idempotencyKey),
      status: booking ? 'Scheduled' : 'Unscheduled',
      ...(booking
        ? { technician: booking.technician, scheduled_start: toFrappeDatetime(new Date(booking.start)) }
        : {}),
    })
    published(services, job, 'Dispatch Job', 'create')
  }
  journal(services, p, 'book-technician', `Dispatch Job/${job.name}`, job.technician ?? 'unassigned')
  // Frappe keeps the site's wall-clock time: "2026-12-03 09:00:00.000000" reads as is.
  const when = job.scheduled_start?.slice(0, 16) ?? ''
  return {
    doctype: 'Dispatch Job',
    name: job.name,
    ...(job.technician ? { technician: job.technician } : {}),
    ...(job.scheduled_start ? { scheduled_start: job.scheduled_start } : {}),
    summary: job.technician
      ? {
          fr: `Intervention ${job.name} réservée le ${when} (technicien ${job.technician}).`,
          en: `Job ${job.name} booked on ${when} (technician ${job.technician}).`,
        }
      : {
          fr: `Intervention ${job.name} créée, non assignée : la répartition la planifiera${day ? ` (jour souhaité : ${day})` : ''}.`,
          en: `Job ${job.name} created, unassigned: dispatch will plan it${day ? ` (preferred day: ${day})` : ''}.`,
        },
  } satisfies ActResult & { technician?: string; scheduled_start?: string }
}

// ---- send-sms -----------------------------------------------------------------------------

async function sendSms(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const body = text(params.text)
  if (!body) throw missing('Le texto est vide.', 'The text is empty.')
  const to = customer.mobile_no ? toE164(customer.mobile_no) : null
  if (!to) {
    journal(services, p, 'send-sms', `Customer/${customer.name}`, 'skipped: no mobile number')
    return {
      doctype: 'Communication',
      name: '',
      skipped: true,
      summary: {
        fr: 'Aucun texto envoyé : le client n’a pas de numéro de mobile au dossier. Donnez l’information de vive voix.',
        en: 'No text sent: the customer has no mobile number on file. Give the information by voice.',
      },
    }
  }
  const max = services.config.rateLimits.sms
  if (max > 0) {
    const decision = await services.limiter.hit(`sms:${p.user.email}`, max)
    if (!decision.allowed) {
      const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000))
      throw new OperationFailed(
        {
          fr: `Trop de textos envoyés : au plus ${max} par minute. Réessayez dans ${seconds} s.`,
          en: `Too many texts sent: at most ${max} per minute. Try again in ${seconds} s.`,
        },
        true,
      )
    }
  }
  const answer = await services.hub.send('POST', '/sms/send', {
    body: new TextEncoder().encode(JSON.stringify({ to, body, customer: customer.name })),
    contentType: 'application/json',
    idempotencyKey: p.idempotencyKey,
    timeoutMs: SMS_TIMEOUT_MS,
  })
  if (answer.status >= 400)
    throw new OperationFailed(
      answer.status >= 500
        ? {
            fr: `Le texto n’a pas pu être envoyé : le hub a répondu ${answer.status}. Réessayez dans un instant.`,
            en: `The text could not be sent: the hub answered ${answer.status}. Try again in a moment.`,
          }
        : {
            fr: `Le texto a été refusé par le hub (${answer.status}) : vérifiez le numéro du client (${to}).`,
            en: `The hub refused the text (${answer.status}): check the customer’s number (${to}).`,
          },
      answer.status >= 500,
    )
  const sent = parseJsonObject(answer.body)
  const sid = typeof sent?.sid === 'string' ? sent.sid : ''
  // The hub logs the text as a Communication; its name is the timeline's, the sid the gateway's.
  const logged = sid
    ? await services.erp
        .list<Communication>('Communication', { fields: ['name'], filters: [['message_id', '=', sid]], limit: 1 })
        .catch(() => [])
    : []
  const name = logged[0]?.name ?? sid
  journal(services, p, 'send-sms', `Communication/${name}`)
  return {
    doctype: 'Communication',
    name,
    summary: { fr: `Texto envoyé au ${to}.`, en: `Text sent to ${to}.` },
  }
}

// ---- create-customer ----------------------------------------------------------------------

/**
 * A document this step creates, made once: a retry after a failure part-way reads back what the
 * earlier attempt made (`partial`) instead of making it again.
 */
async function madeOnce<T extends { name: string }>(
  services: FlowServices,
  p: ActionPerformer,
  key: string,
  doctype: string,
  doc: Record<string, unknown>,
): Promise<T> {
  const earlier = p.partial[key]
  if (earlier) {
    const found = await services.erp.get<T>(doctype, earlier)
    if (!found) throw new Error(`${doctype} ${earlier} made earlier is gone`)
    return found
  }
  const made = await services.erp.insert<T>(doctype, doc)
  p.partial[key] = made.name
  published(services, made, doctype, 'create')
  return made
}

const newLocation = (customer: string, address: AddressValue): Record<string, unknown> => ({
  customer,
  address_line: address.line,
  city: address.city,
  ...(address.postalCode ? { postal_code: address.postalCode } : {}),
  status: 'Pending',
})

async function createCustomer(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customerName = text(params.customerName)
  const address = asAddress(params.address)
  const plan = text(params.plan)
  if (!customerName) throw missing('Le nom du client manque.', 'The customer’s name is missing.')
  if (!address) throw missing('L’adresse de service manque.', 'The service address is missing.')
  if (!plan) throw missing('Le forfait manque.', 'The plan is missing.')
  const language = params.language === 'en' ? 'en' : 'fr'
  const today = toFrappeDate(new Date(p.now))

  const customer = await madeOnce<Customer>(services, p, 'customer', 'Customer', {
    customer_name: customerName,
    customer_type: 'Individual',
    language,
    ...(text(params.phone) ? { mobile_no: text(params.phone) } : {}),
    ...(text(params.email) ? { email_id: text(params.email) } : {}),
  })
  const location = await madeOnce<ServiceLocation>(
    services,
    p,
    'location',
    'Service Location',
    newLocation(customer.name, address),
  )
  const subscription = await madeOnce<Subscription>(services, p, 'subscription', 'Subscription', {
    party_type: 'Customer',
    party: customer.name,
    service_location: location.name,
    status: 'Active',
    start_date: today,
    plans: [{ plan, qty: 1 }],
  })
  const summary = {
    fr: `Client ${customer.name} créé : ${customerName}, ${address.line}, ${address.city} (forfait ${plan}).`,
    en: `Customer ${customer.name} created: ${customerName}, ${address.line}, ${address.city} (plan ${plan}).`,
  }
  await note(services, p, customer.name, summary)
  journal(services, p, 'create-customer', `Customer/${customer.name}`, `${location.name}, ${subscription.name}`)
  return {
    doctype: 'Customer',
    name: customer.name,
    customer: flowCustomerOf(customer, location, subscription),
    summary,
  }
}

// ---- create-location, close-location ------------------------------------------------------

async function createLocation(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const address = asAddress(params.address)
  if (!address) throw missing('L’adresse manque.', 'The address is missing.')
  const location = await madeOnce<ServiceLocation>(
    services,
    p,
    'location',
    'Service Location',
    newLocation(customer.name, address),
  )
  let moved = ''
  if (params.moveSubscription === true || params.moveSubscription === 'true') {
    const sub = await activeSubscription(services.erp, customer.name, customer.location)
    if (sub && sub.service_location !== location.name) {
      const saved = await services.erp.update<Subscription>('Subscription', sub.name, {
        service_location: location.name,
      })
      published(services, saved, 'Subscription', 'update')
    }
    moved = sub?.name ?? ''
  }
  const where = `${address.line}, ${address.city}`
  const summary = {
    fr: `Nouvel emplacement ${location.name} : ${where} (en attente)${moved ? ` ; l’abonnement ${moved} y est transféré` : ''}.`,
    en: `New location ${location.name}: ${where} (pending)${moved ? `; subscription ${moved} moved there` : ''}.`,
  }
  await note(services, p, customer.name, summary)
  journal(services, p, 'create-location', `Service Location/${location.name}`, moved ? `subscription ${moved}` : '')
  return { doctype: 'Service Location', name: location.name, summary }
}

async function closeLocation(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const name = locationName(params.location) || customer.location || ''
  if (!name) throw missing('Aucun emplacement à fermer.', 'No location to close.')
  const location = await services.erp.get<ServiceLocation>('Service Location', name)
  if (!location || location.customer !== customer.name)
    throw missing(`L’emplacement ${name} n’est pas celui de ce client.`, `Location ${name} is not this customer’s.`)
  if (location.status !== 'Inactive') {
    const saved = await services.erp.update<ServiceLocation>('Service Location', name, { status: 'Inactive' })
    published(services, saved, 'Service Location', 'update')
  }
  const summary = {
    fr: `Emplacement ${name} fermé : ${location.address_line}, ${location.city}.`,
    en: `Location ${name} closed: ${location.address_line}, ${location.city}.`,
  }
  await note(services, p, customer.name, summary)
  journal(services, p, 'close-location', `Service Location/${name}`)
  return { doctype: 'Service Location', name, summary }
}

// ---- change-plan, cancel-service ----------------------------------------------------------

async function subscriptionOf(services: FlowServices, customer: FlowCustomer): Promise<Subscription> {
  const sub = customer.subscription
    ? await services.erp.get<Subscription>('Subscription', customer.subscription)
    : await activeSubscription(services.erp, customer.name, customer.location)
  if (!sub || sub.party !== customer.name)
    throw missing('Ce client n’a pas d’abonnement actif.', 'This customer has no active subscription.')
  return sub
}

async function changePlan(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const plan = text(params.plan)
  if (!plan) throw missing('Le nouveau forfait manque.', 'The new plan is missing.')
  const sub = await subscriptionOf(services, customer)
  const before = sub.plans?.[0]?.plan ?? ''
  if (before !== plan || (sub.plans?.length ?? 0) !== 1) {
    const saved = await services.erp.update<Subscription>('Subscription', sub.name, { plans: [{ plan, qty: 1 }] })
    published(services, saved, 'Subscription', 'update')
  }
  const summary = {
    fr: `Forfait changé${before ? ` : ${before} →` : ' pour'} ${plan} (abonnement ${sub.name}).`,
    en: `Plan changed${before ? `: ${before} →` : ' to'} ${plan} (subscription ${sub.name}).`,
  }
  await note(services, p, customer.name, summary)
  journal(services, p, 'change-plan', `Subscription/${sub.name}`, `${before || '—'} → ${plan}`)
  return { doctype: 'Subscription', name: sub.name, summary }
}

async function cancelService(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const reason = text(params.reason)
  if (!reason) throw missing('Le motif de la résiliation manque.', 'The reason for cancelling is missing.')
  const today = toFrappeDate(new Date(p.now))
  const given = text(params.endDate)
  if (given && !DATE.test(given))
    throw missing('La date de fin doit être AAAA-MM-JJ.', 'The end date must be YYYY-MM-DD.')
  const endDate = given || today
  const sub = await subscriptionOf(services, customer)
  if (sub.status !== 'Cancelled' || sub.end_date !== endDate) {
    const saved = await services.erp.update<Subscription>('Subscription', sub.name, {
      status: 'Cancelled',
      end_date: endDate,
    })
    published(services, saved, 'Subscription', 'update')
  }
  const summary = {
    fr: `Service résilié au ${endDate} (abonnement ${sub.name}). Motif : ${reason}`,
    en: `Service cancelled as of ${endDate} (subscription ${sub.name}). Reason: ${reason}`,
  }
  await note(services, p, customer.name, summary)
  journal(services, p, 'cancel-service', `Subscription/${sub.name}`, endDate)
  return { doctype: 'Subscription', name: sub.name, summary }
}

// ---- add-note -----------------------------------------------------------------------------

async function addNote(services: FlowServices, p: ActionPerformer, params: Params): Promise<ActResult> {
  const customer = needCustomer(p)
  const content = text(params.text)
  if (!content) throw missing('La note est vide.', 'The note is empty.')
  const name =
    p.partial.note ??
    (
      await services.erp.insert<Communication>('Communication', {
        communication_medium: 'Phone',
        sent_or_received: 'Sent',
        reference_doctype: 'Customer',
        reference_name: customer.name,
        content,
        sender: p.user.email,
        communication_date: toFrappeDatetime(new Date(p.now)),
      })
    ).name
  if (!p.partial.note) {
    p.partial.note = name
    published(
      services,
      { name, reference_doctype: 'Customer', reference_name: customer.name },
      'Communication',
      'create',
    )
  }
  journal(services, p, 'add-note', `Communication/${name}`)
  return {
    doctype: 'Communication',
    name,
    summary: { fr: 'Note ajoutée au dossier du client.', en: 'Note added to the customer’s file.' },
  }
}

const PERFORM: Record<ActionKind, (s: FlowServices, p: ActionPerformer, params: Params) => Promise<ActResult>> = {
  'open-ticket': openTicket,
  'book-technician': bookTechnician,
  'send-sms': sendSms,
  'create-customer': createCustomer,
  'create-location': createLocation,
  'close-location': closeLocation,
  'change-plan': changePlan,
  'cancel-service': cancelService,
  'add-note': addNote,
}

/**
 * Performs one action as the rep. Throws OperationFailed (403 when the rep lacks the capability:
 * nothing attempted) with a sentence saying what to do next.
 */
export async function runAction(
  services: FlowServices,
  p: ActionPerformer,
  action: ActionKind,
  params: Params,
): Promise<ActResult> {
  const spec = ACTION_SPECS[action]
  if (!hasAny(p.user, spec.capabilities)) throw missingCapability(spec)
  try {
    return await PERFORM[action](servicesFor(services, p.requestId), p, params)
  } catch (err) {
    throw failureOf(err, WHAT[action], p)
  }
}
