import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Communication, Customer, DispatchJob, ServiceLocation, Subscription } from '../../src/contracts/doctypes'
import type { FlowCustomer } from '../../src/contracts/flows/types'
import { addDays, toFrappeDate } from '../../src/contracts/frappeTime'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { createMemoryBus, type BusEvent } from '../events/bus'
import { createMemoryLimiter } from '../rateLimit'
import type { RequestUser } from '../session'
import { inProcessErp, noHub, testConfig } from '../testing'
import { erpClientOver, UpstreamUnreachable, type ErpClient } from '../upstream/erp'
import { runAction, type ActionPerformer } from './actions'
import { loadFlowCustomer } from './customer'
import { OperationFailed, type FlowServices } from './operation'

const rep: RequestUser = {
  email: 'isabelle.roy@gigafibre.ca',
  username: 'isabelle.roy',
  name: 'Isabelle Roy',
  groups: ['ops-csr'],
  capabilities: ['clients:view', 'clients:edit', 'sms:send', 'flows:run'],
}

let erp: TestErp
let client: ErpClient
let services: FlowServices
let audit: AuditJournal
let auditDir: string
let events: BusEvent[]
let marie: FlowCustomer

function performer(step: string, customer: FlowCustomer | null = marie): ActionPerformer {
  return {
    user: rep,
    requestId: `req-${step}`,
    run: 'RUN-2026-00042',
    step,
    flowTitle: { fr: 'Déménagement', en: 'Move' },
    customer,
    idempotencyKey: `RUN-2026-00042:${step}`,
    now: Date.now(),
    partial: {},
  }
}

async function list<T>(doctype: string, filters: unknown[], fields = '["*"]'): Promise<T[]> {
  const q = new URLSearchParams({ fields, filters: JSON.stringify(filters), limit_page_length: '0' })
  return (await erp.get<{ data: T[] }>(`/api/resource/${encodeURIComponent(doctype)}?${q}`)).body.data
}
async function doc<T>(doctype: string, name: string): Promise<T> {
  return (await erp.get<{ data: T }>(`/api/resource/${encodeURIComponent(doctype)}/${name}`)).body.data
}

beforeEach(async () => {
  erp = testErp({ now: () => new Date() })
  const customer = await erp.create('Customer', { customer_name: 'Marie Côté', mobile_no: '514-555-0101' })
  const home = await erp.create('Service Location', {
    customer: customer.name,
    address_line: '12 rue Principale',
    city: 'Saint-Jérôme',
    postal_code: 'J7Z 1A1',
    latitude: 45.78,
    longitude: -74.0,
    status: 'Active',
  })
  await erp.create('Subscription', {
    party: customer.name,
    service_location: home.name,
    status: 'Active',
    start_date: '2025-01-15',
    plans: [{ plan: 'Fibre 1000', qty: 1 }],
  })
  await erp.create('Technician', {
    full_name: 'Julien Gagnon',
    email: 'julien.gagnon@gigafibre.ca',
    status: 'Active',
    shift_start: '08:00',
    shift_end: '16:30',
  })
  client = inProcessErp(erp)
  marie = (await loadFlowCustomer(client, String(customer.name)))!
  auditDir = mkdtempSync(join(tmpdir(), 'ops-flow-actions-'))
  audit = createAuditJournal(auditDir)
  const bus = createMemoryBus()
  events = []
  bus.subscribe((e) => {
    events.push(e)
  })
  services = { erp: client, hub: noHub, bus, audit, limiter: createMemoryLimiter(), config: testConfig() }
})
afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

const notes = () =>
  list<Communication>('Communication', [
    ['reference_name', '=', marie.name],
    ['communication_medium', '=', 'Phone'],
  ])

describe('booking a technician from a flow', () => {
  it('without a day: an unassigned job at the customer’s address, for dispatch to plan', async () => {
    const result = await runAction(services, performer('book'), 'book-technician', {
      jobType: 'Repair',
      description: 'Pas de lumière sur le modem',
      priority: 'High',
    })
    const job = await doc<DispatchJob>('Dispatch Job', result.name)
    expect(job).toMatchObject({
      job_type: 'Repair',
      status: 'Unscheduled',
      priority: 'High',
      customer: marie.name,
      service_location: marie.location,
      address: '12 rue Principale, Saint-Jérôme',
      latitude: 45.78,
      longitude: -74.0,
      duration_minutes: 60,
    })
    expect(job.description).toContain('Pas de lumière sur le modem')
    expect(result.summary.fr).toContain('non assignée')
    // The event names the job's customer, so only their open file reads its jobs again.
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'doc_update',
        data: expect.objectContaining({ doctype: 'Dispatch Job', name: job.name, customer: marie.name }),
      }),
    )
    expect(audit.read({ action: 'flow.act', limit: 5 }).entries[0]).toMatchObject({
      target: `Dispatch Job/${job.name}`,
      actor: rep.email,
    })
  })

  it('on a preferred day: with a free technician in a free slot; an answer lost after saving finds the same job', async () => {
    const day = addDays(toFrappeDate(new Date()), 2)
    const params = { jobType: 'Installation', description: 'Installation', date: day, durationMinutes: 120 }
    const result = await runAction(services, performer('install'), 'book-technician', params)
    const job = await doc<DispatchJob>('Dispatch Job', result.name)
    expect(job).toMatchObject({ status: 'Scheduled', technician: 'TECH-001', duration_minutes: 120 })
    expect(job.scheduled_start?.slice(0, 16)).toBe(`${day} 08:00`)
    const again = await runAction(services, performer('install'), 'book-technician', params)
    expect(again.name).toBe(job.name)
    expect(await list('Dispatch Job', [['customer', '=', marie.name]], '["name"]')).toHaveLength(1)
  })
})

describe('moving, closing, changing and cancelling', () => {
  it('adds a location and moves the subscription there, with a note in the timeline', async () => {
    const result = await runAction(services, performer('new-location'), 'create-location', {
      address: { line: '80 rue King', city: 'Saint-Jérôme', postalCode: 'J7Y 1A1' },
      moveSubscription: true,
    })
    const location = await doc<ServiceLocation>('Service Location', result.name)
    expect(location).toMatchObject({ customer: marie.name, status: 'Pending', address_line: '80 rue King' })
    expect((await doc<Subscription>('Subscription', marie.subscription!)).service_location).toBe(result.name)
    const [note] = await notes()
    expect(note).toMatchObject({ sent_or_received: 'Sent', sender: rep.email })
    expect(note.content).toMatch(/^Parcours « Déménagement » : Nouvel emplacement /)

    const closed = await runAction(services, performer('close-old'), 'close-location', { location: marie.location })
    expect((await doc<ServiceLocation>('Service Location', closed.name)).status).toBe('Inactive')
  })

  it('changes the plan and cancels the service on a given day', async () => {
    await runAction(services, performer('change'), 'change-plan', { plan: 'Fibre 100' })
    expect((await doc<Subscription>('Subscription', marie.subscription!)).plans?.map((p) => p.plan)).toEqual([
      'Fibre 100',
    ])
    const cancelled = await runAction(services, performer('cancel'), 'cancel-service', {
      reason: 'Prix',
      endDate: '2026-12-31',
    })
    expect(await doc<Subscription>('Subscription', cancelled.name)).toMatchObject({
      status: 'Cancelled',
      end_date: '2026-12-31',
    })
    expect((await notes()).map((n) => n.content)).toEqual(
      expect.arrayContaining([expect.stringContaining('Fibre 100'), expect.stringContaining('Motif : Prix')]),
    )
  })

  it('writes a note as the rep', async () => {
    const result = await runAction(services, performer('note'), 'add-note', { text: 'Client rappellera demain.' })
    expect(await doc<Communication>('Communication', result.name)).toMatchObject({
      communication_medium: 'Phone',
      sent_or_received: 'Sent',
      reference_doctype: 'Customer',
      reference_name: marie.name,
      content: 'Client rappellera demain.',
      sender: rep.email,
    })
    // Its event names the customer, so another customer's open file reads nothing.
    expect(events).toContainEqual({
      id: expect.any(String),
      type: 'doc_update',
      data: expect.objectContaining({ doctype: 'Communication', name: result.name, customer: marie.name }),
    })
  })

  it('a text to a customer with no mobile is skipped with a sentence, nothing sent', async () => {
    const result = await runAction(services, performer('sms', { ...marie, mobile_no: undefined }), 'send-sms', {
      text: 'Bonjour',
    })
    expect(result).toMatchObject({ skipped: true })
    expect(result.summary.fr).toContain('de vive voix')
  })
})

describe('creating a customer', () => {
  it('makes the customer, a pending location and an active subscription; a retry after a failure makes no second customer', async () => {
    let failSubscription = true
    const flaky = erpClientOver(async (method, path, body) => {
      if (failSubscription && method === 'POST' && path.includes('/Subscription')) throw new UpstreamUnreachable('down')
      return client.send(method, path, body)
    })
    const p = performer('create', null)
    const params = {
      customerName: 'Jean Tremblay',
      phone: '450 555-0199',
      language: 'en',
      address: { line: '5 rue des Érables', city: 'Saint-Jérôme', postalCode: 'j7y 2b2' },
      plan: 'Fibre 500',
    }
    const failed = await runAction({ ...services, erp: flaky }, p, 'create-customer', params).catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(OperationFailed)
    expect((failed as OperationFailed).retryable).toBe(true)
    expect(p.partial.customer).toMatch(/^CUST-/)

    failSubscription = false
    const result = await runAction({ ...services, erp: flaky }, p, 'create-customer', params)
    expect(result.name).toBe(p.partial.customer)
    expect(await list<Customer>('Customer', [['customer_name', '=', 'Jean Tremblay']], '["name"]')).toHaveLength(1)
    expect(result.customer).toMatchObject({
      name: result.name,
      customer_name: 'Jean Tremblay',
      language: 'en',
      mobile_no: '450 555-0199',
      city: 'Saint-Jérôme',
      postal_code: 'J7Y 2B2',
      plan: 'Fibre 500',
    })
    expect(await doc<ServiceLocation>('Service Location', result.customer!.location!)).toMatchObject({
      status: 'Pending',
    })
    expect(await doc<Subscription>('Subscription', result.customer!.subscription!)).toMatchObject({
      status: 'Active',
      start_date: toFrappeDate(new Date()),
      party: result.name,
    })
  })
})
