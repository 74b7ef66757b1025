import type { Page } from '@playwright/test'
import { test, expect, signInAs } from './fixtures'
import { freshJob, openJob } from './techFixtures'

// The first visit of a tablet, before the service worker keeps a copy of the code: a part of the
// app whose file cannot be fetched (no network, or a version published meanwhile) says so.
test.use({ serviceWorkers: 'block' })

/** Refuses the files whose name matches, as a dropped network does, until `allow()` is called. */
async function withoutFiles(page: Page, name: RegExp) {
  let refusing = true
  const refused: string[] = []
  await page.route(name, (route) => {
    if (!refusing) return route.continue()
    refused.push(route.request().url())
    return route.abort('internetdisconnected')
  })
  return {
    refused,
    allow: () => {
      refusing = false
    },
  }
}

test('a screen whose code cannot be fetched says so, in French, and opens there once the page is reloaded', async ({
  page,
}) => {
  await signInAs(page, 'dispatcher', '/dispatch')
  await expect(page.getByTestId('dispatch-board')).toBeVisible()
  const files = await withoutFiles(page, /\/ops\/assets\/ClientsPage-[\w-]+\.js$/)

  await page.getByTestId('main-nav').getByText('Clients').click()
  const alert = page.getByTestId('load-failed')
  await expect(alert).toBeVisible()
  await expect(alert).toHaveAttribute('role', 'alert')
  await expect(alert).toContainText('n’a pas pu être chargée')
  await expect(alert).toContainText('Vérifiez la connexion')
  expect(files.refused.length).toBeGreaterThan(0)
  // The board the user was on stays usable behind the message.
  await expect(page.getByTestId('dispatch-board')).toBeVisible()
  await page.screenshot({ path: '.tmp/load-failed-screen.png' })

  // Put away, it says so again at the next attempt (the browser keeps the failed fetch).
  await alert.getByRole('button', { name: 'Fermer' }).click()
  await expect(alert).toHaveCount(0)
  await page.getByTestId('main-nav').getByText('Clients').click()
  await expect(alert).toContainText('n’a pas pu être chargée')

  files.allow()
  await alert.getByRole('button', { name: 'Recharger la page' }).click()
  await expect(page.getByTestId('client-search')).toBeVisible()
  await expect(page).toHaveURL(/#\/clients$/)
  await expect(alert).toHaveCount(0)
})

test('a part of the board whose code cannot be fetched says so, in English, and opens once the page is reloaded', async ({
  page,
  world,
}) => {
  await signInAs(page, 'dispatcher')
  await page.getByTestId('language-switch').getByText('EN').click()
  const address = `/ops/#/dispatch?day=${world.day()}`
  await page.goto(address)
  await expect(page.getByTestId('dispatch-board')).toBeVisible()
  const files = await withoutFiles(page, /\/ops\/assets\/DayPicker-[\w-]+\.js$/)

  await page.getByTestId('day-label').click()
  const alert = page.getByTestId('load-failed')
  await expect(alert).toContainText('could not be loaded')
  await expect(page.getByTestId('day-picker')).toHaveCount(0)
  await expect(page.getByTestId('dispatch-board')).toBeVisible()

  files.allow()
  await alert.getByRole('button', { name: 'Reload the page' }).click()
  await expect(alert).toHaveCount(0)
  expect(page.url()).toMatch(new RegExp(`/ops/#/dispatch\\?day=${world.day()}$`))
  await page.getByTestId('day-label').click()
  await expect(page.getByTestId('day-picker')).toBeVisible()
})

test('a notification whose code cannot be fetched is not lost in silence: the technician is told, and the status is kept', async ({
  page,
  request,
  world,
}) => {
  const job = await freshJob(request, world)
  // Refused from the start, so the fetch a second after the first screen fails as well.
  const files = await withoutFiles(page, /\/ops\/assets\/quasarPlugins-[\w-]+\.js$/)
  await signInAs(page, 'technician', '/tech')
  await openJob(page, job.name)

  await page.getByTestId('status-en-route').click()
  await expect(page.getByTestId('job-status')).toHaveText('En route')
  const alert = page.getByTestId('load-failed')
  await expect(alert).toContainText('n’a pas pu être chargée')
  expect(files.refused.length).toBeGreaterThan(0)

  files.allow()
  await alert.getByRole('button', { name: 'Recharger la page' }).click()
  await expect(page.getByTestId('tech-job')).toBeVisible()
  await expect(page.getByTestId('job-status')).toHaveText('En route')
  await expect(alert).toHaveCount(0)
})
