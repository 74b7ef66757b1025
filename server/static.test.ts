import { createHash } from 'node:crypto'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createApp } from './app'
import { inlineScriptSources, warmStatic } from './static'
import { noHub, recordingErp, ok, staffRequest, testConfig } from './testing'

function appWithSpa() {
  const dir = mkdtempSync(join(tmpdir(), 'ops-spa-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Gigafibre Ops</title>' + ' '.repeat(2000))
  writeFileSync(join(dir, 'assets', 'index-AbCdEf12.js'), 'console.log("app")'.repeat(200))
  writeFileSync(join(dir, '..', 'secret.txt'), 'do not serve')
  return createApp(testConfig({ SPA_DIR: dir }), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
}

describe('serving the SPA', () => {
  const app = appWithSpa()

  it('serves index.html for /ops/ with no-cache, compressed when asked', async () => {
    const res = await app.fetch(staffRequest('/ops/', null, { headers: { 'accept-encoding': 'gzip' } }))
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toContain('Gigafibre Ops')
  })

  it('caches hashed assets for a year', async () => {
    const res = await app.fetch(
      staffRequest('/ops/assets/index-AbCdEf12.js', null, { headers: { 'accept-encoding': 'br, gzip' } }),
    )
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('content-encoding')).toBe('br')
  })

  it.each(['/ops/../secret.txt', '/ops/%2e%2e/secret.txt', '/ops/assets/..%2f..%2fsecret.txt', '/ops/%00'])(
    'refuses traversal: %s',
    async (path) => {
      const res = await app.fetch(staffRequest(path, null))
      expect(res.status).toBe(404)
      expect(await res.text()).not.toContain('do not serve')
    },
  )

  it('answers health without upstreams', async () => {
    const res = await app.fetch(staffRequest('/ops/healthz', null))
    expect(await res.json()).toMatchObject({ status: 'ok' })
  })

  it('sets security headers and a request id on every answer', async () => {
    const res = await app.fetch(staffRequest('/ops/', null, { headers: { 'x-request-id': 'abc-123' } }))
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-request-id')).toBe('abc-123')
  })
})

describe('preparing the SPA ahead of the first visit', () => {
  it('reads and compresses every file, then serves them from memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-spa-warm-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Gigafibre Ops</title>' + ' '.repeat(2000))
    writeFileSync(join(dir, 'assets', 'main-AbCdEf12.js'), 'console.log("warm")'.repeat(200))
    writeFileSync(join(dir, 'assets', 'icon-AbCdEf12.svg'), '<svg/>')
    expect(await warmStatic(dir)).toBe(3)
    // Gone from the disk, still served: it was read and compressed before the request.
    rmSync(join(dir, 'assets', 'main-AbCdEf12.js'))
    const app = createApp(testConfig({ SPA_DIR: dir }), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const res = await app.fetch(
      staffRequest('/ops/assets/main-AbCdEf12.js', null, { headers: { 'accept-encoding': 'gzip' } }),
    )
    expect(res.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await res.arrayBuffer())).toString()).toContain('console.log("warm")')
  })

  it('answers 404 for a file that is not there, and finds it once it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-spa-late-'))
    mkdirSync(join(dir, 'assets'))
    const app = createApp(testConfig({ SPA_DIR: dir }), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    expect((await app.fetch(staffRequest('/ops/assets/late-AbCdEf12.js', null))).status).toBe(404)
    writeFileSync(join(dir, 'assets', 'late-AbCdEf12.js'), 'console.log("late")')
    expect((await app.fetch(staffRequest('/ops/assets/late-AbCdEf12.js', null))).status).toBe(200)
  })

  it("lets index.html's own inline script run by its hash, and no other", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ops-spa-inline-'))
    const boot = 'console.log("opening screen")'
    writeFileSync(
      join(dir, 'index.html'),
      `<!doctype html><script type="module" src="/ops/assets/index.js"></script><script>${boot}</script>`,
    )
    const app = createApp(testConfig({ SPA_DIR: dir }), { erp: recordingErp(() => ok({ data: [] })), hub: noHub })
    const csp = (await app.fetch(staffRequest('/ops/', null))).headers.get('content-security-policy') ?? ''
    const scriptSrc = csp.split('; ').find((directive) => directive.startsWith('script-src '))
    const hash = createHash('sha256').update(boot).digest('base64')
    expect(scriptSrc).toBe(`script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'`)
    expect(inlineScriptSources(dir)).toEqual([`'sha256-${hash}'`])
    // No index.html: no inline script is allowed.
    expect(inlineScriptSources(join(dir, 'missing'))).toEqual([])
  })
})
