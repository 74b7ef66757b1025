/**
 * A board is read at one moment and the live stream tells it what changed since. A colleague's
 * move that crosses the read on its way — made while the board's answer is travelling, or before
 * the page's stream is open — is still shown, without a reload by the dispatcher.
 */
import type { APIRequestContext, Page, Route } from '@playwright/test'
import type { Customer } from '../src/contracts/doctypes'
import {
  ADMIN,
  adminCreate,
  adminUpdate,
  freeTechnician,
  holdLiveStream,
  ok,
  signInAs,
  test,
  expect,
  type World,
} from './fixtures'
import { createJob, openBoard, type Job } from './dispatchFixtures'

/** Tomorrow, a technician free that day, and a job of theirs at 10:00. */
async function plannedTomorrow(request: APIRequestContext, world: World) {
  const tomorrow = world.day(1)
  const tech = await freeTechnician(request, tomorrow)
  const job = await createJob(request, tomorrow, { technician: tech.name, status: 'Scheduled' })
  return { tomorrow, tech, job }
}

/** Tomorrow's board open on the technician's row, showing the job at 10:00; its block. */
async function openAt10(page: Page, tomorrow: string, tech: string, job: Job) {
  await openBoard(page, tomorrow, tech)
  const block = page.getByTestId(`row-${tech}`).getByTestId(`job-${job.name}`)
  await expect(block).toHaveAttribute('title', /10:00 · 60 min/)
  return block
}

/** A colleague moves the job to `time` (written with the version read, as the board does). */
async function moveTo(request: APIRequestContext, job: Job, day: string, time: string): Promise<Job> {
  const moved = await ok<{ data: Job }>(
    await request.put(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, {
      headers: ADMIN,
      data: { scheduled_start: `${day} ${time}:00`, modified: job.modified },
    }),
  )
  return moved.data
}
const moveTo14 = (request: APIRequestContext, job: Job, day: string) => moveTo(request, job, day, '14:00')

/** A request held until `release` is called. */
function held() {
  let release = () => undefined as void
  const released = new Promise<void>((resolve) => (release = resolve))
  return { release, released }
}

test('a move made while the board’s answer is on its way is shown once the board is drawn', async ({
  page,
  request,
  world,
}) => {
  const { tomorrow, tech, job } = await plannedTomorrow(request, world)
  await signInAs(page, 'dispatcher')
  await openBoard(page, world.day(), tech.name)

  // The dispatcher moves on to tomorrow, whose board is read now and its answer held back on the
  // way to the page.
  const answer = held()
  let boardRead: Promise<void> | null = null
  await page.route('**/ops/api/dispatch/board?*', async (route: Route) => {
    if (!route.request().url().includes(`from=${tomorrow}`) || boardRead) return route.continue()
    let done = () => undefined as void
    boardRead = new Promise((resolve) => (done = resolve))
    const response = await route.fetch()
    const body = await response.body()
    done()
    await answer.released
    await route.fulfill({ response, body })
  })
  const jobRead = page.waitForResponse((r) => r.url().includes(`/api/erp/resource/Dispatch%20Job/${job.name}`))
  await page.goto(`/ops/#/dispatch?day=${tomorrow}&tech=${tech.name}`)
  await expect.poll(() => boardRead !== null).toBe(true)
  await boardRead

  // The colleague's move reaches the page through the live stream, and the job is read again,
  // before the board arrives.
  await moveTo14(request, job, tomorrow)
  await jobRead
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)))
  answer.release()

  const block = page.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)
  await expect(block).toHaveAttribute('title', /14:00 · 60 min/)
})

test('a move made before the page’s live stream opened is shown once it opens', async ({ page, request, world }) => {
  const { tomorrow, tech, job } = await plannedTomorrow(request, world)

  // The stream's opening is held back: the board is read and drawn first.
  const release = await holdLiveStream(page)
  await signInAs(page, 'dispatcher')
  const block = await openAt10(page, tomorrow, tech.name, job)

  // The colleague's move happens between the board's read and the stream's start.
  await moveTo14(request, job, tomorrow)
  release()
  await expect(block).toHaveAttribute('title', /14:00 · 60 min/)
})

test('a move made while the dispatcher was on another screen is shown when they come back to the board', async ({
  page,
  request,
  world,
}) => {
  const { tomorrow, tech, job } = await plannedTomorrow(request, world)
  await signInAs(page, 'dispatcher')
  const block = await openAt10(page, tomorrow, tech.name, job)

  await page.getByTestId('nav-clients').click()
  await expect(page.getByTestId('dispatch-board')).toHaveCount(0)
  // Moved twice while the dispatcher is away.
  await moveTo14(request, await moveTo(request, job, tomorrow, '13:00'), tomorrow)
  // Back to the same day: the board kept while away opens again at once, and catches up on what
  // happened meanwhile.
  await page.goBack()
  await expect(block).toHaveAttribute('title', /14:00 · 60 min/)
})

test('a technician added and renamed, a tag added and a customer renamed at the office show on an open board, without reading it again', async ({
  page,
  request,
  world,
}) => {
  // One word shared by everything this journey makes, so the board's search shows only them.
  const word = `Vif${Date.now().toString(36)}`
  const tomorrow = world.day(1)
  const tech = await freeTechnician(request, tomorrow)
  const customer = await adminCreate<Customer>(request, 'Customer', {
    customer_name: `Client ${word}`,
    customer_type: 'Individual',
    language: 'fr',
  })
  const job = await createJob(request, tomorrow, {
    technician: tech.name,
    status: 'Scheduled',
    customer: customer.name,
  })
  await signInAs(page, 'dispatcher')
  await page.goto(`/ops/#/dispatch?day=${tomorrow}&q=${word}`)
  const block = page.getByTestId(`row-${tech.name}`).getByTestId(`job-${job.name}`)
  await expect(block).toContainText(`Client ${word}`)
  // Marks this page: a reload would forget it.
  await page.evaluate(() => ((window as unknown as Record<string, unknown>).stayed = true))
  const boardReads: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ops/api/dispatch/board')) boardReads.push(r.url())
  })

  const hired = await adminCreate<{ name: string }>(request, 'Technician', {
    full_name: `Aaron ${word}`,
    email: `aaron.${word.toLowerCase()}@gigafibre.ca`,
    status: 'Active',
    shift_start: '08:00',
    shift_end: '16:30',
    tags: [{ tag: 'Fibre' }],
  })
  await expect(page.getByTestId(`row-${hired.name}`)).toContainText(`Aaron ${word}`)
  // Their row alone was read, not the whole board.
  expect(boardReads).toEqual([])
  await adminUpdate(request, 'Technician', hired.name, { full_name: `Aaron ${word} Tremblay` })
  await expect(page.getByTestId(`row-${hired.name}`)).toContainText(`Aaron ${word} Tremblay`)
  expect(boardReads).toEqual([])

  // A tag added at the office is offered in the tag filter; the tags alone were read again.
  const tagName = `Zone ${word}`
  await adminCreate(request, 'Tag', { tag_name: tagName, category: 'Zone', color: '#2E7D32' })
  const options = page.getByRole('listbox')
  await expect
    .poll(async () => {
      // Counted once the list is open, and closed again before the next look.
      await page.getByTestId('filter-tag').click()
      await options.waitFor()
      const offered = await options.getByRole('option', { name: tagName }).count()
      await page.keyboard.press('Escape')
      await options.waitFor({ state: 'detached' })
      return offered
    })
    .toBe(1)
  expect(boardReads).toEqual([])

  await adminUpdate(request, 'Customer', customer.name, { customer_name: `Cliente ${word} renommée` })
  await expect(block).toContainText(`Cliente ${word} renommée`)
  expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).stayed)).toBe(true)
})
