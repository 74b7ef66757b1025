/**
 * npm run bench -- chaos: writes and live event streams while the system is being broken.
 *
 * Redis, the embedded ERPNext and hub (processes of their own) and two BFF replicas A and B on
 * Redis. CLIENTS dispatcher event streams, spread over A and B; each remembers the id of the last
 * event it received and, when its stream ends, comes back (to its own replica, or to the other
 * one when its own does not answer) with `Last-Event-ID`. A writer changes the description of
 * JOBS Dispatch Jobs, WRITES_PER_S writes a second in all, each with a marker of its own
 * (`chaos-<n>`) and the `modified` it last read, through whichever replica answers; a write that
 * failed (no answer, 5xx, 417) is re-read and, unless its marker is already there (the answer was
 * lost, not the write), made again with the `modified` just read.
 *
 * Meanwhile: replica A is killed (SIGKILL) and started again on its port, replica B is stopped
 * (SIGTERM, graceful) and started again, then ERPNext is frozen for PAUSE_MS. The switch of
 * /ops/api/_test/upstreams/erpnext/pause cannot be used here: it lives in the process that embeds
 * ERPNext and is mounted only in demo mode, while these replicas are started as in production
 * (ERP_URL set) against an ERPNext that runs as its own process. So ERPNext is frozen with
 * SIGSTOP and thawed with SIGCONT (docs/EXPLOITATION.md: "looks the same as an outage, only
 * slower to detect").
 *
 * Afterwards:
 * - writes lost: acknowledged writes (2xx) not shown to be in ERPNext. An acknowledged write is
 *   shown there when a later accepted write of the same job was made on top of its `modified`, or
 *   a read saw its marker with its `modified`, or (the last one of a job) it is the job's final
 *   description read back from ERPNext.
 * - events lost: per client, the doc_update of an acknowledged write (job, modified) never
 *   received; doubled: an event id received twice by a client, or one write announced under two
 *   ids. Every client is counted: all are connected before the first write and stay (reconnecting)
 *   until the end.
 * - event delay: from the moment the acknowledged attempt was sent to the moment a client has
 *   the event (an event that reached a client through a resume counts its reconnection), and
 *   from the moment its answer came back (which leaves out the time the write itself waited).
 */
import { request, type ClientRequest } from 'node:http'
import {
  ADMIN,
  DISPATCHER,
  ERP_TOKEN,
  fmt,
  percentile,
  sleep,
  startBff,
  startRedis,
  startUpstreams,
  verdict,
  type Proc,
} from './resilience'

const CLIENTS = Number(process.env.BENCH_CHAOS_CLIENTS ?? 50)
const JOBS = 10
const WRITES_PER_S = 5
/** When each blow lands, from the first write (ms). */
const KILL_A_AT = 8_000
const DOWN_A_MS = 3_000
const TERM_B_AT = 26_000
const DOWN_B_MS = 2_000
const PAUSE_AT = 46_000
const PAUSE_MS = 5_000
const WRITES_FOR_MS = 64_000
/** A write still failing after this long is given up (and reported). */
const WRITE_GIVE_UP_MS = 60_000
const SETTLE_MS = 20_000

const t0 = { at: 0 }
const now = () => performance.now() - t0.at
const say = (msg: string) => console.log(`${fmt(now() / 1000, 1).padStart(6)} s  ${msg}`)

// ---------------------------------------------------------------- event stream clients

interface Arrival {
  id: string
  at: number
}

interface Client {
  home: number
  lastId: string | null
  req: ClientRequest | null
  /** Times each event id was received. */
  ids: Map<string, number>
  /** First arrival of each write (job|modified) of the watched jobs, and the ids it came under. */
  writes: Map<string, Arrival>
  /** Same write under a second id. */
  reannounced: number
  reconnects: number
  resyncs: number
  failedAttempts: number
  ready: Promise<void>
}

function connectClient(urls: string[], home: number, jobs: Set<string>, stopping: { now: boolean }): Client {
  let markReady!: () => void
  const client: Client = {
    home,
    lastId: null,
    req: null,
    ids: new Map(),
    writes: new Map(),
    reannounced: 0,
    reconnects: 0,
    resyncs: 0,
    failedAttempts: 0,
    ready: new Promise<void>((r) => (markReady = r)),
  }
  let retryMs = 1_000

  const attempt = (replica: number, tries: number) => {
    if (stopping.now) return
    let done = false
    let streaming = false
    const lost = () => {
      if (done || stopping.now) return
      done = true
      client.req = null
      if (streaming) {
        // The stream ended (replica stopped or killed): come back after the retry hint, at home first.
        client.reconnects++
        setTimeout(() => attempt(client.home, 0), retryMs)
      } else {
        // Could not connect: try the other replica, then home again, a little later each time.
        client.failedAttempts++
        setTimeout(() => attempt((replica + 1) % urls.length, tries + 1), Math.min(250 * (tries + 1), 1_000))
      }
    }
    const headers: Record<string, string> = { ...DISPATCHER, accept: 'text/event-stream' }
    if (client.lastId !== null) headers['last-event-id'] = client.lastId
    const req = request(`${urls[replica]}/ops/api/events`, { headers, agent: false })
    client.req = req
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        res.on('end', lost)
        return
      }
      streaming = true
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        const at = performance.now()
        buffer += chunk
        let cut: number
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          let id: string | null = null
          let type = 'message'
          let data = ''
          for (const line of block.split('\n')) {
            if (line.startsWith('id: ')) id = line.slice(4)
            else if (line.startsWith('event: ')) type = line.slice(7)
            else if (line.startsWith('data: ')) data = line.slice(6)
            else if (line.startsWith('retry: ')) retryMs = Number(line.slice(7)) || retryMs
          }
          if (id !== null) client.lastId = id
          if (type === 'hello') markReady()
          if (type === 'resync') client.resyncs++
          if (type !== 'doc_update' || id === null) continue
          client.ids.set(id, (client.ids.get(id) ?? 0) + 1)
          const doc = JSON.parse(data || '{}') as { doctype?: string; name?: string; modified?: string }
          if (doc.doctype !== 'Dispatch Job' || !doc.name || !jobs.has(doc.name) || !doc.modified) continue
          const key = `${doc.name}|${doc.modified}`
          const first = client.writes.get(key)
          if (!first) client.writes.set(key, { id, at })
          else if (first.id !== id) client.reannounced++
        }
      })
      res.on('end', lost)
      res.on('close', lost)
      res.on('error', lost)
    })
    req.on('error', lost)
    req.on('close', () => {
      if (!streaming) lost()
    })
    req.end()
  }
  attempt(home, 0)
  return client
}

// ---------------------------------------------------------------- writer

interface Ack {
  job: string
  marker: string
  modified: string
  /** The `modified` the accepted attempt was made with. */
  basis: string
  sentAt: number
  answeredAt: number
  verified: boolean
}

interface WriterStats {
  sent: number
  acknowledged: Ack[]
  /** The answer was lost but the marker was found in ERPNext on re-reading. */
  landedUnanswered: { job: string; marker: string; modified: string }[]
  retried: number
  attempts: number
  /** Failed attempts by answer: the status, or the network error when there was none. */
  failed: Map<string, number>
  givenUp: string[]
  /** What reads saw: job|modified → description. */
  seen: Map<string, string>
  /** job|modified that ERPNext accepted a write on top of (so that state was stored). */
  witnesses: Set<string>
  /** The marker of the last write of each job that was made (acknowledged or found on re-reading). */
  lastDone: Map<string, string>
}

const writeHeaders = { ...ADMIN, 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }
const jobPath = (job: string) => `/ops/api/erp/resource/Dispatch%20Job/${encodeURIComponent(job)}`

function writer(urls: string[], jobs: string[], start: Map<string, string>, stats: WriterStats, until: number) {
  let turn = 0
  let counter = 0
  const pickReplica = () => turn++ % urls.length

  async function read(job: string): Promise<{ description: string; modified: string }> {
    let replica = pickReplica()
    const deadline = performance.now() + 2 * WRITE_GIVE_UP_MS
    for (;;) {
      if (performance.now() > deadline)
        throw new Error(`${job} could not be read for ${(2 * WRITE_GIVE_UP_MS) / 1000} s`)
      try {
        const res = await fetch(urls[replica] + jobPath(job), {
          headers: ADMIN,
          signal: AbortSignal.timeout(40_000),
        })
        const body = (await res.json().catch(() => ({}))) as { data?: { description?: string; modified?: string } }
        if (res.ok && body.data?.modified) {
          const doc = { description: body.data.description ?? '', modified: body.data.modified }
          stats.seen.set(`${job}|${doc.modified}`, doc.description)
          return doc
        }
      } catch {
        // no answer: the other replica
      }
      replica = (replica + 1) % urls.length
      await sleep(200)
    }
  }

  async function writeOnce(job: string, basis: { modified: string }) {
    const marker = `chaos-${counter++}`
    stats.sent++
    const began = now()
    let replica = pickReplica()
    let tries = 0
    let modified = basis.modified
    const tried = new Set<string>()
    for (;;) {
      tried.add(modified)
      tries++
      stats.attempts++
      const sentAt = performance.now()
      let status: number
      let error = ''
      let saved: { modified?: string; description?: string } | undefined
      try {
        const res = await fetch(urls[replica] + jobPath(job), {
          method: 'PUT',
          headers: writeHeaders,
          body: JSON.stringify({ description: marker, modified }),
          signal: AbortSignal.timeout(40_000),
        })
        status = res.status
        saved = ((await res.json().catch(() => ({}))) as { data?: typeof saved }).data
      } catch (err) {
        status = 0
        const cause = (err as { cause?: { code?: string } }).cause
        error = cause?.code ?? (err as Error).name
      }
      if (status >= 200 && status < 300 && saved?.modified) {
        stats.acknowledged.push({
          job,
          marker,
          modified: saved.modified,
          basis: modified,
          sentAt,
          answeredAt: performance.now(),
          verified: false,
        })
        stats.witnesses.add(`${job}|${modified}`)
        stats.lastDone.set(job, marker)
        basis.modified = saved.modified
        if (tries > 1) stats.retried++
        return
      }
      const why = status ? String(status) : error
      stats.failed.set(why, (stats.failed.get(why) ?? 0) + 1)
      if (now() - began > WRITE_GIVE_UP_MS) {
        stats.givenUp.push(`${job} ${marker} (last answer ${status || 'none'})`)
        if (tries > 1) stats.retried++
        return
      }
      if (status !== 417) await sleep(300)
      const doc = await read(job)
      basis.modified = doc.modified
      if (doc.description === marker) {
        // The write was made; only its answer was lost.
        stats.landedUnanswered.push({ job, marker, modified: doc.modified })
        // Accepted on top of the one `modified` it was tried with, if it was tried with only one.
        if (tried.size === 1) stats.witnesses.add(`${job}|${modified}`)
        stats.lastDone.set(job, marker)
        stats.retried++
        return
      }
      modified = doc.modified
      replica = (replica + 1) % urls.length
    }
  }

  const period = (JOBS / WRITES_PER_S) * 1_000
  return Promise.all(
    jobs.map(async (job, i) => {
      await sleep((i * period) / jobs.length)
      const basis = { modified: start.get(job)! }
      while (now() < until) {
        const next = performance.now() + period
        await writeOnce(job, basis)
        const wait = next - performance.now()
        if (wait > 0) await sleep(wait)
      }
    }),
  )
}

// ---------------------------------------------------------------- the run

async function erpGet<T>(erpUrl: string, path: string): Promise<T> {
  const res = await fetch(erpUrl + path, { headers: { authorization: `token ${ERP_TOKEN}` } })
  return ((await res.json()) as { data: T }).data
}

export async function run(): Promise<void> {
  const redis = await startRedis()
  const up = await startUpstreams('chaos')
  const env = { RATE_LIMITS: 'diagnose=0,sms=0,invite=0', REDIS_URL: redis.url }
  const upstream = { erpUrl: up.erp.url, hubUrl: up.hub.url }
  const replicas: (Proc | null)[] = []
  const stopping = { now: false }
  const clients: Client[] = []
  try {
    replicas.push(await startBff(upstream, env))
    replicas.push(await startBff(upstream, env))
    const urls = replicas.map((r) => r!.url)
    const port = (u: string) => Number(new URL(u).port)

    const rows = await erpGet<{ name: string; modified: string }[]>(
      up.erp.url,
      `/api/resource/Dispatch%20Job?fields=${encodeURIComponent('["name","modified"]')}&filters=${encodeURIComponent(
        JSON.stringify([['status', 'in', ['Scheduled', 'Unscheduled']]]),
      )}&limit_page_length=${JOBS}`,
    )
    if (rows.length < JOBS) throw new Error(`only ${rows.length} jobs to write to`)
    const jobs = rows.map((r) => r.name)
    const start = new Map(rows.map((r) => [r.name, r.modified]))
    const watched = new Set(jobs)

    for (let i = 0; i < CLIENTS; i++) clients.push(connectClient(urls, i % urls.length, watched, stopping))
    const opened = await Promise.race([Promise.all(clients.map((c) => c.ready)).then(() => true), sleep(30_000)])
    if (!opened) throw new Error('the event streams did not all open within 30 s')
    console.log(
      `${CLIENTS} event streams on A and B, ${JOBS} jobs, ${WRITES_PER_S} writes/s for ${WRITES_FOR_MS / 1000} s`,
    )

    const stats: WriterStats = {
      sent: 0,
      acknowledged: [],
      landedUnanswered: [],
      retried: 0,
      attempts: 0,
      failed: new Map(),
      givenUp: [],
      seen: new Map(),
      witnesses: new Set(),
      lastDone: new Map(),
    }
    t0.at = performance.now()
    const writing = writer(urls, jobs, start, stats, WRITES_FOR_MS)
    writing.catch(() => undefined) // awaited below, after the blows

    const chaos = (async () => {
      await sleep(KILL_A_AT - now())
      say('SIGKILL replica A')
      replicas[0]!.child.kill('SIGKILL')
      await replicas[0]!.exited
      replicas[0] = null
      await sleep(DOWN_A_MS)
      say('starting replica A again')
      replicas[0] = await startBff(upstream, env, port(urls[0]))
      say('replica A answers')

      await sleep(TERM_B_AT - now())
      say('SIGTERM replica B')
      replicas[1]!.child.kill('SIGTERM')
      const code = await replicas[1]!.exited
      say(`replica B exited (${code})`)
      replicas[1] = null
      await sleep(DOWN_B_MS)
      say('starting replica B again')
      replicas[1] = await startBff(upstream, env, port(urls[1]))
      say('replica B answers')

      await sleep(PAUSE_AT - now())
      say('SIGSTOP ERPNext')
      up.erp.child.kill('SIGSTOP')
      await sleep(PAUSE_MS)
      up.erp.child.kill('SIGCONT')
      say('SIGCONT ERPNext')
    })()

    await chaos
    await writing
    say(`writes done: ${stats.sent} sent`)

    // Every client should now catch up with every acknowledged write.
    const keys = stats.acknowledged.map((a) => `${a.job}|${a.modified}`)
    const settleUntil = performance.now() + SETTLE_MS
    while (clients.some((c) => keys.some((k) => !c.writes.has(k))) && performance.now() < settleUntil) await sleep(100)
    await sleep(1_000) // a late duplicate would show now
    stopping.now = true
    for (const c of clients) c.req?.destroy()

    // Writes: the chain of `modified`, the reads, and the final state in ERPNext itself.
    const final = new Map<string, { description: string; modified: string }>()
    for (const job of jobs) {
      const doc = await erpGet<{ description: string; modified: string }>(
        up.erp.url,
        `/api/resource/Dispatch%20Job/${encodeURIComponent(job)}`,
      )
      final.set(job, doc)
    }
    for (const a of stats.acknowledged) {
      const key = `${a.job}|${a.modified}`
      const f = final.get(a.job)!
      a.verified =
        stats.witnesses.has(key) ||
        stats.seen.get(key) === a.marker ||
        (f.modified === a.modified && f.description === a.marker)
    }
    const writesLost = stats.acknowledged.filter((a) => !a.verified)
    const finalWrong = jobs.filter((j) => stats.lastDone.has(j) && final.get(j)!.description !== stats.lastDone.get(j))

    // Events.
    const ackByKey = new Map(stats.acknowledged.map((a) => [`${a.job}|${a.modified}`, a]))
    const delays: number[] = []
    const fromAnswer: number[] = []
    let lost = 0
    let doubled = 0
    const lostByClient: string[] = []
    for (const [i, c] of clients.entries()) {
      let missing = 0
      for (const [key, a] of ackByKey) {
        const got = c.writes.get(key)
        if (!got) missing++
        else {
          delays.push(got.at - a.sentAt)
          fromAnswer.push(got.at - a.answeredAt)
        }
      }
      lost += missing
      if (missing) lostByClient.push(`client ${i} (home ${'AB'[c.home]}): ${missing}`)
      for (const n of c.ids.values()) if (n > 1) doubled += n - 1
      doubled += c.reannounced
    }
    const unansweredKeys = stats.landedUnanswered.map((l) => `${l.job}|${l.modified}`)
    const unansweredSeen = clients.reduce((s, c) => s + unansweredKeys.filter((k) => c.writes.has(k)).length, 0)
    delays.sort((a, b) => a - b)
    fromAnswer.sort((a, b) => a - b)
    const reconnects = clients.reduce((s, c) => s + c.reconnects, 0)
    const resyncs = clients.reduce((s, c) => s + c.resyncs, 0)

    console.table({
      writes: {
        sent: stats.sent,
        acknowledged: stats.acknowledged.length,
        'answer lost, landed': stats.landedUnanswered.length,
        retried: stats.retried,
        'given up': stats.givenUp.length,
        lost: writesLost.length,
      },
    })
    console.log(
      `attempts ${stats.attempts}; failed ones: ${[...stats.failed].map(([why, n]) => `${why} ×${n}`).join(', ') || 'none'}; final description wrong on ${finalWrong.length} of ${jobs.length} jobs`,
    )
    console.table({
      events: {
        expected: ackByKey.size * clients.length,
        lost,
        doubled,
        reconnects,
        resyncs,
        'p50 delay ms': fmt(percentile(delays, 50), 1),
        'p99 delay ms': fmt(percentile(delays, 99), 1),
        'max delay ms': fmt(delays.at(-1) ?? NaN, 1),
        'p99 after answer ms': fmt(percentile(fromAnswer, 99), 1),
      },
    })
    console.log(
      `events of the ${unansweredKeys.length} writes whose answer was lost: received ${unansweredSeen} of ${unansweredKeys.length * clients.length} (not expected: the replica may die between ERPNext and Redis)`,
    )
    for (const w of writesLost) console.log(`write lost: ${w.job} ${w.marker} (${w.modified})`)
    for (const j of finalWrong)
      console.log(`final description of ${j}: ${final.get(j)!.description} (expected ${stats.lastDone.get(j)})`)
    for (const g of stats.givenUp) console.log(`write given up: ${g}`)
    if (lostByClient.length) console.log(`events lost by client: ${lostByClient.join('; ')}`)
    const ok = lost === 0 && doubled === 0 && writesLost.length === 0 && finalWrong.length === 0
    console.log(
      `chaos: events lost ${lost}, doubled ${doubled}, writes lost ${writesLost.length} (target 0, 0, 0) — ${verdict(ok)}`,
    )
  } finally {
    stopping.now = true
    for (const c of clients) c.req?.destroy()
    up.erp.child.kill('SIGCONT')
    for (const r of replicas) await r?.stop()
    await up.stop()
    redis.stop()
  }
}
