import { defineConfig } from '@playwright/test'

const PORT = Number(process.env.E2E_PORT ?? 3199)
/** Each port gets its own data directory, so two runs on one machine never share state. */
export const E2E_DATA_DIR = `.tmp/e2e-data-${PORT}`

/**
 * End-to-end journeys in Debian's Chromium (npm cannot download a browser here), against the
 * production start command with the embedded ERPNext and hub, on a fresh data directory.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One browser at a time: the specs share one BFF whose embedded upstreams decode photos and
  // seed boards on the same two cores, and a journey should not fail because another one is busy.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    locale: 'fr-CA',
    timezoneId: 'America/Toronto',
    viewport: { width: 1600, height: 1000 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    // A fresh data directory each run; then exactly the production start command.
    command: `rm -rf ${E2E_DATA_DIR} && node --import tsx server/main.ts`,
    url: `http://127.0.0.1:${PORT}/ops/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: E2E_DATA_DIR, HUB_TEST_HOOKS: '1', SEED_PROFILE: 'demo',
      // Low enough for a journey to reach the limit of modem polls in a few clicks.
      RATE_LIMITS: 'diagnose=5',
      ...(process.env.SPA_DIR ? { SPA_DIR: process.env.SPA_DIR } : {}),
    },
  },
})
