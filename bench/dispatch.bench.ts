/**
 * npm run bench -- dispatch: the Répartition board in headless Chromium (1600×1000) on the
 * `large` profile (1,000 technicians, 20,000 jobs this week), and on `demo` to show the DOM does
 * not grow with the number of jobs. Each profile runs a BFF with embedded upstreams on its own
 * spare port and data directory under .tmp/ (kept between runs: seeding `large` takes minutes).
 * Each is measured on the busiest day of the seven from today (`benchDay`), and that day's week.
 *
 * Numbers come from the page's own performance marks (dispatch:paint, dispatch:filter,
 * dispatch:patch); drag frames are timed from each pointer move to the frame after it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type Page } from '@playwright/test'
import { BOARD_NDJSON, type BoardRest } from '../src/contracts/boardEncoding'
import { addDays, mondayOf, toFrappeDate } from '../src/contracts/frappeTime'
import { SERVER_ARGS, startupSettled, STARTUP_WAIT_MS } from './startup'

const ROOT = resolve(import.meta.dirname, '..')
const PROFILES = { large: 3231, demo: 3232 } as const
/** Technicians each profile seeds, to recognise our own server on its port. */
const CREW = { large: 1000, demo: 40 } as const
type Profile = keyof typeof PROFILES

interface Row {
  profile: Profile
  view: 'day' | 'week'
  jobs: number
  /** Navigation start → the first job block on the board visible, in a cold context. */
  firstBlock: number
  /** Where the time to the first block went (ms after navigation start), for the run's log line. */
  steps: {
    scripts: number
    shell: number
    session: number
    boardAsked: number
    boardFirstByte: number
    dataReceived: number
  }
  /** GET /ops/api/dispatch/board for the view's range: request sent → first byte (median of 5, board kept ready). */
  boardTtfb: number
  paint: number
  filterCpu: number
  patchCpu: number
  payloadKb: number
  dom: number
  heapMb: number
  filter: number
  patch: number
  sseMs: number
  dragP95: number
  dragMax: number
}

/**
 * The SPA as it is now, built once per run for the bench into dist/spa-dispatch (or BENCH_SPA_DIR);
 * BENCH_REUSE_SPA=1 serves the last bench build as is.
 */
let built: string | null = null
function spaDir(): string {
  const dir = process.env.BENCH_SPA_DIR || 'dist/spa-dispatch'
  const own = join(ROOT, dir)
  if (built) return built
  if (process.env.BENCH_REUSE_SPA !== '1' || !existsSync(join(own, 'index.html'))) {
    const result = spawnSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: 'inherit',
    })
    if (result.status !== 0) throw new Error('could not build the SPA')
  }
  built = own
  return own
}

async function healthy(port: number, profile: Profile): Promise<boolean> {
  try {
    const ready = await fetch(`http://127.0.0.1:${port}/ops/readyz`, { signal: AbortSignal.timeout(2000) })
    if (ready.status !== 200) return false
    const count = await fetch(
      `http://127.0.0.1:${port}/ops/api/erp/method/frappe.client.get_count?doctype=Technician`,
      {
        headers: { cookie: 'ops_demo_persona=dispatcher' },
        signal: AbortSignal.timeout(5000),
      },
    )
    const n = ((await count.json()) as { message?: number }).message
    if (n !== CREW[profile])
      throw new Error(`port ${port} serves another dataset (${n} technicians); free it or change PROFILES`)
    return true
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('port ')) throw err
    return false
  }
}

/**
 * Starts a BFF seeded with the profile, serving the SPA just built; the data directory is kept
 * between runs (seeding `large` takes minutes) and replaced when it was seeded for another week.
 */
async function server(profile: Profile): Promise<{ port: number; child: ChildProcess | null }> {
  const port = PROFILES[profile]
  // BENCH_ATTACH=1 measures the server already answering there (e.g. another version of the BFF).
  if (process.env.BENCH_ATTACH === '1' && (await healthy(port, profile))) return { port, child: null }
  if (await healthy(port, profile))
    throw new Error(`a server already answers on :${port}; stop it, so the bench measures the SPA as it is now`)
  const dataDir = join(ROOT, `.tmp/bench-dispatch-${profile}`)
  const week = mondayOf(toFrappeDate(new Date()))
  const marker = join(dataDir, 'seeded-week')
  if (existsSync(dataDir) && (!existsSync(marker) || readFileSync(marker, 'utf8') !== week))
    rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  console.log(
    `starting the ${profile} BFF on :${port} (${existsSync(join(dataDir, 'erpnext.sqlite')) ? 'reusing its data' : 'seeding — a few minutes for large'})`,
  )
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_PROFILE: profile,
      SPA_DIR: spaDir(),
      ERP_URL: '',
      HUB_URL: '',
      // startupSettled reads the info lines.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const settled = startupSettled(child)
  const deadline = Date.now() + 15 * 60_000
  while (!(await healthy(port, profile))) {
    if (child.exitCode !== null) throw new Error(`the ${profile} BFF exited (${child.exitCode})`)
    if (Date.now() > deadline) throw new Error(`the ${profile} BFF did not become ready`)
    await new Promise((r) => setTimeout(r, 1000))
  }
  writeFileSync(marker, week)
  const waited = Date.now()
  const done = await settled
  console.log(
    done
      ? `  the ${profile} BFF has prepared its files and built its search index (waited ${Date.now() - waited} ms)`
      : `  the ${profile} BFF had not finished its start-up work after ${STARTUP_WAIT_MS / 1000} s: measuring anyway`,
  )
  return { port, child }
}

const SAME_ORIGIN = { 'sec-fetch-site': 'same-origin' }

/** Jobs in a board payload, in the compact encoding the board asks for. */
function countBoardJobs(text: string): number {
  return text
    .split('\n')
    .filter((line) => line.trim())
    .reduce((n, line) => {
      const jobs = (JSON.parse(line) as BoardRest | { jobs: unknown[] }).jobs
      return n + (Array.isArray(jobs) ? jobs.length : jobs.n)
    }, 0)
}

/** Navigation → first job block targets (ms), per profile and view. */
const FIRST_BLOCK_TARGET: Record<Profile, Partial<Record<'day' | 'week', number>>> = {
  large: { week: 1000 },
  demo: { day: 600 },
}

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] : NaN
}

async function lastMeasure(page: Page, name: string, timeoutMs = 20_000): Promise<number> {
  await page.waitForFunction((n) => performance.getEntriesByName(n, 'measure').length > 0, name, { timeout: timeoutMs })
  return page.evaluate((n) => {
    const all = performance.getEntriesByName(n, 'measure')
    return all[all.length - 1].duration
  }, name)
}

/**
 * Request sent → first byte of the board route for the view's range, as the dispatcher's browser
 * would ask it (gzip accepted), median of five; the body is read to the end each time.
 */
async function boardTtfb(port: number, view: 'day' | 'week', day: string): Promise<number> {
  const [from, to] = view === 'week' ? [mondayOf(day), addDays(mondayOf(day), 6)] : [day, day]
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}/ops/api/dispatch/board?from=${from}&to=${to}`, {
      headers: { cookie: 'ops_demo_persona=dispatcher', 'accept-encoding': 'gzip', accept: BOARD_NDJSON },
    })
    const reader = res.body!.getReader()
    await reader.read()
    times.push(performance.now() - t0)
    while (!(await reader.read()).done);
  }
  return times.sort((a, b) => a - b)[2]
}

/**
 * Installed before any script of the page: the instant (ms after navigation start) at which a job
 * block is first in the board's viewport, checked every frame until it is. A string, so the page
 * runs it exactly as written (tsx would wrap a nested function with a helper the page lacks).
 */
const WATCH_FIRST_BLOCK = `(() => {
  const check = () => {
    for (const el of document.querySelectorAll('[data-testid="dispatch-board"] [data-testid^="job-"]')) {
      const r = el.getBoundingClientRect()
      if (r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth) {
        window.__firstBlock = performance.now()
        return
      }
    }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()`

/**
 * The day the board is measured on: the busiest of the seven from today (the most jobs on a
 * technician), so a weekend or a holiday does not measure an empty board; its week for the week view.
 */
async function benchDay(port: number): Promise<{ day: string; jobs: number }> {
  const today = toFrappeDate(new Date())
  const res = await fetch(`http://127.0.0.1:${port}/ops/api/dispatch/board?from=${today}&to=${addDays(today, 6)}`, {
    headers: { cookie: 'ops_demo_persona=dispatcher', accept: 'application/json' },
  })
  if (!res.ok) throw new Error(`the board for the coming week answered ${res.status}`)
  const { jobs } = (await res.json()) as { jobs: { technician?: string | null; scheduled_start?: string | null }[] }
  const perDay = new Map<string, number>()
  for (const job of jobs)
    if (job.technician && job.scheduled_start) {
      const day = job.scheduled_start.slice(0, 10)
      perDay.set(day, (perDay.get(day) ?? 0) + 1)
    }
  const [day, count] = [...perDay].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [today, 0]
  return { day, jobs: count }
}

async function measureView(
  browser: Browser,
  port: number,
  profile: Profile,
  view: 'day' | 'week',
  day: string,
): Promise<Row> {
  // A cold context: no HTTP cache, no service worker (it would serve the shell from its cache).
  const context = await browser.newContext({
    viewport: { width: 1600, height: 1000 },
    locale: 'fr-CA',
    timezoneId: 'America/Toronto',
    baseURL: `http://127.0.0.1:${port}`,
    serviceWorkers: 'block',
  })
  await context.addInitScript(WATCH_FIRST_BLOCK)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  const threadTime = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }
    return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000
  }
  // Writes pass only from the app's own pages (server/sameOrigin.ts): said so, as a browser would.
  await page.request.post('/ops/api/demo/persona', { data: { id: 'dispatcher' }, headers: SAME_ORIGIN })
  // The technicians' positions are asked for once the board is drawn; on this one machine the BFF
  // polling 1,000 devices competes with the browser for the two cores, so the interactions below
  // are timed after that first poll has landed, as a dispatcher would meet them.
  const positions = page.waitForResponse((res) => res.url().includes('/ops/api/positions'), { timeout: 300_000 })
  // Awaited below; until then a timeout must not end the process before the servers are stopped.
  positions.catch(() => undefined)
  await page.goto(`/ops/#/dispatch?day=${day}&view=${view}`)
  const paint = await lastMeasure(page, 'dispatch:paint', 120_000).catch(async (err: unknown) => {
    await page.screenshot({ path: `/tmp/dispatch-bench-${profile}-${view}.png` })
    throw err
  })
  await page.waitForFunction(() => (window as unknown as { __firstBlock?: number }).__firstBlock !== undefined, null, {
    timeout: 120_000,
  })
  const firstBlock = await page.evaluate(() => (window as unknown as { __firstBlock: number }).__firstBlock)
  // Written without inner named functions: tsx would wrap them with a helper the page lacks.
  const steps = await page.evaluate((before) => {
    const early = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter(
      (r) => r.startTime < before,
    )
    let scripts = 0
    let shell = 0
    let session = 0
    let boardAsked = NaN
    let boardFirstByte = NaN
    for (const r of early) {
      if (r.name.endsWith('.js') || r.name.endsWith('.css')) {
        scripts++
        shell = Math.max(shell, r.responseEnd)
      } else if (r.name.includes('/ops/api/me')) session = Math.max(session, r.responseEnd)
      else if (r.name.includes('/ops/api/dispatch/board') && Number.isNaN(boardAsked)) {
        boardAsked = r.startTime
        boardFirstByte = r.responseStart
      }
    }
    // The board's worker asks for it (its fetch is not among the page's resources): when, from its mark.
    const asked = performance.getEntriesByName('dispatch:board-asked', 'mark')
    if (Number.isNaN(boardAsked) && asked.length) boardAsked = asked[asked.length - 1].startTime
    const received = performance.getEntriesByName('dispatch:data-received', 'mark')[0]
    return { scripts, shell, session, boardAsked, boardFirstByte, dataReceived: received?.startTime ?? NaN }
  }, firstBlock)
  await positions
  await page.waitForTimeout(800)
  const dom = await page.evaluate(() => document.getElementsByTagName('*').length)
  await cdp.send('HeapProfiler.collectGarbage')
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }

  // Drag a block across rows and along the time axis; each move is timed to the frame after it.
  const block = page.locator('[data-testid^="job-DJ"]').first()
  const box = (await block.boundingBox())!
  const board = (await page.getByTestId('dispatch-board').boundingBox())!
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[] }
    w.__frames = []
    window.addEventListener(
      'pointermove',
      () => {
        const t0 = performance.now()
        requestAnimationFrame(() => {
          const channel = new MessageChannel()
          channel.port1.onmessage = () => w.__frames.push(performance.now() - t0)
          channel.port2.postMessage(null)
        })
      },
      { capture: true },
    )
  })
  await page.mouse.move(box.x + 6, box.y + box.height / 2)
  await page.mouse.down()
  for (let i = 1; i <= 80; i++) {
    await page.mouse.move(box.x + 6 + (i % 40) * 9, board.y + 60 + ((i * 7) % (board.height - 120)))
  }
  await page.keyboard.press('Escape')
  await page.mouse.up()
  const frames = await page.evaluate(() => (window as unknown as { __frames: number[] }).__frames)

  // Apply a filter (status) through the address, as a shared link or the toolbar does.
  // The machine may be shared: the main thread's CPU time (ThreadTime) is reported beside wall time.
  const cpuBefore = await threadTime()
  await page.evaluate(() => {
    location.hash = location.hash + '&status=Scheduled'
  })
  const filter = await lastMeasure(page, 'dispatch:filter')
  const filterCpu = (await threadTime()) - cpuBefore
  // The filter taken off again, and the board settled, before the next measure starts.
  await page.evaluate(() => performance.clearMeasures('dispatch:filter'))
  await page.evaluate(() => {
    location.hash = location.hash.replace('&status=Scheduled', '')
  })
  await lastMeasure(page, 'dispatch:filter')
  await page.waitForTimeout(500)

  // One live update: a colleague moves a visible job (through the BFF, which publishes it).
  // The last block drawn: a sparse day (a Sunday at `large`) may draw only one in view.
  const name = (await page.locator('[data-testid^="job-DJ"]').last().getAttribute('data-testid'))!.slice(4)
  const current = (await (await page.request.get(`/ops/api/erp/resource/Dispatch%20Job/${name}`)).json()).data as {
    modified: string
    duration_minutes: number
  }
  await page.evaluate(() => performance.clearMeasures('dispatch:patch'))
  const sent = Date.now()
  const patchCpuBefore = await threadTime()
  await page.request.put(`/ops/api/erp/resource/Dispatch%20Job/${name}`, {
    headers: SAME_ORIGIN,
    data: { duration_minutes: current.duration_minutes + 15, modified: current.modified },
  })
  const patch = await lastMeasure(page, 'dispatch:patch')
  const sseMs = Date.now() - sent
  const patchCpu = (await threadTime()) - patchCpuBefore
  const jobs = await page.evaluate(() => document.querySelectorAll('[data-testid^="job-DJ"]').length)
  await page.request.put(`/ops/api/erp/resource/Dispatch%20Job/${name}`, {
    headers: SAME_ORIGIN,
    data: { duration_minutes: current.duration_minutes },
  })

  // The payload is weighed here, after the timings: reading a 9 MB body through the DevTools
  // protocol while the board is being drawn would slow the very thing measured.
  const { payloadText, payloadBytes } = await page.evaluate(
    async ([from, to, ndjson]) => {
      const res = await fetch(`/ops/api/dispatch/board?from=${from}&to=${to}`, { headers: { accept: ndjson } })
      const bytes = await res.arrayBuffer()
      return { payloadBytes: bytes.byteLength, payloadText: new TextDecoder().decode(bytes) }
    },
    view === 'week' ? [mondayOf(day), addDays(mondayOf(day), 6), BOARD_NDJSON] : [day, day, BOARD_NDJSON],
  )
  const payloadJobs = countBoardJobs(payloadText)
  void jobs
  await context.close()
  return {
    profile,
    view,
    jobs: payloadJobs,
    firstBlock,
    steps,
    boardTtfb: NaN,
    paint,
    filterCpu,
    patchCpu,
    payloadKb: payloadBytes / 1024,
    dom,
    heapMb: heap.usedSize / 1024 / 1024,
    filter,
    patch,
    sseMs,
    dragP95: p95(frames),
    dragMax: Math.max(...frames),
  }
}

export async function run(): Promise<void> {
  const started: ChildProcess[] = []
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  })
  const rows: Row[] = []
  try {
    const wanted = (process.env.BENCH_PROFILES ?? 'demo,large').split(',')
    for (const profile of wanted.filter((p): p is Profile => p in PROFILES)) {
      const s = await server(profile)
      if (s.child) started.push(s.child)
      const { day, jobs } = await benchDay(s.port)
      console.log(`  ${profile}: measured on ${day}, the busiest day of the coming seven (${jobs} jobs on technicians)`)
      for (const view of ['day', 'week'] as const) {
        // Median of three runs for the timings; the first run also warms the BFF's JIT and caches.
        const runs: Row[] = []
        for (let i = 0; i < 3; i++) {
          runs.push(await measureView(browser, s.port, profile, view, day))
          const st = runs[i].steps
          console.log(
            `  ${profile} ${view} run ${i + 1}: ${st.scripts} scripts and CSS in by ${st.shell.toFixed(0)} ms, session ${st.session.toFixed(0)} ms, board asked ${st.boardAsked.toFixed(0)} ms, first byte ${st.boardFirstByte.toFixed(0)} ms, data received ${st.dataReceived.toFixed(0)} ms`,
          )
          console.log(
            `  ${profile} ${view} run ${i + 1}: first block ${runs[i].firstBlock.toFixed(0)} ms, paint ${runs[i].paint.toFixed(0)} ms, drag p95 ${runs[i].dragP95.toFixed(1)} ms, filter ${runs[i].filter.toFixed(1)} ms, patch ${runs[i].patch.toFixed(2)} ms`,
          )
        }
        const median = (k: keyof Row) => [...runs].map((r) => r[k] as number).sort((a, b) => a - b)[1]
        rows.push({
          ...runs[0],
          firstBlock: median('firstBlock'),
          boardTtfb: await boardTtfb(s.port, view, day),
          paint: median('paint'),
          filter: median('filter'),
          patch: median('patch'),
          filterCpu: median('filterCpu'),
          patchCpu: median('patchCpu'),
          sseMs: median('sseMs'),
          dragP95: median('dragP95'),
          dragMax: median('dragMax'),
          heapMb: median('heapMb'),
          dom: median('dom'),
        })
      }
    }
  } finally {
    await browser.close()
    for (const child of started) child.kill('SIGTERM')
  }
  const f = (n: number, d = 1) => n.toFixed(d)
  const { loadavg } = await import('node:os')
  console.log(
    `load average during the run: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} (2 cores shared with other work inflates wall times)`,
  )
  console.table(
    rows.map((r) => ({
      profile: r.profile,
      view: r.view,
      'jobs loaded': r.jobs,
      'payload KB': f(r.payloadKb, 0),
      'first block ms': f(r.firstBlock, 0),
      'first block target': FIRST_BLOCK_TARGET[r.profile][r.view] ? `≤${FIRST_BLOCK_TARGET[r.profile][r.view]}` : '',
      'board TTFB ms (≤100 large week)': f(r.boardTtfb, 0),
      'data→paint ms (≤800)': f(r.paint, 0),
      'drag p95 ms (≤16)': f(r.dragP95),
      'drag max ms': f(r.dragMax),
      'filter ms (≤50)': f(r.filter),
      'filter CPU ms': f(r.filterCpu),
      'SSE patch ms (≤5)': f(r.patch, 2),
      'SSE fetch+patch CPU ms': f(r.patchCpu),
      'SSE end-to-end ms': f(r.sseMs, 0),
      'DOM elements': r.dom,
      'JS heap MB (≤80)': f(r.heapMb),
    })),
  )
}
