import type { BrowserContext, Page, Request } from '@playwright/test'
import { test, expect, adminCreate, installFakeTimers, signInAs } from './fixtures'
import {
  adminList,
  code128,
  equipmentCount,
  freshJob,
  hubFaults,
  installOffline,
  newSerial,
  openJob,
  photo,
  qrLabel,
  tabletCodeFetched,
  tinyCode128,
} from './techFixtures'
import type { ServiceEquipment } from '../src/contracts/doctypes'

/** Opens the scanner on the job page and hands it a photo, as the camera would. */
async function scan(page: Page, picture: Buffer) {
  await page.getByTestId('scan-open').click()
  await expect(page.getByTestId('scan-sheet')).toBeVisible()
  await page.getByTestId('scan-file').setInputFiles(photo(picture))
  await expect(page.getByTestId('scan-photo')).toBeVisible()
}

const isVision = (r: Request) => r.method() === 'POST' && r.url().includes('/ops/api/hub/vision/')
const isSave = (r: Request) => r.method() === 'PUT' && r.url().includes('/ops/api/tech/scans/')

test.afterEach(async ({ request }) => {
  await hubFaults(request, null)
})

test('scan online: the tablet reads the label, the technician confirms, ERPNext has the equipment', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  const visionCalls: string[] = []
  page.on('request', (r) => {
    if (isVision(r)) visionCalls.push(r.url())
  })
  await page.setViewportSize({ width: 800, height: 1280 })
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await scan(page, await code128(serial))
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
  await expect(page.getByTestId('scan-read-by')).toHaveText(/Lu sur la tablette/)
  await page.screenshot({ path: '/tmp/tech-scan-sheet.png' })
  await page.getByTestId('scan-confirm').click()
  await expect(page.getByText(/Équipement EQ-\d+ enregistré/)).toBeVisible()
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)

  const [saved] = await adminList<ServiceEquipment>(request, 'Service Equipment', [['serial_no', '=', serial]])
  expect(saved).toMatchObject({
    dispatch_job: job.name,
    service_location: job.service_location,
    customer: job.customer,
    status: 'In Service',
    equipment_type: 'ONT',
  })
  expect(saved.scan_id).toMatch(/^scan-[0-9a-f-]{36}$/)

  // A QR label carrying the serial and the MAC, for a router this time.
  const serial2 = newSerial()
  await page.getByTestId('scan-open').click()
  await page.getByTestId('scan-pick-type').getByText('Routeur').click()
  await page
    .getByTestId('scan-file')
    .setInputFiles(
      photo(
        await qrLabel(
          `SN:${serial2};MAC:9C-A2-F4-${serial2.slice(-6, -4)}-${serial2.slice(-4, -2)}-${serial2.slice(-2)}`,
        ),
      ),
    )
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial2)
  await expect(page.getByTestId('scan-mac')).toHaveValue(
    `9C:A2:F4:${serial2.slice(-6, -4)}:${serial2.slice(-4, -2)}:${serial2.slice(-2)}`,
  )
  await page.getByTestId('scan-confirm').click()
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial2}"]`)).toBeVisible()
  const [router] = await adminList<ServiceEquipment>(request, 'Service Equipment', [['serial_no', '=', serial2]])
  expect(router).toMatchObject({ equipment_type: 'Router', mac_address: expect.stringMatching(/^9C:A2:F4:/) })
  expect(visionCalls).toEqual([]) // read on the tablet, the hub was not needed
})

test('a tablet whose reader does not load in time hands the photo to the hub', async ({ page, request, world }) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  // The reader's .wasm never arrives (a download stuck on a weak network).
  await page.route('**/*.wasm', () => undefined)
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await scan(page, await code128(serial))
  await expect(page.getByTestId('scan-reading')).toBeVisible()
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial, { timeout: 20_000 })
  await expect(page.getByTestId('scan-read-by')).toHaveText(/Lu par le serveur/)
  await page.getByTestId('scan-confirm').click()
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('scan with the network off, reload the page, network back: exactly one equipment', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await installOffline(page)
  await expect(page.getByTestId('job-customer')).not.toBeEmpty()

  await context.setOffline(true)
  await scan(page, await code128(serial))
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial) // read on the tablet, offline
  await page.getByTestId('scan-confirm').click()
  await expect(page.getByText('Scan gardé sur la tablette')).toBeVisible()
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)
  await expect(page.getByTestId('equipment-pending')).toContainText(serial)

  await page.reload()
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(0)

  await context.setOffline(false)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
  expect(await equipmentCount(request, [['dispatch_job', '=', job.name]])).toBe(1)
})

test('the hub answers 500 twice, then reads the photo: the queue retries with backoff and records one equipment', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  const vision: number[] = []
  page.on('response', (r) => {
    if (isVision(r.request())) vision.push(r.status())
  })
  await hubFaults(request, { fail: 2, status: 500 })
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await scan(page, await tinyCode128(serial))
  await expect(page.getByTestId('scan-message')).toContainText(
    'elle sera lue et l’équipement enregistré automatiquement',
  )
  await page.getByTestId('scan-cancel').click() // "Fermer": the photo stays in the queue
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)

  // Backoff: 1–2 s, then 2–4 s; the third answer is the good one.
  await expect(page.getByTestId('scan-badge')).toHaveCount(0, { timeout: 15_000 })
  expect(vision).toEqual([500, 500, 200])
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
  await expect(page.locator(`[data-testid="equipment-item"][data-serial="${serial}"]`)).toBeVisible()
})

test('the hub slower than 8 s: the photo is queued at once, then sent by the queue', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  await hubFaults(request, { delayMs: 9_000 })
  await installFakeTimers(page, world)
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await page.clock.pauseAt(world.now().getTime() + 60_000) // from here, the tablet's timers wait for the test

  await scan(page, await tinyCode128(serial))
  await expect(page.getByTestId('scan-reading')).toContainText('8 s au plus')
  await page.clock.runFor(8_000) // eight seconds of a silent hub, in no time
  await expect(page.getByTestId('scan-message')).toContainText('Le serveur n’a pas pu lire la photo maintenant')
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(0)

  await hubFaults(request, null) // the hub recovers
  await page.clock.resume() // the queue's backoff timer runs again
  await page.getByTestId('scan-cancel').click()
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('the answer is lost after ERPNext saved the equipment: the replay creates no duplicate', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  const saves: number[] = []
  let dropped = false
  await context.route('**/ops/api/tech/scans/**', async (route) => {
    if (dropped) return route.continue()
    dropped = true
    const answer = await route.fetch() // ERPNext records the equipment…
    saves.push(answer.status())
    await route.abort('connectionreset') // …and the answer never reaches the tablet.
  })
  page.on('response', (r) => {
    if (isSave(r.request())) saves.push(r.status())
  })
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await scan(page, await code128(serial))
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
  await page.getByTestId('scan-confirm').click()
  await expect(page.getByText('Scan gardé sur la tablette')).toBeVisible()
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)

  await expect(page.getByTestId('scan-badge')).toHaveCount(0) // the backoff timer replays it
  expect(saves).toEqual([200, 200])
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('two tabs open when the network comes back: the scan is sent once', async ({ page, context, request, world }) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  // The app (and its barcode reader) cached for offline use before the network goes.
  await installOffline(page)
  const other = await context.newPage()
  await other.goto(`/ops/#/tech/jobs/${job.name}`)
  await expect(other.getByTestId('job-customer')).not.toBeEmpty()

  await context.setOffline(true)
  await scan(page, await code128(serial))
  await expect(page.getByTestId('scan-serial')).toHaveValue(serial)
  await page.getByTestId('scan-confirm').click()
  await expect(other.getByTestId('scan-badge')).toHaveText(/En attente : 1/) // the other tab knows too

  const sent: string[] = []
  context.on('requestfinished', (r) => {
    if (isSave(r)) sent.push(r.url())
  })
  await context.setOffline(false)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  await expect(other.getByTestId('scan-badge')).toHaveCount(0)
  expect(sent).toHaveLength(1)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

/** A photo the tablet cannot read, taken with no network: it waits in the queue for the hub. */
async function photoLeftToTheHub(page: Page, context: BrowserContext, serial: string) {
  await tabletCodeFetched(page)
  await context.setOffline(true)
  await scan(page, await tinyCode128(serial))
  await expect(page.getByTestId('scan-message')).toContainText('Le serveur n’a pas pu lire la photo')
  await page.getByTestId('scan-cancel').click()
  await expect(page.getByTestId('scan-badge')).toHaveText(/En attente : 1/)
}

test('a 400 puts the scan in "needs attention": never retried on its own, fixed by the technician', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  let visionCalls = 0
  page.on('response', (r) => {
    if (isVision(r.request())) visionCalls++
  }) // answered by the hub, not failed offline
  await installFakeTimers(page, world)
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await photoLeftToTheHub(page, context, serial)

  await hubFaults(request, { fail: 1, status: 400 })
  await context.setOffline(false) // the queue sends the photo; the hub refuses it
  await page.getByTestId('scan-badge').click()
  const queued = page.getByTestId('queued-scan')
  await expect(queued).toHaveAttribute('data-state', 'attention')
  await expect(queued.getByTestId('queued-scan-state')).toHaveText('À corriger')
  await expect(queued.getByTestId('queued-scan-error')).toContainText('Dernière erreur')
  expect(visionCalls).toBe(1)

  await page.getByTestId('scan-retry-now').click()
  await page.clock.fastForward('30:00') // half an hour of backoff timers, had there been any
  await expect(queued).toHaveAttribute('data-state', 'attention')
  expect(visionCalls).toBe(1)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(0)

  await queued.getByTestId('queued-scan-fix').click()
  await page.getByTestId('scan-fix').getByTestId('scan-serial').fill(serial.toLowerCase())
  await page.getByTestId('scan-fix-confirm').click()
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
  expect(await equipmentCount(request, [['serial_no', '=', serial]])).toBe(1)
})

test('discarding a scan that needs attention asks first, then forgets it', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)
  await photoLeftToTheHub(page, context, newSerial())
  await hubFaults(request, { fail: 1, status: 400 })
  await context.setOffline(false)
  await page.getByTestId('scan-badge').click()
  await expect(page.getByTestId('queued-scan')).toHaveAttribute('data-state', 'attention')
  await page.screenshot({ path: '/tmp/tech-scan-panel.png' })

  await page.getByTestId('queued-scan-discard').click()
  await expect(page.getByText('Abandonner ce scan ?')).toBeVisible()
  await page.getByRole('button', { name: 'Garder' }).click()
  await expect(page.getByTestId('queued-scan')).toHaveCount(1)
  await page.getByTestId('queued-scan-discard').click()
  await page.getByRole('button', { name: 'Abandonner le scan' }).click()
  await expect(page.getByTestId('queued-scan')).toHaveCount(0)
  await expect(page.getByTestId('scan-badge')).toHaveCount(0)
})

/** Whether the tablet's offline copy holds this job's page (the day's copy exists once it has loaded). */
function keptOffline(page: Page, job: string): Promise<boolean> {
  return page.evaluate(
    (name) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('ops-tech')
        open.onerror = () => resolve(false)
        open.onsuccess = () => {
          const db = open.result
          try {
            const keys = db.transaction('cache', 'readonly').objectStore('cache').getAllKeys()
            keys.onsuccess = () => resolve(keys.result.some((k) => String(k).endsWith(`:${name}`)))
            keys.onerror = () => resolve(false)
          } catch {
            resolve(false)
          } finally {
            db.close()
          }
        }
      }),
    job,
  )
}

test('the app opens with no network and shows the technician’s last loaded day, every job with its equipment', async ({
  page,
  context,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  const serial = newSerial()
  await adminCreate(request, 'Service Equipment', {
    equipment_type: 'Mesh Node',
    serial_no: serial,
    status: 'In Service',
    service_location: job.service_location,
  })
  const jobReads: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ops/api/tech/jobs/')) jobReads.push(r.url())
  })
  // The day's job pages are kept in one read, as soon as the day is read.
  const kept = page.waitForResponse((r) => r.url().endsWith('/ops/api/tech/day/jobs') && r.ok())
  await signInAs(page, 'technician', '/tech')
  await expect(page.getByTestId(`job-card-${job.name}`)).toBeVisible()
  await installOffline(page)
  await expect(page.getByTestId(`job-card-${job.name}`)).toBeVisible()
  await kept
  await expect.poll(() => keptOffline(page, job.name)).toBe(true)
  expect(jobReads, 'no job page read one by one').toEqual([])

  await context.setOffline(true)
  await page.reload()
  await expect(page.getByTestId('offline-banner')).toContainText(/Données du .+, hors ligne/)
  await expect(page.getByTestId(`job-card-${job.name}`)).toBeVisible()
  await expect(page.getByTestId('online-indicator')).toHaveAttribute('data-online', 'no')
  await page.screenshot({ path: '/tmp/tech-offline-day.png' })

  // Never opened while online: its page, equipment included, comes from the day's kept pages.
  await openJob(page, job.name)
  await expect(page.getByTestId('job-description')).toContainText('panneau électrique')
  await expect(page.getByTestId('equipment-item').filter({ hasText: serial })).toBeVisible()
  await expect(page.getByTestId('scan-open')).toBeEnabled()
  await context.setOffline(false)
})
