import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { BffErrorBody } from '../../src/contracts/capabilities'
import type { AgentFlowRunDoc, Issue } from '../../src/contracts/doctypes'
import type { FlowDefinition, FlowProblem, FlowStats, FlowVersionView, RunView } from '../../src/contracts/flows/types'
import { createApp } from '../app'
import { createAuditJournal, type AuditJournal } from '../audit'
import { testErp, type TestErp } from '../embedded/erpnext/testing'
import { STAFF, staffRequest, testConfig, inProcessErp } from '../testing'
import { UpstreamUnreachable, type UpstreamAnswer } from '../upstream/erp'
import type { HubClient } from '../upstream/hub'
import type { FlowMenu } from './flows'

type Who = { email: string; groups: string } | null

/** A customer service rep whose group may run flows but not text customers. */
const NO_SMS = { email: 'lea.morin@gigafibre.ca', groups: 'ops-csr-voice' }
const CAPABILITY_MAP = JSON.stringify({
  'ops-admin': ['flows:run', 'flows:manage', 'clients:view', 'clients:edit', 'sms:send', 'devices:diagnose'],
  'ops-csr': ['flows:run', 'clients:view', 'clients:edit', 'sms:send', 'devices:diagnose'],
  'ops-csr-voice': ['flows:run', 'clients:view', 'clients:edit', 'devices:diagnose'],
  'ops-flows-only': ['flows:run'],
  'ops-dispatch': ['dispatch:view', 'dispatch:plan', 'clients:view'],
  'ops-tech': ['tech:self'],
})

const t = (fr: string, en = fr) => ({ fr, en })

/** A support call: a greeting, a question, the modem's diagnosis, a form, a ticket and a text. */
const SUPPORT: FlowDefinition = {
  key: 'test-support',
  version: 1,
  title: t('Soutien', 'Support'),
  audience: 'customer',
  requires: ['ont'],
  start: 'greet',
  steps: [
    {
      id: 'greet',
      kind: 'say',
      title: t('Accueil', 'Greeting'),
      text: t('Bonjour {customer.customer_name}', 'Hello {customer.customer_name}'),
      next: 'reason',
    },
    {
      id: 'reason',
      kind: 'ask',
      title: t('Motif', 'Reason'),
      question: t('Quel est le problème ?', 'What is wrong?'),
      options: [
        { value: 'internet', label: t('Internet'), goto: 'diag' },
        { value: 'other', label: t('Autre', 'Other'), goto: 'contact' },
      ],
    },
    {
      id: 'diag',
      kind: 'check',
      title: t('Diagnostic', 'Diagnosis'),
      check: 'diagnose',
      next: [{ when: { '==': [{ var: 'values.diag.status' }, 'online'] }, goto: 'fixed' }, { goto: 'contact' }],
    },
    {
      id: 'contact',
      kind: 'form',
      title: t('Coordonnées', 'Contact'),
      fields: [
        { name: 'phone', type: 'phone', label: t('Téléphone', 'Phone'), required: true },
        { name: 'note', type: 'text', label: t('Note') },
      ],
      next: 'ticket',
    },
    {
      id: 'ticket',
      kind: 'act',
      title: t('Billet', 'Ticket'),
      action: 'open-ticket',
      params: { subject: 'Panne : {customer.customer_name}', description: '{values.contact.note}' },
      next: 'sms',
    },
    {
      id: 'sms',
      kind: 'act',
      title: t('Texto', 'Text'),
      action: 'send-sms',
      params: { text: t('Billet {values.ticket.name} ouvert.', 'Ticket {values.ticket.name} opened.') },
      next: 'escalated',
    },
    { id: 'escalated', kind: 'end', title: t('Transmis', 'Escalated'), outcome: 'escalated' },
    { id: 'fixed', kind: 'end', title: t('Réglé', 'Fixed'), outcome: 'resolved' },
  ],
}

/** A new customer: their name and address, then the customer is created. */
const PROSPECT: FlowDefinition = {
  key: 'test-prospect',
  version: 1,
  title: t('Nouveau client', 'New customer'),
  audience: 'prospect',
  start: 'who',
  steps: [
    {
      id: 'who',
      kind: 'form',
      title: t('Client', 'Customer'),
      fields: [
        { name: 'name', type: 'text', label: t('Nom', 'Name'), required: true },
        { name: 'address', type: 'address', label: t('Adresse', 'Address'), required: true },
      ],
      next: 'served',
    },
    {
      id: 'served',
      kind: 'check',
      title: t('Desservie ?', 'Served?'),
      check: 'address-served',
      params: { address: { var: 'values.who.address' } },
      next: [{ when: { '==': [{ var: 'values.served.served' }, true] }, goto: 'create' }, { goto: 'sorry' }],
    },
    {
      id: 'create',
      kind: 'act',
      title: t('Création', 'Creation'),
      action: 'create-customer',
      params: { customerName: '{values.who.name}', address: { var: 'values.who.address' }, plan: 'Fibre 500' },
      next: 'sold',
    },
    { id: 'sold', kind: 'end', title: t('Vendu', 'Sold'), outcome: 'sold' },
    { id: 'sorry', kind: 'end', title: t('Non desservi', 'Not served'), outcome: 'cancelled' },
  ],
}

const LOS_DEVICE = {
  serial: 'GPONAAAA0001',
  online: false,
  opticalStatus: [{ interface: 'PON1', rxPowerDbm: -40, linkUp: false }],
  wifi: [],
  mesh: [],
}

/** A hub that knows one modem, texts when it is up, and records what reached it. */
function stubHub() {
  const state = { down: false }
  const sent: { to: string; body: string; key?: string }[] = []
  const calls: string[] = []
  const answer = (status: number, body: unknown): UpstreamAnswer => ({
    status,
    body: JSON.stringify(body),
    contentType: 'application/json',
  })
  const client: HubClient = {
    baseUrl: 'http://hub.test',
    token: 'test',
    async send(method, path, init = {}) {
      calls.push(`${method} ${path}`)
      if (state.down) throw new UpstreamUnreachable('hub down')
      if (path.startsWith('/devices/lookup')) {
        const serial = new URL(path, 'http://hub.test').searchParams.get('serial')
        return serial === LOS_DEVICE.serial ? answer(200, LOS_DEVICE) : answer(404, { error: { code: 'NOT_FOUND' } })
      }
      if (method === 'POST' && path === '/sms/send') {
        const body = JSON.parse(new TextDecoder().decode(init.body)) as { to: string; body: string }
        // Same key, same answer: the hub sends once.
        if (!sent.some((s) => s.key && s.key === init.idempotencyKey)) sent.push({ ...body, key: init.idempotencyKey })
        return answer(202, { sid: `SM-${sent.length}`, status: 'queued' })
      }
      return answer(404, { error: { code: 'NOT_FOUND' } })
    },
    async json() {
      return { status: 404, data: null }
    },
  }
  return { client, state, sent, calls }
}

let erp: TestErp
let hub: ReturnType<typeof stubHub>
let app: ReturnType<typeof createApp>
let audit: AuditJournal
let auditDir: string
/** ERPNext's clock runs this far from the real one (the idle sweep's tests move it). */
let erpShiftMs = 0
let marie: { name: string; location: string }
let paul: { name: string }

async function publish(definition: FlowDefinition) {
  await erp.create('Agent Flow', {
    flow_key: definition.key,
    version: definition.version,
    title: definition.title.fr,
    title_en: definition.title.en,
    status: 'Published',
    definition: JSON.stringify(definition),
  })
}

async function seed(env: Record<string, string> = {}, shiftMs = 0) {
  erpShiftMs = shiftMs
  erp = testErp({ now: () => new Date(Date.now() + erpShiftMs) })
  const customer = await erp.create('Customer', {
    customer_name: 'Marie Côté',
    mobile_no: '514-555-0101',
    language: 'fr',
  })
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
  await erp.create('Service Equipment', {
    customer: customer.name,
    service_location: home.name,
    equipment_type: 'ONT',
    serial_no: LOS_DEVICE.serial,
    status: 'In Service',
  })
  const other = await erp.create('Customer', { customer_name: 'Paul Roy' })
  marie = { name: String(customer.name), location: String(home.name) }
  paul = { name: String(other.name) }
  await publish(SUPPORT)
  await publish(PROSPECT)

  hub = stubHub()
  auditDir = mkdtempSync(join(tmpdir(), 'ops-flows-audit-'))
  audit = createAuditJournal(auditDir)
  app = createApp(testConfig({ CAPABILITY_MAP, ...env }), { erp: inProcessErp(erp), hub: hub.client, audit })
}

const get = (path: string, who: Who = STAFF.csr) => app.fetch(staffRequest(path, who))
const post = (path: string, body: unknown, who: Who = STAFF.csr) =>
  app.fetch(staffRequest(path, who, { method: 'POST', body: JSON.stringify(body) }))
const put = (path: string, body: unknown, who: Who = STAFF.admin) =>
  app.fetch(staffRequest(path, who, { method: 'PUT', body: JSON.stringify(body) }))

async function start(key: string, customer?: string, who: Who = STAFF.csr): Promise<RunView> {
  const res = await post('/ops/api/flows/runs', { key, ...(customer ? { customer } : {}) }, who)
  expect(res.status).toBe(201)
  return (await res.json()) as RunView
}
const send = (run: string, event: unknown, who: Who = STAFF.csr) =>
  post(`/ops/api/flows/runs/${run}/events`, { event }, who)
async function step(run: string, event: unknown, who: Who = STAFF.csr): Promise<RunView> {
  const res = await send(run, event, who)
  expect(res.status, await res.clone().text()).toBe(200)
  return (await res.json()) as RunView
}

/** Through the greeting, the question and the diagnosis (LOS) to the contact form, then past it. */
async function toTicket(run: string): Promise<RunView> {
  await step(run, { type: 'submit', step: 'greet' })
  const form = await step(run, { type: 'submit', step: 'reason', value: 'internet' })
  expect(form.state.current).toBe('contact')
  return step(run, { type: 'submit', step: 'contact', value: { phone: '(514) 555-0101', note: 'Plus de lumière' } })
}

async function issuesOf(customer: string): Promise<Issue[]> {
  const q = new URLSearchParams({
    fields: '["name","subject","description","raised_by","service_location"]',
    filters: JSON.stringify([['customer', '=', customer]]),
    limit_page_length: '0',
  })
  return (await erp.get<{ data: Issue[] }>(`/api/resource/Issue?${q}`)).body.data
}
async function runDoc(name: string): Promise<AgentFlowRunDoc> {
  return (await erp.get<{ data: AgentFlowRunDoc }>(`/api/resource/Agent%20Flow%20Run/${name}`)).body.data
}

describe('Parcours: who may run and manage flows', () => {
  beforeEach(() => seed())
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('answers 401 to an unsigned request and 403 without flows:run or flows:manage', async () => {
    expect((await get('/ops/api/flows', null)).status).toBe(401)
    expect((await post('/ops/api/flows/runs', { key: 'test-support', customer: marie.name }, null)).status).toBe(401)
    const refused = await get(`/ops/api/flows?customer=${marie.name}`, STAFF.tech)
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as BffErrorBody).error.code).toBe('FORBIDDEN')
    const started = await post('/ops/api/flows/runs', { key: 'test-support', customer: marie.name }, STAFF.dispatcher)
    expect(started.status).toBe(403)
    expect((await get('/ops/api/flows/definitions', STAFF.csr)).status).toBe(403)
    expect((await get('/ops/api/flows/stats?key=test-support', STAFF.csr)).status).toBe(403)
    // A group that may run flows but not read customers' files reaches no customer through a flow.
    const flowsOnly = { email: 'x@gigafibre.ca', groups: 'ops-flows-only' }
    expect((await get(`/ops/api/flows?customer=${marie.name}`, flowsOnly)).status).toBe(403)
    expect((await post('/ops/api/flows/runs', { key: 'test-support', customer: marie.name }, flowsOnly)).status).toBe(
      403,
    )
  })

  it('lists the flows that fit the customer, the flows for a new customer without one, and 404 for an unknown one', async () => {
    const forMarie = (await (await get(`/ops/api/flows?customer=${marie.name}`)).json()) as FlowMenu
    expect(forMarie.flows.map((f) => f.key)).toContain('test-support')
    expect(forMarie.flows.map((f) => f.key)).not.toContain('test-prospect')
    // Paul has no modem: the support flow needs one.
    const forPaul = (await (await get(`/ops/api/flows?customer=${paul.name}`)).json()) as FlowMenu
    expect(forPaul.flows.map((f) => f.key)).not.toContain('test-support')
    const prospects = (await (await get('/ops/api/flows')).json()) as FlowMenu
    expect(prospects.flows.map((f) => f.key)).toEqual(expect.arrayContaining(['test-prospect']))
    expect(prospects.flows.every((f) => f.audience === 'prospect')).toBe(true)
    expect((await get('/ops/api/flows?customer=CUST-99999')).status).toBe(404)
    expect((await post('/ops/api/flows/runs', { key: 'test-support', customer: 'CUST-99999' })).status).toBe(404)
    expect((await post('/ops/api/flows/runs', { key: 'test-support', customer: paul.name })).status).toBe(403)
    expect((await post('/ops/api/flows/runs', { key: 'no-such-flow', customer: marie.name })).status).toBe(404)
  })
})

describe('Parcours: a run from the first step to the end', () => {
  beforeEach(() => seed())
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('says, asks, diagnoses, takes a form, opens a ticket, texts the customer and ends, every step on record', async () => {
    const run = await start('test-support', marie.name)
    expect(run.name).toMatch(/^RUN-\d{4}-\d{5}$/)
    expect(run).toMatchObject({ customer: marie.name, agent: STAFF.csr.email })
    expect(run.state).toMatchObject({ current: 'greet', status: 'In Progress', version: 1 })
    expect(run.state.context.customer).toMatchObject({
      name: marie.name,
      location: marie.location,
      plan: 'Fibre 1000',
      ont: LOS_DEVICE.serial,
    })

    // The modem is in LOS: the check runs on the way and the run lands on the form.
    await step(run.name, { type: 'submit', step: 'greet' })
    const atForm = await step(run.name, { type: 'submit', step: 'reason', value: 'internet' })
    expect(atForm.state.current).toBe('contact')
    expect(atForm.state.context.values.diag).toMatchObject({ status: 'los', serial: LOS_DEVICE.serial })
    expect(hub.calls).toContain(`GET /devices/lookup?serial=${LOS_DEVICE.serial}`)

    // A bad phone number is refused, naming the step and the field; nothing moves.
    const bad = await send(run.name, { type: 'submit', step: 'contact', value: { phone: '555' } })
    expect(bad.status).toBe(422)
    const badBody = (await bad.json()) as BffErrorBody & { problems: FlowProblem[] }
    expect(badBody.problems).toEqual([expect.objectContaining({ step: 'contact', path: 'fields.phone' })])
    expect((await (await get(`/ops/api/flows/runs/${run.name}`)).json()) as RunView).toMatchObject({
      state: { current: 'contact' },
    })

    const atTicket = await step(run.name, {
      type: 'submit',
      step: 'contact',
      value: { phone: '514 555-0101', note: 'Plus de lumière' },
    })
    expect(atTicket.state.current).toBe('ticket')
    const atSms = await step(run.name, { type: 'submit', step: 'ticket' })
    expect(atSms.state.current).toBe('sms')
    const [issue] = await issuesOf(marie.name)
    expect(issue).toMatchObject({
      subject: 'Panne : Marie Côté',
      raised_by: STAFF.csr.email,
      service_location: marie.location,
    })
    expect(issue.description).toContain('Plus de lumière')
    expect(atSms.state.context.values.ticket).toMatchObject({ doctype: 'Issue', name: issue.name })

    const ended = await step(run.name, { type: 'submit', step: 'sms' })
    expect(ended.state).toMatchObject({ status: 'Completed', outcome: 'escalated', current: 'escalated' })
    expect(hub.sent).toEqual([
      { to: '+15145550101', body: `Billet ${issue.name} ouvert.`, customer: marie.name, key: `${run.name}:sms` },
    ])
    expect(ended.events.map((e) => `${e.kind}:${e.step}`)).toEqual([
      'say:greet',
      'ask:reason',
      'check:diag',
      'form:contact',
      'act:ticket',
      'act:sms',
    ])
    expect(ended.events.find((e) => e.step === 'ticket')?.reference).toEqual({ doctype: 'Issue', name: issue.name })

    const doc = await runDoc(run.name)
    expect(doc).toMatchObject({ status: 'Completed', outcome: 'escalated', current_step: 'escalated' })
    expect(doc.ended_at).toBeTruthy()

    const journal = audit.read({ action: 'flow.act', limit: 10 }).entries
    expect(journal.map((e) => e.target).sort()).toEqual([`Communication/SM-1`, `Issue/${issue.name}`].sort())
    expect(journal.every((e) => e.actor === STAFF.csr.email && e.outcome === 'ok')).toBe(true)

    // An ended run takes no more steps.
    expect((await send(run.name, { type: 'back', step: 'escalated' })).status).toBe(409)
  })

  it('Back then Next over an action reuses what it made: one ticket', async () => {
    const run = await start('test-support', marie.name)
    await toTicket(run.name)
    await step(run.name, { type: 'submit', step: 'ticket' })
    expect(await issuesOf(marie.name)).toHaveLength(1)
    const back = await step(run.name, { type: 'back', step: 'sms' })
    expect(back.state.current).toBe('ticket')
    const again = await step(run.name, { type: 'submit', step: 'ticket' })
    expect(again.state.current).toBe('sms')
    expect(await issuesOf(marie.name)).toHaveLength(1)
    expect(again.state.context.values.contact).toEqual({ phone: '(514) 555-0101', note: 'Plus de lumière' })
  })

  it('a double click (two submits at once) opens one ticket and both answer the run where it is', async () => {
    const run = await start('test-support', marie.name)
    await toTicket(run.name)
    const answers = await Promise.all([
      send(run.name, { type: 'submit', step: 'ticket' }),
      send(run.name, { type: 'submit', step: 'ticket' }),
    ])
    expect(answers.map((a) => a.status)).toEqual([200, 200])
    const views = (await Promise.all(answers.map((a) => a.json()))) as RunView[]
    expect(views.map((v) => v.state.current)).toEqual(['sms', 'sms'])
    expect(await issuesOf(marie.name)).toHaveLength(1)
  })

  it('a rep without sms:send cannot text through a flow: refused, nothing sent, the run waits with everything kept', async () => {
    const run = await start('test-support', marie.name, NO_SMS)
    await step(run.name, { type: 'submit', step: 'greet' }, NO_SMS)
    await step(run.name, { type: 'submit', step: 'reason', value: 'other' }, NO_SMS)
    await step(run.name, { type: 'submit', step: 'contact', value: { phone: '5145550101' } }, NO_SMS)
    await step(run.name, { type: 'submit', step: 'ticket' }, NO_SMS)
    const refused = await send(run.name, { type: 'submit', step: 'sms' }, NO_SMS)
    expect(refused.status).toBe(403)
    const body = (await refused.json()) as BffErrorBody
    expect(body.error.code).toBe('FLOW_ACTION_FORBIDDEN')
    expect(body.error.messages.fr).toContain('sms:send')
    expect(body.error.messages.fr).toContain('demandez à un administrateur')
    expect(hub.calls.filter((c) => c.includes('/sms/'))).toEqual([])
    expect(hub.sent).toEqual([])
    const view = (await (await get(`/ops/api/flows/runs/${run.name}`, NO_SMS)).json()) as RunView
    expect(view.state.current).toBe('sms')
    expect(view.state.context.values.contact).toEqual({ phone: '5145550101' })
    expect(audit.read({ action: 'flow.act', limit: 10 }).entries.find((e) => e.outcome === 'refused')).toMatchObject({
      actor: NO_SMS.email,
      status: 403,
    })
  })

  it('a failed action (hub down) keeps everything and the same event retried succeeds once', async () => {
    const run = await start('test-support', marie.name)
    await toTicket(run.name)
    await step(run.name, { type: 'submit', step: 'ticket' })
    hub.state.down = true
    const failed = await step(run.name, { type: 'submit', step: 'sms' })
    expect(failed.failure).toMatchObject({ step: 'sms', retryable: true })
    expect(failed.failure?.message.fr).toMatch(/Réessayez/)
    expect(failed.failure?.message.en).toMatch(/Try again/)
    expect(failed.state.current).toBe('sms')
    expect(failed.state.context.values.contact).toEqual({ phone: '(514) 555-0101', note: 'Plus de lumière' })
    expect(hub.sent).toEqual([])

    hub.state.down = false
    const retried = await step(run.name, { type: 'submit', step: 'sms' })
    expect(retried.failure).toBeUndefined()
    expect(retried.state.status).toBe('Completed')
    expect(hub.sent).toHaveLength(1)
  })

  it('an action claimed by another replica is not done twice; a claim never completed expires', async () => {
    const run = await start('test-support', marie.name)
    await toTicket(run.name)
    // Another replica claimed the ticket a moment ago and is still at it.
    const doc = await runDoc(run.name)
    const claim = (since: number) => ({
      step: 'ticket',
      kind: 'act',
      data: JSON.stringify({ claim: 'pending', key: `${run.name}:ticket`, since, partial: {} }),
    })
    const withClaim = async (since: number) => {
      const current = await runDoc(run.name)
      const events = (current.events ?? []).filter((e) => e.step !== 'ticket').map((e) => ({ ...e }))
      await erp.put(`/api/resource/Agent%20Flow%20Run/${run.name}`, { events: [...events, claim(since)] })
    }
    expect(doc.current_step).toBe('ticket')
    await withClaim(Date.now())
    const waiting = await step(run.name, { type: 'submit', step: 'ticket' })
    expect(waiting.failure).toMatchObject({ step: 'ticket', retryable: true })
    expect(waiting.state.current).toBe('ticket')
    expect(await issuesOf(marie.name)).toHaveLength(0)

    // That replica died three minutes ago: the claim is taken over and the ticket opened once.
    await withClaim(Date.now() - 3 * 60_000)
    const done = await step(run.name, { type: 'submit', step: 'ticket' })
    expect(done.state.current).toBe('sms')
    expect(await issuesOf(marie.name)).toHaveLength(1)
    expect(done.events.filter((e) => e.step === 'ticket')).toHaveLength(1)
  })

  it('a check that fails when the run starts leaves the run on it with the sentence; retrying runs it again', async () => {
    hub.state.down = true
    const diagFirst: FlowDefinition = {
      ...SUPPORT,
      key: 'test-diag-first',
      start: 'diag',
      steps: SUPPORT.steps.filter((s) => s.id !== 'greet' && s.id !== 'reason'),
    }
    await publish(diagFirst)
    const run = await start('test-diag-first', marie.name)
    expect(run.state.current).toBe('diag')
    expect(run.failure).toMatchObject({ step: 'diag', retryable: true })
    hub.state.down = false
    const retried = await step(run.name, { type: 'submit', step: 'diag' })
    expect(retried.state.current).toBe('contact')
    expect(retried.failure).toBeUndefined()
  })

  it('a prospect run creates the customer, who becomes the run’s customer', async () => {
    const run = await start('test-prospect')
    expect(run.customer).toBeNull()
    const atCreate = await step(run.name, {
      type: 'submit',
      step: 'who',
      value: {
        name: 'Jean Tremblay',
        address: { line: '5 rue des Érables', city: 'saint jerome', postalCode: 'J7Y 2B2' },
      },
    })
    // Served: another active address in Saint-Jérôme (same city, accents and hyphen aside).
    expect(atCreate.state.context.values.served).toMatchObject({ served: true })
    expect(atCreate.state.current).toBe('create')
    const ended = await step(run.name, { type: 'submit', step: 'create' })
    expect(ended.state).toMatchObject({ status: 'Completed', outcome: 'sold' })
    const created = ended.state.context.customer
    expect(created).toMatchObject({ customer_name: 'Jean Tremblay', city: 'saint jerome', plan: 'Fibre 500' })
    expect(ended.customer).toBe(created?.name)
    expect((await runDoc(run.name)).customer).toBe(created?.name)
  })
})

describe('Parcours: versions', () => {
  beforeEach(() => seed())
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('a run finishes on the version it started on; new runs start on the one published since', async () => {
    const old = await start('test-support', marie.name)
    expect(old.state.flow).toBe('FLOW-test-support-v1')

    const v2: FlowDefinition = {
      ...SUPPORT,
      steps: SUPPORT.steps.map((s) => (s.id === 'greet' ? { ...s, title: t('Bienvenue', 'Welcome') } : s)),
    }
    const created = await post('/ops/api/flows/definitions', { definition: v2 }, STAFF.admin)
    expect(created.status).toBe(201)
    const draft = (await created.json()) as FlowVersionView
    expect(draft).toMatchObject({ name: 'FLOW-test-support-v2', version: 2, status: 'Draft' })
    const published = await post(`/ops/api/flows/definitions/${draft.name}/publish`, {}, STAFF.admin)
    expect(published.status).toBe(200)
    const versions = (await (await get('/ops/api/flows/definitions', STAFF.admin)).json()) as FlowVersionView[]
    expect(versions.filter((v) => v.key === 'test-support').map((v) => `${v.name}:${v.status}`)).toEqual([
      'FLOW-test-support-v2:Published',
      'FLOW-test-support-v1:Archived',
    ])

    const resumed = (await (await get(`/ops/api/flows/runs/${old.name}`)).json()) as RunView
    expect(resumed.definition.version).toBe(1)
    expect(resumed.definition.steps[0].title.fr).toBe('Accueil')
    await step(old.name, { type: 'submit', step: 'greet' })
    await step(old.name, { type: 'submit', step: 'reason', value: 'other' })
    await step(old.name, { type: 'submit', step: 'contact', value: { phone: '5145550101' } })
    await step(old.name, { type: 'submit', step: 'ticket' })
    const done = await step(old.name, { type: 'submit', step: 'sms' })
    expect(done.state).toMatchObject({ status: 'Completed', flow: 'FLOW-test-support-v1' })

    const fresh = await start('test-support', marie.name)
    expect(fresh.state).toMatchObject({ flow: 'FLOW-test-support-v2', version: 2 })
    expect(fresh.definition.steps[0].title.fr).toBe('Bienvenue')
    expect(audit.read({ action: 'flow.', limit: 10 }).entries.map((e) => e.action)).toEqual(
      expect.arrayContaining(['flow.save', 'flow.publish']),
    )
  })

  it('a published version is never edited; a second draft of a key opens the first; a stale save is refused', async () => {
    const edit = await put('/ops/api/flows/definitions/FLOW-test-support-v1', { definition: SUPPORT })
    expect(edit.status).toBe(409)
    expect(((await edit.json()) as BffErrorBody).error.messages.fr).toContain('Une version publiée ne se modifie pas')

    const first = (await (
      await post('/ops/api/flows/definitions', { definition: SUPPORT }, STAFF.admin)
    ).json()) as FlowVersionView
    const second = await post('/ops/api/flows/definitions', { definition: SUPPORT }, STAFF.admin)
    expect(second.status).toBe(409)
    expect(((await second.json()) as { draft: string }).draft).toBe(first.name)

    const saved = await put(`/ops/api/flows/definitions/${first.name}`, {
      definition: { ...SUPPORT, description: t('Pour les pannes', 'For outages') },
      modified: first.modified,
    })
    expect(saved.status).toBe(200)
    const stale = await put(`/ops/api/flows/definitions/${first.name}`, {
      definition: SUPPORT,
      modified: first.modified,
    })
    expect(stale.status).toBe(409)
    expect(((await stale.json()) as BffErrorBody).error.code).toBe('DRAFT_CHANGED')
  })

  it('an invalid definition is refused with problems naming the step and the field', async () => {
    const broken = {
      ...SUPPORT,
      steps: SUPPORT.steps.map((s) => (s.id === 'ticket' ? { ...s, next: 'nowhere' } : s)),
    }
    const res = await post('/ops/api/flows/definitions', { definition: broken }, STAFF.admin)
    expect(res.status).toBe(422)
    const body = (await res.json()) as BffErrorBody & { problems: FlowProblem[] }
    expect(body.error.code).toBe('INVALID_DEFINITION')
    const problem = body.problems.find((p) => p.step === 'ticket')
    expect(problem?.path).toMatch(/next/)
    expect(problem?.message.fr).toContain('nowhere')
    expect(problem?.message.en).toContain('nowhere')
  })
})

describe('FLOW_IDLE_MINUTES', () => {
  it('defaults to two hours and refuses a value that is not a whole number of minutes from 1 to a week', () => {
    expect(testConfig().flowIdleMinutes).toBe(120)
    expect(testConfig({ FLOW_IDLE_MINUTES: '30' }).flowIdleMinutes).toBe(30)
    for (const bad of ['0', '1.5', 'soon', '20000'])
      expect(() => testConfig({ FLOW_IDLE_MINUTES: bad })).toThrow(/FLOW_IDLE_MINUTES must be a whole number/)
  })
})

describe('Parcours: idle runs and statistics', () => {
  // Everything in ERPNext was written three hours ago, until the test moves its clock to now.
  beforeEach(() => seed({ FLOW_IDLE_MINUTES: '120' }, -3 * 3_600_000))
  afterEach(() => rmSync(auditDir, { recursive: true, force: true }))

  it('a run idle past FLOW_IDLE_MINUTES is marked Abandoned and counted where it stopped', async () => {
    // Started and left three hours ago (as ERPNext's clock recorded it).
    const left = await start('test-support', marie.name)
    await step(left.name, { type: 'submit', step: 'greet' })
    erpShiftMs = 0
    const finished = await start('test-support', marie.name)
    await toTicket(finished.name)
    await step(finished.name, { type: 'submit', step: 'ticket' })
    await step(finished.name, { type: 'submit', step: 'sms' })
    const current = await start('test-support', marie.name)

    const res = await get('/ops/api/flows/stats?key=test-support', STAFF.admin)
    expect(res.status).toBe(200)
    const stats = (await res.json()) as FlowStats
    expect(stats).toMatchObject({
      key: 'test-support',
      runs: 3,
      completed: 1,
      abandoned: 1,
      inProgress: 1,
      completionRate: 0.5,
      outcomes: { escalated: 1 },
      abandonedAt: [{ step: 'reason', count: 1 }],
    })
    expect(stats.medianDurationMs).toEqual(expect.any(Number))
    expect(stats.tookMs).toEqual(expect.any(Number))

    expect(await runDoc(left.name)).toMatchObject({ status: 'Abandoned' })
    expect((await runDoc(current.name)).status).toBe('In Progress')
    const late = await send(left.name, { type: 'submit', step: 'reason', value: 'other' })
    expect(late.status).toBe(409)
    expect(((await late.json()) as BffErrorBody).error.code).toBe('RUN_ENDED')

    // The customer's page offers to resume only the run still going.
    const menu = (await (await get(`/ops/api/flows?customer=${marie.name}`)).json()) as FlowMenu
    expect(menu.open.map((o) => o.name)).toEqual([current.name])
    expect(menu.open[0]).toMatchObject({ step: 'greet', stepTitle: t('Accueil', 'Greeting'), title: SUPPORT.title })

    // An abandon from the rep counts too.
    await step(current.name, { type: 'abandon' })
    const after = (await (await get('/ops/api/flows/stats?key=test-support', STAFF.admin)).json()) as FlowStats
    expect(after).toMatchObject({ runs: 3, abandoned: 2, inProgress: 0 })
    expect(after.abandonedAt).toEqual([
      { step: 'greet', count: 1 },
      { step: 'reason', count: 1 },
    ])
  })
})
