import { adminCreate, holdLiveStream, test, expect, signInAs } from './fixtures'
import { ADMIN, adminList, freshJob, openJob, TECHNICIAN } from './techFixtures'
import type { Customer, DispatchJob } from '../src/contracts/doctypes'
import { startOfSiteDay } from '../src/contracts/frappeTime'

for (const viewport of [
  { width: 800, height: 1280, name: 'portrait' },
  { width: 1280, height: 800, name: 'landscape' },
]) {
  test(`a technician sees their day in order and works a job through En route → En cours → Terminé (${viewport.name})`, async ({
    page,
    request,
    world,
  }) => {
    await page.setViewportSize(viewport)
    const job = await freshJob(request, world)
    const tomorrow = world.day(1)
    const booked = await freshJob(request, world, { scheduled_start: `${tomorrow} 09:00:00` })
    await signInAs(page, 'technician', '/tech')

    const today = page.getByTestId('tech-today')
    await expect(today.getByTestId(`job-card-${job.name}`)).toBeVisible()
    // Tomorrow is the site's next calendar day, whatever the clocks do overnight.
    const next = page.getByTestId('tech-tomorrow')
    await expect(next.getByTestId(`job-card-${booked.name}`)).toBeVisible()
    await expect(next).toContainText(
      new Intl.DateTimeFormat('fr-CA', {
        timeZone: 'America/Toronto',
        weekday: 'long',
        day: 'numeric',
        month: 'long',
      }).format(startOfSiteDay(tomorrow)),
    )
    await expect(today.getByTestId(`job-card-${booked.name}`)).toHaveCount(0)
    // Each card reads "09 h 45 – 11 h 15": in the order of the day by start (jobs starting together in any order).
    const starts = (await today.locator('[data-testid^="job-card-"] .text-h6').allTextContents()).map((range) =>
      range.split('–')[0].trim(),
    )
    expect(starts.length).toBeGreaterThan(0)
    expect([...starts].sort()).toEqual(starts)
    const card = today.getByTestId(`job-card-${job.name}`)
    await expect(card).toContainText('Installation')
    await expect(card).toContainText('Haute')
    await expect(card.getByTestId(`directions-${job.name}`)).toHaveAttribute(
      'href',
      /google\.com\/maps|geo:|maps\.apple/,
    )
    await page.screenshot({ path: `/tmp/tech-day-${viewport.name}.png` })

    await openJob(page, job.name)
    await expect(page.getByTestId('job-description')).toContainText('panneau électrique')
    for (const id of ['status-en-route', 'status-in-progress', 'status-completed', 'scan-open', 'back-to-day']) {
      const box = await page.getByTestId(id).boundingBox()
      expect(box?.height, `${id} is a 48 px touch target`).toBeGreaterThanOrEqual(48)
    }
    await page.screenshot({ path: `/tmp/tech-job-${viewport.name}.png` })

    await page.getByTestId('status-en-route').click()
    await expect(page.getByTestId('job-status')).toHaveText('En route')
    await page.getByTestId('status-in-progress').click()
    await expect(page.getByTestId('job-status')).toHaveText('En cours')
    await page.getByTestId('status-completed').click()
    await page.getByTestId('complete-notes').fill('ONT installé, signal −19 dBm. Client satisfait.')
    await page.getByTestId('complete-confirm').click()
    await expect(page.getByTestId('job-status')).toHaveText('Terminée')
    await expect(page.getByTestId('status-completed')).toHaveCount(0)

    const [saved] = await adminList<DispatchJob>(
      request,
      'Dispatch Job',
      [['name', '=', job.name]],
      ['status', 'completion_notes'],
    )
    expect(saved).toMatchObject({
      status: 'Completed',
      completion_notes: 'ONT installé, signal −19 dBm. Client satisfait.',
    })
  })
}

test('a status set on a job someone changed meanwhile is refused; the job is reloaded and the technician told', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  // No live updates (a weak LTE link dropped the event stream), so the page keeps the old version.
  await page.route('**/ops/api/events*', (route) => route.abort())
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  // Dispatch edits the job while the technician looks at it.
  const edit = await request.put(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, {
    headers: ADMIN,
    data: { description: 'Le client demande d’appeler avant d’arriver.' },
  })
  expect(edit.status()).toBe(200)

  await page.getByTestId('status-en-route').click()
  await expect(page.getByText('quelqu’un l’avait modifiée entre-temps')).toBeVisible()
  await expect(page.getByTestId('job-description')).toContainText('appeler avant d’arriver')
  await expect(page.getByTestId('job-status')).toHaveText('Planifiée')
  await page.getByTestId('status-en-route').click()
  await expect(page.getByTestId('job-status')).toHaveText('En route')
})

test('a technician cannot open another technician’s job: a clear sentence; the BFF does not show it, nor lets it be written', async ({
  page,
  request,
}) => {
  const [theirs] = await adminList<DispatchJob>(
    request,
    'Dispatch Job',
    [
      ['technician', 'is', 'set'],
      ['technician', '!=', TECHNICIAN],
    ],
    ['name'],
    1,
  )
  await signInAs(page, 'technician')
  await page.goto(`/ops/#/tech/jobs/${theirs.name}`)
  await expect(page.getByTestId('job-error')).toContainText('assignée à un autre technicien')
  // The tablet's own route says whose job it is (the sentence above); the ERPNext pass-through
  // answers as if the job did not exist.
  expect((await page.request.get(`/ops/api/tech/jobs/${theirs.name}`)).status()).toBe(403)
  expect((await page.request.get(`/ops/api/erp/resource/Dispatch%20Job/${theirs.name}`)).status()).toBe(404)
  const write = await page.request.put(`/ops/api/erp/resource/Dispatch%20Job/${theirs.name}`, {
    data: { status: 'Completed' },
  })
  expect(write.status()).toBe(404)
})

test('a job booked after the tablet read its day, before its live stream opened, appears once the stream opens', async ({
  page,
  request,
  world,
}) => {
  const tomorrow = world.day(1)
  const first = await freshJob(request, world, { scheduled_start: `${tomorrow} 12:00:00` })
  // The stream's opening is held back: the day is read and drawn first.
  const release = await holdLiveStream(page)
  await signInAs(page, 'technician', '/tech')
  const next = page.getByTestId('tech-tomorrow')
  await expect(next.getByTestId(`job-card-${first.name}`)).toBeVisible()

  // The dispatcher books a second job in between; the tablet learns of it when its stream opens.
  const second = await freshJob(request, world, { scheduled_start: `${tomorrow} 13:00:00` })
  await expect(next.getByTestId(`job-card-${second.name}`)).toHaveCount(0)
  release()
  await expect(next.getByTestId(`job-card-${second.name}`)).toBeVisible()
})

test('a job’s page opened before its live stream shows a change the dispatcher made in between, once the stream opens', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  // The job's page alone says where the stream must start: the day, read in the background for
  // offline use, would otherwise tell it too.
  await page.route('**/ops/api/tech/day', (route) => route.abort())
  const release = await holdLiveStream(page)
  await signInAs(page, 'technician', '/tech')
  await expect(page.getByTestId('tech-retry')).toBeVisible()
  // The job opened from the signed-in console: its page is drawn once, from one read.
  const read = page.waitForResponse((r) => r.url().endsWith(`/ops/api/tech/jobs/${job.name}`))
  await page.evaluate((name) => (location.hash = `#/tech/jobs/${name}`), job.name)
  expect((await read).status()).toBe(200)
  const description = page.getByTestId('job-description')
  await expect(description).toContainText('près du panneau électrique')

  // The dispatcher adds a note while the tablet's stream is not yet open.
  const note = 'Client absent avant 14 h : passer par la porte de côté.'
  const updated = await request.put(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, {
    headers: ADMIN,
    data: { description: note, modified: job.modified },
  })
  expect(updated.status(), await updated.text()).toBe(200)
  await expect(description).not.toContainText(note)
  release()
  await expect(description).toContainText(note)
})

test('a customer renamed at the office is renamed on the technician’s day and job page, without a reload', async ({
  page,
  request,
  world,
}) => {
  const stamp = Date.now().toString(36)
  const customer = await adminCreate<Customer>(request, 'Customer', {
    customer_name: `Client Avant ${stamp}`,
    customer_type: 'Individual',
    language: 'fr',
  })
  // No service location: a location belongs to another customer (see onTheWay.spec.ts).
  const job = await freshJob(request, world, { customer: customer.name, service_location: undefined })
  const rename = async (customer_name: string) => {
    const res = await request.put(`/ops/api/erp/resource/Customer/${encodeURIComponent(customer.name)}`, {
      headers: ADMIN,
      data: { customer_name },
    })
    expect(res.status(), await res.text()).toBe(200)
  }
  await signInAs(page, 'technician', '/tech')
  const card = page.getByTestId(`job-card-${job.name}`)
  await expect(card).toContainText(`Client Avant ${stamp}`)

  await rename(`Cliente Après ${stamp}`)
  await expect(card).toContainText(`Cliente Après ${stamp}`)

  await openJob(page, job.name)
  await expect(page.getByTestId('job-customer')).toHaveText(`Cliente Après ${stamp}`)
  await rename(`Cliente Enfin ${stamp}`)
  await expect(page.getByTestId('job-customer')).toHaveText(`Cliente Enfin ${stamp}`)
})

test('a tablet whose stream comes back without what it missed reads its day again', async ({
  page,
  request,
  world,
}) => {
  const tomorrow = world.day(1)
  // The tablet's stream is played here: each one starts where the day was read and ends at once
  // (the tablet reconnects), until the server is made to answer that the thread is lost.
  const dayPosition = page
    .waitForResponse((r) => new URL(r.url()).pathname === '/ops/api/tech/day' && r.ok())
    .then(async (r) => ((await r.json()) as { position?: string }).position ?? '')
  let threadLost = false
  await page.route('**/ops/api/events*', async (route) => {
    const body = threadLost
      ? 'retry: 60000\nid: 1-0\nevent: resync\ndata: {}\n\n'
      : `retry: 300\nid: ${await dayPosition}\nevent: hello\ndata: {}\n\n`
    await route.fulfill({ status: 200, headers: { 'content-type': 'text/event-stream' }, body })
  })
  const first = await freshJob(request, world, { scheduled_start: `${tomorrow} 10:00:00` })
  await signInAs(page, 'technician', '/tech')
  const next = page.getByTestId('tech-tomorrow')
  await expect(next.getByTestId(`job-card-${first.name}`)).toBeVisible()

  // A job is booked while the tablet's stream is away: its event never reaches the tablet.
  const booked = await freshJob(request, world, { scheduled_start: `${tomorrow} 11:00:00` })
  await page.waitForTimeout(1_000)
  await expect(next.getByTestId(`job-card-${booked.name}`)).toHaveCount(0)
  threadLost = true
  await expect(next.getByTestId(`job-card-${booked.name}`)).toBeVisible()
  // Said, and marked on its card (the one already there is not).
  await expect(
    page.locator('.q-notification').filter({ hasText: /nouvelles? interventions? dans votre horaire/ }),
  ).toBeVisible()
  await expect(next.getByTestId(`new-${booked.name}`)).toHaveText('Nouvelle')
  await expect(next.getByTestId(`new-${first.name}`)).toHaveCount(0)
})
