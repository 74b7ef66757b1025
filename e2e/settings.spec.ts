import { ADMIN, adminCreate, adminUpdate, test, expect, signInAs } from './fixtures'
import type { Page } from '@playwright/test'

/** Signs in, then opens a Paramètres screen by its address (sign-in lands on the home screen). */
async function openAs(page: Page, persona: 'admin' | 'dispatcher', hash: string) {
  await signInAs(page, persona)
  await page.goto(`/ops/#${hash}`)
}

async function invite(page: Page, email: string, group = 'ops-csr') {
  await page.getByTestId('invite-open').click()
  await page.getByTestId('invite-email').fill(email)
  await page.getByTestId('invite-first').fill('Nadia')
  await page.getByTestId('invite-last').fill('Tremblay')
  await page.getByTestId('invite-groups').getByText(group, { exact: true }).click()
  await page.getByTestId('invite-send').click()
}

test('an admin invites a user, sees the temporary password and copies it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openAs(page, 'admin', '/settings/users')
  await expect(page.getByTestId('users-table')).toContainText('sophie.lavoie@gigafibre.ca')

  // Nothing is sent until the form makes sense.
  await page.getByTestId('invite-open').click()
  await page.getByTestId('invite-email').fill('nadia')
  await page.getByTestId('invite-send').click()
  await expect(page.getByTestId('invite-dialog')).toContainText('Entrez une adresse courriel complète')
  await expect(page.getByTestId('invite-dialog')).toContainText('Choisissez au moins un groupe')
  await page.getByRole('button', { name: 'Annuler' }).click()

  await invite(page, 'nadia.tremblay@gigafibre.ca')
  const password = page.getByTestId('temp-password')
  await expect(password).toBeVisible()
  const shown = (await password.textContent())!.trim()
  expect(shown).toMatch(/^[A-HJ-NP-Za-km-z2-9]{12,}$/)
  await expect(page.getByTestId('invite-emailed')).toContainText(
    'Le courriel d’invitation est parti à nadia.tremblay@gigafibre.ca',
  )
  await expect(page.getByTestId('invite-erpnext')).toContainText('L’utilisateur ERPNext a été créé')
  const size = await password.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))
  expect(size).toBeGreaterThanOrEqual(24)
  await page.screenshot({ path: '/tmp/settings-invite.png' })

  await page.getByTestId('copy-password').click()
  await expect(page.getByTestId('copy-status')).toHaveText('Copié dans le presse-papiers.')
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown)

  await page.getByTestId('invite-close').click()
  await expect(page.getByTestId('users-table')).toContainText('nadia.tremblay@gigafibre.ca')
})

test('inviting the same e-mail again reads as "already exists"', async ({ page }) => {
  await openAs(page, 'admin', '/settings/users')
  await invite(page, 'olivier.cote@gigafibre.ca')
  await expect(page.getByTestId('temp-password')).toBeVisible()
  await page.getByTestId('invite-close').click()
  await invite(page, 'Olivier.Cote@gigafibre.ca')
  await expect(page.getByTestId('invite-refusal')).toHaveText(
    /Un utilisateur avec le courriel Olivier\.Cote@gigafibre\.ca existe déjà\./,
  )
  await expect(page.getByTestId('temp-password')).toHaveCount(0)
})

test('a non-admin gets no Paramètres entry and a 403 from the API', async ({ page }) => {
  await signInAs(page, 'dispatcher')
  await expect(page.getByTestId('main-nav')).toBeVisible()
  await expect(page.getByTestId('nav-settings')).toHaveCount(0)
  for (const path of ['/ops/api/capabilities', '/ops/api/audit', '/ops/api/hub/auth/users']) {
    const res = await page.request.get(path)
    expect(res.status(), path).toBe(403)
  }
  const invite = await page.request.post('/ops/api/hub/auth/users', {
    data: { email: 'x@gigafibre.ca', groups: ['ops-admin'] },
  })
  expect(invite.status()).toBe(403)
  await page.goto('/ops/#/settings/journal')
  await expect(page.getByTestId('access-denied')).toBeVisible()
})

test('creating a technician makes them appear on the dispatch board', async ({ page }) => {
  // Named anew on each run, so a repeated run meets no technician of the run before.
  const unique = Date.now().toString(36)
  const name = `Aaron Abel ${unique}`
  await openAs(page, 'admin', '/settings/technicians')
  await page.getByTestId('technician-add').click()
  await page.getByTestId('tech-full-name').fill(name)
  await page.getByTestId('tech-email').fill(`aaron.abel.${unique}@gigafibre.ca`)
  await page.getByTestId('tech-phone').fill('555-1234')
  await page.getByTestId('tech-save').click()
  await expect(page.getByTestId('technician-dialog')).toContainText('Entrez un numéro à 10 chiffres')
  await expect(page.getByTestId('tech-no-account')).toBeVisible() // no sign-in account has this e-mail yet
  await page.getByTestId('tech-phone').fill('514 555-0199')
  await page.getByTestId('tech-tags').click()
  await page.getByRole('option', { name: /Fibre/ }).click()
  await page.keyboard.press('Escape')
  // The tag list is closed before the form is saved, as the admin sees it.
  await expect(page.getByRole('listbox')).toBeHidden()
  const created = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith('/api/erp/resource/Technician'),
  )
  await page.getByTestId('tech-save').click()
  expect((await created).status()).toBe(200)
  await expect(page.getByTestId('technician-dialog')).toHaveCount(0)
  await expect(page.getByTestId('technicians-table')).toContainText(name)
  await expect(page.getByTestId('technicians-table')).toContainText('514 555-0199')
  await page.screenshot({ path: '/tmp/settings-technicians.png' })

  await page.getByTestId('nav-dispatch').click()
  await expect(page.getByTestId('dispatch-board')).toContainText(name)
})

test('technicians and tags changed by a colleague show on the open Paramètres pages, without a reload', async ({
  page,
  request,
}) => {
  const unique = `Vif${Date.now().toString(36)}`
  await openAs(page, 'admin', '/settings/technicians')
  const table = page.getByTestId('technicians-table')
  await expect(table.locator('tbody tr').first()).toBeVisible()
  await page.getByTestId('technicians-search').fill(unique)
  await expect(table).toContainText('Aucun technicien')
  // Marks this page: a reload would forget it.
  await page.evaluate(() => ((window as unknown as Record<string, unknown>).stayed = true))

  const hired = await adminCreate<{ name: string }>(request, 'Technician', {
    full_name: `Aline ${unique}`,
    email: `aline.${unique.toLowerCase()}@gigafibre.ca`,
    status: 'Active',
    tags: [{ tag: 'Fibre' }],
  })
  const row = table.locator('tbody tr', { hasText: `Aline ${unique}` })
  await expect(row).toContainText('Fibre')
  await adminUpdate(request, 'Technician', hired.name, { full_name: `Aline ${unique} Roy`, tags: [{ tag: 'Nacelle' }] })
  await expect(row).toContainText(`Aline ${unique} Roy`)
  await expect(row).toContainText('Nacelle')
  await expect(row).not.toContainText('Fibre')
  await adminUpdate(request, 'Technician', hired.name, { status: 'Inactive' })
  await expect(row).toHaveCount(0)

  await page.goto('/ops/#/settings/tags')
  await page.getByTestId('tags-search').fill(unique)
  await page.evaluate(() => ((window as unknown as Record<string, unknown>).stayed = true))
  const tag = `Zone ${unique}`
  await adminCreate(request, 'Tag', { tag_name: tag, category: 'Zone', color: '#2E7D32' })
  const tagRow = page.locator('tr', { hasText: tag })
  await expect(tagRow).toContainText('Zone')
  await adminUpdate(request, 'Tag', tag, { category: 'Skill' })
  await expect(tagRow).toContainText('Compétence')
  const removed = await request.delete(`/ops/api/erp/resource/Tag/${encodeURIComponent(tag)}`, { headers: ADMIN })
  expect(removed.status(), await removed.text()).toBe(202)
  await expect(tagRow).toHaveCount(0)
  expect(await page.evaluate(() => (window as unknown as Record<string, unknown>).stayed)).toBe(true)
})

test('a stale technician edit is refused and the newer version is shown with what changed', async ({ page }) => {
  await openAs(page, 'admin', '/settings/technicians')
  await page.getByTestId('technician-edit-TECH-002').click()
  await expect(page.getByTestId('tech-full-name')).not.toHaveValue('')
  // A colleague saves first.
  const current = await (await page.request.get('/ops/api/erp/resource/Technician/TECH-002')).json()
  const put = await page.request.put('/ops/api/erp/resource/Technician/TECH-002', {
    data: { mobile_no: '+14505550123', modified: current.data.modified },
  })
  expect(put.status()).toBe(200)

  await page.getByTestId('tech-color').fill('#123456')
  await page.getByTestId('tech-save').click()
  await expect(page.getByTestId('technician-stale')).toContainText('Quelqu’un a modifié ce technicien')
  await expect(page.getByTestId('technician-stale')).toContainText('téléphone')
  await page.screenshot({ path: '/tmp/settings-technician-stale.png' })
  await expect(page.getByTestId('tech-phone')).toHaveValue('+14505550123')
  // Saving again now applies on top of the newer version.
  await page.getByTestId('tech-color').fill('#123456')
  await page.getByTestId('tech-save').click()
  await expect(page.getByTestId('technician-dialog')).toHaveCount(0)
  const after = await (await page.request.get('/ops/api/erp/resource/Technician/TECH-002')).json()
  expect(after.data).toMatchObject({ color: '#123456', mobile_no: '+14505550123' })
})

test('a tag in use cannot be deleted, and the page says where it is used', async ({ page }) => {
  await openAs(page, 'admin', '/settings/tags')
  await expect(page.getByTestId('tag-usage-Fibre')).toContainText(/\d+ tech\./)
  await page.getByTestId('tag-delete-Fibre').click()
  await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click()
  const dialog = page.getByTestId('tag-in-use')
  await expect(dialog).toContainText('« Fibre » est encore utilisée')
  await expect(dialog.getByTestId('tag-in-use-technicians')).toContainText(
    /\d+ techniciens : .+\(TECH-\d{3}\) et \d+ autres/,
  )
  await page.screenshot({ path: '/tmp/settings-tag-in-use.png' })
  await page.getByRole('button', { name: 'Fermer' }).click()
  expect((await page.request.get('/ops/api/erp/resource/Tag/Fibre')).status()).toBe(200)

  // The name is the key: locked when editing; colour and category change.
  await page.getByTestId('tag-edit-Wi-Fi').click()
  await expect(page.getByTestId('tag-name')).toHaveAttribute('readonly', '')
  await page.getByTestId('tag-color').fill('#00AA88')
  await page.getByTestId('tag-save').click()
  await expect(page.getByTestId('tag-dialog')).toHaveCount(0)
  expect((await (await page.request.get('/ops/api/erp/resource/Tag/Wi-Fi')).json()).data.color).toBe('#00AA88')
})

test('the journal shows the invitation and an edit with the admin’s e-mail, and never the password', async ({
  page,
}) => {
  await signInAs(page, 'admin')
  const invited = await page.request.post('/ops/api/hub/auth/users', {
    data: { email: 'emma.gagnon@gigafibre.ca', first_name: 'Emma', last_name: 'Gagnon', groups: ['ops-dispatch'] },
  })
  expect(invited.status()).toBe(201)
  const password = (await invited.json()).temp_password as string
  const tag = (await (await page.request.get('/ops/api/erp/resource/Tag/Nacelle')).json()).data
  expect(
    (
      await page.request.put('/ops/api/erp/resource/Tag/Nacelle', {
        data: { color: '#F9A826', modified: tag.modified },
      })
    ).status(),
  ).toBe(200)

  await page.goto('/ops/#/settings/journal')
  const table = page.getByTestId('journal-table')
  const invitation = table.getByTestId('journal-row').filter({ hasText: 'User emma.gagnon@gigafibre.ca' })
  await expect(invitation).toContainText('Invitation')
  await expect(invitation).toContainText('sophie.lavoie@gigafibre.ca')
  await expect(invitation).toContainText('Réussi (201)')
  const edit = table.getByTestId('journal-row').filter({ hasText: 'Tag/Nacelle' })
  await expect(edit).toContainText('Modification ERPNext')
  await expect(edit).toContainText('sophie.lavoie@gigafibre.ca')

  await page.getByTestId('journal-search').fill('emma.gagnon')
  await expect(table.getByTestId('journal-row')).toHaveCount(1)
  await page.screenshot({ path: '/tmp/settings-journal.png' })
  expect(await page.content()).not.toContain(password)
  const raw = await (await page.request.get('/ops/api/audit?limit=200')).text()
  expect(raw).toContain('emma.gagnon@gigafibre.ca')
  expect(raw).not.toContain(password)
})

test('the capabilities page shows which groups grant which capabilities', async ({ page }) => {
  await openAs(page, 'admin', '/settings/capabilities')
  await expect(page.getByTestId('cap-ops-tech-tech:self').locator('.q-icon')).toBeVisible()
  await expect(page.getByTestId('cap-ops-csr-users:manage')).toHaveText('—')
  await page.screenshot({ path: '/tmp/settings-capabilities.png' })
})
