import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { erpList, test, expect, signInAs, type World } from './fixtures'
// The embedded hub decides each modem's condition from its serial: the journeys pick a customer
// whose modem the diagnosis will find in loss of signal, or healthy, by the same simulation.
import { deviceCategory, simulateDevice } from '../server/embedded/hub/devices/simulate'
import { parseDevice } from '../src/features/diagnostics/device'
import { diagnose } from '../src/features/diagnostics/diagnosis'

/** A customer as a flow sees them: one active address, its active subscription, its modem. */
interface Household {
  customer: string
  location: string
  address: string
  city: string
  postalCode: string
  ont: string | null
  ontModel: { brand?: string; model?: string; mac?: string }
}

let households: Household[] | null = null
/** Each journey works with its own customer: a move or a cancellation changes what fits. */
const taken = new Set<string>()

/** Every customer with exactly one active address, an active subscription there and at most one modem. */
async function allHouseholds(request: APIRequestContext): Promise<Household[]> {
  if (households) return households
  const [locations, subscriptions, onts] = await Promise.all([
    erpList<{ name: string; customer: string; address_line: string; city: string; postal_code?: string }>(
      request,
      'Service Location',
      [
        ['status', '=', 'Active'],
        ['customer', 'is', 'set'],
      ],
      ['name', 'customer', 'address_line', 'city', 'postal_code'],
      0,
    ),
    erpList<{ party: string; service_location?: string }>(
      request,
      'Subscription',
      [['status', '=', 'Active']],
      ['party', 'service_location'],
      0,
    ),
    erpList<{ serial_no: string; service_location?: string; brand?: string; model?: string; mac_address?: string }>(
      request,
      'Service Equipment',
      [
        ['equipment_type', '=', 'ONT'],
        ['status', '=', 'In Service'],
      ],
      ['serial_no', 'service_location', 'brand', 'model', 'mac_address'],
      0,
    ),
  ])
  const perCustomer = new Map<string, number>()
  for (const l of locations) perCustomer.set(l.customer, (perCustomer.get(l.customer) ?? 0) + 1)
  const subscribed = new Set(subscriptions.map((s) => `${s.party}|${s.service_location}`))
  const ontsAt = new Map<string, typeof onts>()
  for (const o of onts)
    if (o.service_location) ontsAt.set(o.service_location, [...(ontsAt.get(o.service_location) ?? []), o])
  households = locations
    .filter((l) => perCustomer.get(l.customer) === 1 && subscribed.has(`${l.customer}|${l.name}`) && l.postal_code)
    .filter((l) => (ontsAt.get(l.name)?.length ?? 0) <= 1)
    .map((l) => {
      const ont = ontsAt.get(l.name)?.[0]
      return {
        customer: l.customer,
        location: l.name,
        address: l.address_line,
        city: l.city,
        postalCode: l.postal_code!,
        ont: ont?.serial_no ?? null,
        ontModel: { brand: ont?.brand, model: ont?.model, mac: ont?.mac_address },
      }
    })
  return households
}

async function household(
  request: APIRequestContext,
  fits: (h: Household) => boolean,
  what: string,
): Promise<Household> {
  const found = (await allHouseholds(request)).find((h) => !taken.has(h.customer) && fits(h))
  expect(found, what).toBeDefined()
  taken.add(found!.customer)
  return found!
}

/** A modem the hub will read as healthy: online, a good fiber level. */
function healthyModem(h: Household, world: World): boolean {
  if (!h.ont || deviceCategory(h.ont) !== 'healthy') return false
  const sim = simulateDevice(
    { serial: h.ont, equipmentType: 'ONT', brand: h.ontModel.brand, model: h.ontModel.model, mac: h.ontModel.mac },
    world.now(),
  )
  return sim.document !== null && diagnose(parseDevice(sim.document), null).headline === 'healthy'
}

// ---- the panel ---------------------------------------------------------------------------------

const panelOf = (page: Page) => page.getByTestId('flow-panel')

/** Waits for the step on screen (the BFF answered and the panel moved there). */
async function at(panel: Locator, step: string) {
  await expect(panel.getByTestId('flow-step')).toHaveAttribute('data-step', step)
  await expect(panel.getByTestId('flow-step')).toHaveAttribute('aria-busy', 'false')
}

/** Suivant / Exécuter on the step on screen, then where it should lead. */
async function next(panel: Locator, from: string, to: string) {
  await at(panel, from)
  await panel.getByTestId('flow-primary').click()
  await at(panel, to)
}

async function answer(panel: Locator, from: string, value: string, to: string) {
  await at(panel, from)
  await panel.locator(`[data-testid="flow-option"][data-value="${value}"]`).click()
  await at(panel, to)
}

const field = (panel: Locator, name: string) =>
  panel.locator(`[data-field="${name}"] input, [data-field="${name}"] textarea`).first()

async function choose(page: Page, panel: Locator, name: string, option: RegExp) {
  await panel.locator(`[data-field="${name}"] .q-field`).click()
  await page.getByRole('option', { name: option }).click()
}

async function startFlow(page: Page, customer: string, key: string, title: string): Promise<Locator> {
  await page.goto(`/ops/#/clients/${customer}`)
  await expect(page.getByTestId('customer-name')).toBeVisible()
  await page.getByTestId('action-flows').click()
  const choice = page.locator(`[data-testid="flow-choice"][data-key="${key}"]`)
  await expect(choice).toContainText(title)
  await choice.click()
  const panel = panelOf(page)
  await expect(panel.getByTestId('flow-title')).toContainText(title)
  await expect(page).toHaveURL(/[?&]parcours=RUN-\d{4}-\d+/)
  return panel
}

/** A street nobody lives on yet, in a town the network serves (the address of another household). */
function newAddress(h: Household, house: number) {
  return { line: `${house} rue des Parcours`, city: h.city, postalCode: h.postalCode }
}

async function fillAddress(panel: Locator, name: string, a: { line: string; city: string; postalCode: string }) {
  await panel.getByTestId(`flow-input-${name}-line`).fill(a.line)
  await panel.getByTestId(`flow-input-${name}-city`).fill(a.city)
  await panel.getByTestId(`flow-input-${name}-postalCode`).fill(a.postalCode)
}

// ---- the journeys ------------------------------------------------------------------------------

test.describe('Parcours', () => {
  test.beforeEach(async ({ page }) => {
    await signInAs(page, 'csr')
  })

  test('Pas d’Internet: a modem in loss of signal ends in a booked repair that appears on the dispatch board', async ({
    page,
  }) => {
    const h = await household(page.request, (x) => !!x.ont && deviceCategory(x.ont) === 'los', 'a modem in LOS')
    const panel = await startFlow(page, h.customer, 'no-internet', 'Pas d’Internet')
    // Beside the file: both on screen.
    await expect(page.getByTestId('panel-locations')).toBeVisible()
    await expect(panel.getByTestId('flow-version')).toHaveText('v1')
    await expect(panel.getByTestId('flow-step-title')).toHaveText('Accueil et identité')
    await expect(panel.getByTestId('flow-text')).toContainText(h.address)
    await expect(panel.getByTestId('flow-upcoming')).toContainText('Ensuite : Rassurer')
    await page.screenshot({ path: '/tmp/flows-no-internet-start.png' })

    await next(panel, 'greet', 'reassure')
    // The diagnosis runs on the way and finds no light: the fiber is at fault.
    await next(panel, 'reassure', 'fiber-fault')
    await expect(panel.getByTestId('flow-passed').filter({ hasText: 'Diagnostic à distance' })).toBeVisible()
    await next(panel, 'fiber-fault', 'book-repair')
    await expect(panel.getByTestId('flow-primary')).toContainText('Exécuter')
    await next(panel, 'book-repair', 'sms-repair')
    await next(panel, 'sms-repair', 'booked')

    await expect(panel).toHaveAttribute('data-status', 'Completed')
    await expect(panel.getByTestId('flow-outcome')).toHaveText('Technicien réservé')
    const job = panel.locator('[data-testid="flow-created-item"][data-doctype="Dispatch Job"]')
    await expect(job).toBeVisible()
    const jobName = (await job.getAttribute('data-name'))!
    // The file beside shows the new job at once.
    await expect(page.locator(`[data-testid="job"][data-job="${jobName}"]`)).toBeVisible()
    await page.screenshot({ path: '/tmp/flows-no-internet-booked.png' })

    await job.click()
    await expect(page).toHaveURL(/#\/dispatch/)
    await expect(page.locator(`[data-testid="queue-${jobName}"], [data-testid="job-${jobName}"]`).first()).toBeVisible()
    await page.screenshot({ path: '/tmp/flows-no-internet-board.png' })
  })

  test('Wi-Fi lent: a healthy modem, a speed test refused then taken, and the advice settles it', async ({
    page,
    world,
  }) => {
    const h = await household(page.request, (x) => healthyModem(x, world), 'a healthy modem')
    const panel = await startFlow(page, h.customer, 'slow-wifi', 'Wi-Fi lent')
    await at(panel, 'greet')
    await panel.getByTestId('flow-primary').click()
    // Depending on how crowded the Wi-Fi is, advice first, then the speed test.
    const step = panel.getByTestId('flow-step')
    await expect(step).toHaveAttribute('data-step', /^(mesh-advice|crowded-advice|speed-test)$/)
    if ((await step.getAttribute('data-step')) !== 'speed-test') await panel.getByTestId('flow-primary').click()
    await at(panel, 'speed-test')

    const download = field(panel, 'download')
    await expect(download).toBeFocused()
    await download.fill('20000')
    await download.press('Enter')
    await expect(panel.locator('[data-field="download"]')).toContainText('Au plus 10000.')
    await page.screenshot({ path: '/tmp/flows-slow-wifi-refused.png' })
    await download.fill('850')
    await download.press('Enter')
    await at(panel, 'speed-ok')
    await next(panel, 'speed-ok', 'coverage-ask')
    await answer(panel, 'coverage-ask', 'fixed', 'resolved')
    await expect(panel.getByTestId('flow-outcome')).toHaveText('Problème résolu')
    await expect(panel.getByTestId('flow-created')).toContainText('Rien n’a été créé pendant ce parcours.')
    await page.screenshot({ path: '/tmp/flows-slow-wifi-resolved.png' })
    await panel.getByTestId('flow-close').click()
    await expect(panel).toHaveCount(0)
    await expect(page).not.toHaveURL(/parcours=/)
  })

  test('Nouvel abonnement: from Clients → Nouveau client to a new customer with an installation booked', async ({
    page,
    world,
  }) => {
    const town = await household(page.request, () => true, 'a served town')
    await page.goto('/ops/#/clients')
    await expect(page.getByTestId('new-customer')).toBeVisible()
    await page.screenshot({ path: '/tmp/flows-clients-new-customer.png' })
    await page.getByTestId('new-customer').click()
    await expect(page).toHaveURL(/#\/parcours\/RUN-\d{4}-\d+/)
    const panel = panelOf(page)
    await expect(panel.getByTestId('flow-title')).toContainText('Nouvel abonnement')
    await next(panel, 'greet', 'service-address')
    await fillAddress(panel, 'address', newAddress(town, 4100 + (Date.now() % 500)))
    await next(panel, 'service-address', 'plans')
    await expect(panel.getByTestId('flow-passed').filter({ hasText: 'Adresse desservie ?' })).toBeVisible()
    await next(panel, 'plans', 'order')

    const name = `Maude Parcours ${Date.now().toString(36).toUpperCase()}`
    await choose(page, panel, 'plan', /Fibre 500/)
    await field(panel, 'customerName').fill(name)
    await field(panel, 'phone').fill('(819) 555-0143')
    await field(panel, 'email').fill('maude.parcours@example.ca')
    await page.screenshot({ path: '/tmp/flows-new-order.png' })
    await next(panel, 'order', 'create-customer')
    await panel.getByTestId('flow-primary').click()

    // The customer exists: their new file opens beside the flow, which goes on.
    await expect(page).toHaveURL(/#\/clients\/[^?]+\?parcours=RUN-/)
    await expect(page.getByTestId('customer-name')).toHaveText(name)
    const beside = panelOf(page)
    await at(beside, 'install-date')
    await field(beside, 'date').fill(world.day(3))
    await next(beside, 'install-date', 'book-install')
    await next(beside, 'book-install', 'sms-welcome')
    await next(beside, 'sms-welcome', 'sold')
    await expect(beside.getByTestId('flow-outcome')).toHaveText('Vente conclue')
    await expect(beside.locator('[data-testid="flow-created-item"][data-doctype="Customer"]')).toBeVisible()
    await expect(beside.locator('[data-testid="flow-created-item"][data-doctype="Dispatch Job"]')).toBeVisible()
    await expect(page.getByTestId('panel-locations')).toContainText('rue des Parcours')
    await page.screenshot({ path: '/tmp/flows-new-sold.png' })
  })

  test('Déménagement: the new address is served, the move is booked and the file shows the new address', async ({
    page,
    world,
  }) => {
    const h = await household(page.request, () => true, 'a customer with service')
    const elsewhere = await household(page.request, (x) => x.city !== h.city, 'another served town')
    const panel = await startFlow(page, h.customer, 'move', 'Déménagement')
    await next(panel, 'greet', 'new-address')
    const moving = newAddress(elsewhere, 200 + (Date.now() % 500))
    await fillAddress(panel, 'address', moving)
    await field(panel, 'movingDate').fill(world.day(10))
    await next(panel, 'new-address', 'served-yes')
    await next(panel, 'served-yes', 'new-location')
    await next(panel, 'new-location', 'book-move')
    await next(panel, 'book-move', 'close-old')
    await next(panel, 'close-old', 'sms-move')
    await next(panel, 'sms-move', 'moved')
    await expect(panel.getByTestId('flow-outcome')).toHaveText('Technicien réservé')
    await expect(page.getByTestId('panel-locations')).toContainText(moving.line)
    await page.screenshot({ path: '/tmp/flows-move.png' })
  })

  test('Résiliation with the keyboard alone: a reason, the last day, the cancellation and the pick-up', async ({
    page,
    world,
  }) => {
    const h = await household(page.request, () => true, 'a customer with service')
    const panel = await startFlow(page, h.customer, 'cancellation', 'Résiliation')
    await at(panel, 'greet')
    await expect(panel.getByTestId('flow-primary')).toBeFocused()
    await page.keyboard.press('Enter')
    await at(panel, 'reason')
    // 4: « Autre raison ».
    await page.keyboard.press('4')
    const step = panel.getByTestId('flow-step')
    await expect(step).toHaveAttribute('data-step', /^(balance-info|confirm)$/)
    if ((await step.getAttribute('data-step')) === 'balance-info') {
      await at(panel, 'balance-info')
      await page.keyboard.press('Enter')
    }
    await at(panel, 'confirm')
    // Back with Alt+← (to the balance, read again or announced), and Enter comes forward again.
    await page.keyboard.press('Alt+ArrowLeft')
    await expect(step).toHaveAttribute('data-step', /^(balance|balance-info)$/)
    await expect(page).toHaveURL(/#\/clients\//)
    await expect(panel.getByTestId('flow-primary')).toBeFocused()
    await page.keyboard.press('Enter')
    await at(panel, 'confirm')
    await page.keyboard.press('1')
    await at(panel, 'last-day')
    await expect(field(panel, 'date')).toBeFocused()
    await field(panel, 'date').fill(world.day(14))
    // The browser's date control keeps Tab for its own parts (day, month, year): on to the next field.
    await field(panel, 'details').focus()
    await page.keyboard.type('Le client part en résidence.')
    await page.keyboard.press('Enter')
    await at(panel, 'cancel-service')
    await expect(panel.getByTestId('flow-primary')).toBeFocused()
    await page.keyboard.press('Enter')
    await at(panel, 'pickup')
    await page.keyboard.press('Enter')
    await at(panel, 'sms-cancel')
    await page.keyboard.press('Enter')
    await at(panel, 'cancelled')
    await expect(panel.getByTestId('flow-outcome')).toHaveText('Annulé')
    await expect(panel.locator('[data-testid="flow-created-item"][data-doctype="Subscription"]')).toBeVisible()
    await page.screenshot({ path: '/tmp/flows-cancellation.png' })
  })

  test('a run survives a reload, is left with Quitter, resumed from the banner, then abandoned', async ({ page }) => {
    const h = await household(page.request, () => true, 'a customer with service')
    const panel = await startFlow(page, h.customer, 'cancellation', 'Résiliation')
    await next(panel, 'greet', 'reason')
    await panel.locator('[data-testid="flow-option"][data-value="quality"]').click()
    const step = panel.getByTestId('flow-step')
    await expect(step).toHaveAttribute('data-step', /^(balance-info|offer-repair)$/)
    const where = (await step.getAttribute('data-step'))!
    const run = new URL(page.url().replace('/#/', '/')).searchParams.get('parcours')!

    await page.reload()
    await at(panelOf(page), where)
    await expect(panelOf(page)).toHaveAttribute('data-run', run)
    await expect(panelOf(page).getByTestId('flow-passed')).toHaveCount(3)

    // A link to the run alone opens it beside its customer's file.
    await page.goto(`/ops/#/parcours/${run}`)
    await expect(page).toHaveURL(new RegExp(`#/clients/${h.customer}\\?parcours=${run}$`))
    await at(panelOf(page), where)

    await panelOf(page).getByTestId('flow-quit').click()
    await expect(panelOf(page)).toHaveCount(0)
    const banner = page.locator(`[data-testid="flow-open-run"][data-run="${run}"]`)
    await expect(banner).toContainText('Parcours en cours : « Résiliation » à l’étape')
    await page.screenshot({ path: '/tmp/flows-resume-banner.png' })
    await banner.getByTestId('flow-resume').click()
    await at(panelOf(page), where)
    await expect(banner).toHaveCount(0)

    await panelOf(page).getByTestId('flow-abandon').click()
    await page.getByRole('dialog').getByRole('button', { name: 'Abandonner', exact: true }).click()
    await expect(panelOf(page)).toHaveAttribute('data-status', 'Abandoned')
    await panelOf(page).getByTestId('flow-close').click()
    await expect(page.locator('[data-testid="flow-open-run"]')).toHaveCount(0)
  })

  test('in English on a narrow screen, the flow comes first and the file below it', async ({ page }) => {
    await page.setViewportSize({ width: 900, height: 1000 })
    const h = await household(page.request, () => true, 'a customer with service')
    await page.goto(`/ops/#/clients/${h.customer}`)
    await page.getByTestId('language-switch').getByText('EN').click()
    await page.getByTestId('action-flows').click()
    await page.locator('[data-testid="flow-choice"][data-key="cancellation"]').click()
    const panel = panelOf(page)
    await expect(panel.getByTestId('flow-title')).toContainText('Cancellation')
    await expect(panel.getByTestId('flow-step-title')).toHaveText('Greeting')
    await expect(panel.getByTestId('flow-primary')).toContainText('Next')
    await expect(panel.getByTestId('flow-upcoming')).toContainText('Next: Reason')
    const flowBox = (await panel.boundingBox())!
    const fileBox = (await page.getByTestId('panel-identity').boundingBox())!
    expect(flowBox.y + flowBox.height).toBeLessThanOrEqual(fileBox.y)
    await page.screenshot({ path: '/tmp/flows-narrow-en.png' })

    await panel.getByTestId('flow-abandon').click()
    await page.getByRole('dialog').getByRole('button', { name: 'Abandon', exact: true }).click()
    await expect(panel).toHaveAttribute('data-status', 'Abandoned')
    await expect(panel.getByTestId('flow-ended')).toHaveText('This flow was abandoned.')
  })
})
