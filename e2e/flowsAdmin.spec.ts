/**
 * Paramètres → Parcours: an admin opens a shipped flow, makes a draft of it, breaks a branch and
 * sees the step named, fixes it, walks it in the preview to an end without creating anything,
 * publishes it (the version in use is archived), and sees where reps abandon the flow.
 */
import type { APIRequestContext, Page } from '@playwright/test'
import { test, expect, signInAs, ok, adminList, ADMIN } from './fixtures'
import type { FlowStats, FlowVersionView, RunView } from '../src/contracts/flows/types'
import type { JournalPage } from '../src/contracts/settings'

const CSR = {
  'x-authentik-email': 'isabelle.roy@gigafibre.ca',
  'x-authentik-username': 'isabelle.roy',
  'x-authentik-name': 'Isabelle Roy',
  'x-authentik-groups': 'ops-csr',
}
/** A shipped flow with a check that branches and an action: a short path to an end in the preview. */
const KEY = 'slow-wifi'

async function versionsOf(request: APIRequestContext, key: string): Promise<FlowVersionView[]> {
  const all = await ok<FlowVersionView[]>(await request.get('/ops/api/flows/definitions', { headers: ADMIN }))
  return all.filter((v) => v.key === key)
}

/** A customer whose active location has a modem in service: a flow that needs an ONT fits them. */
async function customerWithModem(request: APIRequestContext): Promise<string> {
  const onts = await adminList<{ service_location: string }>(
    request,
    'Service Equipment',
    [
      ['equipment_type', '=', 'ONT'],
      ['status', '=', 'In Service'],
      ['service_location', 'is', 'set'],
    ],
    ['service_location'],
    50,
  )
  const [location] = await adminList<{ customer: string }>(
    request,
    'Service Location',
    [
      ['name', 'in', onts.map((o) => o.service_location)],
      ['status', '=', 'Active'],
      ['customer', 'is', 'set'],
    ],
    ['customer'],
    1,
  )
  expect(location, 'an active location with a modem in service').toBeDefined()
  return location.customer
}

/** A rep starts the flow with a customer and hangs up on the first step: one abandoned run there. */
async function abandonedRun(request: APIRequestContext, key: string): Promise<RunView> {
  const customer = await customerWithModem(request)
  const run = await ok<RunView>(await request.post('/ops/api/flows/runs', { headers: CSR, data: { key, customer } }))
  return ok<RunView>(
    await request.post(`/ops/api/flows/runs/${run.name}/events`, {
      headers: CSR,
      data: { event: { type: 'abandon' } },
    }),
  )
}

const problem = (page: Page, step: string) => page.locator(`[data-testid="flow-problem"][data-step="${step}"]`)
const box = (page: Page, step: string) => page.locator(`[data-testid="flow-diagram-step"][data-step="${step}"]`)

test('an admin drafts, fixes, previews and publishes a flow, then sees where runs are abandoned', async ({
  page,
  request,
}) => {
  // The flow as shipped: one version in use and no draft (a draft left by another journey is put away).
  for (const v of await versionsOf(request, KEY))
    if (v.status === 'Draft')
      await ok(await request.post(`/ops/api/flows/definitions/${v.name}/archive`, { headers: ADMIN }))
  const before = await versionsOf(request, KEY)
  const inUse = before.find((v) => v.status === 'Published')!
  expect(inUse, `a published version of ${KEY}`).toBeDefined()
  const next = Math.max(...before.map((v) => v.version)) + 1
  const abandoned = await abandonedRun(request, KEY)
  expect(abandoned.state.status).toBe('Abandoned')
  const stopStep = abandoned.state.current

  await signInAs(page, 'admin')
  await page.getByTestId('nav-settings').click()
  await page.getByTestId('settings-tabs').getByRole('tab', { name: 'Parcours' }).click()
  const row = page.locator(`[data-testid="flow-row"][data-key="${KEY}"]`)
  await expect(row).toContainText('Wi-Fi lent')
  await expect(row).toContainText(`v${inUse.version}`)
  await expect(page.getByTestId(`flow-runs-${KEY}`)).not.toHaveText('')
  await page.screenshot({ path: '/tmp/flows-admin-list.png' })

  // A published version is read, not written: "Modifier" makes the next draft.
  await page.getByTestId(`flow-open-${KEY}`).click()
  await expect(page.getByTestId('flow-status')).toHaveAttribute('data-status', 'Published')
  await expect(page.getByTestId('flow-read-only')).toContainText(`(v${next})`)
  await expect(page.getByTestId('flow-diagram-step')).not.toHaveCount(0)
  await page.getByTestId('flow-edit').click()
  await expect(page.getByTestId('flow-status')).toHaveAttribute('data-status', 'Draft')
  await expect(page.getByTestId('flow-status')).toContainText(`v${next}`)
  await expect(page.getByTestId('flow-valid')).toBeVisible()

  // A branch to a step that does not exist: the problem names the step and the field.
  const json = page.getByTestId('flow-json')
  const original = await json.inputValue()
  expect(original).toContain('"goto": "fiber-weak"')
  await json.fill(original.replace('"goto": "fiber-weak"', '"goto": "fiber-weakk"'))
  await expect(problem(page, 'diag')).toContainText(
    'Étape « diag », next[0].goto : l’étape « fiber-weakk » n’existe pas.',
  )
  await expect(page.getByTestId('flow-save')).toBeDisabled()
  await expect(page.getByTestId('flow-publish')).toBeDisabled()
  await problem(page, 'diag').click()
  await expect(box(page, 'diag')).toHaveAttribute('aria-pressed', 'true')
  await expect(box(page, 'diag')).toBeFocused()
  await expect(box(page, 'missing:fiber-weakk')).toBeVisible()
  await page.screenshot({ path: '/tmp/flows-admin-broken.png' })

  // Fixed, with a change of wording, and saved; Tab in the text indents instead of leaving it.
  const reworded = original.replace(/"Wi-Fi lent"/, '"Wi-Fi lent ou instable"')
  expect(reworded).not.toBe(original)
  await json.fill(reworded)
  await expect(page.getByTestId('flow-valid')).toBeVisible()
  await json.focus()
  await json.press('Control+End')
  await json.press('Tab')
  await expect(json).toBeFocused()
  expect(await json.inputValue()).toBe(`${reworded}  `)
  await page.getByTestId('flow-save').click()
  await expect(page.getByText(`Brouillon v${next} enregistré.`)).toBeVisible()
  await expect(page.getByTestId('flow-title')).toHaveText('Wi-Fi lent ou instable')

  // The preview walks the draft to an end; nothing is sent to the server on the way.
  const sent: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('/ops/api/flows/runs')) sent.push(r.url())
  })
  await page.getByTestId('flow-tab-preview').click()
  const step = page.getByTestId('flow-step')
  await expect(step).toHaveAttribute('data-step', 'greet')
  await page.getByTestId('flow-primary').click()
  await expect(step).toHaveAttribute('data-step', 'diag')
  await page.locator('[data-testid="flow-preview-check-result"][data-result="weak-fiber"]').click()
  await expect(step).toHaveAttribute('data-step', 'fiber-weak')
  await page.getByTestId('flow-primary').click()
  await expect(step).toHaveAttribute('data-step', 'book-repair')
  await page.getByTestId('flow-primary').click()
  await expect(page.getByTestId('flow-preview-ended')).toHaveAttribute('data-outcome', 'technician-booked')
  await expect(page.getByTestId('flow-preview-ended')).toContainText('Technicien réservé')
  await page.screenshot({ path: '/tmp/flows-admin-preview.png' })
  expect(sent).toEqual([])

  // Published: the draft is in use, the version in use before is archived.
  await page.getByTestId('flow-publish').click()
  const dialog = page.getByRole('dialog')
  await expect(dialog).toContainText(`La version ${inUse.version}, en service aujourd’hui, sera archivée`)
  await dialog.getByRole('button', { name: 'Publier' }).click()
  await expect(page.getByText(`La version ${next} est publiée : les nouveaux parcours la suivent`)).toBeVisible()
  await expect(page.getByTestId('flow-status')).toHaveAttribute('data-status', 'Published')
  const after = await versionsOf(request, KEY)
  expect(after.find((v) => v.version === next)?.status).toBe('Published')
  expect(after.find((v) => v.name === inUse.name)?.status).toBe('Archived')

  // Where runs are abandoned: a bar for the step the rep stopped on, counted with the others.
  const stats = await ok<FlowStats>(await request.get(`/ops/api/flows/stats?key=${KEY}`, { headers: ADMIN }))
  const stopped = stats.abandonedAt.find((a) => a.step === stopStep)!
  expect(stopped.count).toBeGreaterThanOrEqual(1)
  await page.getByTestId('flow-tab-stats').click()
  const bar = page.locator(`[data-testid="flow-stats-bar"][data-step="${stopStep}"]`)
  await expect(bar).toContainText(String(stopped.count))
  await expect(page.getByTestId('flow-stats-abandoned')).toHaveAttribute('aria-label', /Abandons par étape : .+ : \d+/)
  await expect(page.getByTestId('flow-stats-runs')).toContainText(String(stats.runs))
  await bar.scrollIntoViewIfNeeded()
  await page.screenshot({ path: '/tmp/flows-admin-stats.png' })

  // The help beside the editor lists every action a flow may take, from the same catalogue.
  await page.getByTestId('flow-help-open').click()
  await expect(page.getByTestId('flow-help-actions')).toContainText('book-technician')
  await expect(page.getByTestId('flow-help')).toContainText('JSON Logic')
  await page.screenshot({ path: '/tmp/flows-admin-help.png' })
  await page.keyboard.press('Escape')

  // The journal says who published what.
  const journal = await ok<JournalPage>(
    await request.get(`/ops/api/audit?action=flow.publish&q=${encodeURIComponent(`FLOW-${KEY}-v${next}`)}`, {
      headers: ADMIN,
    }),
  )
  expect(journal.entries.length).toBeGreaterThan(0)
  await page.goto('/ops/#/settings/journal')
  await page.getByTestId('journal-action').click()
  await page.getByRole('option', { name: 'Parcours publié' }).click()
  await expect(page.getByTestId('journal-table')).toContainText(`FLOW-${KEY}-v${next}`)
})

test('a new flow starts as a valid draft in the editor', async ({ page, request }) => {
  const keys = new Set(
    (await ok<FlowVersionView[]>(await request.get('/ops/api/flows/definitions', { headers: ADMIN }))).map(
      (v) => v.key,
    ),
  )
  let key = 'rappel-client'
  for (let i = 2; keys.has(key); i++) key = `rappel-client-${i}`

  await signInAs(page, 'admin')
  await page.goto('/ops/#/settings/flows')
  await page.getByTestId('flow-new').click()
  await page.getByTestId('flow-new-key').fill('Rappel client')
  await page.getByTestId('flow-new-title-fr').fill('Rappel au client')
  await page.getByTestId('flow-new-title-en').fill('Customer call-back')
  await page.getByTestId('flow-new-create').click()
  await expect(page.getByTestId('flow-new-dialog')).toContainText('Minuscules, chiffres et tirets seulement')
  await page.getByTestId('flow-new-key').fill(key)
  await page.getByTestId('flow-new-create').click()

  await expect(page).toHaveURL(new RegExp(`#/settings/flows/${key}$`))
  await expect(page.getByTestId('flow-status')).toHaveAttribute('data-status', 'Draft')
  await expect(page.getByTestId('flow-title')).toHaveText('Rappel au client')
  await expect(page.getByTestId('flow-valid')).toBeVisible()
  await expect(page.getByTestId('flow-diagram-step')).toHaveCount(2)
})

test('a rep neither sees Paramètres → Parcours nor reaches its API', async ({ page }) => {
  await signInAs(page, 'csr')
  await expect(page.getByTestId('nav-settings')).toHaveCount(0)
  const res = await page.request.get('/ops/api/flows/definitions')
  expect(res.status()).toBe(403)
  await page.goto(`/ops/#/settings/flows/${KEY}`)
  await expect(page.getByTestId('access-denied')).toBeVisible()
})
