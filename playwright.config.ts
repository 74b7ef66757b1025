import { execSync } from 'node:child_process'
import { defineConfig, type PlaywrightTestConfig } from '@playwright/test'
import type { WorldOptions } from './e2e/fixtures'

// The journeys run the app as production does: the SPA built and the server compiled (dist/),
// rebuilt first when older than their sources. Once, in the runner: its workers only read this file.
if (!process.env.TEST_WORKER_INDEX) execSync('node scripts/build-if-needed.mjs', { stdio: 'inherit' })

const PORT = Number(process.env.E2E_PORT ?? 3199)
/** Each port gets its own data directory, so two runs on one machine never share state. */
export const E2E_DATA_DIR = `.tmp/e2e-data-${PORT}`

/**
 * The journeys' clock. With E2E_NOW (an ISO instant with its offset, e.g.
 * `E2E_NOW=2026-11-01T01:50:00-04:00 npx playwright test`) they run as if it were that instant: the
 * server seeds its data around it (SEED_NOW) and its clock reads it (e2e/serverClock.ts), the
 * browsers' clocks and the tests' own `world.now()` too, and time runs on from there. Every process
 * measures the shift from the same origin, the runner's start, handed to its workers.
 */
process.env.E2E_CLOCK_ORIGIN ??= String(Date.now())
const ORIGIN = Number(process.env.E2E_CLOCK_ORIGIN)
const E2E_NOW = process.env.E2E_NOW || undefined
if (E2E_NOW && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})$/.test(E2E_NOW)) {
  throw new Error(`E2E_NOW must be an ISO date-time with its offset, e.g. 2026-11-01T01:50:00-04:00 (got "${E2E_NOW}")`)
}

/**
 * The autumn clock change, from the evening before: tomorrow, the day the journeys book on, is 25
 * hours long. The board's times, the tablet's "tomorrow" and the technicians' shifts are checked
 * there on every run, whatever the real date.
 */
const AUTUMN_EVE = '2026-10-31T20:00:00-04:00'

type Server = NonNullable<Extract<PlaywrightTestConfig['webServer'], unknown[]>>[number]

/** The production start command on a fresh data directory, at `now` when given. */
function server(port: number, now: string | undefined): Server {
  const dataDir = `.tmp/e2e-data-${port}`
  const shift = now ? Date.parse(now) - ORIGIN : 0
  return {
    command: `rm -rf ${dataDir} && node ${now ? '--import tsx --import ./e2e/serverClock.ts ' : ''}--enable-source-maps dist/server/main.js`,
    url: `http://127.0.0.1:${port}/ops/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      HUB_TEST_HOOKS: '1',
      SEED_PROFILE: 'demo',
      // Low enough for a journey to reach the limit of modem polls in a few clicks.
      RATE_LIMITS: 'diagnose=5',
      ...(now ? { SEED_NOW: now, E2E_CLOCK_SHIFT_MS: String(shift) } : {}),
      ...(process.env.SPA_DIR ? { SPA_DIR: process.env.SPA_DIR } : {}),
    },
  }
}

/** What a project's browsers and API calls use: its server, its clock, the app's own Origin on writes. */
function at(port: number, now: string | undefined) {
  const origin = `http://127.0.0.1:${port}`
  return { baseURL: origin, extraHTTPHeaders: { origin }, clockShiftMs: now ? Date.parse(now) - ORIGIN : 0 }
}

const autumn = !E2E_NOW

/**
 * End-to-end journeys in Debian's Chromium (npm cannot download a browser here), against the
 * production start command with the embedded ERPNext and hub, on a fresh data directory.
 */
export default defineConfig<WorldOptions>({
  testDir: 'e2e',
  // Per port too: a run clears its output directory when it starts, and must not clear another's.
  outputDir: `test-results/e2e-${PORT}`,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One browser at a time: the specs share one BFF whose embedded upstreams decode photos and
  // seed boards on the same two cores, and a journey should not fail because another one is busy.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    locale: 'fr-CA',
    timezoneId: 'America/Toronto',
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-dev-shm-usage',
      ],
    },
    // Recording a trace of every journey takes ~40 % of the run's time (its DOM snapshots and
    // screencast on two cores): off unless asked for with E2E_TRACE=1, to look into a failure.
    trace: process.env.E2E_TRACE === '1' ? 'retain-on-failure' : 'off',
  },
  projects: [
    { name: 'journeys', use: at(PORT, E2E_NOW) },
    // The dispatcher's and the technician's days once more, the evening before the clocks fall back.
    ...(autumn
      ? [
          {
            name: 'autumn-eve',
            use: at(PORT + 1, AUTUMN_EVE),
            testMatch: ['dispatch.spec.ts', 'tech.spec.ts'],
            // The journeys that turn a place on the board or a key press into a time, and the tablet's day.
            grep: [
              /dragged from the queue onto a technician/,
              /warn of an overlap/,
              /assigned with the keyboard alone/,
              /no requested time waits in the queue/,
              /sees their day in order .*\(landscape\)/,
            ],
          },
        ]
      : []),
  ],
  webServer: [server(PORT, E2E_NOW), ...(autumn ? [server(PORT + 1, AUTUMN_EVE)] : [])],
})
