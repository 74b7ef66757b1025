/**
 * What the hop, fan-out and chaos benches share: the embedded ERPNext and hub as processes of
 * their own, BFF replicas as production starts them (server/main.ts against those upstreams),
 * a redis-server, and small measuring helpers (percentiles, a process's CPU time and memory).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { SERVER_ARGS } from './startup'

export const ROOT = resolve(import.meta.dirname, '..')
export const ERP_TOKEN = 'demo-key:demo-secret'
export const HUB_TOKEN = 'demo-hub-token'

export const ADMIN = {
  'x-authentik-email': 'sophie.lavoie@gigafibre.ca',
  'x-authentik-username': 'sophie.lavoie',
  'x-authentik-name': 'Sophie Lavoie',
  'x-authentik-groups': 'ops-admin',
}
export const DISPATCHER = {
  'x-authentik-email': 'marc.bouchard@gigafibre.ca',
  'x-authentik-username': 'marc.bouchard',
  'x-authentik-name': 'Marc Bouchard',
  'x-authentik-groups': 'ops-dispatch',
}
export const technicianHeaders = (email: string) => ({
  'x-authentik-email': email,
  'x-authentik-username': email.split('@')[0],
  'x-authentik-name': email.split('@')[0],
  'x-authentik-groups': 'ops-tech',
})

export async function freePort(): Promise<number> {
  return new Promise((r) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => r(port))
    })
  })
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export interface Proc {
  url: string
  child: ChildProcess
  exited: Promise<number | null>
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL')
})

async function waitFor(url: string, child: ChildProcess, ms = 180_000) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited (${child.exitCode})`)
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status < 500 || r.status === 503,
      () => false,
    )
    if (ok) return
    await sleep(250)
  }
  throw new Error(`${url} did not answer in time`)
}

export function start(
  args: string[],
  env: Record<string, string>,
  probe: (url: string) => string,
  port: number,
): Promise<Proc> {
  // The embedded upstreams run from their TypeScript sources; the BFF compiled, as in production.
  const node = args.some((a) => a.endsWith('.ts')) ? ['--import', 'tsx', ...args] : args
  const child = spawn(process.execPath, node, {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  running.add(child)
  const exited = new Promise<number | null>((r) =>
    child.once('exit', (code) => {
      running.delete(child)
      r(code)
    }),
  )
  const url = `http://127.0.0.1:${port}`
  return waitFor(probe(url), child).then(() => ({
    url,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      await Promise.race([exited, sleep(12_000)])
      if (child.exitCode === null) child.kill('SIGKILL')
    },
  }))
}

export interface Upstreams {
  erp: Proc
  hub: Proc
  stop(): Promise<void>
}

/** The embedded ERPNext (demo dataset, fresh data directory) and hub, each a process. */
export async function startUpstreams(name: string): Promise<Upstreams> {
  const dir = join(ROOT, `.tmp/bench-${name}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const erpPort = await freePort()
  const erp = await start(
    ['server/embedded/erpnext/cli.ts', '--port', String(erpPort), '--data-dir', join(dir, 'erp')],
    { ERP_TOKEN, SEED_PROFILE: 'demo' },
    (u) => `${u}/api/method/ping`,
    erpPort,
  )
  const hubPort = await freePort()
  const hub = await start(
    ['server/embedded/hub/cli.ts', '--port', String(hubPort)],
    { ERP_URL: erp.url, ERP_TOKEN, HUB_TOKEN, DATA_DIR: join(dir, 'hub') },
    (u) => `${u}/auth/users`,
    hubPort,
  )
  return {
    erp,
    hub,
    async stop() {
      await hub.stop()
      await erp.stop()
    },
  }
}

/** A BFF replica as production runs it, in front of `erpUrl`. */
export async function startBff(
  up: { erpUrl: string; hubUrl: string },
  env: Record<string, string> = {},
  port?: number,
): Promise<Proc> {
  const p = port ?? (await freePort())
  return start(
    SERVER_ARGS,
    {
      PORT: String(p),
      HOST: '127.0.0.1',
      ERP_URL: up.erpUrl,
      ERP_TOKEN,
      HUB_URL: up.hubUrl,
      HUB_TOKEN,
      TRUSTED_PROXIES: '127.0.0.1',
      DATA_DIR: '',
      ...env,
    },
    (u) => `${u}/ops/healthz`,
    p,
  )
}

export async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort()
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  running.add(redis)
  await new Promise<void>((resolve, reject) => {
    redis.once('error', reject)
    redis.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('Ready to accept connections') && resolve())
  })
  return { url: `redis://127.0.0.1:${port}`, stop: () => redis.kill() }
}

/** User + system CPU time of a process so far, in milliseconds (Linux /proc). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return (ticks * 1000) / 100
}

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 })

/** One GET on a kept-alive connection: status and milliseconds to the whole body. */
export function timedGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const req = request(url, { agent: keepAlive, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }))
    })
    req.on('error', reject)
    req.end()
  })
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '—')
export const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED')
