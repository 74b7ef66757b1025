/**
 * Optimiser in real Chromium against the embedded ERPNext: a dispatcher optimizes one zone's day,
 * reads the proposal beside the current plan, accepts one technician's day — which a colleague's
 * board shows live — and, when a job was changed meanwhile, sees it skipped and named rather than
 * overwritten. The test builds its own small zone tomorrow (a zone tag, two technicians, their
 * jobs), so the demo data around it does not matter and any day works.
 */
import type { APIRequestContext } from '@playwright/test'
import { ADMIN, adminCreate, erpList, expect, ok, servedCustomer, signInAs, test } from './fixtures'

interface Doc {
  name: string
  modified: string
  technician?: string
  scheduled_start?: string
  status?: string
  description?: string
  arrival_window_start?: string
  arrival_window_end?: string
  pinned?: number
}

async function getJob(request: APIRequestContext, name: string): Promise<Doc> {
  return (
    await ok<{ data: Doc }>(await request.get(`/ops/api/erp/resource/Dispatch%20Job/${name}`, { headers: ADMIN }))
  ).data
}

/** A zone of its own tomorrow: Fibre-only and bucket-truck-only technicians, and their jobs. */
async function smallZone(request: APIRequestContext, day: string) {
  const id = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`
  const zone = `Zone E2E ${id.toUpperCase()}`
  await adminCreate(request, 'Tag', { tag_name: zone, category: 'Zone', color: '#6A1B9A' })
  const hire = (first: string, skill: string, lat: number, lon: number) =>
    adminCreate<Doc & { full_name: string }>(request, 'Technician', {
      full_name: `${first} Optimal ${id.toUpperCase()}`,
      email: `${first.toLowerCase()}.optimal.${id}@gigafibre.ca`,
      status: 'Active',
      shift_start: '08:00',
      shift_end: '16:30',
      home_latitude: lat,
      home_longitude: lon,
      color: '#00897B',
      tags: [{ tag: zone }, { tag: skill }],
    })
  const fibre = await hire('Annie', 'Fibre', 45.78, -74.0)
  const lift = await hire('Bruno', 'Nacelle', 45.77, -74.02)
  const customer = await servedCustomer(request)
  const job = (extra: Record<string, unknown>, skill: string, lat: number, lon: number) =>
    adminCreate<Doc>(request, 'Dispatch Job', {
      job_type: 'Repair',
      status: 'Unscheduled',
      priority: 'High',
      duration_minutes: 60,
      customer,
      address: '12, rue Test, Saint-Jérôme QC',
      latitude: lat,
      longitude: lon,
      scheduled_start: `${day} 10:00:00`,
      tags: [{ tag: zone }, { tag: skill }],
      ...extra,
    })
  // Annie has it at 15:00, but the customer was promised the morning.
  const late = await job(
    {
      status: 'Scheduled',
      technician: fibre.name,
      scheduled_start: `${day} 15:00:00`,
      arrival_window_start: `${day} 08:00:00`,
      arrival_window_end: `${day} 12:00:00`,
    },
    'Fibre',
    45.79,
    -74.01,
  )
  const waitingFibre = await job({}, 'Fibre', 45.785, -74.005)
  const waitingLift = await job(
    { arrival_window_start: `${day} 13:00:00`, arrival_window_end: `${day} 15:00:00` },
    'Nacelle',
    45.775,
    -74.015,
  )
  return { zone, fibre, lift, late, waitingFibre, waitingLift }
}

test('a dispatcher optimizes a zone’s day and accepts one technician; a colleague sees it live', async ({
  page,
  request,
  newContext,
  world,
}) => {
  test.setTimeout(120_000)
  const day = world.day(1)
  const z = await smallZone(request, day)

  await signInAs(page, 'dispatcher')
  await page.goto(`/ops/#/dispatch?day=${day}&tech=${z.fibre.name}&tech=${z.lift.name}`)
  await expect(page.getByTestId(`row-${z.lift.name}`)).toBeVisible()

  const colleague = await (await newContext()).newPage()
  await signInAs(colleague, 'dispatcher')
  await colleague.goto(`/ops/#/dispatch?day=${day}&tech=${z.lift.name}`)
  await expect(colleague.getByTestId(`row-${z.lift.name}`)).toBeVisible()
  await expect(colleague.getByTestId(`row-${z.lift.name}`).getByTestId(`job-${z.waitingLift.name}`)).toHaveCount(0)

  // Choose the day and the zone, by keyboard where a dispatcher would.
  await page.getByRole('button', { name: 'Optimiser', exact: true }).click()
  const dialog = page.getByTestId('optimize-dialog')
  await expect(dialog).toBeVisible()
  await page.getByTestId('optimize-day').fill(day)
  await page.getByTestId('optimize-zone').click()
  await page.getByRole('option', { name: z.zone, exact: true }).click()
  await page.screenshot({ path: '.tmp/optimize-dialog.png' })
  await page.getByTestId('optimize-start').click()

  // The proposal, beside the current plan.
  const preview = page.getByTestId('optimize-preview')
  await expect(preview).toBeVisible({ timeout: 60_000 })
  await expect(preview.getByTestId('optimize-preview-title')).toBeFocused()
  await expect(preview.getByTestId('optimize-placed')).toContainText('3')
  await expect(preview.getByTestId(`optimize-tech-${z.fibre.name}`)).toBeVisible()
  await expect(preview.getByTestId(`optimize-tech-${z.lift.name}`)).toBeVisible()
  await expect(preview.getByTestId(`optimize-move-${z.waitingLift.name}`)).toContainText(z.lift.full_name)
  await expect(preview.getByTestId(`optimize-move-${z.late.name}`)).toContainText(z.fibre.full_name)
  // The promised morning is kept: one window missed now, none proposed.
  await expect(preview.getByTestId('optimize-total-windowsMissed')).toHaveText('0')
  // Drawn on the board where the jobs would go.
  await expect(page.getByTestId(`ghost-${z.waitingLift.name}`)).toBeVisible()
  await page.screenshot({ path: '.tmp/optimize-preview.png' })

  // Accept Bruno's day only: the colleague's board shows it without reloading.
  await preview.getByTestId(`optimize-accept-${z.lift.name}`).click()
  await expect(preview.getByTestId(`optimize-tech-${z.lift.name}`)).toContainText('Acceptée')
  await expect(colleague.getByTestId(`row-${z.lift.name}`).getByTestId(`job-${z.waitingLift.name}`)).toBeVisible({
    timeout: 15_000,
  })
  expect((await getJob(request, z.waitingLift.name)).technician).toBe(z.lift.name)
  // Annie's day was not accepted yet.
  expect((await getJob(request, z.late.name)).scheduled_start).toContain('15:00:00')

  // Someone changes Annie's late job meanwhile: accepting her day skips it and names it.
  await ok(
    await request.put(`/ops/api/erp/resource/Dispatch%20Job/${z.late.name}`, {
      headers: ADMIN,
      data: { description: 'Client absent le matin, rappeler' },
    }),
  )
  await preview.getByTestId(`optimize-accept-${z.fibre.name}`).click()
  const skipped = preview.getByTestId('optimize-skipped')
  await expect(skipped).toBeVisible()
  await expect(skipped).toContainText(z.late.name)
  const late = await getJob(request, z.late.name)
  expect(late.scheduled_start).toContain('15:00:00')
  expect(late.description).toBe('Client absent le matin, rappeler')
  expect((await getJob(request, z.waitingFibre.name)).technician).toBe(z.fibre.name)
  await page.screenshot({ path: '.tmp/optimize-accepted.png' })
})

test('the job panel shows and changes the promised window and the lock; a row re-optimizes its day', async ({
  page,
  request,
  world,
}) => {
  test.setTimeout(120_000)
  const day = world.day(1)
  const z = await smallZone(request, day)

  await signInAs(page, 'dispatcher')
  await page.goto(`/ops/#/dispatch?day=${day}&tech=${z.fibre.name}`)
  await page.getByTestId(`job-${z.late.name}`).click()
  await expect(page.getByTestId('panel-job-name')).toHaveText(z.late.name)
  await expect(page.getByTestId('job-window-text')).toHaveText('Arrivée promise : 8 h–12 h')

  // The afternoon instead, then locked.
  await page.getByTestId('job-window-edit').click()
  await page.getByTestId('window-pm').click()
  await page.screenshot({ path: '.tmp/optimize-window.png' })
  await page.getByTestId('job-window-save').click()
  await expect(page.getByTestId('job-window-text')).toHaveText('Arrivée promise : 12 h–17 h')
  let job = await getJob(request, z.late.name)
  expect(job.arrival_window_start).toContain(`${day} 12:00:00`)
  expect(job.arrival_window_end).toContain(`${day} 17:00:00`)
  await page.getByTestId('job-lock').click()
  await expect(page.getByTestId('job-lock')).toHaveAttribute('aria-checked', 'true')
  job = await getJob(request, z.late.name)
  expect(job.pinned).toBe(1)

  // "Réoptimiser la journée" from the row's menu: order only, and the locked job stays.
  await page.getByTestId(`row-${z.fibre.name}`).locator('.dj-row__name').click({ button: 'right' })
  await page.getByTestId(`reoptimize-${z.fibre.name}`).click()
  const preview = page.getByTestId('optimize-preview')
  await expect(preview).toBeVisible({ timeout: 60_000 })
  await expect(preview).toContainText(`Réoptimiser la journée de ${z.fibre.full_name}`)
  await expect(preview.getByTestId(`optimize-move-${z.late.name}`)).toHaveCount(0)
  await preview.getByTestId('optimize-discard').click()
  await expect(preview).toBeHidden()
  expect((await getJob(request, z.late.name)).scheduled_start).toContain('15:00:00')
})

test('booking a technician promises an arrival window the optimizer will keep', async ({ page, request, world }) => {
  const day = world.day(2)
  await signInAs(page, 'csr')
  const customer = await servedCustomer(request)
  await page.goto(`/ops/#/clients/${customer}`)
  await expect(page.getByTestId('panel-locations')).toHaveAttribute('data-state', 'ready')
  await page.getByTestId('action-book').click()
  const text = `Fibre coupée, client disponible le matin ${Date.now().toString(36)}`
  await page.getByTestId('book-description').fill(text)
  await page.getByTestId('window-am').click()
  await page.getByTestId('book-window-date').fill(day)
  await page.getByTestId('book-create').click()
  const booked = () =>
    erpList<Doc>(
      request,
      'Dispatch Job',
      [['description', '=', text]],
      ['name', 'status', 'scheduled_start', 'arrival_window_start', 'arrival_window_end'],
      0,
      ADMIN,
    )
  await expect.poll(async () => (await booked()).length).toBe(1)
  const [job] = await booked()
  expect(job.status).toBe('Unscheduled')
  expect(job.arrival_window_start).toContain(`${day} 08:00:00`)
  expect(job.arrival_window_end).toContain(`${day} 12:00:00`)
  expect(job.scheduled_start).toContain(`${day} 08:00:00`)
})
