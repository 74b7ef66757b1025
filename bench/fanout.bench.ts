/**
 * npm run bench -- fanout: 1,000 live event streams (dispatchers and technicians) on the BFF and
 * writes to one job → how fast each write reaches every stream that should carry it, and what a
 * connection costs in memory. Then the same 1,000 split over two replicas sharing one Redis, the
 * writes made on one of them.
 *
 * The streams: 70 % dispatchers (they see every write), 30 % technicians — a few tabs of the
 * technician whose job is written (they see it), the rest other technicians (they must not).
 * Delivery is timed from the moment the write is sent to the moment a stream has the event.
 * Target: p99 ≤ 200 ms. Memory per connection: the BFF's resident memory after connecting,
 * less before, over the connections.
 */
import { request, type ClientRequest } from 'node:http'
import {
  ADMIN,
  DISPATCHER,
  ERP_TOKEN,
  fmt,
  percentile,
  rssBytes,
  sleep,
  startBff,
  startRedis,
  startUpstreams,
  technicianHeaders,
  verdict,
  type Proc,
} from './resilience'

const STREAMS = Number(process.env.BENCH_FANOUT_STREAMS ?? 1_000)
const WRITES = 5
const TARGET_P99_MS = 200
const OWN_TABS = 10

interface Stream {
  kind: 'dispatcher' | 'own' | 'other'
  req: ClientRequest
  ready: Promise<void>
  /** Arrival times of doc_update events of the job, by modified. */
  arrivals: Map<string, number>
}

function open(url: string, headers: Record<string, string>, kind: Stream['kind'], job: string): Stream {
  const arrivals = new Map<string, number>()
  let markReady!: () => void
  const ready = new Promise<void>((r) => (markReady = r))
  const req = request(`${url}/ops/api/events`, { headers: { ...headers, accept: 'text/event-stream' }, agent: false })
  req.on('response', (res) => {
    let buffer = ''
    res.setEncoding('utf8')
    res.on('data', (chunk: string) => {
      const at = performance.now()
      buffer += chunk
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        if (block.includes('event: hello')) markReady()
        if (!block.includes('event: doc_update')) continue
        const data = block.split('\n').find((l) => l.startsWith('data: '))
        const doc = JSON.parse(data?.slice(6) ?? '{}') as { name?: string; modified?: string }
        if (doc.name === job && doc.modified && !arrivals.has(doc.modified)) arrivals.set(doc.modified, at)
      }
    })
  })
  req.on('error', () => undefined)
  req.end()
  return { kind, req, ready, arrivals }
}

async function pick(erpUrl: string) {
  const get = async <T>(path: string) =>
    ((await (await fetch(erpUrl + path, { headers: { authorization: `token ${ERP_TOKEN}` } })).json()) as { data: T })
      .data
  const techs = await get<{ name: string; email: string | null }[]>(
    `/api/resource/Technician?fields=${encodeURIComponent('["name","email"]')}&limit_page_length=0`,
  )
  const withEmail = techs.filter((t) => t.email)
  for (const t of withEmail) {
    const jobs = await get<{ name: string }[]>(
      `/api/resource/Dispatch%20Job?fields=${encodeURIComponent('["name"]')}&filters=${encodeURIComponent(JSON.stringify([['technician', '=', t.name]]))}&limit_page_length=1`,
    )
    if (jobs[0]) return { own: t, job: jobs[0].name, others: withEmail.filter((o) => o.name !== t.name) }
  }
  throw new Error('no technician with a job and an e-mail in the demo data')
}

async function connect(replicas: Proc[], picked: Awaited<ReturnType<typeof pick>>): Promise<Stream[]> {
  const streams: Stream[] = []
  const technicians = Math.round(STREAMS * 0.3)
  for (let i = 0; i < STREAMS; i++) {
    const url = replicas[i % replicas.length].url
    let s: Stream
    if (i % 10 < 7 || technicians === 0) s = open(url, DISPATCHER, 'dispatcher', picked.job)
    else if (streams.filter((x) => x.kind === 'own').length < OWN_TABS)
      s = open(url, technicianHeaders(picked.own.email!), 'own', picked.job)
    else s = open(url, technicianHeaders(picked.others[i % picked.others.length].email!), 'other', picked.job)
    streams.push(s)
    if (i % 100 === 99) await Promise.all(streams.slice(-100).map((x) => x.ready))
  }
  await Promise.all(streams.map((s) => s.ready))
  return streams
}

async function writes(url: string, job: string, streams: Stream[]) {
  const deliveries: number[] = []
  let missing = 0
  let leaked = 0
  for (let w = 0; w < WRITES; w++) {
    const sent = performance.now()
    const res = await fetch(`${url}/ops/api/erp/resource/Dispatch%20Job/${encodeURIComponent(job)}`, {
      method: 'PUT',
      headers: { ...ADMIN, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
      body: JSON.stringify({ description: `fan-out ${w} ${Date.now()}` }),
    })
    const saved = ((await res.json()) as { data?: { modified?: string } }).data
    if (!res.ok || !saved?.modified) throw new Error(`the write answered ${res.status}`)
    const modified = saved.modified
    const expected = streams.filter((s) => s.kind !== 'other')
    const deadline = performance.now() + 10_000
    while (expected.some((s) => !s.arrivals.has(modified)) && performance.now() < deadline) await sleep(10)
    await sleep(200) // time for a wrongly routed event to show up
    for (const s of expected) {
      const at = s.arrivals.get(modified)
      if (at === undefined) missing++
      else deliveries.push(at - sent)
    }
    leaked += streams.filter((s) => s.kind === 'other' && s.arrivals.has(modified)).length
    await sleep(300)
  }
  deliveries.sort((a, b) => a - b)
  return { deliveries, missing, leaked }
}

async function scenario(label: string, replicas: Proc[], picked: Awaited<ReturnType<typeof pick>>) {
  const before = replicas.map((r) => rssBytes(r.child.pid!))
  const connectStart = performance.now()
  const streams = await connect(replicas, picked)
  const connectS = (performance.now() - connectStart) / 1000
  await sleep(1_000)
  const after = replicas.map((r) => rssBytes(r.child.pid!))
  const perConnection = after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)
  const { deliveries, missing, leaked } = await writes(replicas[0].url, picked.job, streams)
  for (const s of streams) s.req.destroy()
  const p99 = percentile(deliveries, 99)
  console.log(`\n${label}: ${streams.length} streams connected in ${fmt(connectS, 1)} s, ${WRITES} writes`)
  console.table({
    deliveries: {
      count: deliveries.length,
      'p50 ms': fmt(percentile(deliveries, 50), 1),
      'p99 ms': fmt(p99, 1),
      'max ms': fmt(deliveries.at(-1) ?? NaN, 1),
      missing,
      'to other technicians': leaked,
    },
  })
  console.log(
    `delivery p99 ${fmt(p99, 1)} ms (target ≤ ${TARGET_P99_MS} ms) — ${verdict(p99 <= TARGET_P99_MS && missing === 0 && leaked === 0)}`,
  )
  console.log(`memory per connection: ${fmt(perConnection / streams.length / 1024, 1)} KiB (BFF resident memory)`)
  await sleep(1_000)
}

export async function run(): Promise<void> {
  const up = await startUpstreams('fanout')
  const picked = await pick(up.erp.url)
  const env = { RATE_LIMITS: 'diagnose=0,sms=0,invite=0' }
  try {
    const one = await startBff({ erpUrl: up.erp.url, hubUrl: up.hub.url }, env)
    try {
      await scenario('One replica (events in memory)', [one], picked)
    } finally {
      await one.stop()
    }
    const redis = await startRedis()
    const replicas: Proc[] = []
    try {
      replicas.push(await startBff({ erpUrl: up.erp.url, hubUrl: up.hub.url }, { ...env, REDIS_URL: redis.url }))
      replicas.push(await startBff({ erpUrl: up.erp.url, hubUrl: up.hub.url }, { ...env, REDIS_URL: redis.url }))
      await scenario('Two replicas on Redis (writes on the first)', replicas, picked)
    } finally {
      for (const r of replicas) await r.stop()
      redis.stop()
    }
  } finally {
    await up.stop()
  }
}
