import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { CallTimeout, httpText } from './httpText'
import { createErpClient } from './erp'

let server: Server | null = null

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler)
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterEach(async () => {
  const open = server
  server = null
  if (!open) return
  open.closeAllConnections()
  await new Promise((resolve) => open.close(resolve))
})

describe('a call to an upstream', () => {
  it('answers status, text and content type, sending the body with its length', async () => {
    const url = await listen((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ got: body, length: req.headers['content-length'], auth: req.headers.authorization }))
      })
    })
    const answer = await httpText(url, '/api/resource/Tag?x=1', {
      method: 'POST',
      headers: { authorization: 'token k:s', 'content-type': 'application/json' },
      body: '{"name":"Épissure"}',
      timeoutMs: 2_000,
    })
    expect(answer.status).toBe(201)
    expect(answer.contentType).toBe('application/json')
    // 19 characters, 20 bytes: the length is counted in bytes.
    expect(JSON.parse(answer.body)).toEqual({ got: '{"name":"Épissure"}', length: '20', auth: 'token k:s' })
  })

  it('keeps its connections for the next calls', async () => {
    const sockets = new Set<unknown>()
    const url = await listen((req, res) => {
      sockets.add(req.socket)
      res.end('ok')
    })
    for (let i = 0; i < 10; i++) {
      const answer = await httpText(url, '/', { method: 'GET', headers: {}, timeoutMs: 2_000 })
      expect(answer.body).toBe('ok')
    }
    // Ten calls in a row, one after the other: the pool may open a second connection while the
    // first is being released, never one a call.
    expect(sockets.size).toBeLessThanOrEqual(2)
  })

  it('decodes a body that arrives in pieces, a character split between two of them', async () => {
    const url = await listen((_, res) => {
      const bytes = Buffer.from('{"name":"Épissure — Lévis"}')
      const cut = bytes.indexOf(0xc3) + 1
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
      res.write(bytes.subarray(0, cut))
      setTimeout(() => res.end(bytes.subarray(cut)), 20)
    })
    const answer = await httpText(url, '/', { method: 'GET', headers: {}, timeoutMs: 2_000 })
    expect(answer.contentType).toBe('application/json; charset=utf-8')
    expect(JSON.parse(answer.body)).toEqual({ name: 'Épissure — Lévis' })
  })

  it('gives up after its budget when the upstream does not answer', async () => {
    const url = await listen(() => undefined)
    const started = performance.now()
    await expect(httpText(url, '/', { method: 'GET', headers: {}, timeoutMs: 150 })).rejects.toBeInstanceOf(CallTimeout)
    expect(performance.now() - started).toBeLessThan(1_000)
  })

  it('fails with the network error when nothing listens', async () => {
    const url = await listen((_, res) => res.end())
    server!.closeAllConnections()
    await new Promise((resolve) => server!.close(resolve))
    server = null
    await expect(httpText(url, '/', { method: 'GET', headers: {}, timeoutMs: 2_000 })).rejects.toThrow(/ECONNREFUSED/)
  })
})

describe('the ERPNext client over it', () => {
  it('sends each path under the base address’s own, with the service token', async () => {
    const seen: { url?: string; auth?: string }[] = []
    const url = await listen((req, res) => {
      seen.push({ url: req.url, auth: req.headers.authorization })
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"message":"pong"}')
    })
    for (const base of [url, `${url}/erp`, `${url}/erp/`]) {
      const erp = createErpClient(base, 'k:s', 2_000)
      expect((await erp.send('GET', '/api/method/ping')).status).toBe(200)
    }
    expect(seen).toEqual([
      { url: '/api/method/ping', auth: 'token k:s' },
      { url: '/erp/api/method/ping', auth: 'token k:s' },
      { url: '/erp/api/method/ping', auth: 'token k:s' },
    ])
  })
})
