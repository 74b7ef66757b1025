/**
 * Logs are JSON lines with the request's id, staff member, route, status and duration, and never
 * hold a secret: the ERPNext token, the hub token, a temporary password from an invitation.
 * /ops/metrics answers loopback peers and holders of METRICS_TOKEN, and is absent for anyone else.
 */
import { createServer, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app'
import { censored, isoTime, log, logAnswer, redactSecret, useLogDestination } from './log'
import { freePort, STAFF, staffRequest, testConfig } from './testing'
import { createBreakers } from './upstream/breaker'
import { createErpClient } from './upstream/erp'
import { createHubClient } from './upstream/hub'

const ERP_TOKEN = 'a1b2c3d4e5f6:9f8e7d6c5b4a3210'
const HUB_TOKEN = 'hub-secret-token-0123456789'
const TEMP_PASSWORD = 'Kx7-Quebec-Fibre-2291'

let upstream: Server
let base = ''
const lines: string[] = []
/** The X-Request-Id of each call the upstream received, by path. */
const seenIds: { path: string; id: string | undefined }[] = []

beforeAll(async () => {
  useLogDestination({ write: (line: string) => void lines.push(line) }, 'debug')
  redactSecret(ERP_TOKEN)
  redactSecret(HUB_TOKEN)
  // One server plays ERPNext and the hub: it fails ERPNext reads, and answers invitations with a
  // temporary password, as the hub does.
  upstream = createServer((req, res) => {
    seenIds.push({ path: req.url ?? '', id: req.headers['x-request-id'] as string | undefined })
    if (req.url?.startsWith('/auth/users'))
      return res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ username: 'new.tech', temporary_password: TEMP_PASSWORD }))
    if (req.url?.startsWith('/api/resource/Tag'))
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}')
    res.socket?.destroy()
  })
  const port = await freePort()
  await new Promise<void>((r) => upstream.listen(port, '127.0.0.1', r))
  base = `http://127.0.0.1:${port}`
})
afterAll(() => upstream.close())

function app(env: Record<string, string> = {}) {
  const breakers = createBreakers({ retries: 0 })
  return createApp(testConfig(env), {
    erp: createErpClient(base, ERP_TOKEN, 1_000, { breakers }),
    hub: createHubClient(base, HUB_TOKEN, 1_000, { breakers }),
    breakers,
  })
}

describe('logs', () => {
  it('writes one JSON line per request with its id, staff member, route pattern, status and duration', async () => {
    lines.length = 0
    const res = await app().fetch(
      staffRequest('/ops/api/erp/resource/Tag?fields=["name"]', STAFF.dispatcher, {
        headers: { 'x-request-id': 'req-42' },
      }),
    )
    expect(res.status).toBe(200)
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(entries.find((e) => e.msg === 'request')).toMatchObject({
      level: 'info',
      req_id: 'req-42',
      staff: STAFF.dispatcher.email,
      method: 'GET',
      route: '/ops/api/erp/**',
      status: 200,
      ms: expect.any(Number) as number,
    })
  })

  it('writes the answer line as pino writes the same fields, at its level, scrubbed', () => {
    const line = {
      req_id: 'req-7',
      staff: 'marc.bouchard@gigafibre.ca',
      method: 'GET',
      route: '/ops/api/erp/**',
      path: '/ops/api/erp/resource/Customer/"quoted"\\é',
      status: 200,
      ms: 1.4,
    }
    lines.length = 0
    log.info(line, 'request')
    logAnswer('info', line)
    logAnswer('info', { ...line, staff: undefined })
    expect(lines).toHaveLength(3)
    const [viaPino, direct, anonymous] = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const withoutTime = (e: Record<string, unknown>) => ({ ...e, time: undefined })
    expect(withoutTime(direct)).toEqual(withoutTime(viaPino))
    // The same keys in the same order, the time in the same format.
    expect(Object.keys(direct)).toEqual(Object.keys(viaPino))
    expect(direct.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
    expect(lines[1].endsWith('\n')).toBe(true)
    expect(anonymous).not.toHaveProperty('staff')

    // Below the logger's level, nothing; a credential in the path is scrubbed like any line.
    useLogDestination({ write: (l: string) => void lines.push(l) }, 'info')
    lines.length = 0
    try {
      logAnswer('debug', line)
      logAnswer('warn', { ...line, path: `/ops/api/erp/resource/Note/token ${ERP_TOKEN}`, status: 503 })
    } finally {
      // Back to the level the file's other tests read at, whatever happened.
      useLogDestination({ write: (l: string) => void lines.push(l) }, 'debug')
    }
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'warn', status: 503 })
    expect(lines[0]).not.toContain(ERP_TOKEN.split(':')[1])
    expect(lines[0]).toContain('[redacted]')
  })

  it('sends the request id on to ERPNext and the hub, from the pass-through and from routes of its own', async () => {
    seenIds.length = 0
    const bff = app()
    const send = (
      path: string,
      id: string,
      staff: { email: string; groups: string } = STAFF.dispatcher,
      init: RequestInit = {},
    ) => bff.fetch(staffRequest(path, staff, { ...init, headers: { 'x-request-id': id } }))
    await send('/ops/api/erp/resource/Tag', 'req-pass')
    await send('/ops/api/dispatch/jobs/DJ-0001/unassign', 'req-own', STAFF.dispatcher, { method: 'POST', body: '{}' })
    await send('/ops/api/hub/auth/users', 'req-hub', STAFF.admin, {
      method: 'POST',
      body: JSON.stringify({ email: 'new.tech@gigafibre.ca', full_name: 'New Tech', groups: ['ops-tech'] }),
    })
    expect(seenIds.find((s) => s.path.startsWith('/api/resource/Tag'))?.id).toBe('req-pass')
    const own = seenIds.filter((s) => s.path.startsWith('/api/resource/Dispatch%20Job/DJ-0001'))
    expect(own.length).toBeGreaterThan(0)
    expect(own.every((s) => s.id === 'req-own')).toBe(true)
    expect(seenIds.find((s) => s.path.startsWith('/auth/users'))?.id).toBe('req-hub')
  })

  it('never holds the ERPNext token, the hub token or a temporary password', async () => {
    lines.length = 0
    const bff = app()
    const invite = await bff.fetch(
      staffRequest('/ops/api/hub/auth/users', STAFF.admin, {
        method: 'POST',
        body: JSON.stringify({ email: 'new.tech@gigafibre.ca', full_name: 'New Tech', groups: ['ops-tech'] }),
      }),
    )
    expect(invite.status).toBe(201)
    expect(await invite.text()).toContain(TEMP_PASSWORD)
    // ERPNext drops the connection: an error path, logged.
    const failed = await bff.fetch(staffRequest('/ops/api/erp/resource/Customer', STAFF.admin))
    expect(failed.status).toBe(503)
    // Whatever a careless line might carry: a header, a body, a message quoting the token.
    log.error(
      {
        headers: { authorization: `token ${ERP_TOKEN}` },
        body: { password: TEMP_PASSWORD, temporary_password: TEMP_PASSWORD },
      },
      `upstream call with Bearer ${HUB_TOKEN} failed for ${ERP_TOKEN}`,
    )
    log.error({ err: Object.assign(new Error('invite failed'), { body: { temporary_password: TEMP_PASSWORD } }) })
    // …or an error wrapping others: a cause, or the failures of several calls at once.
    const refused = Object.assign(new Error('hub refused'), { body: { temporary_password: TEMP_PASSWORD } })
    log.error({ err: new Error('invite failed', { cause: refused }) })
    log.error({ err: new AggregateError([refused], 'invitations failed') })
    const all = lines.join('')
    expect(all).toContain('"aggregateErrors":[{"type":"Error","message":"hub refused"')
    expect(lines.length).toBeGreaterThan(2)
    for (const secret of [ERP_TOKEN, ...ERP_TOKEN.split(':'), HUB_TOKEN, TEMP_PASSWORD])
      expect(all).not.toContain(secret)
    expect(all).toContain('[redacted]')
  })
})

describe('/ops/metrics', () => {
  const TOKEN = 'metrics-token-abcdefghijkl'
  it('answers a loopback peer with Prometheus text', async () => {
    await app().fetch(staffRequest('/ops/api/erp/resource/Tag', STAFF.admin))
    const res = await app().fetch(staffRequest('/ops/metrics', null, { peer: '127.0.0.1' }))
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).toContain('ops_http_requests_total{method="GET",route="/ops/api/erp/**",status="200"}')
    expect(text).toContain('ops_http_request_duration_seconds_bucket')
    expect(text).toContain('ops_upstream_request_duration_seconds_bucket{le="0.005",upstream="erpnext"')
    expect(text).toMatch(/ops_sse_connections|ops_breaker_state|ops_rate_limit_refusals_total/)
  })
  it('is absent (404) for any other peer, and opens to the bearer METRICS_TOKEN', async () => {
    const bff = app({ METRICS_TOKEN: TOKEN })
    const from = (peer: string, authorization?: string) =>
      bff.fetch(staffRequest('/ops/metrics', null, { peer, headers: authorization ? { authorization } : {} }))
    expect((await from('10.0.0.5')).status).toBe(404)
    expect((await from('10.0.0.5', 'Bearer wrong-token-abcdefghij')).status).toBe(404)
    expect((await from('10.0.0.5', `Bearer ${TOKEN}`)).status).toBe(200)
    expect((await app().fetch(staffRequest('/ops/metrics', null, { peer: '10.0.0.5' }))).status).toBe(404)
  })
})

describe('censored: the fields of a log line that hold credentials', () => {
  it('censors them by name, in any case, in the line and in its objects and arrays', () => {
    const line = {
      Authorization: 'token a:b',
      headers: { cookie: 'ops_session=1', accept: 'application/json' },
      body: { users: [{ email: 'a@gigafibre.ca', temporary_password: 'x' }], new_password: 'y' },
      api_secret: 'z',
    }
    expect(censored(line)).toEqual({
      Authorization: '[redacted]',
      headers: { cookie: '[redacted]', accept: 'application/json' },
      body: { users: [{ email: 'a@gigafibre.ca', temporary_password: '[redacted]' }], new_password: '[redacted]' },
      api_secret: '[redacted]',
    })
  })

  it('censors a credential whatever its value holds, and leaves the caller’s objects as they were', () => {
    const headers = { authorization: { scheme: 'token', value: 'a:b' } }
    const line = { headers, status: 200 }
    const out = censored(line)
    expect(out.headers.authorization).toBe('[redacted]')
    expect(headers.authorization).toEqual({ scheme: 'token', value: 'a:b' })
    expect(line.headers).toBe(headers)
  })

  it('returns a line without credentials as the same object, copying nothing', () => {
    const line = { req_id: 'r1', staff: 'marc.bouchard@gigafibre.ca', route: '/ops/api/me', status: 200, ms: 1.2 }
    expect(censored(line)).toBe(line)
    const nested = { err: { message: 'refused' }, list: [1, 2, { name: 'DJ-1' }] }
    expect(censored(nested)).toBe(nested)
  })

  it('walks plain objects, arrays and errors only, and stops on a cycle', () => {
    const error = Object.assign(new Error('refused'), { status: 403 })
    expect(censored({ error }).error).toBe(error)
    const carrying = Object.assign(new TypeError('invite failed'), { body: { temporary_password: 'Xk9-temp' } })
    const copy = censored({ err: carrying }).err
    expect(copy).toBeInstanceOf(TypeError)
    expect(copy).toMatchObject({
      message: 'invite failed',
      stack: carrying.stack,
      body: { temporary_password: '[redacted]' },
    })
    expect(carrying.body.temporary_password).toBe('Xk9-temp')
    const date = new Date(0)
    expect(censored({ at: date }).at).toBe(date)
    const deep = { a: { b: { c: { d: { password: 'p' } } } } }
    expect(censored(deep)).toEqual({ a: { b: { c: { d: { password: '[redacted]' } } } } })
    const cyclic: Record<string, unknown> = { token: 't' }
    cyclic.self = cyclic
    expect(censored(cyclic).token).toBe('[redacted]')
  })

  it('looks into what an error wraps, which is not enumerable: its cause and an AggregateError’s errors', () => {
    const inner = new Error('hub refused', { cause: { password: 'p' } })
    const outer = new Error('invite failed', { cause: inner })
    const copy = censored(outer)
    expect(copy).not.toBe(outer)
    expect(copy.message).toBe('invite failed')
    expect(Object.keys(copy)).toEqual([])
    expect((copy.cause as Error).cause).toEqual({ password: '[redacted]' })
    expect(inner.cause).toEqual({ password: 'p' })
    const many = new AggregateError([new Error('a'), Object.assign(new Error('b'), { token: 't' })], 'both failed')
    const manyCopy = censored(many)
    expect(manyCopy).toBeInstanceOf(AggregateError)
    expect(manyCopy.errors.map((e: Error & { token?: string }) => [e.message, e.token])).toEqual([
      ['a', undefined],
      ['b', '[redacted]'],
    ])
    const clean = new Error('refused', { cause: new Error('timeout') })
    expect(censored(clean)).toBe(clean)
  })
})

describe('standard output', () => {
  /** A process logging ~3 MB into a pipe nobody reads (it holds 64 KB); what it wrote on stderr. */
  async function logIntoAStalledPipe(env: Record<string, string> = {}): Promise<string> {
    const { spawn } = await import('node:child_process')
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { log } from './server/log.ts'
         const started = Date.now()
         for (let i = 0; i < 20000; i++) log.info({ i, filler: 'x'.repeat(100) }, 'line')
         setTimeout(() => { process.stderr.write('alive after ' + (Date.now() - started) + ' ms\\n'); process.kill(process.pid, 'SIGKILL') }, 10)`,
      ],
      {
        cwd: process.cwd(),
        env: { ...process.env, LOG_LEVEL: 'info', VITEST: '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.pause()
    const exited = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    if (!exited) child.kill('SIGKILL')
    return stderr
  }

  it('never stops the server when nobody reads the log: lines wait in memory, the event loop goes on', async () => {
    const stderr = await logIntoAStalledPipe()
    expect(stderr).toMatch(/alive after \d+ ms/)
    expect(stderr).not.toMatch(/dropped/)
  }, 20_000)

  it('drops lines past LOG_BUFFER_BYTES waiting, and says so once', async () => {
    const stderr = await logIntoAStalledPipe({ LOG_BUFFER_BYTES: String(256 * 1024) })
    expect(stderr).toMatch(/alive after \d+ ms/)
    expect(stderr.match(/standard output is not being read; lines are being dropped/g)).toHaveLength(1)
  }, 20_000)
})

describe('isoTime', () => {
  it('writes the instant as pino’s ISO time field, to the millisecond, across seconds', () => {
    for (const at of [
      Date.UTC(2026, 11, 6, 4, 12, 59, 998),
      Date.UTC(2026, 11, 6, 4, 12, 59, 999),
      Date.UTC(2026, 11, 6, 4, 13, 0, 7),
      Date.UTC(2026, 11, 31, 23, 59, 59, 5),
    ])
      expect(isoTime(at)).toBe(`,"time":"${new Date(at).toISOString()}"`)
  })
})
