/**
 * npm run bench -- lighthouse: Lighthouse 12.2.3 in Debian's Chromium against the production
 * build, served by a BFF with embedded upstreams and the `demo` dataset on a free port:
 *
 *   the technician's day (#/tech) in mobile emulation with Lighthouse's default throttling
 *   (slow 4G, 4× CPU) — targets: performance ≥ 95, accessibility 100;
 *   the board (#/dispatch) with the desktop preset — targets: performance ≥ 90, accessibility ≥ 95.
 *
 * The persona comes as the demo persona cookie on every request (Lighthouse's extraHeaders), as the
 * other benches sign in. Each page is measured five times (LIGHTHOUSE_RUNS); the median run is
 * printed. BENCH_SPA_DIR serves another build (e.g. an older one, to compare).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse, { desktopConfig, type Config, type Flags } from 'lighthouse'
import { buildSpa, ROOT } from './spaBuild'
import { SERVER_ARGS, startupSettled } from './startup'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 5)

interface Target {
  name: string
  hash: string
  persona: string
  config?: Config
  performance: number
  accessibility: number
}

const TARGETS: Target[] = [
  { name: 'technician’s day, mobile', hash: '#/tech', persona: 'technician', performance: 95, accessibility: 100 },
  {
    name: 'board, desktop',
    hash: '#/dispatch',
    persona: 'dispatcher',
    config: desktopConfig,
    performance: 90,
    accessibility: 95,
  },
]

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolvePort(port))
    })
  })
}

async function startServer(): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort()
  const dataDir = join(ROOT, '.tmp/bench-lighthouse')
  // The demo dataset is laid out around today: seeded afresh each run.
  rmSync(dataDir, { recursive: true, force: true })
  mkdirSync(dataDir, { recursive: true })
  const child = spawn(process.execPath, SERVER_ARGS, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      SEED_PROFILE: 'demo',
      SPA_DIR: process.env.BENCH_SPA_DIR ?? buildSpa('spa-lighthouse'),
      ERP_URL: '',
      HUB_URL: '',
      // startupSettled reads the info lines.
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const settled = startupSettled(child)
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 5 * 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the BFF exited (${child.exitCode})`)
    if (Date.now() > deadline) throw new Error('the BFF did not become ready')
    const ready = await fetch(`${base}/ops/readyz`, { signal: AbortSignal.timeout(2000) }).catch(() => null)
    if (ready?.status === 200) break
    await new Promise((r) => setTimeout(r, 500))
  }
  // Measured once the BFF has compressed its files and built its search index, as staff meet it.
  if (!(await settled)) console.log('  the BFF had not finished its start-up work: measuring anyway')
  return { base, child }
}

interface Scores {
  performance: number
  accessibility: number
  fcp: number
  lcp: number
  tbt: number
  cls: number
  si: number
  failing: string[]
}

/** A run Lighthouse could not score (its runtime error, e.g. NO_FCP): not a measurement, said and run again. */
class AuditFailed extends Error {}

async function audit(url: string, target: Target, port: number): Promise<Scores> {
  const flags: Flags = {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    extraHeaders: { Cookie: `ops_demo_persona=${target.persona}` },
  }
  const result = await lighthouse(url, flags, target.config)
  if (!result) throw new Error(`Lighthouse returned nothing for ${url}`)
  const { categories, audits, runtimeError } = result.lhr
  if (runtimeError || categories.performance?.score == null)
    throw new AuditFailed(runtimeError ? `${runtimeError.code}: ${runtimeError.message}` : 'no performance score')
  const score = (id: string) => Math.round((categories[id]?.score ?? 0) * 100)
  const ms = (id: string) => Math.round(audits[id]?.numericValue ?? NaN)
  const failing = (categories.accessibility?.auditRefs ?? [])
    .filter((ref) => ref.weight > 0 && audits[ref.id]?.score === 0)
    .map((ref) => ref.id)
  return {
    performance: score('performance'),
    accessibility: score('accessibility'),
    fcp: ms('first-contentful-paint'),
    lcp: ms('largest-contentful-paint'),
    tbt: ms('total-blocking-time'),
    cls: Number((audits['cumulative-layout-shift']?.numericValue ?? NaN).toFixed(3)),
    si: ms('speed-index'),
    failing,
  }
}

export async function run(): Promise<void> {
  const { base, child } = await startServer()
  const chrome = await chromeLauncher.launch({
    chromePath: CHROMIUM,
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  })
  try {
    const rows = []
    for (const target of TARGETS) {
      const runs: Scores[] = []
      const failed: string[] = []
      while (runs.length < RUNS) {
        try {
          runs.push(await audit(`${base}/ops/${target.hash}`, target, chrome.port))
        } catch (err) {
          if (!(err instanceof AuditFailed) || failed.length >= RUNS) throw err
          failed.push(err.message)
          console.log(`${target.name}: a run failed (${err.message}); running it again`)
        }
      }
      const median = [...runs].sort((a, b) => a.performance - b.performance)[Math.floor(runs.length / 2)]
      rows.push({
        page: target.name,
        performance: median.performance,
        'perf target': `≥ ${target.performance}`,
        accessibility: median.accessibility,
        'a11y target': target.accessibility === 100 ? '100' : `≥ ${target.accessibility}`,
        'FCP ms': median.fcp,
        'LCP ms': median.lcp,
        'TBT ms': median.tbt,
        'SI ms': median.si,
        CLS: median.cls,
        'perf runs': runs.map((r) => r.performance).join('/') + (failed.length ? ` (+${failed.length} failed)` : ''),
      })
      if (median.failing.length)
        console.log(`${target.name}: accessibility audits failing: ${median.failing.join(', ')}`)
    }
    console.table(rows)
  } finally {
    chrome.kill()
    child.kill()
  }
}
