/**
 * A technician scans a modem registered at another customer: nothing moves, the scan waits on the
 * tablet, a CSR confirms the transfer on the customer page, and the technician's retry goes
 * through. The helpers are this journey's own, so it depends on nothing but the sign-in.
 */
import bwipjs from 'bwip-js/node'
import type { APIRequestContext, Page } from '@playwright/test'
import { test, expect, signInAs } from './fixtures'
import type { DispatchJob, Issue, ServiceEquipment } from '../src/contracts/doctypes'
import { isAcceptableSerial } from '../src/contracts/equipmentLabel'
import { toFrappeDate, toFrappeDatetime } from '../src/contracts/frappeTime'
import type { JournalPage } from '../src/contracts/settings'
import type { TechDay } from '../src/contracts/tech'

/** Authentik's headers, believed from loopback in demo mode: the test's own hand on the data. */
const identity = (email: string, groups: string) => ({
  'x-authentik-email': email,
  'x-authentik-username': email.split('@')[0],
  'x-authentik-name': email.split('@')[0],
  'x-authentik-groups': groups,
})
const ADMIN = identity('sophie.lavoie@gigafibre.ca', 'ops-admin')
const TECH = identity('julien.gagnon@gigafibre.ca', 'ops-tech')

async function ok<T>(response: Awaited<ReturnType<APIRequestContext['get']>>): Promise<T> {
  expect(response.status(), await response.text()).toBeLessThan(300)
  return (await response.json()) as T
}

async function adminList<T>(
  request: APIRequestContext,
  doctype: string,
  filters: unknown[],
  fields = ['*'],
  limit = 20,
): Promise<T[]> {
  const q = new URLSearchParams({
    fields: JSON.stringify(fields),
    filters: JSON.stringify(filters),
    limit_page_length: String(limit),
  })
  return (
    await ok<{ data: T[] }>(
      await request.get(`/ops/api/erp/resource/${encodeURIComponent(doctype)}?${q}`, { headers: ADMIN }),
    )
  ).data
}

/**
 * A job for the technician persona later today by the server's clock (which the journeys may run
 * at another instant than the real one), at the address of one of their jobs.
 */
async function freshJob(request: APIRequestContext): Promise<DispatchJob> {
  const day = await ok<TechDay>(await request.get('/ops/api/tech/day', { headers: TECH }))
  const [model] = await adminList<DispatchJob>(
    request,
    'Dispatch Job',
    [
      ['technician', '=', day.technician],
      ['service_location', 'is', 'set'],
    ],
    ['customer', 'service_location', 'address', 'latitude', 'longitude'],
    1,
  )
  expect(model, 'a job of the technician persona with an address').toBeDefined()
  const now = new Date(day.generatedAt)
  const inAnHour = new Date(now.getTime() + 3600_000)
  const start = toFrappeDate(inAnHour) === toFrappeDate(now) ? inAnHour : now
  return (
    await ok<{ data: DispatchJob }>(
      await request.post('/ops/api/erp/resource/Dispatch%20Job', {
        headers: ADMIN,
        data: {
          job_type: 'Installation',
          status: 'Scheduled',
          priority: 'High',
          technician: day.technician,
          customer: model.customer,
          service_location: model.service_location,
          address: model.address,
          latitude: model.latitude,
          longitude: model.longitude,
          scheduled_start: toFrappeDatetime(start),
          duration_minutes: 90,
        },
      }),
    )
  ).data
}

/** Opens a job the way a technician does: from their day. */
async function openJob(page: Page, job: string) {
  await page.getByTestId(`open-job-${job}`).click()
  await expect(page.getByTestId('tech-job')).toBeVisible()
  await expect(page.getByTestId('job-customer')).not.toBeEmpty()
}

/** Opens the scanner on the job page and hands it a clear Code 128 label, as the camera would. */
async function scanLabel(page: Page, serial: string) {
  await page.getByTestId('scan-open').click()
  await expect(page.getByTestId('scan-sheet')).toBeVisible()
  const label = await bwipjs.toBuffer({
    bcid: 'code128',
    text: serial,
    scale: 3,
    height: 12,
    includetext: true,
    paddingwidth: 20,
    paddingheight: 20,
    backgroundcolor: 'FFFFFF',
  })
  await page.getByTestId('scan-file').setInputFiles({ name: 'etiquette.png', mimeType: 'image/png', buffer: label })
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
}

const REFUSAL =
  'Cet équipement est enregistré chez un autre client. La répartition ou le service à la clientèle doit confirmer le transfert.'

test('a scan of another customer’s modem waits for the office: a CSR confirms the transfer, the technician’s retry goes through', async ({
  page,
  request,
  browser,
}, testInfo) => {
  const job = await freshJob(request)
  // A modem in service at a customer other than the job's, with a serial the tablet can read.
  const candidates = await adminList<ServiceEquipment>(
    request,
    'Service Equipment',
    [
      ['customer', 'is', 'set'],
      ['customer', '!=', job.customer!],
      ['service_location', 'is', 'set'],
      ['status', '=', 'In Service'],
      ['equipment_type', '=', 'ONT'],
      ['scan_id', 'is', 'not set'],
    ],
    ['name', 'serial_no', 'customer', 'service_location', 'modified'],
    50,
  )
  const theirs = candidates.find((e) => isAcceptableSerial(e.serial_no))!
  expect(theirs, 'an ONT in service elsewhere').toBeTruthy()

  // The technician scans it on their job.
  await page.setViewportSize({ width: 800, height: 1280 })
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await scanLabel(page, theirs.serial_no)
  await page.getByTestId('scan-confirm').click()
  await expect(page.getByTestId('scan-message')).toContainText(REFUSAL)
  await expect(page.getByTestId('scan-message')).toContainText('touchez « Réessayer »')
  await page.screenshot({ path: '/tmp/scan-transfer-sheet.png' })
  await page.getByTestId('scan-cancel').click() // "Fermer": the scan stays on the tablet
  await expect(page.getByTestId('scan-sheet')).toHaveCount(0)
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)

  await page.getByTestId('scan-badge').click()
  const queued = page.getByTestId('queued-scan')
  await expect(queued).toHaveAttribute('data-state', 'attention')
  await expect(queued.getByTestId('queued-scan-state')).toHaveText('Transfert à confirmer')
  await expect(queued.getByTestId('queued-scan-error')).toContainText(REFUSAL)
  await expect(queued.getByTestId('queued-scan-retry')).toBeVisible()
  await page.screenshot({ path: '/tmp/scan-transfer-tablet.png' })

  // Nothing moved, and one request waits on the job's customer.
  const [still] = await adminList<ServiceEquipment>(request, 'Service Equipment', [['name', '=', theirs.name]])
  expect(still).toMatchObject({
    customer: theirs.customer,
    service_location: theirs.service_location,
    modified: theirs.modified,
  })
  const tickets = () =>
    adminList<Issue>(request, 'Issue', [['subject', 'like', `%${theirs.serial_no}%`]], ['name', 'status', 'customer'])
  expect(await tickets()).toEqual([expect.objectContaining({ status: 'Open', customer: job.customer })])

  // A CSR, on the job's customer page, confirms the transfer with the keyboard.
  const office = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    locale: 'fr-CA',
    timezoneId: 'America/Toronto',
  })
  const csr = await office.newPage()
  await signInAs(csr, 'csr')
  await csr.goto(`/ops/#/clients/${job.customer}`)
  const transfer = csr.locator(`[data-testid="transfer"][data-serial="${theirs.serial_no}"]`)
  await expect(transfer).toBeVisible()
  await expect(transfer.getByTestId('transfer-from')).toContainText(theirs.customer!)
  await expect(transfer.getByTestId('transfer-to')).toContainText(job.name)
  await expect(transfer).toContainText('Julien Gagnon')
  await csr.screenshot({ path: '/tmp/scan-transfer-customer.png' })
  await transfer.getByTestId('transfer-confirm').focus()
  await csr.keyboard.press('Enter')
  await expect(csr.getByText(/Transfert confirmé : l’équipement EQ-\d+/)).toBeVisible()
  await expect(transfer).toHaveCount(0)
  await expect(
    csr.locator(
      `[data-testid="location"][data-location="${job.service_location}"] [data-testid="equipment"][data-serial="${theirs.serial_no}"]`,
    ),
  ).toBeVisible()
  await office.close()

  const [moved] = await adminList<ServiceEquipment>(request, 'Service Equipment', [['name', '=', theirs.name]])
  expect(moved).toMatchObject({
    customer: job.customer,
    service_location: job.service_location,
    dispatch_job: job.name,
    status: 'In Service',
  })
  expect(moved.scan_id).toMatch(/^scan-[0-9a-f-]{36}$/)
  expect(await tickets()).toEqual([expect.objectContaining({ status: 'Resolved' })])

  // The technician retries: the scan leaves the tablet, and nothing is recorded twice.
  await queued.getByTestId('queued-scan-retry').click()
  await expect(queued).toHaveCount(0)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${theirs.serial_no}"]`)).toBeVisible()
  expect(
    await adminList(request, 'Service Equipment', [['serial_no', '=', theirs.serial_no]], ['name'], 0),
  ).toHaveLength(1)
  expect(await tickets()).toHaveLength(1)

  const journal = async (action: string) => {
    const res = await request.get(`/ops/api/audit?${new URLSearchParams({ action, q: theirs.name, limit: '10' })}`, {
      headers: ADMIN,
    })
    expect(res.status()).toBe(200)
    return ((await res.json()) as JournalPage).entries
  }
  expect(await journal('tech.scan.elsewhere')).toEqual([
    expect.objectContaining({ outcome: 'refused', actor: TECH['x-authentik-email'] }),
  ])
  expect(await journal('equipment.transfer')).toEqual([
    expect.objectContaining({ outcome: 'ok', actor: 'isabelle.roy@gigafibre.ca' }),
  ])
})
