/** Helpers of the dispatcher's journeys: a job of a test's own, the board opened on it, a real mouse drag. */
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { ADMIN, adminCreate, ok, servedCustomer, expect } from './fixtures'

export interface Job {
  name: string
  modified: string
  technician?: string
  scheduled_start?: string
  status: string
}

/** An urgent repair waiting in the queue for `day` at 10:00, unless told otherwise. */
export async function createJob(
  request: APIRequestContext,
  day: string,
  extra: Record<string, unknown> = {},
): Promise<Job> {
  return adminCreate<Job>(request, 'Dispatch Job', {
    job_type: 'Repair',
    status: 'Unscheduled',
    priority: 'Urgent',
    duration_minutes: 60,
    customer: await servedCustomer(request),
    address: '12, rue Test, Saint-Jérôme QC',
    latitude: 45.78,
    longitude: -74.0,
    scheduled_start: `${day} 10:00:00`,
    tags: [{ tag: 'Fibre' }],
    ...extra,
  })
}

export async function getJob(request: APIRequestContext, name: string): Promise<Job> {
  return (
    await ok<{ data: Job }>(await request.get(`/ops/api/erp/resource/Dispatch%20Job/${name}`, { headers: ADMIN }))
  ).data
}

export async function openBoard(page: Page, day: string, tech: string, queueJob?: string) {
  await page.goto(`/ops/#/dispatch?day=${day}&tech=${tech}`)
  await expect(page.getByTestId(`row-${tech}`)).toBeVisible()
  if (queueJob) {
    await page.getByTestId('queue-filter').fill(queueJob)
    await expect(page.getByTestId(`queue-${queueJob}`)).toBeVisible()
  }
}

/**
 * Where an element is once the board has settled: its box read again until two reads a frame apart
 * agree (the board scrolls to the working day, and its side panels mount, just after it is drawn).
 */
export async function steadyBox(locator: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  let box = await locator.boundingBox()
  await expect
    .poll(async () => {
      const before = box
      await locator
        .page()
        .evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))))
      box = await locator.boundingBox()
      return box !== null && JSON.stringify(box) === JSON.stringify(before)
    })
    .toBe(true)
  return box!
}

/** Drags with a real mouse: press, move in steps (the ghost follows), release unless told not to. */
export async function dragTo(page: Page, from: string, to: { x: number; y: number }, release = true) {
  const box = await steadyBox(page.getByTestId(from))
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(to.x, to.y, { steps: 8 })
  await expect(page.getByTestId('drag-ghost')).toBeVisible()
  if (release) await page.mouse.up()
}

/** Quasar puts data-testid on the native control; its visible value is in the surrounding field. */
export const field = (page: Page, testid: string) => page.locator('.q-field').filter({ has: page.getByTestId(testid) })

export async function rowPoint(page: Page, tech: string, fraction: number) {
  const boardBox = (await page.getByTestId('dispatch-board').boundingBox())!
  const row = (await page.getByTestId(`row-${tech}`).boundingBox())!
  return { x: boardBox.x + 188 + (boardBox.width - 188) * fraction, y: row.y + row.height / 2 }
}
