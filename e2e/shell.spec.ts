import { test, expect, signInAs } from './fixtures'
import { freshJob } from './techFixtures'

const EXPECTED_NAV = {
  admin: ['Répartition', 'Mes interventions', 'Clients', 'Paramètres'],
  dispatcher: ['Répartition', 'Clients'],
  csr: ['Répartition', 'Clients'],
  technician: ['Mes interventions'],
} as const

for (const [persona, labels] of Object.entries(EXPECTED_NAV)) {
  test(`${persona} sees exactly their navigation`, async ({ page }) => {
    await signInAs(page, persona as keyof typeof EXPECTED_NAV)
    const nav = page.getByTestId('main-nav').locator('.q-item .q-item__section--main')
    await expect(nav).toHaveText([...labels])
  })
}

test('a technician who opens Paramètres by its address is told it is not part of their role', async ({ page }) => {
  await signInAs(page, 'technician')
  await page.goto('/ops/#/settings/users')
  await expect(page.getByTestId('access-denied')).toContainText('ne fait pas partie de votre rôle')
  const api = await page.request.get('/ops/api/hub/auth/users')
  expect(api.status()).toBe(403)
})

test('the language switch turns the interface to English and back', async ({ page }) => {
  await signInAs(page, 'dispatcher')
  await page.getByTestId('language-switch').getByText('EN').click()
  await expect(page.getByTestId('main-nav')).toContainText('Dispatch')
  await expect(page.getByTestId('main-nav')).toContainText('Customers')
  await page.reload()
  await expect(page.getByTestId('main-nav')).toContainText('Customers')
  await page.getByTestId('language-switch').getByText('FR').click()
  await expect(page.getByTestId('main-nav')).toContainText('Clients')
})

test('the user menu shows the name and groups, and the online indicator follows the network', async ({
  page,
  context,
}) => {
  await signInAs(page, 'csr')
  await page.getByTestId('user-menu').click()
  await expect(page.getByTestId('user-groups')).toContainText('ops-csr')
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('online-indicator')).toHaveAttribute('data-online', 'yes')
  await context.setOffline(true)
  await expect(page.getByTestId('online-indicator')).toHaveAttribute('data-online', 'no')
  await context.setOffline(false)
  await expect(page.getByTestId('online-indicator')).toHaveAttribute('data-online', 'yes')
})

test('a link to a screen opens that screen once the persona is picked', async ({ page }) => {
  await signInAs(page, 'admin', '/settings/tags')
  await expect(page).toHaveURL(/#\/settings\/tags$/)
})

test.describe('the first load, on the browser’s own clock', () => {
  // These read the page's performance timeline (its paints, the files it fetched and when), which
  // the clock Playwright installs in the page to run the journeys at E2E_NOW replaces; none of
  // them depends on the date.
  test.use({ clockShiftMs: 0 })

  test('the opening screen’s code is asked for by the page itself, within the CSP; a bare address preloads where home last led', async ({
    page,
  }) => {
    const refused: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text())
    })
    const preloaded = (screen: string) =>
      page
        .locator(`link[data-opening-screen="${screen}"]`)
        .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))

    // Straight to the board: the board's page and its components are preloaded before the app runs.
    await signInAs(page, 'dispatcher', '/dispatch')
    await expect(page.getByTestId('dispatch-board')).toBeVisible()
    const board = await preloaded('dispatch')
    expect(board.some((href) => /\/ops\/assets\/DispatchPage-[\w-]+\.js$/.test(href))).toBe(true)
    expect(board.some((href) => /\/ops\/assets\/MainLayout-[\w-]+\.js$/.test(href))).toBe(true)
    // The interface's words, which the app waits for before its first screen, travel beside that
    // code: the technician's screens' and the office's.
    const words = await page
      .locator('link[data-opening-words]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''))
    expect(words).toEqual([
      expect.stringMatching(/^\/ops\/assets\/frenchField-[\w-]+\.js$/),
      expect.stringMatching(/^\/ops\/assets\/french-[\w-]+\.js$/),
    ])
    // What opens only on demand (the calendar, Optimiser's dialogs) is not part of the board's first load.
    expect(board.filter((href) => /\/(DayPicker|OptimizeChooserDialog|OptimizePreviewDialog)-/.test(href))).toEqual([])
    // The script that adds them stands in the head, before the app's stylesheet (at the end of the
    // body): it does not wait for the CSS to download.
    const beforeCss = await page.evaluate(() => {
      const script = [...document.head.querySelectorAll('script:not([src])')].find((s) =>
        s.textContent?.includes('data-opening-screen'),
      )
      const css = document.querySelector('link[rel="stylesheet"][href*="/assets/index-"]')
      return (
        !!script &&
        !!css &&
        css.parentElement === document.body &&
        (script.compareDocumentPosition(css) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0
      )
    })
    expect(beforeCss).toBe(true)

    // A technician at the bare address: it preloads where home last led on this browser (the
    // board); home leads the technician to their day, and the next visit preloads that.
    await page.context().clearCookies()
    await page.goto('/ops/')
    await expect(page.getByTestId('persona-technician')).toBeVisible()
    expect((await preloaded('dispatch')).length).toBeGreaterThan(0)
    expect(await preloaded('tech')).toEqual([])
    await page.getByTestId('persona-technician').click()
    await expect(page).toHaveURL(/#\/tech$/)
    await expect(page.getByTestId('tech-today')).toBeVisible()
    await page.goto('/ops/')
    await expect(page.getByTestId('tech-today')).toBeVisible()
    const day = await preloaded('tech')
    expect(day.some((href) => /\/ops\/assets\/TechDayPage-[\w-]+\.js$/.test(href))).toBe(true)
    // Its words are the technician's screens' alone, the office's following once the day is up.
    expect(
      await page.locator('link[data-opening-words]').evaluateAll((links) => links.map((l) => l.getAttribute('href'))),
    ).toEqual([expect.stringMatching(/^\/ops\/assets\/frenchField-[\w-]+\.js$/)])
    // The scan queue's panel is not part of the day's first screen: it comes once the day is up.
    expect(day.filter((href) => /\/ScanQueuePanel-/.test(href))).toEqual([])
    await expect
      .poll(() =>
        page.evaluate(() =>
          performance.getEntriesByType('resource').some((r) => /\/ScanQueuePanel-[\w-]+\.js$/.test(r.name)),
        ),
      )
      .toBe(true)
    expect(refused).toEqual([])
  })

  test.describe('the loading screen', () => {
    // The page's own requests, not the service worker's, are held back here.
    test.use({ serviceWorkers: 'block' })

    test('is painted before the app’s stylesheet arrives, and the app is drawn only once it has', async ({ page }) => {
      await signInAs(page, 'technician', '/tech')
      await expect(page.getByTestId('tech-today')).toBeVisible()
      // The stylesheet held back until the test lets it go (on slow 4G its ~23 KB take ~0.6 s).
      const stylesheet = /\/ops\/assets\/index-[\w-]+\.css$/
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      await page.route(stylesheet, async (route) => {
        await released
        await route.continue()
      })
      await page.reload({ waitUntil: 'commit' })
      // The app's bar and what is happening, drawn by index.html's own styles, are painted…
      await expect(page.getByText('Chargement de la console…')).toBeVisible()
      await expect
        .poll(() => page.evaluate(() => performance.getEntriesByName('first-contentful-paint').length))
        .toBe(1)
      // …and the app has not started: its entry waits for the stylesheet the parser met.
      await page.waitForTimeout(500)
      await expect(page.getByText('Chargement de la console…')).toBeVisible()
      await expect(page.getByTestId('tech-today')).toHaveCount(0)
      release()
      await expect(page.getByTestId('tech-today')).toBeVisible()
      // Drawn styled: the bar has the app's colour, not a browser default.
      await expect(page.locator('.q-header')).toHaveCSS('background-color', 'rgb(11, 92, 173)')
      await page.unroute(stylesheet)
    })
  })

  test('the service worker is registered once the first screen is up, not while that screen loads', async ({
    page,
  }) => {
    // When the first page of a screen appears, by the page's clock.
    await page.addInitScript(() => {
      const seen = new MutationObserver(() => {
        if (!document.querySelector('.q-page')) return
        ;(window as unknown as { firstScreenAt: number }).firstScreenAt = performance.now()
        seen.disconnect()
      })
      seen.observe(document, { childList: true, subtree: true })
    })
    await page.request.post('/ops/api/demo/persona', { data: { id: 'technician' } })
    await page.goto('/ops/#/tech')
    await expect(page.getByRole('heading', { name: 'Mes interventions' })).toBeVisible()
    // It still registers, and takes control on the next load (the technician's offline copy).
    await page.evaluate(() => navigator.serviceWorker.ready)
    const { firstScreenAt, registrationAsked } = await page.evaluate(() => ({
      firstScreenAt: (window as unknown as { firstScreenAt: number }).firstScreenAt,
      // Its client's code is fetched when the registration starts.
      registrationAsked: performance.getEntriesByType('resource').find((r) => r.name.includes('/assets/workbox-window'))
        ?.startTime,
    }))
    expect(registrationAsked).toBeDefined()
    expect(registrationAsked! - firstScreenAt).toBeGreaterThanOrEqual(900)
    await page.reload()
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true)
  })
})

test('the session and the technician’s day are asked for as the page opens, beside the app’s code, once each', async ({
  page,
}) => {
  await page.request.post('/ops/api/demo/persona', { data: { id: 'technician' } })
  // The app's entry held back: the first reads must not wait for its code.
  let entryServed = false
  await page.route(/\/ops\/assets\/index-[\w-]+\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 800))
    entryServed = true
    await route.continue()
  })
  const asked: string[] = []
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname
    if (path === '/ops/api/me' || path === '/ops/api/tech/day')
      asked.push(`${path} ${entryServed ? 'after' : 'before'} the app’s code`)
  })
  await page.goto('/ops/#/tech')
  await expect(page.getByTestId('tech-today')).toBeVisible()
  await expect(page.getByTestId('tech-today').locator('.q-card').first()).toBeVisible()
  // The app took those answers: it did not ask again.
  expect(asked.sort()).toEqual(['/ops/api/me before the app’s code', '/ops/api/tech/day before the app’s code'])
})

test('the technician’s day is drawn without starting the browser’s date and number formatters', async ({
  page,
  request,
  world,
}) => {
  // A job of today's, whatever the day, at noon: a span in the small hours of a Sunday of March,
  // April, October or November may cross a change of the clocks, and is written through Intl then
  // (src/features/tech/techFormat.ts).
  const job = await freshJob(request, world, { scheduled_start: `${world.day()} 12:00:00` })
  await page.request.post('/ops/api/demo/persona', { data: { id: 'technician' } })
  // Every Intl formatter the page creates is counted; the count is taken when the first job card
  // is put on the page (the first formatter of a page starts ICU, a long task on a tablet).
  await page.addInitScript(() => {
    const w = window as unknown as { intlCreated: number; intlAtFirstCard: number | null }
    w.intlCreated = 0
    w.intlAtFirstCard = null
    for (const name of ['DateTimeFormat', 'NumberFormat', 'RelativeTimeFormat', 'PluralRules', 'Collator'] as const) {
      const Original = Intl[name] as unknown as new (...args: unknown[]) => object
      const Counted = function (this: unknown, ...args: unknown[]) {
        w.intlCreated++
        return new Original(...args)
      }
      Counted.prototype = Original.prototype
      Object.defineProperty(Intl, name, { value: Counted, configurable: true, writable: true })
    }
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid^="job-card-"]')) {
        w.intlAtFirstCard = w.intlCreated
        observer.disconnect()
      }
    }).observe(document, { childList: true, subtree: true })
  })
  await page.goto('/ops/#/tech')
  const card = page.getByTestId(`job-card-${job.name}`)
  await expect(card).toBeVisible()
  // The card reads its times, "08 h 30 – 10 h 00", all the same.
  await expect(card.locator('.text-h6')).toHaveText(/^\d{2} h \d{2} – \d{2} h \d{2}$/)
  expect(await page.evaluate(() => (window as unknown as { intlAtFirstCard: number | null }).intlAtFirstCard)).toBe(0)
})

test("opened on the technician's day, the app draws it before the office's words and has them for the board after", async ({
  page,
  context,
  baseURL,
}) => {
  // When the day's screen appeared, by the page's own clock, to compare with when each file was asked for.
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('[data-testid="tech-day"]')) return
      ;(window as unknown as { __dayShown: number }).__dayShown = performance.now()
      observer.disconnect()
    }).observe(document, { childList: true, subtree: true })
  })
  await context.addCookies([{ name: 'ops_demo_persona', value: 'admin', url: baseURL! }])
  await page.goto('/ops/#/tech')
  await expect(page.getByTestId('tech-day')).toContainText('Mes interventions')
  // The office's words come once the day is up (a second after), not before it.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const asked = (file: RegExp) =>
          performance
            .getEntriesByType('resource')
            .filter((r) => file.test(new URL(r.name).pathname))
            .map((r) => Math.round(r.startTime))
        return {
          field: asked(/\/assets\/frenchField-[\w-]+\.js$/).length,
          officeAfterDay: asked(/\/assets\/french-[\w-]+\.js$/).map(
            (at) => at > (window as unknown as { __dayShown: number }).__dayShown,
          ),
        }
      }),
    )
    .toEqual({ field: 1, officeAfterDay: [true] })
  await page.getByTestId('nav-dispatch').click()
  await expect(page.getByTestId('dispatch-board')).toBeVisible()
  await expect(page.getByText('Non assignées')).toBeVisible()
  await expect(page.locator('body')).not.toContainText('dispatch.')
})
