/**
 * Screens that degrade, not break: ERPNext or the hub taken off the network mid-session (the
 * embedded upstream stops listening: connections are refused, as from a stopped process), then
 * brought back. The board keeps its plan marked as not current and refuses changes with the
 * reason; Diagnostiquer says the hub is unreachable; a technician's scan waits in the queue.
 * Each comes back by itself, without a reload.
 */
import type { APIRequestContext } from '@playwright/test'
import { ADMIN, freeTechnician, test, expect, signInAs } from './fixtures'
import { createJob, dragTo, getJob, openBoard, rowPoint } from './dispatchFixtures'
import { equipmentCount, freshJob, newSerial, openJob, photo, tinyCode128 } from './techFixtures'
import { deviceCategory } from '../server/embedded/hub/devices/simulate'

type Upstream = 'erpnext' | 'hub'

/** Takes an embedded upstream off the network, or brings it back (a test hook, HUB_TEST_HOOKS=1). */
async function upstream(request: APIRequestContext, name: Upstream, action: 'pause' | 'resume') {
  const answer = await request.post(`/ops/api/_test/upstreams/${name}/${action}`, { headers: ADMIN })
  expect(answer.status(), await answer.text()).toBe(200)
}

/** The probe backs off up to 30 s between reads of /ops/readyz; the watch reads it every 15 s. */
const NOTICED = { timeout: 45_000 }

test.describe.configure({ timeout: 150_000 })

test.afterEach(async ({ request }) => {
  // Whatever happened in the test, the next one starts with both upstreams up.
  await upstream(request, 'erpnext', 'resume')
  await upstream(request, 'hub', 'resume')
})

test('ERPNext stopped mid-session: the board keeps its plan, refuses a drag with the reason, and recovers by itself', async ({
  page,
  request,
  world,
}) => {
  const day = world.day(1)
  const tech = await freeTechnician(request, day)
  const job = await createJob(request, day)

  await signInAs(page, 'dispatcher')
  await openBoard(page, day, tech.name, job.name)
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', 'connected')
  await expect(page.getByTestId('board-stale-banner')).toHaveCount(0)

  await upstream(request, 'erpnext', 'pause')

  // Noticed without a click: the board watches the BFF's readiness.
  const banner = page.getByTestId('board-stale-banner')
  await expect(banner).toBeVisible(NOTICED)
  await expect(banner).toContainText(/Plan affiché au \d{2}\s?h\s?\d{2} — ERPNext ne répond pas, réessai automatique/)
  // The plan stays on screen.
  await expect(page.getByTestId(`row-${tech.name}`)).toBeVisible()
  await expect(page.getByTestId(`queue-${job.name}`)).toBeVisible()

  // A drag says why it cannot land, and nothing moves.
  await dragTo(page, `queue-${job.name}`, await rowPoint(page, tech.name, 0.5), false)
  await expect(page.getByTestId('drag-ghost')).toContainText('ERPNext ne répond pas')
  await page.mouse.up()
  await expect(page.locator('.q-notification').filter({ hasText: 'le plan ne peut pas être modifié' })).toBeVisible()
  await expect(page.getByTestId(`queue-${job.name}`)).toBeVisible()
  await expect(page.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)).toHaveCount(0)

  await upstream(request, 'erpnext', 'resume')

  // Back by itself: the banner goes, the board is read again, the live chip says so.
  await expect(banner).toHaveCount(0, NOTICED)
  await expect(page.getByTestId('live-state')).toHaveAttribute('data-state', /resynced|connected/)
  expect((await getJob(request, job.name)).status).toBe('Unscheduled') // the refused drag wrote nothing

  await dragTo(page, `queue-${job.name}`, await rowPoint(page, tech.name, 0.5), false)
  await page.mouse.up()
  await expect(page.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)).toBeVisible()
  await expect.poll(async () => (await getJob(request, job.name)).technician).toBe(tech.name)
})

test('hub down: Diagnostiquer says the hub is unreachable, then diagnoses by itself when it is back', async ({
  page,
  request,
}) => {
  const modems = await (
    await request.get(
      `/ops/api/erp/resource/Service%20Equipment?${new URLSearchParams({
        fields: JSON.stringify(['serial_no', 'customer']),
        filters: JSON.stringify([
          ['equipment_type', '=', 'ONT'],
          ['status', '=', 'In Service'],
          ['customer', 'is', 'set'],
        ]),
        limit_page_length: '500',
      })}`,
      { headers: ADMIN },
    )
  ).json()
  // A modem the hub answers for (not one simulated as silent), so the recovery shows a reading.
  const modem = (modems as { data: { serial_no: string; customer: string }[] }).data.find(
    (m) => deviceCategory(m.serial_no) === 'healthy',
  )
  expect(modem, 'a modem in service that answers').toBeDefined()

  await signInAs(page, 'csr')
  await page.goto(`/ops/#/clients/${modem!.customer}`)
  const equipment = page.locator(`[data-testid="equipment"][data-serial="${modem!.serial_no}"]`)
  await expect(equipment).toBeVisible()

  await upstream(request, 'hub', 'pause')
  await equipment.getByTestId('diagnose-equipment').click()
  const dialog = page.getByTestId('diagnostics')
  await expect(dialog).toHaveAttribute('data-state', 'hub-down')
  await expect(dialog.getByTestId('diagnostics-problem')).toContainText(
    'Le hub de Gigafibre ne répond pas : le modem ne peut pas être interrogé pour l’instant.',
  )
  await expect(dialog.getByTestId('diagnostics-problem')).not.toContainText('502')

  await upstream(request, 'hub', 'resume')
  await expect(dialog).toHaveAttribute('data-state', 'ready', NOTICED)
  await expect(dialog.getByTestId('diagnostics-headline')).toBeVisible()
})

test('hub down: a technician’s scan waits in the queue and is sent when the hub is back', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await upstream(request, 'hub', 'pause')
  // A photo only the hub can read: the tablet hands it over, the hub does not answer.
  await page.getByTestId('scan-open').click()
  await expect(page.getByTestId('scan-sheet')).toBeVisible()
  await page.getByTestId('scan-file').setInputFiles(photo(await tinyCode128(serial)))
  await expect(page.getByTestId('scan-message')).toContainText('Le serveur n’a pas pu lire la photo', NOTICED)
  await page.getByTestId('scan-cancel').click()
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(0)

  await upstream(request, 'hub', 'resume')
  await expect(page.getByTestId('scan-badge')).toHaveCount(0, NOTICED)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
})

test('ERPNext down: the technician’s job opens from the day’s copy, says why, and refreshes when ERPNext is back', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  await signInAs(page, 'technician', '/tech')
  await expect(page.getByTestId(`open-job-${job.name}`)).toBeVisible()

  await upstream(request, 'erpnext', 'pause')
  await openJob(page, job.name)
  const banner = page.getByTestId('offline-banner')
  await expect(banner).toContainText('ERPNext ne répond pas')
  await expect(page.getByTestId('tech-job')).toContainText(job.address!)

  await upstream(request, 'erpnext', 'resume')
  await expect(banner).toHaveCount(0, NOTICED)
})
