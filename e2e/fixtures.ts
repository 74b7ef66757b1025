import { test as base, expect, type Page } from '@playwright/test'
import type { Persona } from '../src/contracts/personas'

/** Signs in as a demo persona the way a user does: through the persona picker. */
export async function signInAs(page: Page, persona: Persona['id'], hash = '') {
  await page.goto(`/ops/${hash ? `#${hash}` : ''}`)
  await page.getByTestId(`persona-${persona}`).click()
  await expect(page.getByTestId('user-menu')).toBeVisible()
}

export const test = base
export { expect }
