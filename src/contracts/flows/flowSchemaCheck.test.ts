import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { COMPILED_PATH, compiledSchemaCheck } from '../../../scripts/flowSchemaCheck'

describe('the compiled flow schema', () => {
  it('is up to date with flowSchema.ts (otherwise: npm run flows:schema)', () => {
    expect(readFileSync(COMPILED_PATH, 'utf8')).toBe(compiledSchemaCheck())
  })

  it('runs without generating code, as the SPA’s Content-Security-Policy requires', () => {
    expect(readFileSync(COMPILED_PATH, 'utf8')).not.toMatch(/new Function|\beval\(|require\(/)
  })
})
