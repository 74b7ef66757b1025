/**
 * Helpers of the technician journeys (tech*.spec.ts, scans*.spec.ts): a fresh job for TECH-001,
 * the hub's fault plan, and barcode pictures made with bwip-js.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import bwipjs from 'bwip-js/node'
import { PNG } from 'pngjs'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import { toFrappeDate, toFrappeDatetime } from '../src/contracts/frappeTime'
import type { DispatchJob } from '../src/contracts/doctypes'
import { isSerial } from '../src/contracts/equipmentLabel'
import { ADMIN, adminCreate, adminList, type World } from './fixtures'

export { ADMIN, adminList }

export const TECHNICIAN = 'TECH-001'

/**
 * A job for TECH-001 later today, at the address of one of their jobs: in an hour, or right now
 * when the day ends within the hour, so it is on the tablet's "today" whatever the time.
 */
export async function freshJob(
  request: APIRequestContext,
  world: World,
  extra: Partial<DispatchJob> = {},
): Promise<DispatchJob> {
  const [model] = await adminList<DispatchJob>(
    request,
    'Dispatch Job',
    [
      ['technician', '=', TECHNICIAN],
      ['service_location', 'is', 'set'],
    ],
    ['customer', 'service_location', 'address', 'latitude', 'longitude'],
    1,
  )
  expect(model, `a job of ${TECHNICIAN} with an address`).toBeDefined()
  const now = world.now()
  const inAnHour = new Date(now.getTime() + 3600_000)
  const start = toFrappeDate(inAnHour) === toFrappeDate(now) ? inAnHour : now
  const body = {
    job_type: 'Installation',
    status: 'Scheduled',
    priority: 'High',
    technician: TECHNICIAN,
    customer: model.customer,
    service_location: model.service_location,
    address: model.address,
    latitude: model.latitude,
    longitude: model.longitude,
    scheduled_start: toFrappeDatetime(start),
    duration_minutes: 90,
    description: 'Installer l’ONT au sous-sol, près du panneau électrique.',
    ...extra,
  }
  return adminCreate<DispatchJob>(request, 'Dispatch Job', body)
}

export async function equipmentCount(request: APIRequestContext, filters: unknown[]): Promise<number> {
  return (await adminList(request, 'Service Equipment', filters, ['name'], 0)).length
}

/** Makes the embedded hub fail or stall (server/embedded/hub/faults.ts); `null` clears the plan. */
export async function hubFaults(request: APIRequestContext, vision: Record<string, number> | null): Promise<void> {
  const response = vision
    ? await request.post('/ops/api/_test/hub-faults', { headers: ADMIN, data: { vision } })
    : await request.delete('/ops/api/_test/hub-faults', { headers: ADMIN })
  expect(response.status(), await response.text()).toBe(200)
}

/**
 * A serial never seen before, as printed on a TP-Link ONT, and one the app reads as a serial
 * (at least two digits): eight random hex characters alone are, now and then, nearly all letters.
 */
export function newSerial(): string {
  for (;;) {
    const serial = `TPLG${Math.floor(Math.random() * 0xffffffff)
      .toString(16)
      .toUpperCase()
      .padStart(8, '0')}`
    if (isSerial(serial)) return serial
  }
}

/** A clear Code 128 label, as a technician photographs it: readable on the tablet. */
export async function code128(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'code128',
    text,
    scale: 3,
    height: 12,
    includetext: true,
    paddingwidth: 20,
    paddingheight: 20,
    backgroundcolor: 'FFFFFF',
  })
}

export async function qrLabel(text: string): Promise<Buffer> {
  return bwipjs.toBuffer({
    bcid: 'qrcode',
    text,
    scale: 6,
    paddingwidth: 20,
    paddingheight: 20,
    backgroundcolor: 'FFFFFF',
  })
}

/**
 * A wide photo with the barcode printed tiny (1 px bars): the tablet, which reads photos reduced
 * to 1280 px, cannot read it; the hub, which reads the full picture, can.
 */
export async function tinyCode128(text: string, width = 3000, height = 2000): Promise<Buffer> {
  const small = PNG.sync.read(
    await bwipjs.toBuffer({
      bcid: 'code128',
      text,
      scale: 1,
      height: 4,
      paddingwidth: 10,
      paddingheight: 10,
      backgroundcolor: 'FFFFFF',
    }),
  )
  const big = new PNG({ width, height })
  big.data.fill(255)
  PNG.bitblt(
    small,
    big,
    0,
    0,
    small.width,
    small.height,
    Math.floor(width / 2 - small.width / 2),
    Math.floor(height / 2),
  )
  return PNG.sync.write(big)
}

export const photo = (buffer: Buffer) => ({ name: 'etiquette.png', mimeType: 'image/png', buffer })

/** Opens a job's page the way a technician does: from their day. */
export async function openJob(page: Page, job: string): Promise<void> {
  await page.getByTestId(`open-job-${job}`).click()
  await expect(page.getByTestId('tech-job')).toBeVisible()
  await expect(page.getByTestId('job-customer')).not.toBeEmpty()
}

/**
 * Makes sure the page has the code of `source` (its path in src/) and every chunk it imports, as
 * the app fetches the parts it holds back a moment after the first screen: waits for that fetch,
 * or makes it. A tablet that loses its network after that still opens them; one that loses it
 * before gets the part's "could not be loaded" message, as a browser keeps a failed module fetch
 * for the page's life.
 */
export async function codeFetched(page: Page, source: string): Promise<void> {
  const manifest = JSON.parse(
    readFileSync(join(process.env.SPA_DIR ?? 'dist/spa', '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, { file: string } | undefined>
  const file = manifest[source]?.file
  expect(file, `${source} is in the build`).toBeTruthy()
  await page.evaluate((url) => import(url).then(() => undefined), `/ops/${file}`)
}

/**
 * The code a tablet's app fetches a moment after it opens, for use in the basement: the scan
 * queue's panel and the dialogs and notifications. A journey that cuts the network soon after
 * opening makes sure of it first, as a tablet that has been open a while would have it.
 */
export async function tabletCodeFetched(page: Page): Promise<void> {
  await codeFetched(page, 'src/features/scans/ScanQueuePanel.vue')
  await codeFetched(page, 'src/quasarPlugins.ts')
}

/** Waits for the service worker to be active, then reloads so it controls the page. */
export async function installOffline(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.reload()
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
}
