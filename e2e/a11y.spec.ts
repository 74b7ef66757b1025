/**
 * Every screen of every persona, read by axe-core in real Chromium, in French and in English: no
 * serious or critical violation is allowed. One page per persona walks its screens once in each
 * language (the switch is flipped once, between the two rounds); a screen that fails names the
 * rule, how many elements break it and where, so the cause can be found in its component. A palette
 * colour class on screen that the stylesheet does not define fails the walk too.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { customerWithOpenTicketAndInvoices, erpList, test, expect, signInAs, type World } from './fixtures'
import { freshJob, openJob } from './techFixtures'

type Language = 'fr' | 'en'

interface Screen {
  name: string
  /** Brings the screen up, ready to be read (data on screen, dialogs open). */
  open(page: Page): Promise<void>
}

/** Waits until nothing on the page is mid-transition: a half-faded dialog is not a contrast failure. */
async function settled(page: Page) {
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          document
            .getAnimations()
            .filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().iterations !== Infinity).length,
      ),
    )
    .toBe(0)
}

/** For a contrast failure, the colours and ratio axe measured, so the fix can be chosen from the report. */
function contrastOf(node: { any: { id: string; data?: unknown }[] }): string {
  const data = node.any.find((c) => c.id === 'color-contrast')?.data as
    { fgColor?: string; bgColor?: string; contrastRatio?: number } | undefined
  return data?.fgColor ? ` [${data.fgColor} on ${data.bgColor}: ${data.contrastRatio}]` : ''
}

/** The serious and critical violations on the page as it stands, one line per rule. */
async function violations(page: Page): Promise<string[]> {
  await settled(page)
  const results = await new AxeBuilder({ page })
    // In the page itself, without opening a second page to assemble the results: a second less per screen.
    .setLegacyMode(true)
    // Map tiles are third-party images drawn by Leaflet, with no text of their own to check.
    .exclude('.leaflet-tile-pane')
    // Only the failures are kept in full: the passes are counted, not listed, which is most of the time saved.
    .options({ resultTypes: ['violations'] })
    .analyze()
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} ×${v.nodes.length} (${v.impact}): ${v.nodes
          .slice(0, 4)
          .map((n) => `${n.target.join(' ')}${contrastOf(n)}`)
          .join(' | ')}`,
    )
}

/** Quasar's palette hues: the stylesheet keeps only the shades of them the app names (src/css/colors.sass). */
const HUES =
  'red|pink|purple|deep-purple|indigo|blue|light-blue|cyan|teal|green|light-green|lime|yellow|amber|orange|deep-orange|brown|grey|blue-grey'

/** Palette colour classes on the page (`text-grey-7`, `bg-red-1`…) that no stylesheet defines. */
async function unstyledShades(page: Page): Promise<string[]> {
  return page.evaluate((hues) => {
    const shade = new RegExp(`^(?:text|bg)-(?:${hues})(?:-\\d+)?$`)
    const defined = new Set<string>()
    const walk = (rules: CSSRuleList) => {
      for (const rule of rules) {
        if (rule instanceof CSSStyleRule) {
          for (const m of rule.selectorText.matchAll(/\.((?:text|bg)-[a-z0-9-]+)/g)) defined.add(m[1])
        } else if (rule instanceof CSSGroupingRule) walk(rule.cssRules)
      }
    }
    for (const sheet of document.styleSheets) walk(sheet.cssRules)
    const missing = new Set<string>()
    for (const element of document.querySelectorAll('[class]'))
      for (const name of element.classList) if (shade.test(name) && !defined.has(name)) missing.add(name)
    return [...missing]
  }, HUES)
}

/** Walks the screens in French, flips the language once, walks them again in English. */
async function audit(page: Page, screens: Screen[]) {
  const found: string[] = []
  for (const language of ['fr', 'en'] as Language[]) {
    if (language === 'en') {
      await page.reload()
      await page.getByTestId('language-switch').getByText('EN').click()
      await expect(page.locator('html')).toHaveAttribute('lang', /^en/)
    }
    for (const screen of screens) {
      await test.step(`${screen.name} (${language})`, async () => {
        await screen.open(page)
        for (const line of await violations(page)) found.push(`${screen.name} (${language}) — ${line}`)
        for (const name of await unstyledShades(page))
          found.push(
            `${screen.name} (${language}) — ${name}: a colour class no stylesheet defines (src/css/colors.sass)`,
          )
      })
    }
  }
  expect(found, found.join('\n')).toEqual([])
}

/** Opens a screen by its address on a fresh load, so no dialog of the screen before is left open. */
async function visit(page: Page, hash: string) {
  await page.goto('about:blank')
  await page.goto(`/ops/#${hash}`)
}

test('the dispatcher’s screens: board with a job selected, queue, map, scheduling dialog', async ({ page, world }) => {
  test.setTimeout(120_000)
  await signInAs(page, 'dispatcher')
  await audit(page, [
    {
      name: 'board, a job selected',
      async open(page) {
        const job = await scheduledJob(page, world)
        await visit(page, `/dispatch?day=${job.scheduled_start.slice(0, 10)}&tech=${job.technician}`)
        await page.getByTestId(`row-${job.technician}`).getByTestId(`job-${job.name}`).click()
        await expect(page.getByTestId('panel-job-name')).not.toBeEmpty()
        await expect(page.getByTestId('unassigned-queue')).toBeVisible()
        // The map follows the board's first rows: audited once it is there.
        await expect(page.getByTestId('dispatch-map')).toBeVisible()
      },
    },
    {
      name: 'queue, a job selected',
      async open(page) {
        await page.getByTestId('unassigned-queue').locator('[role="button"][data-testid^="queue-"]').first().click()
        await expect(page.getByTestId('panel-job-name')).not.toBeEmpty()
      },
    },
    {
      name: 'scheduling dialog',
      async open(page) {
        await page.getByTestId('open-assign-dialog').click()
        await expect(page.getByTestId('assign-dialog')).toBeVisible()
      },
    },
    {
      name: 'week view',
      async open(page) {
        await page.keyboard.press('Escape')
        await page.getByTestId('view-toggle').getByRole('button').nth(1).click()
        await expect(page).toHaveURL(/view=week/)
        await expect(page.locator('[data-testid^="row-"]').first()).toBeVisible()
      },
    },
  ])
})

type ScheduledJob = { name: string; technician: string; scheduled_start: string }

/**
 * A job scheduled on a technician whose block the board draws as it opens: on a day after today,
 * where the board opens at 06:30 and draws only the hours in view, a job starting between 07:00
 * and 08:00 (site time, as Frappe stores it). Any day of the year has some in the coming week.
 */
async function scheduledJob(page: Page, world: World): Promise<ScheduledJob> {
  const filters = [
    ['status', '=', 'Scheduled'],
    ['technician', 'is', 'set'],
    ['scheduled_start', '>=', world.day(1)],
    ['scheduled_start', '<', world.day(8)],
  ]
  const jobs = await erpList<ScheduledJob>(
    page.request,
    'Dispatch Job',
    filters,
    ['name', 'technician', 'scheduled_start'],
    0,
  )
  const job = jobs.find((j) => j.scheduled_start.slice(11, 13) === '07')
  expect(job, 'a job scheduled on a technician at 7 h on one of the coming days').toBeDefined()
  return job!
}

/** A customer with a modem in service, so Diagnostiquer has something to read. */
async function customerWithModem(page: Page): Promise<{ customer: string; serial: string }> {
  const [eq] = await erpList<{ customer: string; serial_no: string }>(
    page.request,
    'Service Equipment',
    [
      ['equipment_type', '=', 'ONT'],
      ['status', '=', 'In Service'],
      ['customer', 'is', 'set'],
    ],
    ['customer', 'serial_no'],
    1,
  )
  expect(eq, 'a modem in service').toBeDefined()
  return { customer: eq.customer, serial: eq.serial_no }
}

test('the customer service screens: search, customer page, Diagnostiquer, SMS, booking, Parcours', async ({
  page,
  request,
  world,
}) => {
  test.setTimeout(180_000)
  await signInAs(page, 'csr')
  const { customer, serial } = await customerWithModem(page)
  const withTicket = await customerWithOpenTicketAndInvoices(request, world)
  await audit(page, [
    {
      name: 'customer search',
      async open(page) {
        await visit(page, '/clients')
        await page.getByTestId('client-search').fill('Tremblay')
        await expect(page.getByTestId('client-result').first()).toBeVisible()
      },
    },
    {
      name: 'customer page',
      async open(page) {
        await visit(page, `/clients/${withTicket}`)
        await expect(page.getByTestId('panel-timeline')).toHaveAttribute('data-state', 'ready')
        await expect(page.getByTestId('panel-locations')).toHaveAttribute('data-state', 'ready')
      },
    },
    {
      name: 'Diagnostiquer',
      async open(page) {
        await visit(page, `/clients/${customer}`)
        await page
          .locator(`[data-testid="equipment"][data-serial="${serial}"]`)
          .getByTestId('diagnose-equipment')
          .click()
        await expect(page.getByTestId('diagnostics')).not.toHaveAttribute('data-state', 'loading')
      },
    },
    {
      name: 'SMS dialog',
      async open(page) {
        await visit(page, `/clients/${customer}`)
        await page.getByTestId('action-sms').click()
        await expect(page.getByTestId('sms-body')).toBeVisible()
      },
    },
    {
      name: 'booking dialog',
      async open(page) {
        await visit(page, `/clients/${customer}`)
        await expect(page.getByTestId('panel-locations')).toHaveAttribute('data-state', 'ready')
        await page.getByTestId('action-book').click()
        await expect(page.getByTestId('book-description')).toBeVisible()
      },
    },
    {
      name: 'Parcours panel',
      async open(page) {
        await visit(page, `/clients/${customer}`)
        await page.getByTestId('action-flows').click()
        await page.locator('[data-testid="flow-choice"][data-key="no-internet"]').click()
        await expect(page.getByTestId('flow-panel').getByTestId('flow-step')).toHaveAttribute('aria-busy', 'false')
      },
    },
  ])
})

test('the technician’s screens: the day, a job, the scan sheet', async ({ page, request, world }) => {
  test.setTimeout(120_000)
  await page.setViewportSize({ width: 800, height: 1280 })
  const job = await freshJob(request, world)
  await signInAs(page, 'technician', '/tech')
  await audit(page, [
    {
      name: 'the technician’s day',
      async open(page) {
        await visit(page, '/tech')
        await expect(page.getByTestId('tech-today').getByTestId(`job-card-${job.name}`)).toBeVisible()
      },
    },
    {
      name: 'job page',
      async open(page) {
        await openJob(page, job.name)
      },
    },
    {
      name: 'scan sheet',
      async open(page) {
        await page.getByTestId('scan-open').click()
        await expect(page.getByTestId('scan-sheet')).toBeVisible()
      },
    },
  ])
})

async function settingsPage(page: Page, path: string, ready: string) {
  await visit(page, `/settings/${path}`)
  await expect(page.getByTestId(ready).first()).toBeVisible()
}

test('the administrator’s Paramètres: users, technicians, tags, capabilities, journal, Parcours', async ({ page }) => {
  test.setTimeout(150_000)
  await signInAs(page, 'admin')
  await audit(page, [
    { name: 'Utilisateurs', open: (page) => settingsPage(page, 'users', 'users-table') },
    {
      name: 'invitation dialog',
      async open(page) {
        await page.getByTestId('invite-open').click()
        await expect(page.getByTestId('invite-dialog')).toBeVisible()
      },
    },
    {
      name: 'Techniciens',
      async open(page) {
        await settingsPage(page, 'technicians', 'technicians-table')
      },
    },
    { name: 'Étiquettes', open: (page) => settingsPage(page, 'tags', 'tags-table') },
    { name: 'Capacités', open: (page) => settingsPage(page, 'capabilities', 'settings-tabs') },
    { name: 'Journal', open: (page) => settingsPage(page, 'journal', 'journal-row') },
    { name: 'Parcours list', open: (page) => settingsPage(page, 'flows', 'flow-row') },
    {
      name: 'Parcours editor',
      async open(page) {
        await page.getByTestId('flow-open-no-internet').click()
        await expect(page.getByTestId('flow-diagram-step').first()).toBeVisible()
      },
    },
    {
      name: 'Parcours preview',
      async open(page) {
        await page.getByTestId('flow-tab-preview').click()
        await expect(page.getByTestId('flow-step')).toBeVisible()
      },
    },
    {
      name: 'Parcours statistics',
      async open(page) {
        await page.getByTestId('flow-tab-stats').click()
        await expect(page.getByTestId('flow-stats-runs')).toBeVisible()
      },
    },
  ])
})
