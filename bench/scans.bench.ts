/**
 * npm run bench -- scans: the scan queue's chaos run. 500 scans made in headless Chromium by the
 * real queue code (src/features/scans: IndexedDB, Web Locks, backoff timers, the online trigger,
 * the BFF transport), in two tabs, against the real BFF with the embedded ERPNext and hub on a
 * spare port and a fresh data directory, while the network goes on and off, the hub fails (5xx)
 * or stalls past the 8 s timeout, the BFF's answers are lost after ERPNext saved (connection
 * reset), and tabs reload. Then the network stays up and the queue drains.
 *
 * Prints: scans made, equipment created (counted in ERPNext by scan_id), duplicates, lost, scans
 * needing attention, and the time to drain once online. Target: 0 lost, 0 duplicates, ≤ 60 s.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import bwipjs from 'bwip-js/node'
import {
  chromium,
  request as playwrightRequest,
  type APIRequestContext,
  type BrowserContext,
  type Page,
} from '@playwright/test'
import { build } from 'vite'
import { mulberry32 } from '../server/embedded/seed/random'
import { SERVER_ARGS } from './startup'

const ROOT = resolve(import.meta.dirname, '..')
const PORT = Number(process.env.BENCH_SCANS_PORT ?? 3233)
const BASE = `http://127.0.0.1:${PORT}`
const WORK = join(ROOT, `.tmp/bench-scans-${PORT}`)
const SCANS = 500
const BATCH = 25
/** Scans made with no network at all, after the chaos, to time the drain of a full backlog. */
const DEAD_ZONE_SCANS = 200
const PHOTO_SHARE = 0.3
const DRAIN_TARGET_S = 60
const ADMIN = {
  'x-authentik-email': 'sophie.lavoie@gigafibre.ca',
  'x-authentik-username': 'sophie.lavoie',
  'x-authentik-name': 'Sophie Lavoie',
  'x-authentik-groups': 'ops-admin',
}

/** A page with nothing but the real scan queue of the app, wired as the app wires it. */
async function buildHarness(): Promise<string> {
  const src = join(WORK, 'harness-src')
  const out = join(WORK, 'harness')
  mkdirSync(src, { recursive: true })
  writeFileSync(
    join(src, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>scan queue bench</title><script type="module" src="./harness.ts"></script>',
  )
  writeFileSync(
    join(src, 'harness.ts'),
    `
import { scanService } from '${join(ROOT, 'src/features/scans/scanService.ts')}'
const queue = scanService().queue
const equipmentTypes = ['ONT', 'Router', 'Mesh Node', 'Set-top Box']
function blob(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
  return new Blob([bytes], { type: 'image/png' })
}
async function until(check) {
  for (let i = 0; i < 400 && !(await check()); i++) await new Promise((r) => setTimeout(r, 5))
}
window.bench = {
  async add(scans) {
    const ids = []
    for (const s of scans) {
      const values = { equipment_type: equipmentTypes[s.type] }
      const record = await queue.capture({ job: s.job, location: s.location, customerName: null, technician: 'TECH-001', photo: blob(s.photo), values })
      ids.push(record.id)
      // The technician confirms (or leaves the photo to the hub); only the write is awaited,
      // the sending goes on in the background as in the app.
      if (s.serial) void queue.confirm(record.id, { serial_no: s.serial, mac_address: null, brand: null, model: null, ...values })
      else void queue.leaveToQueue(record.id)
      await until(async () => (await queue.get(record.id))?.state !== 'review')
    }
    return ids
  },
  async state() {
    const all = await queue.list()
    return { pending: all.length, attention: all.filter((s) => s.state === 'attention').map((s) => s.lastError?.code) }
  },
}
document.title = 'ready'
`,
  )
  await build({
    configFile: false,
    logLevel: 'warn',
    root: src,
    base: '/ops/',
    build: { outDir: out, emptyOutDir: true, minify: false },
  })
  return out
}

async function startServer(spaDir: string): Promise<ChildProcess> {
  rmSync(join(WORK, 'data'), { recursive: true, force: true })
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: join(WORK, 'data'),
      SPA_DIR: spaDir,
      HUB_TEST_HOOKS: '1',
      SEED_PROFILE: 'demo',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${BASE}/ops/healthz`)).ok) return child
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  child.kill()
  throw new Error('the BFF did not start')
}

async function openHarness(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${BASE}/ops/index.html`)
  await page.waitForFunction(() => document.title === 'ready')
  return page
}

async function reload(page: Page): Promise<void> {
  await page.reload().catch(() => undefined)
  await page.waitForFunction(() => document.title === 'ready', undefined, { timeout: 30_000 })
}

async function hubFaults(admin: APIRequestContext, vision: Record<string, number> | null): Promise<void> {
  // A kept-alive socket the server just closed answers ECONNRESET: the bench's own call, retried.
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = vision
        ? await admin.post('/ops/api/_test/hub-faults', { data: { vision } })
        : await admin.delete('/ops/api/_test/hub-faults')
      if (answer.ok()) return
      throw new Error(`fault hook answered ${answer.status()}`)
    } catch (err) {
      if (attempt >= 3) throw err
    }
  }
}

interface Planned {
  job: string
  location: string
  serial: string | null
  type: number
  photo: string
}

export async function run(): Promise<void> {
  const started = Date.now()
  mkdirSync(WORK, { recursive: true })
  const harness = await buildHarness()
  const server = await startServer(harness)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  const admin = await playwrightRequest.newContext({ baseURL: BASE, extraHTTPHeaders: ADMIN })
  const random = mulberry32(20261127) // deterministic, so a bad run can be replayed
  const chaos = { active: true, offline: 0, hubFailures: 0, hubStalls: 0, bff5xx: 0, lostAnswers: 0, reloads: 0 }
  try {
    const context = await browser.newContext({ baseURL: BASE })
    await context.request.post('/ops/api/demo/persona', { data: { id: 'technician' } })
    const day = (await (await context.request.get('/ops/api/tech/day')).json()) as {
      jobs: { name: string; service_location: string | null }[]
    }
    const jobs = day.jobs.filter((j) => j.service_location)
    if (jobs.length === 0) throw new Error('TECH-001 has no job with a location today')

    // The BFF's answer to a recording sometimes never arrives, or a proxy answers 503.
    await context.route('**/ops/api/tech/scans/**', async (route) => {
      const r = random()
      if (chaos.active && r < 0.08) {
        chaos.bff5xx++
        return route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: '{"error":{"code":"BENCH_PROXY","message":"injected 503"}}',
        })
      }
      if (chaos.active && r < 0.14) {
        chaos.lostAnswers++
        await route.fetch().catch(() => undefined)
        return route.abort('connectionreset')
      }
      return route.continue()
    })

    const tabs = [await openHarness(context), await openHarness(context)]
    const plan = async (count: number, prefix: string): Promise<Planned[]> => {
      const out: Planned[] = []
      for (let i = 0; i < count; i++) {
        const serial = `${prefix}${(i * 7919 + 0x1a2b3c).toString(16).toUpperCase().padStart(8, '0')}`
        const job = jobs[Math.floor(random() * jobs.length)]
        const toHub = random() < PHOTO_SHARE
        const png = await bwipjs.toBuffer({
          bcid: 'code128',
          text: serial,
          scale: 2,
          height: 8,
          paddingwidth: 10,
          paddingheight: 10,
          backgroundcolor: 'FFFFFF',
        })
        out.push({
          job: job.name,
          location: job.service_location!,
          serial: toHub ? null : serial,
          type: Math.floor(random() * 4),
          photo: png.toString('base64'),
        })
      }
      return out
    }
    const planned = await plan(SCANS, 'BNCH')
    const deadZone = await plan(DEAD_ZONE_SCANS, 'BNCZ')

    const ids: string[] = []
    for (let b = 0; b < SCANS / BATCH; b++) {
      const roll = random()
      if (roll < 0.3) {
        chaos.offline++
        await context.setOffline(true)
      } else if (roll < 0.45) {
        chaos.hubFailures++
        await hubFaults(admin, { fail: 1 + Math.floor(random() * 4), status: random() < 0.5 ? 500 : 503 })
      } else if (roll < 0.52) {
        chaos.hubStalls++
        await hubFaults(admin, { delayMs: 9_000 })
      }
      const tab = tabs[b % 5 === 4 ? 1 : 0]
      ids.push(
        ...(await tab.evaluate(
          (batch) => (window as unknown as { bench: { add(s: unknown): Promise<string[]> } }).bench.add(batch),
          planned.slice(b * BATCH, (b + 1) * BATCH),
        )),
      )
      await new Promise((r) => setTimeout(r, 300 + random() * 1200))
      await context.setOffline(false)
      // A reload while the queue is mid-flush (this page has no service worker, so only online).
      if (random() < 0.25) {
        chaos.reloads++
        await reload(tabs[Math.floor(random() * tabs.length)])
      }
      await hubFaults(admin, null)
    }

    type BenchState = { pending: number; attention: (string | undefined)[] }
    const stateOf = () =>
      tabs[0].evaluate(() => (window as unknown as { bench: { state(): Promise<BenchState> } }).bench.state())
    /** Network back for good: seconds until every scan is confirmed by ERPNext (or needs attention). */
    const drain = async (): Promise<{ seconds: number; backlog: number; state: BenchState }> => {
      await context.setOffline(true)
      const backlog = (await stateOf()).pending
      const onlineAt = Date.now()
      await context.setOffline(false)
      let state: BenchState = { pending: -1, attention: [] }
      while (Date.now() - onlineAt < 180_000) {
        state = await stateOf()
        if (state.pending === state.attention.length) break
        await new Promise((r) => setTimeout(r, 100))
      }
      return { seconds: (Date.now() - onlineAt) / 1000, backlog, state }
    }

    chaos.active = false
    await hubFaults(admin, null)
    const afterChaos = await drain()

    // A whole shift in a dead zone: every scan of it waits for the network at once.
    await context.setOffline(true)
    for (let i = 0; i < DEAD_ZONE_SCANS; i += BATCH) {
      const batch = deadZone.slice(i, i + BATCH)
      ids.push(
        ...(await tabs[0].evaluate(
          (b) => (window as unknown as { bench: { add(s: unknown): Promise<string[]> } }).bench.add(b),
          batch,
        )),
      )
    }
    const afterDeadZone = await drain()
    const state = afterDeadZone.state
    const drainSeconds = Math.max(afterChaos.seconds, afterDeadZone.seconds)

    const rows: { scan_id: string; serial_no: string }[] = []
    for (let i = 0; i < ids.length; i += 100) {
      const q = new URLSearchParams({
        fields: '["scan_id","serial_no"]',
        filters: JSON.stringify([['scan_id', 'in', ids.slice(i, i + 100)]]),
        limit_page_length: '0',
      })
      rows.push(
        ...((await (await admin.get(`/ops/api/erp/resource/Service%20Equipment?${q}`)).json()) as { data: typeof rows })
          .data,
      )
    }
    const q = new URLSearchParams({
      fields: '["name"]',
      filters: JSON.stringify([['serial_no', 'like', 'BNC%']]),
      limit_page_length: '0',
    })
    const bySerial = (
      (await (await admin.get(`/ops/api/erp/resource/Service%20Equipment?${q}`)).json()) as { data: unknown[] }
    ).data.length
    const recorded = new Set(rows.map((r) => r.scan_id))
    const duplicates = rows.length - recorded.size + Math.max(0, bySerial - recorded.size)
    const lost = ids.length - recorded.size - state.attention.length

    const table = [
      ['scans made', `${ids.length} (${SCANS} amid chaos + ${DEAD_ZONE_SCANS} in a dead zone)`],
      ['  of which read by the hub', String([...planned, ...deadZone].filter((p) => !p.serial).length)],
      ['equipment created (by scan_id)', String(recorded.size)],
      ['duplicates', String(duplicates)],
      ['lost', String(lost)],
      [
        'needing attention',
        `${state.attention.length}${state.attention.length ? ` (${[...new Set(state.attention)].join(', ')})` : ''}`,
      ],
      ['drain after the chaos', `${afterChaos.backlog} scans waiting → ${afterChaos.seconds.toFixed(1)} s`],
      ['drain after a dead zone', `${afterDeadZone.backlog} scans waiting → ${afterDeadZone.seconds.toFixed(1)} s`],
      ['time to drain once online (worst)', `${drainSeconds.toFixed(1)} s (target ≤ ${DRAIN_TARGET_S} s)`],
      ['chaos: offline periods', String(chaos.offline)],
      ['chaos: hub 5xx bursts / stalls > 8 s', `${chaos.hubFailures} / ${chaos.hubStalls}`],
      ['chaos: BFF 503 / answers lost', `${chaos.bff5xx} / ${chaos.lostAnswers}`],
      ['chaos: tab reloads (2 tabs)', String(chaos.reloads)],
      ['whole run', `${((Date.now() - started) / 1000).toFixed(0)} s`],
    ]
    const width = Math.max(...table.map(([k]) => k.length))
    console.log(table.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'))
    const verdict = lost === 0 && duplicates === 0 && drainSeconds <= DRAIN_TARGET_S
    console.log(verdict ? 'target met: 0 lost, 0 duplicates, drained in time' : 'TARGET MISSED')
  } finally {
    await admin.dispose()
    await browser.close()
    server.kill('SIGTERM')
  }
}
