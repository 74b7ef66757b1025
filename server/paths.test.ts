import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_ROOT, appRootFrom } from './paths'

describe('the app root', () => {
  const root = mkdtempSync(join(tmpdir(), 'approot-'))
  writeFileSync(join(root, 'package.json'), '{}')
  mkdirSync(join(root, 'server/flows'), { recursive: true })
  mkdirSync(join(root, 'dist/server'), { recursive: true })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('is the same from a source module two levels down and from the compiled bundle', () => {
    expect(appRootFrom(pathToFileURL(join(root, 'server/flows/shipped.ts')).href)).toBe(root)
    expect(appRootFrom(pathToFileURL(join(root, 'dist/server/main.js')).href)).toBe(root)
  })

  it('is this repository when the server runs from its sources', () => {
    expect(APP_ROOT).toBe(join(import.meta.dirname, '..'))
  })
})
