import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildServer } from './buildServer'

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }

describe('the compiled server', () => {
  const out = mkdtempSync(join(tmpdir(), 'server-bundle-'))
  afterAll(() => rmSync(out, { recursive: true, force: true }))
  const built = buildServer(out)

  it('imports only packages the image keeps (production dependencies)', async () => {
    const { packages } = await built
    expect(packages).toContain('h3')
    expect(packages.filter((p) => !(p in pkg.dependencies))).toEqual([])
  })

  it('holds the optimizer worker beside the entry, where the entry starts it from', async () => {
    await built
    expect(existsSync(join(out, 'main.js'))).toBe(true)
    expect(existsSync(join(out, 'optimizer-worker.js'))).toBe(true)
    expect(readFileSync(join(out, 'main.js'), 'utf8')).toMatch(
      /new URL\(["']\.\/optimizer-worker\.js["'], import\.meta\.url\)/,
    )
  })

  it('carries no TypeScript transform at run time', async () => {
    await built
    const main = readFileSync(join(out, 'main.js'), 'utf8')
    expect(main).not.toMatch(/from ["']tsx/)
    expect(main).not.toMatch(/__name\(/)
  })
})
