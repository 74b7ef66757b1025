/**
 * "Votre technicien est en route": the technician taps En route on the tablet and the customer
 * gets one text, in their language, with an arrival estimate; a second save sends none; a customer
 * whose rep turned automatic texts off in the customer file gets none. The dispatcher sees on the
 * job that the customer was told.
 */
import type { APIRequestContext } from '@playwright/test'
import type { Communication, Customer } from '../src/contracts/doctypes'
import { adminCreate, test, expect, signInAs } from './fixtures'
import { ADMIN, adminList, freshJob, openJob } from './techFixtures'

let made = 0

/**
 * A customer of our own with a mobile number no one else has, so their texts are theirs alone. Their
 * jobs (made below) have no service location: a location belongs to another customer, and a job
 * tying the two would mislead the journeys that pick a technician's job by its location.
 */
async function customerWithMobile(request: APIRequestContext): Promise<Customer> {
  const serial = `${Date.now() % 1_000_000}${++made}`.slice(-4).padStart(4, '0')
  return adminCreate<Customer>(request, 'Customer', {
    customer_name: `Client Textos ${Date.now().toString(36)}${made}`,
    customer_type: 'Individual',
    language: 'fr',
    mobile_no: `450-555-${serial}`,
  })
}

function textsTo(request: APIRequestContext, customer: string): Promise<Communication[]> {
  return adminList<Communication>(
    request,
    'Communication',
    [
      ['reference_doctype', '=', 'Customer'],
      ['reference_name', '=', customer],
      ['communication_medium', '=', 'SMS'],
      ['sent_or_received', '=', 'Sent'],
    ],
    ['name', 'content', 'phone_no'],
    0,
  )
}

test('the technician goes En route: the customer gets one text with an arrival time, the dispatcher sees it', async ({
  page,
  request,
  world,
  newContext,
}) => {
  const customer = await customerWithMobile(request)
  const job = await freshJob(request, world, { customer: customer.name, service_location: undefined })

  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await page.getByTestId('status-en-route').click()
  await expect(page.getByTestId('job-status')).toHaveText('En route')

  await expect.poll(async () => (await textsTo(request, customer.name)).length).toBe(1)
  const [text] = await textsTo(request, customer.name)
  expect(text.content).toMatch(
    /^Votre technicien Gigafibre, \S+, est en route( : arrivée prévue vers \d+ h( \d\d)?)?\.$/,
  )

  // The tablet saves En route again (a retry after a lost answer): no second text.
  const [now] = await adminList<{ modified: string }>(
    request,
    'Dispatch Job',
    [['name', '=', job.name]],
    ['modified'],
    1,
  )
  const again = await request.put(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, {
    headers: ADMIN,
    data: { status: 'En Route', modified: now.modified },
  })
  expect(again.status()).toBe(200)
  // The text goes before the save answers, so by now a second one would be there.
  expect(await textsTo(request, customer.name)).toHaveLength(1)

  // The dispatcher, on the job, reads that the customer was told.
  const dispatcher = await (await newContext()).newPage()
  await signInAs(dispatcher, 'dispatcher')
  await dispatcher.goto(`/ops/#/dispatch?day=${job.scheduled_start!.slice(0, 10)}&tech=${job.technician}`)
  // By the keyboard: the technician's other jobs of the day may sit beside it at the same hour.
  await dispatcher.getByTestId(`job-${job.name}`).first().press('Enter')
  await expect(dispatcher.getByTestId('job-notice')).toContainText('Client avisé par texto')

  // The customer answers: the reply arrives live on the job.
  const reply = await request.post('/ops/api/_test/hub-events', {
    headers: ADMIN,
    data: {
      type: 'sms.inbound',
      data: {
        customer: customer.name,
        from: customer.mobile_no,
        body: 'Parfait, je vous attends.',
        at: world.now().toISOString(),
      },
    },
  })
  expect(reply.status()).toBe(200)
  await expect(dispatcher.getByTestId('job-notice-replies')).toContainText('Parfait, je vous attends.')

  // The text is in the customer's timeline, where customer service reads it.
  const csr = await (await newContext()).newPage()
  await signInAs(csr, 'csr', `/clients/${customer.name}`)
  await expect(
    csr.locator('[data-testid="timeline-item"][data-kind="sms-sent"]').filter({ hasText: 'est en route' }),
  ).toHaveCount(1)
})

test('a customer whose rep turned automatic texts off gets none when the technician is on the way', async ({
  page,
  request,
  world,
}) => {
  const customer = await customerWithMobile(request)
  const job = await freshJob(request, world, { customer: customer.name, service_location: undefined })

  await signInAs(page, 'csr', `/clients/${customer.name}`)
  const toggle = page.getByTestId('sms-opt-out')
  await expect(toggle).toHaveAttribute('aria-checked', 'true')
  await toggle.click()
  await expect(page.getByText('Le client ne recevra plus de textos automatiques.')).toBeVisible()
  await expect(toggle).toHaveAttribute('aria-checked', 'false')
  const [saved] = await adminList<Customer>(request, 'Customer', [['name', '=', customer.name]], ['sms_opt_out'], 1)
  expect(Number(saved.sms_opt_out)).toBe(1)

  const [before] = await adminList<{ modified: string }>(
    request,
    'Dispatch Job',
    [['name', '=', job.name]],
    ['modified'],
    1,
  )
  const res = await request.put(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, {
    headers: ADMIN,
    data: { status: 'En Route', modified: before.modified },
  })
  expect(res.status()).toBe(200)
  expect(await textsTo(request, customer.name)).toHaveLength(0)
})
