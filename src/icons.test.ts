import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import * as material from '@quasar/extras/material-icons'
import { describe, expect, it } from 'vitest'
import { ICONS, iconMapFn } from './icons'

const SRC = join(import.meta.dirname)

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts') ? [path] : []
  })
}

const exportName = (icon: string) =>
  'mat' +
  icon
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
const MATERIAL: Record<string, unknown> = material

/**
 * The icon names a source file writes: `icon="…"` (and `left-icon`, `icon-right`…), `<q-icon name="…">`,
 * the quoted names in a bound `:icon="…"` or `:name="…"`, and in script `fooIcon: '…'` / `icon = '…'`.
 * Only names Material Icons has count: other quoted words in those places are not icons.
 */
function iconsNamed(code: string): Set<string> {
  const found = new Set<string>()
  const quoted = (text: string) => {
    for (const m of text.matchAll(/'([a-z0-9_]+)'/g)) found.add(m[1])
  }
  for (const m of code.matchAll(/(?<![:\w-])(?:[a-z]+-)*icon(?:-[a-z]+)*="([a-z0-9_]+)"/g)) found.add(m[1])
  for (const m of code.matchAll(/<q-icon\b[^>]*?(?<![:\w-])name="([a-z0-9_]+)"/g)) found.add(m[1])
  for (const m of code.matchAll(/:(?:[a-z]+-)*icon(?:-[a-z]+)*="([^"]+)"/g)) quoted(m[1])
  for (const m of code.matchAll(/<q-icon\b[^>]*?:name="([^"]+)"/g)) quoted(m[1])
  for (const m of code.matchAll(/\b\w*[iI]con\w*\s*[:=]\s*([^,\n}]+)/g)) quoted(m[1])
  return new Set([...found].filter((name) => exportName(name) in MATERIAL))
}

describe('icons drawn from SVG paths', () => {
  const used = new Map<string, string[]>()
  for (const file of sources(SRC)) {
    if (file.endsWith('icons.ts')) continue
    for (const name of iconsNamed(readFileSync(file, 'utf8')))
      used.set(name, [...(used.get(name) ?? []), file.slice(SRC.length + 1)])
  }

  it('finds the icons the screens name', () => {
    // The extraction itself: names written each way the app writes them.
    expect(
      iconsNamed(`<q-btn icon="search" /><q-icon name="event" /><q-btn :icon="ok ? 'check' : 'close'" />`),
    ).toEqual(new Set(['search', 'event', 'check', 'close']))
    expect(iconsNamed(`const items = [{ icon: 'people' }]\nconst primaryIcon = computed(() => 'send')`)).toEqual(
      new Set(['people', 'send']),
    )
    expect(iconsNamed(`<q-input name="email" /><q-btn :label="'close'" />`)).toEqual(new Set())
    expect(used.size).toBeGreaterThan(80)
  })

  it('maps every icon a screen names', () => {
    const missing = [...used].filter(([name]) => !Object.hasOwn(ICONS, name)).map(([n, f]) => `${n} (${f.join(', ')})`)
    expect(missing).toEqual([])
  })

  it('maps each name to its own Material Icons path', () => {
    for (const [name, path] of Object.entries(ICONS)) expect(path, name).toBe(MATERIAL[exportName(name)])
  })

  it('leaves unknown names to the font', () => {
    expect(iconMapFn('search')).toEqual({ icon: material.matSearch })
    expect(iconMapFn('no_such_icon')).toBeUndefined()
    expect(iconMapFn('constructor')).toBeUndefined()
    expect(iconMapFn('')).toBeUndefined()
  })
})
