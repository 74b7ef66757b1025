/**
 * The technician's screens open with the shell's words and the field's (FIELD_FEATURES) only; the
 * office's come later (src/i18n/french.ts). This walks the code each field screen can run — its
 * page and everything it imports, statically or lazily, and the layout around it — and fails on a
 * word of another feature, which would show as its key on a tablet that has just opened its day.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIELD_FEATURES, FIELD_SCREENS } from 'src/contracts/openingScreen'

const SRC = join(import.meta.dirname, '..')
const FEATURES = readdirSync(join(SRC, 'features'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
const OFFICE = FEATURES.filter((name) => !FIELD_FEATURES.includes(name))
/** The router names every screen lazily; each field screen is walked from its own page instead. */
const NOT_WALKED = new Set([join(SRC, 'router.ts')])

/** A quoted key of an office feature's words anywhere in the code: `'dispatch.title'`, `` `clients.${x}` ``. */
const OFFICE_KEY = new RegExp(`['"\`](${OFFICE.join('|')})\\.[A-Za-z]`, 'g')

function resolved(from: string, spec: string): string | null {
  const base = spec.startsWith('src/')
    ? join(SRC, spec.slice(4))
    : spec.startsWith('.')
      ? join(dirname(from), spec)
      : null
  if (!base) return null // a library
  // A directory is its index.ts (e.g. `src/features/diagnostics`).
  for (const file of [base, `${base}.ts`, `${base}.vue`, join(base, 'index.ts')])
    if (existsSync(file) && statSync(file).isFile()) return file
  return null
}

/** Every source file reachable from `entries` through imports of any kind, with the files that import it. */
function walk(entries: string[]): Map<string, string> {
  const reached = new Map<string, string>(entries.map((file) => [file, '(entry)']))
  const next = [...entries]
  while (next.length > 0) {
    const file = next.pop()!
    const code = readFileSync(file, 'utf8')
    for (const m of code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"]+)['"]/g)) {
      const target = resolved(file, m[1].replace(/\?.*$/, ''))
      if (!target || reached.has(target) || NOT_WALKED.has(target) || !/\.(ts|vue)$/.test(target)) continue
      reached.set(target, file)
      next.push(target)
    }
  }
  return reached
}

/** The page file of each route, from the router's `name: '…', component: () => import('…')`. */
function screenPages(): Map<string, string> {
  const router = readFileSync(join(SRC, 'router.ts'), 'utf8')
  const pages = new Map<string, string>()
  for (const m of router.matchAll(/name:\s*'([\w-]+)',\s*component:\s*\(\)\s*=>\s*import\('([^']+)'\)/g))
    pages.set(m[1], resolved(join(SRC, 'router.ts'), m[2])!)
  return pages
}

describe("the technician's screens and their words", () => {
  it('finds the field screens in the router, and words of other features where they are', () => {
    const pages = screenPages()
    for (const screen of FIELD_SCREENS) expect(pages.get(screen), screen).toBeTruthy()
    // A feature imported by its directory is walked through its index.ts.
    expect(resolved(join(SRC, 'main.ts'), 'src/features/diagnostics')).toBe(join(SRC, 'features/diagnostics/index.ts'))
    // The check itself finds an office word where one is named.
    const board = readFileSync(join(SRC, 'features/dispatch/DispatchPage.vue'), 'utf8')
    expect(board.match(OFFICE_KEY)?.length).toBeGreaterThan(0)
    expect(OFFICE).toContain('dispatch')
    expect(OFFICE).not.toContain('tech')
  })

  it("split the build's French words where FIELD_FEATURES says", () => {
    const set = `{${FIELD_FEATURES.join(',')}}`
    expect(readFileSync(join(SRC, 'i18n/frenchField.ts'), 'utf8')).toContain(`'../features/${set}/i18n.ts'`)
    expect(readFileSync(join(SRC, 'i18n/french.ts'), 'utf8')).toContain(`'!../features/${set}/i18n.ts'`)
  })

  it('name no word of an office feature, in any code they can run', () => {
    const pages = screenPages()
    const entries = [
      join(SRC, 'App.vue'),
      join(SRC, 'layouts/MainLayout.vue'),
      ...FIELD_SCREENS.map((s) => pages.get(s)!),
    ]
    const reached = walk(entries)
    expect(reached.size).toBeGreaterThan(20)
    const found: string[] = []
    for (const [file, importer] of reached) {
      if (/\.test\.ts$|\/i18n\.ts$/.test(file)) continue
      for (const m of readFileSync(file, 'utf8').matchAll(OFFICE_KEY))
        found.push(`${relative(SRC, file)} (from ${relative(SRC, importer)}): ${m[0]}`)
    }
    expect(found).toEqual([])
  })
})
