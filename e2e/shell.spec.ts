import { test, expect, signInAs } from './fixtures'

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
