/**
 * The first-load budget: what the shell needs before its first screen — index.html's entry
 * script, every chunk it imports statically (the modulepreloads) and their CSS — gzipped, read
 * from the Vite manifest of a build. `npm run budget [dir]` (default dist/spa) fails, naming the
 * heaviest chunks, when the JavaScript or the CSS grows past its budget, and names any of those
 * scripts that lost its compile hint (scripts/compileHints.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { COMPILE_HINT } from './compileHints'

/**
 * Quasar components whose styles src/css/quasar.sass leaves out, by their root CSS class: a build
 * whose JavaScript uses one of them fails here, until its stylesheet is imported again.
 */
export const UNSTYLED_QUASAR = [
  'q-ajax-bar',
  'q-bar',
  'q-breadcrumbs',
  'q-carousel',
  'q-message',
  'q-circular-progress',
  'q-editor',
  'q-expansion-item',
  'q-fab',
  'q-file',
  'q-img',
  'q-infinite-scroll',
  'q-intersection',
  'q-knob',
  'q-parallax',
  'q-popup-edit',
  'q-pull-to-refresh',
  'q-rating',
  'q-responsive',
  'q-scrollarea',
  'q-slide-item',
  'q-splitter',
  'q-stepper',
  'q-time',
  'q-tree',
  'q-uploader',
  'q-video',
  'q-bottom-sheet',
  'q-pagination',
]

/** The chunks of a build that use a component whose styles were left out (one line each). */
export function unstyledComponents(dir: string): string[] {
  const assets = join(dir, 'assets')
  const problems: string[] = []
  for (const file of readdirSync(assets).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(join(assets, file), 'utf8')
    for (const cls of UNSTYLED_QUASAR)
      if (new RegExp(`["'\`]${cls}["' \`_-]`).test(code))
        problems.push(`assets/${file} uses ${cls}, whose styles src/css/quasar.sass leaves out: import them there`)
  }
  return problems
}

/** Gzipped kilobytes (1 KB = 1,000 bytes, as Vite prints them). */
export const BUDGET_KB = { js: 100, css: 30 } as const

interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  imports?: string[]
  css?: string[]
}

export interface InitialFile {
  file: string
  kind: 'js' | 'css'
  bytes: number
  gzip: number
}

export interface InitialSet {
  files: InitialFile[]
  js: number
  css: number
}

/** The files index.html loads before anything renders, with their raw and gzipped sizes in bytes. */
export function initialSet(dir: string): InitialSet {
  const manifestPath = join(dir, '.vite/manifest.json')
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing: build with build.manifest on`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, ManifestChunk>
  const entry = manifest['index.html']
  if (!entry?.isEntry) throw new Error(`${manifestPath} has no index.html entry`)
  const seen = new Set<string>()
  const js: string[] = []
  const css = new Set<string>()
  const visit = (key: string) => {
    if (seen.has(key)) return
    seen.add(key)
    const chunk = manifest[key]
    if (!chunk) throw new Error(`${manifestPath} names ${key} but does not describe it`)
    js.push(chunk.file)
    for (const c of chunk.css ?? []) css.add(c)
    for (const i of chunk.imports ?? []) visit(i)
  }
  visit('index.html')
  const measure = (file: string, kind: 'js' | 'css'): InitialFile => {
    const body = readFileSync(join(dir, file))
    return { file, kind, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length }
  }
  const files = [...js.map((f) => measure(f, 'js')), ...[...css].map((f) => measure(f, 'css'))]
  const total = (kind: 'js' | 'css') => files.filter((f) => f.kind === kind).reduce((s, f) => s + f.gzip, 0)
  return { files, js: total('js'), css: total('css') }
}

export const kb = (bytes: number) => (bytes / 1000).toFixed(1)

/** One line per problem, empty when the set fits. */
export function overBudget(set: InitialSet): string[] {
  const problems: string[] = []
  for (const kind of ['js', 'css'] as const) {
    if (set[kind] <= BUDGET_KB[kind] * 1000) continue
    const heaviest = set.files
      .filter((f) => f.kind === kind)
      .sort((a, b) => b.gzip - a.gzip)
      .slice(0, 3)
      .map((f) => `${f.file} ${kb(f.gzip)} KB`)
      .join(', ')
    problems.push(
      `first load: ${kind.toUpperCase()} is ${kb(set[kind])} KB gzipped, over its ${BUDGET_KB[kind]} KB budget; heaviest: ${heaviest}`,
    )
  }
  return problems
}

/** The first load's scripts that would be compiled lazily, on the main thread (scripts/compileHints.ts). */
export function withoutCompileHint(dir: string, set: InitialSet): string[] {
  return set.files
    .filter((f) => f.kind === 'js' && !readFileSync(join(dir, f.file), 'utf8').startsWith(COMPILE_HINT))
    .map((f) => `${f.file} lacks the compile hint: the first load's scripts are compiled while they download`)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const dir = resolve(process.argv[2] ?? 'dist/spa')
  const set = initialSet(dir)
  for (const f of set.files) console.log(`${f.kind.padEnd(4)}${kb(f.gzip).padStart(7)} KB gz  ${f.file}`)
  console.log(
    `first load: JS ${kb(set.js)} KB / ${BUDGET_KB.js} KB, CSS ${kb(set.css)} KB / ${BUDGET_KB.css} KB (gzipped)`,
  )
  const problems = [...overBudget(set), ...unstyledComponents(dir), ...withoutCompileHint(dir, set)]
  for (const p of problems) console.error(p)
  process.exit(problems.length ? 1 : 0)
}
