/**
 * A flow's statistics for the admins: how many runs, how many completed or abandoned, how long a
 * completed one takes, which outcomes, and where runs are abandoned. Over 100,000 runs this must
 * answer in a blink, so the runs' few fields are kept in memory and brought up to date with only
 * what changed since the last look (`modified` ≥ the newest seen); a first look pages through
 * every run once, by name.
 */
import type { FlowStats } from '../../src/contracts/flows/types'
import { parseSiteDatetime } from '../../src/contracts/frappeTime'
import { erpData, type ErpClient } from '../upstream/erp'
import { RUN } from './store'

const PAGE = 20_000
/** The fields read, in this order (pages come as lists of values: half the bytes of objects). */
const FIELDS = ['name', 'flow', 'status', 'outcome', 'current_step', 'started_at', 'ended_at', 'modified'] as const

type RunRow = [
  name: string,
  flow: string,
  status: string | null,
  outcome: string | null,
  step: string | null,
  started: string | null,
  ended: string | null,
  modified: string | null,
]

interface RunFacts {
  flow: string
  status: string
  outcome: string
  step: string
  /** ended − started, ms; NaN when unknown. */
  durationMs: number
}

const factsOf = (r: RunRow): RunFacts => ({
  flow: r[1],
  status: r[2] ?? 'In Progress',
  outcome: r[3] ?? '',
  step: r[4] ?? '',
  durationMs: parseSiteDatetime(r[6]) - parseSiteDatetime(r[5]),
})

async function listRows(erp: ErpClient, filters: unknown[], orderBy: string, limit: number): Promise<RunRow[]> {
  const q = new URLSearchParams({
    fields: JSON.stringify([...FIELDS]),
    filters: JSON.stringify(filters),
    order_by: orderBy,
    limit_page_length: String(limit),
    as_dict: '0',
  })
  return erpData<RunRow[]>(await erp.send('GET', `/api/resource/${encodeURIComponent(RUN)}?${q}`), 'the runs')
}

/** FLOW-<key>-v<n> belongs to `key` (a key may itself hold hyphens: match the whole name). */
const versionOf = (key: string) => {
  const prefix = `FLOW-${key}-v`
  return (flow: string) => flow.startsWith(prefix) && /^\d+$/.test(flow.slice(prefix.length))
}

export function summarize(key: string, runs: Iterable<RunFacts>, tookMs = 0): FlowStats {
  const isVersion = versionOf(key)
  const known = new Map<string, boolean>()
  const belongs = (flow: string) => {
    let yes = known.get(flow)
    if (yes === undefined) known.set(flow, (yes = isVersion(flow)))
    return yes
  }
  let total = 0
  let completed = 0
  let abandoned = 0
  let inProgress = 0
  const durations: number[] = []
  const outcomes: Record<string, number> = {}
  const abandonedAt = new Map<string, number>()
  for (const r of runs) {
    if (!belongs(r.flow)) continue
    total++
    if (r.status === 'Completed') {
      completed++
      if (r.outcome) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1
      if (Number.isFinite(r.durationMs) && r.durationMs >= 0) durations.push(r.durationMs)
    } else if (r.status === 'Abandoned') {
      abandoned++
      abandonedAt.set(r.step, (abandonedAt.get(r.step) ?? 0) + 1)
    } else inProgress++
  }
  durations.sort((a, b) => a - b)
  const mid = durations.length >> 1
  const median = durations.length
    ? durations.length % 2
      ? durations[mid]
      : Math.round((durations[mid - 1] + durations[mid]) / 2)
    : null
  return {
    key,
    runs: total,
    completed,
    abandoned,
    inProgress,
    completionRate: completed + abandoned ? completed / (completed + abandoned) : 0,
    medianDurationMs: median,
    outcomes,
    abandonedAt: [...abandonedAt]
      .map(([step, count]) => ({ step, count }))
      .sort((a, b) => b.count - a.count || a.step.localeCompare(b.step)),
    tookMs,
  }
}

/** Every run's few facts, in memory, kept current from ERPNext on each look. */
export class RunFactsCache {
  private readonly runs = new Map<string, RunFacts>()
  private newest: string | null = null
  private loaded = false
  private loading: Promise<void> | null = null

  constructor(private readonly erp: ErpClient) {}

  private remember(rows: RunRow[]) {
    for (const r of rows) {
      this.runs.set(r[0], factsOf(r))
      const modified = r[7]
      if (modified && (!this.newest || modified > this.newest)) this.newest = modified
    }
  }

  private async loadAll(): Promise<void> {
    // What changes while the pages are read is read again next time: start from the newest
    // `modified` as it was before the first page.
    const [latest] = await listRows(this.erp, [], 'modified desc', 1)
    for (let after: string | null = null; ;) {
      const rows: RunRow[] = await listRows(this.erp, after ? [['name', '>', after]] : [], 'name asc', PAGE)
      for (const r of rows) this.runs.set(r[0], factsOf(r))
      if (rows.length < PAGE) break
      after = rows[rows.length - 1][0]
    }
    this.newest = latest?.[7] ?? null
    this.loaded = true
  }

  private async catchUp(): Promise<void> {
    this.remember(await listRows(this.erp, this.newest ? [['modified', '>=', this.newest]] : [], 'modified asc', 0))
  }

  /** Brings the cache up to date (one look at a time; a look that fails leaves it for the next). */
  refresh(): Promise<void> {
    this.loading ??= (this.loaded ? this.catchUp() : this.loadAll()).finally(() => {
      this.loading = null
    })
    return this.loading
  }

  /** Reads every run once if no look did yet (a served BFF does this soon after it starts). */
  warm(): Promise<void> {
    return this.loaded ? Promise.resolve() : this.refresh()
  }

  async stats(key: string): Promise<FlowStats> {
    const started = performance.now()
    await this.refresh()
    const stats = summarize(key, this.runs.values())
    return { ...stats, tookMs: Math.round((performance.now() - started) * 10) / 10 }
  }
}
