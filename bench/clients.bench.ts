/**
 * npm run bench -- clients: customer search, the customer page and Diagnostiquer on the `large`
 * profile (50,000 customers), through a BFF with embedded upstreams on its own spare port and
 * data directory under .tmp/ (kept between runs: seeding `large` takes minutes).
 *
 *   search    HTTP round trip of GET /ops/api/clients/search for name, phone, serial, MAC queries
 *   page      headless Chromium: customer page opened from search → every panel answered
 *             (the page's own `customer-file:all-panels` measure)
 *   diagnose  hub answer received → diagnosis painted (`diagnostics:render` measure)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Page } from '@playwright/test'

const ROOT = resolve(import.meta.dirname, '..')
const PORT = 3241
const CUSTOMERS = 50_000
const BASE = `http://127.0.0.1:${PORT}`
const CSR = { cookie: 'ops_demo_persona=csr' }

function spaDir(): string {
  const own = join(ROOT, 'dist/spa-clients')
  if (existsSync(join(own, 'index.html'))) return own
  const built = spawnSync('npx', ['vite', 'build', '--outDir', 'dist/spa-clients', '--emptyOutDir'], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (built.status !== 0) throw new Error('could not build the SPA')
  return own
}

async function customerCount(): Promise<number | null> {
  try {
    const res = await fetch(`${BASE}/ops/api/erp/method/frappe.client.get_count?doctype=Customer`, {
      headers: CSR,
      signal: AbortSignal.timeout(5000),
    })
    return res.ok ? ((await res.json()) as { message: number }).message : null
  } catch {
    return null
  }
}

async function server(): Promise<ChildProcess | null> {
  const running = await customerCount()
  if (running !== null) {
    if (running < CUSTOMERS)
      throw new Error(`port ${PORT} serves another dataset (${running} customers); free it first`)
    return null
  }
  const dataDir = join(ROOT, '.tmp/bench-clients-large')
  mkdirSync(dataDir, { recursive: true })
  console.log(
    `starting the large BFF on :${PORT} (${existsSync(join(dataDir, 'erpnext.sqlite')) ? 'reusing its data' : 'seeding — a few minutes'})`,
  )
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_PROFILE: 'large',
      SPA_DIR: spaDir(),
      ERP_URL: '',
      HUB_URL: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const deadline = Date.now() + 20 * 60_000
  while ((await customerCount()) === null) {
    if (child.exitCode !== null) throw new Error(`the BFF exited (${child.exitCode})`)
    if (Date.now() > deadline) throw new Error('the BFF did not become ready')
    await new Promise((r) => setTimeout(r, 1000))
  }
  return child
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : NaN
}

async function erpList<T>(doctype: string, fields: string[], filters: unknown[], limit: number): Promise<T[]> {
  const q = new URLSearchParams({
    fields: JSON.stringify(fields),
    filters: JSON.stringify(filters),
    limit_page_length: String(limit),
    order_by: 'modified desc',
  })
  const res = await fetch(`${BASE}/ops/api/erp/resource/${encodeURIComponent(doctype)}?${q}`, { headers: CSR })
  return ((await res.json()) as { data: T[] }).data
}

/** Round trip as the browser sees it, and the index's own time as the BFF reports it. */
async function searchMs(q: string): Promise<{ roundTrip: number; index: number }> {
  const started = performance.now()
  const res = await fetch(`${BASE}/ops/api/clients/search?q=${encodeURIComponent(q)}`, { headers: CSR })
  const body = (await res.json()) as { results: unknown[]; tookMs: number }
  const roundTrip = performance.now() - started
  if (!res.ok || !body.results.length) throw new Error(`search "${q}" found nothing (${res.status})`)
  return { roundTrip, index: body.tookMs }
}

async function lastMeasure(page: Page, name: string): Promise<number> {
  await page.waitForFunction((n) => performance.getEntriesByName(n, 'measure').length > 0, name, { timeout: 30_000 })
  return page.evaluate((n) => {
    const all = performance.getEntriesByName(n, 'measure')
    const d = all[all.length - 1].duration
    performance.clearMeasures(n)
    return d
  }, name)
}

export async function run(): Promise<void> {
  const child = await server()
  try {
    const customers = await erpList<{ name: string; customer_name: string; mobile_no?: string }>(
      'Customer',
      ['name', 'customer_name', 'mobile_no'],
      [['mobile_no', 'is', 'set']],
      40,
    )
    const equipment = await erpList<{
      serial_no: string
      mac_address?: string
      customer: string
      equipment_type: string
    }>(
      'Service Equipment',
      ['serial_no', 'mac_address', 'customer', 'equipment_type'],
      [
        ['customer', 'is', 'set'],
        ['mac_address', 'is', 'set'],
      ],
      40,
    )

    const built = performance.now()
    await searchMs(customers[0].customer_name)
    const firstMs = performance.now() - built

    // Queries as a CSR types them: part of a name, a phone reformatted, part of a serial, a bare MAC.
    const kinds: Record<string, string[]> = {
      name: customers.map((c) => c.customer_name.split(' ').at(-1)!.slice(0, 5).toLowerCase()),
      phone: customers.map((c) => {
        const d = c.mobile_no!.replace(/\D/g, '').slice(-10)
        return `(${d.slice(0, 3)}) ${d.slice(3, 6)} ${d.slice(6)}`
      }),
      serial: equipment.map((e) => e.serial_no.slice(0, 8).toLowerCase()),
      mac: equipment.map((e) => e.mac_address!.replace(/:/g, '').toLowerCase()),
    }
    const rows: string[][] = []
    for (const [kind, queries] of Object.entries(kinds)) {
      const times: number[] = []
      const inIndex: number[] = []
      for (const q of [...queries, ...queries]) {
        const t = await searchMs(q)
        times.push(t.roundTrip)
        inIndex.push(t.index)
      }
      rows.push([
        `search: ${kind}`,
        times.length.toString(),
        quantile(times, 0.5).toFixed(1),
        quantile(times, 0.95).toFixed(1),
        '≤ 60 (p95)',
      ])
      rows.push([
        `  of which in the index`,
        inIndex.length.toString(),
        quantile(inIndex, 0.5).toFixed(1),
        quantile(inIndex, 0.95).toFixed(1),
        '',
      ])
    }

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    })
    try {
      const context = await browser.newContext({
        viewport: { width: 1600, height: 1000 },
        locale: 'fr-CA',
        timezoneId: 'America/Toronto',
      })
      await context.addCookies([{ name: 'ops_demo_persona', value: 'csr', domain: '127.0.0.1', path: '/ops' }])
      const page = await context.newPage()
      await page.goto(`${BASE}/ops/#/clients`)
      await page.getByTestId('client-search').waitFor()

      // The first opening also downloads the page's code: timed apart, as a cold start.
      await page.evaluate((hash) => {
        location.hash = hash
      }, `#/clients/${customers[39].name}`)
      const cold = await lastMeasure(page, 'customer-file:all-panels')
      const pageTimes: number[] = []
      for (const c of customers.slice(0, 20)) {
        await page.evaluate((hash) => {
          location.hash = hash
        }, `#/clients/${c.name}`)
        pageTimes.push(await lastMeasure(page, 'customer-file:all-panels'))
      }
      rows.push([
        'customer page: all panels',
        pageTimes.length.toString(),
        quantile(pageTimes, 0.5).toFixed(0),
        quantile(pageTimes, 0.95).toFixed(0),
        '≤ 400',
      ])
      rows.push(['  first opening (cold)', '1', cold.toFixed(0), cold.toFixed(0), ''])

      const renderTimes: number[] = []
      const onts = await erpList<{ serial_no: string; customer: string }>(
        'Service Equipment',
        ['serial_no', 'customer'],
        [
          ['customer', 'is', 'set'],
          ['equipment_type', '=', 'ONT'],
          ['status', '=', 'In Service'],
        ],
        40,
      )
      for (const eq of onts) {
        if (renderTimes.length >= 12) break
        await page.evaluate((hash) => {
          location.hash = hash
        }, `#/clients/${eq.customer}`)
        await lastMeasure(page, 'customer-file:all-panels')
        await page
          .locator(`[data-testid="equipment"][data-serial="${eq.serial_no}"]`)
          .getByTestId('diagnose-equipment')
          .click()
        const dialog = page.getByTestId('diagnostics')
        await page.waitForFunction(
          () => document.querySelector('[data-testid="diagnostics"]')?.getAttribute('data-state') !== 'loading',
          null,
          { timeout: 30_000 },
        )
        if ((await dialog.getAttribute('data-state')) === 'ready')
          renderTimes.push(await lastMeasure(page, 'diagnostics:render'))
        await page.keyboard.press('Escape')
        await dialog.waitFor({ state: 'hidden' })
      }
      rows.push([
        'diagnostics: answer → painted',
        renderTimes.length.toString(),
        quantile(renderTimes, 0.5).toFixed(1),
        quantile(renderTimes, 0.95).toFixed(1),
        '≤ 50',
      ])
    } finally {
      await browser.close()
    }

    console.log(
      `\nlarge profile (${CUSTOMERS.toLocaleString('en')} customers); first search, index built from ERPNext: ${(firstMs / 1000).toFixed(1)} s`,
    )
    const header = ['measure', 'n', 'p50 ms', 'p95 ms', 'target ms']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    console.log(line(header))
    console.log(widths.map((w) => '-'.repeat(w)).join('  '))
    for (const r of rows) console.log(line(r))
  } finally {
    child?.kill('SIGTERM')
  }
}
