/**
 * npm run bench -- flows: Parcours through the BFF in-process (app.fetch, no port), against the
 * embedded ERPNext seeded with the demo data and a hub that answers at once (the hub's own time is
 * not the BFF's):
 *
 *   step   a CSR starts « Pas d'Internet » for a customer with a modem, then takes its first step
 *          (each request timed; target p95 ≤ 50 ms)
 *   stats  the flow's statistics with 100,000 runs in ERPNext, bulk-inserted as the seed loads its
 *          data: the first look (every run read once) and the looks after it (only what changed);
 *          target ≤ 300 ms
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { FlowStats, RunView } from '../src/contracts/flows/types'
import { FLOW_OUTCOMES } from '../src/contracts/flows/types'
import { validateDefinition } from '../src/contracts/flows/validate'
import { toFrappeDatetime } from '../src/contracts/frappeTime'
import { createApp } from '../server/app'
import { createErpnext } from '../server/embedded/erpnext/index'
import { TEST_TOKEN } from '../server/embedded/erpnext/testing'
import { mulberry32 } from '../server/embedded/seed/random'
import { SHIPPED_DIR } from '../server/flows/shipped'
import { STAFF, staffRequest, testConfig, inProcessErp } from '../server/testing'
import type { UpstreamAnswer } from '../server/upstream/erp'
import type { HubClient } from '../server/upstream/hub'

const FLOW_KEY = 'no-internet'
const CUSTOMERS = 200
const WARM_UP = 20
const RUNS = 100_000
const STATS_LOOKS = 10
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** A modem that is online and well, answered without delay. */
const hub: HubClient = {
  baseUrl: 'http://hub.bench',
  token: 'bench',
  async send(method, path): Promise<UpstreamAnswer> {
    const body = path.startsWith('/devices/lookup')
      ? {
          serial: new URL(path, 'http://hub.bench').searchParams.get('serial'),
          online: true,
          opticalStatus: [{ interface: 'PON1', rxPowerDbm: -18.2, linkUp: true }],
          wifi: [{ band: '5GHz', clients: 6, enabled: true }],
          mesh: [],
        }
      : method === 'POST'
        ? { sid: 'SMbench', status: 'queued' }
        : { error: { code: 'NOT_FOUND' } }
    return {
      status: path.startsWith('/devices/') || method === 'POST' ? 200 : 404,
      body: JSON.stringify(body),
      contentType: 'application/json',
    }
  },
  async json() {
    return { status: 404, data: null }
  },
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))] : NaN
}

async function timed<T>(task: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now()
  const value = await task()
  return { ms: performance.now() - started, value }
}

/** 100,000 runs over the shipped flows, most ended, a few going on now. */
function generatedRuns(flows: string[], stepsOf: Map<string, string[]>, now: number) {
  const rng = mulberry32(20261201)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]
  const docs: Record<string, unknown>[] = []
  for (let i = 1; i <= RUNS; i++) {
    const flow = rng() < 0.4 ? flows[0] : pick(flows)
    const roll = rng()
    const status = roll < 0.7 ? 'Completed' : roll < 0.97 ? 'Abandoned' : 'In Progress'
    // Started some time in the last four months; the ones going on, in the last half hour.
    const started = status === 'In Progress' ? now - rng() * 30 * MINUTE : now - 1 * DAY - rng() * 120 * DAY
    const ended = started + (2 + rng() * 13) * MINUTE
    const steps = stepsOf.get(flow) ?? ['greet']
    const stamp = toFrappeDatetime(new Date(status === 'In Progress' ? started : ended))
    docs.push({
      name: `RUN-2026-${String(i).padStart(6, '0')}`,
      creation: toFrappeDatetime(new Date(started)),
      modified: stamp,
      flow,
      agent: STAFF.csr.email,
      status,
      outcome: status === 'Completed' ? pick(FLOW_OUTCOMES) : undefined,
      started_at: toFrappeDatetime(new Date(started)),
      ended_at: status === 'In Progress' ? undefined : stamp,
      current_step: pick(steps),
      context: '{}',
    })
  }
  return docs
}

/** The shipped flows as ERPNext names them, with their steps. */
async function shippedFlows(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  for (const file of (await readdir(SHIPPED_DIR)).filter((f) => f.endsWith('.json')).sort()) {
    const checked = validateDefinition(JSON.parse(await readFile(join(SHIPPED_DIR, file), 'utf8')))
    if (!checked.ok) continue
    const { key, version, steps } = checked.definition
    out.set(
      `FLOW-${key}-v${version}`,
      steps.map((s) => s.id),
    )
  }
  if (![...out.keys()].some((k) => k.startsWith(`FLOW-${FLOW_KEY}-v`)))
    throw new Error(`flows/ has no valid « ${FLOW_KEY} » flow to run`)
  return out
}

export async function run(): Promise<void> {
  const seeding = performance.now()
  const erp = createErpnext({
    dataDir: null,
    token: TEST_TOKEN,
    seedProfile: 'demo',
    seedNow: new Date(),
  })
  await erp.ready
  console.log(`demo data seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`)
  const stepsOf = await shippedFlows()
  const flows = [...stepsOf.keys()].sort((a, b) => Number(b.includes(FLOW_KEY)) - Number(a.includes(FLOW_KEY)))
  const inserting = performance.now()
  erp.insertMany('Agent Flow Run', generatedRuns(flows, stepsOf, Date.now()))
  console.log(`${RUNS.toLocaleString('en')} runs inserted in ${((performance.now() - inserting) / 1000).toFixed(1)} s`)

  const client = inProcessErp(erp)
  const app = createApp(testConfig(), { erp: client, hub })
  const call = (path: string, who: { email: string; groups: string }, body?: unknown) =>
    app.fetch(
      staffRequest(path, who, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }),
    ) as Promise<Response>
  const look = async () => {
    const answer = await timed(() => call(`/ops/api/flows/stats?key=${FLOW_KEY}`, STAFF.admin))
    if (answer.value.status !== 200) throw new Error(`stats answered ${answer.value.status}`)
    return { ms: answer.ms, stats: (await answer.value.json()) as FlowStats }
  }

  try {
    // The first look reads every run; later ones only what changed since.
    const first = await look()

    // Customers with a modem in service: the ones « Pas d'Internet » fits.
    const onts = await client.list<{ customer?: string }>('Service Equipment', {
      fields: ['customer'],
      filters: [
        ['equipment_type', '=', 'ONT'],
        ['status', '=', 'In Service'],
      ],
      limit: CUSTOMERS * 2,
    })
    const customers = [...new Set(onts.map((o) => o.customer).filter((c): c is string => !!c))].slice(0, CUSTOMERS)

    const startMs: number[] = []
    const stepMs: number[] = []
    const later: number[] = []
    let made = 0
    for (let i = 0; i < WARM_UP + customers.length; i++) {
      const customer = customers[i % customers.length]
      const started = await timed(() => call('/ops/api/flows/runs', STAFF.csr, { key: FLOW_KEY, customer }))
      if (started.value.status === 403) continue // the modem is at a location that is not the first active one
      if (started.value.status !== 201)
        throw new Error(`start answered ${started.value.status}: ${await started.value.text()}`)
      const view = (await started.value.json()) as RunView
      const stepped = await timed(() =>
        call(`/ops/api/flows/runs/${view.name}/events`, STAFF.csr, {
          event: { type: 'submit', step: view.state.current },
        }),
      )
      if (stepped.value.status !== 200) throw new Error(`step answered ${stepped.value.status}`)
      await stepped.value.text()
      made++
      // Now and then an admin looks at the statistics while runs come and go.
      if (i % 20 === 0 && later.length < STATS_LOOKS) later.push((await look()).ms)
      if (i < WARM_UP) continue
      startMs.push(started.ms)
      stepMs.push(stepped.ms)
    }

    const s = first.stats
    console.log(
      `\n${FLOW_KEY}: ${s.runs.toLocaleString('en')} runs (${s.completed} completed, ${s.abandoned} abandoned, ${s.inProgress} in progress), ` +
        `${(s.completionRate * 100).toFixed(1)} % completed, median ${((s.medianDurationMs ?? 0) / MINUTE).toFixed(1)} min; ${made} runs started`,
    )
    const rows = [
      ['start a run (POST /runs)', startMs.length, quantile(startMs, 0.5), quantile(startMs, 0.95), '—'],
      ['take a step (POST /events)', stepMs.length, quantile(stepMs, 0.5), quantile(stepMs, 0.95), 'p95 ≤ 50'],
      ['stats, first look (all runs read)', 1, first.ms, first.ms, '≤ 300'],
      ['stats, later looks (changes only)', later.length, quantile(later, 0.5), quantile(later, 0.95), '≤ 300'],
    ].map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(1)) : c)))
    const header = ['measure', 'n', 'p50 ms', 'p95 ms', 'target ms']
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
    console.log(line(header))
    console.log(widths.map((w) => '-'.repeat(w)).join('  '))
    for (const r of rows) console.log(line(r))
  } finally {
    erp.close()
  }
}
