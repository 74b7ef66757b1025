/**
 * npm run bench -- firstload: what the shell downloads before its first screen — index.html's
 * entry, the chunks it imports statically and the CSS — gzipped, beside the budget `npm test`
 * enforces (scripts/budget.ts), and the chunks the first screens add after it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { BUDGET_KB, initialSet, kb, overBudget } from '../scripts/budget'
import { buildSpa } from './spaBuild'

interface ManifestChunk {
  file: string
  src?: string
  imports?: string[]
  dynamicImports?: string[]
}

export async function run(): Promise<void> {
  const dir = buildSpa('spa-firstload')
  const set = initialSet(dir)
  console.table(set.files.map((f) => ({ file: f.file, kind: f.kind, 'raw KB': kb(f.bytes), 'gzip KB': kb(f.gzip) })))
  console.table([
    { what: 'initial JS (gzip)', KB: kb(set.js), target: `≤ ${BUDGET_KB.js}`, ok: set.js <= BUDGET_KB.js * 1000 },
    { what: 'initial CSS (gzip)', KB: kb(set.css), target: `≤ ${BUDGET_KB.css}`, ok: set.css <= BUDGET_KB.css * 1000 },
  ])
  // What each first screen adds once the shell runs: its route chunks and what they import.
  const manifest = JSON.parse(readFileSync(join(dir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>
  const initial = new Set(set.files.map((f) => f.file))
  const screens: Record<string, string[]> = {
    'technician’s day (#/tech)': [
      'src/layouts/MainLayout.vue',
      'src/features/tech/TechDayPage.vue',
      'src/i18n/french.ts',
    ],
    'board (#/dispatch)': [
      'src/layouts/MainLayout.vue',
      'src/features/dispatch/DispatchPage.vue',
      'src/i18n/french.ts',
    ],
  }
  const rows = Object.entries(screens).map(([screen, keys]) => {
    const seen = new Set<string>()
    const visit = (key: string) => {
      const chunk = manifest[key]
      if (!chunk || seen.has(chunk.file)) return
      seen.add(chunk.file)
      for (const i of chunk.imports ?? []) visit(i)
    }
    keys.forEach(visit)
    const extra = [...seen].filter((f) => !initial.has(f))
    const gz = extra.reduce((s, f) => s + gzipSync(readFileSync(join(dir, f)), { level: 9 }).length, 0)
    return { screen, 'chunks after the shell': extra.length, 'gzip KB': kb(gz) }
  })
  console.table(rows)
  for (const p of overBudget(set)) console.log(p)
}
