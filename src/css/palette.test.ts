import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = join(import.meta.dirname, '..')
const COLORS = readFileSync(join(import.meta.dirname, 'colors.sass'), 'utf8')
const QUASAR_COLORS = readFileSync(
  join(import.meta.dirname, '../../node_modules/quasar/src/css/core/colors.sass'),
  'utf8',
)

/** Quasar's palette, the classes colors.sass prunes: `.text-red … .text-blue-grey-14`, each given `$` its name. */
const PALETTE = new Set(
  [
    ...QUASAR_COLORS.matchAll(
      /^\.text-([a-z]+(?:-[a-z]+)*(?:-\d+)?)\n\s+color: \$([a-z]+(?:-[a-z]+)*(?:-\d+)?) !important/gm,
    ),
  ]
    .filter((m) => m[1] === m[2])
    .map((m) => m[1]),
)
const NAMES = [...new Set([...PALETTE].map((name) => name.replace(/-\d+$/, '')))].join('|')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.(vue|ts)$/.test(name) && !name.endsWith('.test.ts') && name !== 'i18n.ts' ? [path] : []
  })
}

/**
 * The palette shades a source file names: a `text-…` or `bg-…` class anywhere (a class list, a
 * template string), and any quoted string that is a shade's name alone (`color="grey-7"`, a
 * status's colour in a table). Words (translations live in i18n.ts, not read) are not shades.
 */
function shadesNamed(code: string): Set<string> {
  const found = new Set<string>()
  const shade = `(?:${NAMES})(?:-\\d{1,2})?`
  for (const m of code.matchAll(new RegExp(`(?<![\\w-])(?:text|bg)-(${shade})(?![\\w-])`, 'g'))) found.add(m[1])
  for (const m of code.matchAll(new RegExp(`['"\`](${shade})['"\`]`, 'g'))) found.add(m[1])
  return new Set([...found].filter((name) => PALETTE.has(name)))
}

/** The entries of a map in colors.sass, by its name: [shade, the variable it is given]. */
function entries(map: string): [string, string][] {
  const body = new RegExp(`\\$${map}:\\s*\\(([^)]*)\\)`).exec(COLORS)?.[1] ?? ''
  const name = '[a-z]+(?:-[a-z]+)*(?:-\\d+)?'
  return [...body.matchAll(new RegExp(`'(${name})'\\s*:\\s*\\$(${name})`, 'g'))].map((m) => [m[1], m[2]])
}

describe('the palette shades the stylesheet keeps (src/css/colors.sass)', () => {
  const used = entries('palette-used').map(([shade]) => shade)
  const quasar = entries('palette-quasar').map(([shade]) => shade)
  const named = new Map<string, string[]>()
  for (const file of sources(SRC))
    for (const shade of shadesNamed(readFileSync(file, 'utf8')))
      named.set(shade, [...(named.get(shade) ?? []), file.slice(SRC.length + 1)])

  it('reads Quasar’s palette and the shades our sources name', () => {
    expect(PALETTE.has('grey-7')).toBe(true)
    expect(PALETTE.has('deep-orange-10')).toBe(true)
    expect(PALETTE.has('teal')).toBe(true)
    expect(PALETTE.has('primary')).toBe(false)
    expect(PALETTE.has('separator')).toBe(false)
    expect(PALETTE.size).toBeGreaterThan(250) // 19 hues of 15 shades in Quasar 2
    expect(shadesNamed(`<q-btn color="grey-7" class="bg-orange-1 text-grey-10 q-mt-sm" />`)).toEqual(
      new Set(['grey-7', 'orange-1', 'grey-10']),
    )
    expect(shadesNamed(`const tone = { late: 'deep-orange-9', done: 'positive' }; const c = \`text-\${x}\``)).toEqual(
      new Set(['deep-orange-9']),
    )
    expect(shadesNamed(`<p class="text-body2 bg-white">grey-7 is a word here</p>`)).toEqual(new Set())
    expect(named.size).toBeGreaterThan(0)
  })

  it('keeps every shade a screen names', () => {
    const missing = [...named].filter(([shade]) => !used.includes(shade) && !quasar.includes(shade))
    expect(missing.map(([shade, files]) => `${shade} (${files.join(', ')})`)).toEqual([])
  })

  it('keeps no shade that nothing names', () => {
    expect(used.filter((shade) => !named.has(shade))).toEqual([])
  })

  it('keeps only names of Quasar’s palette, each once, each given its own colour', () => {
    expect(quasar).toEqual(['grey-8', 'red', 'green', 'blue', 'grey'])
    for (const shade of [...used, ...quasar]) expect(PALETTE.has(shade), shade).toBe(true)
    expect(new Set(used).size).toBe(used.length)
    for (const [shade, variable] of [...entries('palette-used'), ...entries('palette-quasar')])
      expect(variable, `colors.sass: '${shade}' is given $${variable}`).toBe(shade)
  })
})
