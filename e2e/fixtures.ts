/**
 * What every journey shares: the sign-in, the journeys' clock, and helpers that choose the data a
 * test needs by the property it needs (never "the first row"), creating it through the API when
 * the dataset of the day happens not to have it. The demo data is laid out around the instant it
 * is generated, so which customer or technician fits changes from one day to the next.
 */
import { test as base, expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test'
import { addDays, toFrappeDate } from '../src/contracts/frappeTime'
import type { Persona } from '../src/contracts/personas'
import type { BoardPayload, BoardTechnician } from '../src/contracts/dispatch'

/**
 * The journeys' clock: the real one, or the real one moved by `shiftMs` when the journeys run at
 * another instant (E2E_NOW, or a project of playwright.config.ts). The server and the browsers
 * are moved by the same amount, so all agree on the time and on what "today" is.
 */
export interface World {
  readonly shiftMs: number
  now(): Date
  /** The site-local day (America/Toronto) `days` after today, "YYYY-MM-DD". */
  day(days?: number): string
}

export function worldClock(shiftMs: number): World {
  const now = () => new Date(Date.now() + shiftMs)
  return { shiftMs, now, day: (days = 0) => addDays(toFrappeDate(now()), days) }
}

/** Moves a browser context's clock to the journeys' time; it runs on from there. */
export async function startClock(context: BrowserContext, world: World): Promise<void> {
  if (world.shiftMs !== 0) await context.clock.install({ time: world.now() })
}

/**
 * Takes the tablet's timers in hand (`page.clock.runFor`, `pauseAt`…), at the journeys' time:
 * `page.clock.install()` alone would put the page back on the real clock.
 */
export async function installFakeTimers(page: Page, world: World): Promise<void> {
  await page.clock.install({ time: world.now() })
}

export interface WorldOptions {
  /** How far the journeys' clock is from the real one, in milliseconds (set per project). */
  clockShiftMs: number
}

interface WorldFixtures {
  world: World
  /** Another browser context (a colleague's browser), with the project's options and clock. */
  newContext(): Promise<BrowserContext>
}

export const test = base.extend<WorldFixtures & WorldOptions>({
  clockShiftMs: [0, { option: true }],
  world: async ({ clockShiftMs }, use) => {
    await use(worldClock(clockShiftMs))
  },
  context: async ({ context, world }, use) => {
    await startClock(context, world)
    await use(context)
  },
  newContext: async ({ browser, world }, use) => {
    const opened: BrowserContext[] = []
    await use(async () => {
      const context = await browser.newContext()
      opened.push(context)
      await startClock(context, world)
      return context
    })
    for (const context of opened) await context.close()
  },
})
export { expect }

/** Signs in as a demo persona the way a user does: through the persona picker. */
export async function signInAs(page: Page, persona: Persona['id'], hash = '') {
  await page.goto(`/ops/${hash ? `#${hash}` : ''}`)
  await page.getByTestId(`persona-${persona}`).click()
  await expect(page.getByTestId('user-menu')).toBeVisible()
}

/**
 * Holds the page's live event streams back until the returned function is called, so its data is
 * read and drawn before its stream opens.
 */
export async function holdLiveStream(page: Page): Promise<() => void> {
  let release = () => undefined as void
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/ops/api/events*', async (route) => {
    await released
    // The page may have given up this request for one that starts where its data was read.
    await route.continue().catch(() => undefined)
  })
  return release
}

// ---- the data a test needs ---------------------------------------------------------------------

/** An administrator's Authentik headers, believed from loopback in demo mode: the tests' own hand on the data. */
export const ADMIN = {
  'x-authentik-email': 'sophie.lavoie@gigafibre.ca',
  'x-authentik-username': 'sophie.lavoie',
  'x-authentik-name': 'Sophie Lavoie',
  'x-authentik-groups': 'ops-admin',
}

type Response = Awaited<ReturnType<APIRequestContext['get']>>

export async function ok<T>(response: Response): Promise<T> {
  expect(response.status(), await response.text()).toBeLessThan(300)
  return (await response.json()) as T
}

/** The most rows the BFF returns in one read (ERP_PAGE_CAP): longer lists are read page by page. */
const PAGE = 500

/**
 * Documents of a doctype through the BFF, as whoever `headers` (or the page's cookie) says;
 * `limit` 0 is all of them, read page by page in name order.
 */
export async function erpList<T>(
  request: APIRequestContext,
  doctype: string,
  filters: unknown[],
  fields: string[],
  limit: number,
  headers?: Record<string, string>,
): Promise<T[]> {
  const rows: T[] = []
  for (;;) {
    const page = limit === 0 ? PAGE : Math.min(PAGE, limit - rows.length)
    const q = new URLSearchParams({
      fields: JSON.stringify(fields),
      filters: JSON.stringify(filters),
      limit_page_length: String(page),
      ...(limit === 0 ? { order_by: 'name asc', limit_start: String(rows.length) } : {}),
    })
    const { data } = await ok<{ data: T[] }>(
      await request.get(`/ops/api/erp/resource/${encodeURIComponent(doctype)}?${q}`, { headers }),
    )
    rows.push(...data)
    if (data.length < page || (limit !== 0 && rows.length >= limit)) return rows
  }
}

/** A list of documents read as an administrator; `limit` 0 is all of them. */
export function adminList<T>(
  request: APIRequestContext,
  doctype: string,
  filters: unknown[],
  fields = ['*'],
  limit = 20,
): Promise<T[]> {
  return erpList<T>(request, doctype, filters, fields, limit, ADMIN)
}

export async function adminCreate<T>(
  request: APIRequestContext,
  doctype: string,
  doc: Record<string, unknown>,
): Promise<T> {
  return (
    await ok<{ data: T }>(
      await request.post(`/ops/api/erp/resource/${encodeURIComponent(doctype)}`, { headers: ADMIN, data: doc }),
    )
  ).data
}

/** A colleague's edit at the office: the fields given saved on the document, as the admin. */
export async function adminUpdate<T>(
  request: APIRequestContext,
  doctype: string,
  name: string,
  fields: Record<string, unknown>,
): Promise<T> {
  return (
    await ok<{ data: T }>(
      await request.put(`/ops/api/erp/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`, {
        headers: ADMIN,
        data: fields,
      }),
    )
  ).data
}

/** A customer with service: anyone a job can be booked for. */
export async function servedCustomer(request: APIRequestContext): Promise<string> {
  const [location] = await adminList<{ customer: string }>(
    request,
    'Service Location',
    [
      ['status', '=', 'Active'],
      ['customer', 'is', 'set'],
    ],
    ['customer'],
    1,
  )
  expect(location, 'an active service location').toBeDefined()
  return location.customer
}

/**
 * A customer with an open ticket and invoices, so every panel of their page has something to
 * show. When today's data has none, a ticket is opened for a customer who has invoices.
 */
export async function customerWithOpenTicketAndInvoices(request: APIRequestContext, world: World): Promise<string> {
  const invoiced = new Set(
    (
      await adminList<{ customer: string }>(request, 'Sales Invoice', [['status', '!=', 'Cancelled']], ['customer'], 0)
    ).map((i) => i.customer),
  )
  const open = await adminList<{ customer: string }>(
    request,
    'Issue',
    [
      ['status', '=', 'Open'],
      ['customer', 'is', 'set'],
    ],
    ['customer'],
    0,
  )
  const found = open.find((i) => invoiced.has(i.customer))
  if (found) return found.customer
  const [customer] = [...invoiced].sort()
  expect(customer, 'a customer with invoices').toBeDefined()
  await adminCreate(request, 'Issue', {
    subject: 'Internet lent le soir',
    customer,
    status: 'Open',
    priority: 'Medium',
    opening_date: world.day(),
  })
  return customer
}

/** The board of one day as the dispatch board reads it. */
export async function boardOf(request: APIRequestContext, day: string): Promise<BoardPayload> {
  return ok<BoardPayload>(await request.get(`/ops/api/dispatch/board?from=${day}&to=${day}`, { headers: ADMIN }))
}

let hired = 0

/**
 * An active technician on an 08:00–16:30 shift with nothing booked on `day`, so a test's own jobs
 * meet only each other there; not one of `taken`, without the `lacking` skill, and alone with
 * their name (a test types it). When the day's data has no such technician, one is hired.
 */
export async function freeTechnician(
  request: APIRequestContext,
  day: string,
  opts: { taken?: readonly string[]; lacking?: string } = {},
): Promise<BoardTechnician> {
  const board = await boardOf(request, day)
  const booked = new Set(
    board.jobs.filter((j) => j.technician && j.scheduled_start?.startsWith(day)).map((j) => j.technician),
  )
  const names = new Map<string, number>()
  for (const t of board.technicians) names.set(t.full_name, (names.get(t.full_name) ?? 0) + 1)
  const free = board.technicians.find(
    (t) =>
      t.status === 'Active' &&
      t.shift_start === '08:00' &&
      t.shift_end === '16:30' &&
      t.name !== 'TECH-001' &&
      !booked.has(t.name) &&
      !opts.taken?.includes(t.name) &&
      !(opts.lacking && t.tags.includes(opts.lacking)) &&
      names.get(t.full_name) === 1,
  )
  if (free) return free
  const id = `${Date.now().toString(36)}${++hired}`
  const doc = await adminCreate<BoardTechnician>(request, 'Technician', {
    full_name: `Zacharie Renfort ${id.toUpperCase()}`,
    email: `zacharie.renfort.${id}@gigafibre.ca`,
    status: 'Active',
    shift_start: '08:00',
    shift_end: '16:30',
    color: '#455A64',
    tags: [{ tag: 'Fibre' }, { tag: 'Wi-Fi' }],
  })
  return { ...doc, tags: ['Fibre', 'Wi-Fi'] }
}
