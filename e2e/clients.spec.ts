import type { APIRequestContext, Page } from '@playwright/test'
import type { Customer } from '../src/contracts/doctypes'
import {
  ADMIN,
  adminCreate,
  customerWithOpenTicketAndInvoices,
  servedCustomer,
  test,
  expect,
  signInAs,
} from './fixtures'
import { createJob } from './dispatchFixtures'

/** Reads the demo dataset through the BFF, as the CSR persona (the page's cookie). */
async function erpList<T>(
  request: APIRequestContext,
  doctype: string,
  fields: string[],
  filters: unknown[],
  limit = 1,
): Promise<T[]> {
  const q = new URLSearchParams({
    fields: JSON.stringify(fields),
    filters: JSON.stringify(filters),
    limit_page_length: String(limit),
  })
  const res = await request.get(`/ops/api/erp/resource/${encodeURIComponent(doctype)}?${q}`)
  expect(res.status()).toBe(200)
  return ((await res.json()) as { data: T[] }).data
}

async function searchFor(page: Page, text: string) {
  const box = page.getByTestId('client-search')
  await box.fill(text)
  return page.getByTestId('client-result')
}

test.describe('finding a customer', () => {
  test.beforeEach(async ({ page }) => {
    await signInAs(page, 'csr')
    await page.goto('/ops/#/clients')
  })

  test('by part of a name typed without accents, the matched part highlighted and labelled', async ({ page }) => {
    const results = await searchFor(page, 'cote')
    await expect(results.first()).toBeVisible()
    await expect(results.first().getByTestId('match-reason')).toContainText('Nom')
    await expect(results.first().locator('mark').first()).toHaveText('Côté')
    await page.screenshot({ path: '/tmp/clients-search-name.png' })
  })

  test('by a phone typed with other formatting, opened with the keyboard', async ({ page }) => {
    const [customer] = await erpList<{ name: string; mobile_no: string }>(
      page.request,
      'Customer',
      ['name', 'mobile_no'],
      [['mobile_no', 'like', '+1 %']],
    )
    const digits = customer.mobile_no.replace(/\D/g, '').slice(1)
    const typed = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}.${digits.slice(6)}`
    const results = await searchFor(page, typed)
    const hit = page.locator(`[data-testid="client-result"][data-customer="${customer.name}"]`)
    await expect(hit).toBeVisible()
    await expect(hit.getByTestId('match-reason')).toContainText('Téléphone')
    await expect(hit.getByTestId('match-reason')).toContainText(customer.mobile_no)
    // The best match is first: Enter opens it.
    await expect(results.first()).toHaveAttribute('data-customer', customer.name)
    await page.getByTestId('client-search').press('Enter')
    await expect(page).toHaveURL(new RegExp(`#/clients/${customer.name}$`))
    await expect(page.getByTestId('customer-name')).toBeVisible()
  })

  test('by an equipment serial, partly and in lower case', async ({ page }) => {
    const [eq] = await erpList<{ serial_no: string; customer: string }>(
      page.request,
      'Service Equipment',
      ['serial_no', 'customer'],
      [
        ['customer', 'is', 'set'],
        ['equipment_type', '=', 'ONT'],
      ],
    )
    const results = await searchFor(page, eq.serial_no.slice(0, 9).toLowerCase())
    const hit = page.locator(`[data-testid="client-result"][data-customer="${eq.customer}"]`)
    await expect(hit).toBeVisible()
    await expect(hit.getByTestId('match-reason')).toContainText('Numéro de série')
    await expect(results.first()).toBeVisible()
  })

  test('by a MAC typed without separators', async ({ page }) => {
    const [eq] = await erpList<{ mac_address: string; customer: string }>(
      page.request,
      'Service Equipment',
      ['mac_address', 'customer'],
      [
        ['customer', 'is', 'set'],
        ['mac_address', 'is', 'set'],
      ],
    )
    await searchFor(page, eq.mac_address.replace(/:/g, '').toLowerCase())
    const hit = page.locator(`[data-testid="client-result"][data-customer="${eq.customer}"]`)
    await expect(hit).toBeVisible()
    await expect(hit.getByTestId('match-reason')).toContainText('MAC')
    await expect(hit.locator('mark')).toHaveText(eq.mac_address)
  })

  test('says so when nothing matches, and Esc clears the box', async ({ page }) => {
    await searchFor(page, 'zzqqxx')
    await expect(page.getByTestId('client-search-empty')).toContainText('Aucun client ne correspond')
    await page.getByTestId('client-search').press('Escape')
    await expect(page.getByTestId('client-search')).toHaveValue('')
  })
})

test.describe('the customer page', () => {
  test('shows every panel, and remembers the customer among the recent ones', async ({ page, request, world }) => {
    const customer = await customerWithOpenTicketAndInvoices(request, world)
    await signInAs(page, 'csr')
    await page.goto(`/ops/#/clients/${customer}`)
    for (const panel of ['identity', 'invoices', 'tickets', 'locations', 'jobs', 'timeline']) {
      await expect(page.getByTestId(`panel-${panel}`)).toHaveAttribute('data-state', 'ready')
    }
    await expect(page.getByTestId('ticket').first()).toBeVisible()
    await expect(page.getByTestId('location').first()).toBeVisible()
    await expect(page.getByTestId('balance')).toBeVisible()
    await page.screenshot({ path: '/tmp/clients-page.png', fullPage: true })
    const name = await page.getByTestId('customer-name').textContent()
    await page.goto('/ops/#/clients')
    await expect(page.getByTestId('recent-customers')).toContainText(name!.trim())
  })

  test('follows their jobs and tickets written elsewhere, and reads nothing for another customer’s', async ({
    page,
    request,
    world,
  }) => {
    const word = Date.now().toString(36)
    const customer = await adminCreate<Customer>(request, 'Customer', {
      customer_name: `Client Suivi ${word}`,
      customer_type: 'Individual',
      language: 'fr',
    })
    await signInAs(page, 'csr')
    await page.goto(`/ops/#/clients/${customer.name}`)
    await expect(page.getByTestId('panel-jobs')).toHaveAttribute('data-state', 'ready')
    let jobReads = 0
    let ticketReads = 0
    page.on('request', (r) => {
      if (!r.url().includes(encodeURIComponent(customer.name))) return
      if (r.url().includes('/api/erp/resource/Dispatch%20Job?')) jobReads++
      if (r.url().includes('/api/erp/resource/Issue?')) ticketReads++
    })
    const ticketFor = (of: string, subject: string) =>
      adminCreate<{ name: string }>(request, 'Issue', { subject, customer: of, status: 'Open', priority: 'Medium' })

    // A dispatcher books and moves another customer's job; then the customer is renamed, which the
    // page shows once every event before it has been handled.
    const other = await createJob(request, world.day(1))
    const moved = await request.put(`/ops/api/erp/resource/Dispatch%20Job/${other.name}`, {
      headers: ADMIN,
      data: { scheduled_start: `${world.day(1)} 11:00:00`, modified: other.modified },
    })
    expect(moved.status()).toBe(200)
    await ticketFor(await servedCustomer(request), `Autre client ${word}`)
    const renamed = await request.put(`/ops/api/erp/resource/Customer/${encodeURIComponent(customer.name)}`, {
      headers: ADMIN,
      data: { customer_name: `Cliente Suivie ${word}` },
    })
    expect(renamed.status()).toBe(200)
    await expect(page.getByTestId('customer-name')).toHaveText(`Cliente Suivie ${word}`)
    expect(jobReads).toBe(0)
    expect(ticketReads).toBe(0)

    // Their own job, booked on the board: it appears on their page.
    const theirs = await createJob(request, world.day(1), { customer: customer.name })
    await expect(page.locator(`[data-testid="job"][data-job="${theirs.name}"]`)).toBeVisible()
    expect(jobReads).toBeGreaterThan(0)
    // And their own ticket, opened by a colleague.
    await ticketFor(customer.name, `Suivi ${word}`)
    await expect(page.getByTestId('ticket').filter({ hasText: `Suivi ${word}` })).toBeVisible()
    expect(ticketReads).toBeGreaterThan(0)
  })

  test('a text sent appears in the timeline at once, its status follows delivery, and the reply arrives live', async ({
    page,
  }) => {
    await signInAs(page, 'csr')
    const [customer] = await erpList<{ name: string }>(page.request, 'Customer', ['name'], [['mobile_no', 'is', 'set']])
    await page.goto(`/ops/#/clients/${customer.name}`)
    await expect(page.getByTestId('panel-timeline')).toHaveAttribute('data-state', 'ready')
    await page.getByTestId('action-sms').click()
    await page.getByTestId('sms-body').fill('Votre technicien arrive demain matin. [reply]')
    await page.getByTestId('sms-send').click()
    const sent = page
      .locator('[data-testid="timeline-item"][data-kind="sms-sent"]')
      .filter({ hasText: 'Votre technicien arrive demain matin' })
    await expect(sent).toBeVisible()
    await expect(sent.getByTestId('sms-status')).toHaveAttribute('data-status', 'delivered')
    await expect(sent.getByTestId('sms-status')).toHaveText('Livré')
    await expect(page.locator('[data-testid="timeline-item"][data-kind="sms-received"]').first()).toBeVisible()
    await page.screenshot({ path: '/tmp/clients-sms.png' })
  })

  test('booking a technician creates an unassigned job the dispatch board will see', async ({ page }) => {
    await signInAs(page, 'csr')
    const [loc] = await erpList<{ customer: string; name: string; address_line: string; latitude: number }>(
      page.request,
      'Service Location',
      ['customer', 'name', 'address_line', 'latitude'],
      [['status', '=', 'Active']],
    )
    await page.goto(`/ops/#/clients/${loc.customer}`)
    await expect(page.getByTestId('panel-locations')).toHaveAttribute('data-state', 'ready')
    await page.getByTestId('action-book').click()
    await page.getByTestId('book-description').fill('Internet coupe le soir')
    await page.getByTestId('book-create').click()
    type Booked = {
      name: string
      status: string
      technician?: string
      address: string
      latitude: number
      description: string
    }
    const booked = () =>
      erpList<Booked>(
        page.request,
        'Dispatch Job',
        ['name', 'status', 'technician', 'address', 'latitude', 'description'],
        [
          ['customer', '=', loc.customer],
          ['description', '=', 'Internet coupe le soir'],
        ],
        0,
      )
    await expect.poll(async () => (await booked()).length).toBe(1)
    const [created] = await booked()
    expect(created).toMatchObject({
      status: 'Unscheduled',
      address: expect.stringContaining(loc.address_line),
      latitude: loc.latitude,
    })
    expect(created.technician ?? null).toBeNull()
    const job = page.locator(`[data-testid="job"][data-job="${created.name}"]`)
    await expect(job).toHaveAttribute('data-status', 'Unscheduled')
    await expect(job).toContainText('Non assignée')
  })
})
