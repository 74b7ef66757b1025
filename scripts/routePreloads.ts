/**
 * The opening screen's files in index.html: at build time, each screen the app can open on (by
 * its hash) gets the list of files its lazy import needs beyond the entry's — the layout, the page,
 * the chunks they import statically and their CSS — and index.html gets src/contracts/openingScreen.ts's
 * `preloadOpeningScreen` with that table, as an inline script, which also starts the first API
 * reads (EARLY_READS). The script stands before the first
 * stylesheet: a classic script after a stylesheet waits for it to download before it runs, which
 * would hold the screen's files back by the whole CSS. The BFF allows that script by its hash in
 * the CSP (server/static.ts, `inlineScriptSources`).
 *
 * A screen whose module is no longer in the build (renamed, moved) stops the build, naming it.
 */
import type { Plugin, Rolldown } from 'vite'
import { LOCALE_KEY } from '../src/contracts/localeKey'
import {
  EARLY_READS_KEY,
  FIELD_SCREENS,
  HOME_SCREEN_KEY,
  preloadOpeningScreen,
  type OpeningScreens,
} from '../src/contracts/openingScreen'

/** The screens one opens the app on (route name, hash pattern, modules), the most specific first. */
export const OPENING_SCREENS: [name: string, hash: RegExp, modules: string[]][] = [
  ['tech-job', /^#\/tech\/jobs\/[^/?]/, ['src/layouts/MainLayout.vue', 'src/features/tech/TechJobPage.vue']],
  ['tech', /^#\/tech(?:[/?]|$)/, ['src/layouts/MainLayout.vue', 'src/features/tech/TechDayPage.vue']],
  ['dispatch', /^#\/dispatch(?:[/?]|$)/, ['src/layouts/MainLayout.vue', 'src/features/dispatch/DispatchPage.vue']],
  ['client', /^#\/clients\/[^/?]/, ['src/layouts/MainLayout.vue', 'src/features/clients/ClientPage.vue']],
  ['clients', /^#\/clients(?:[/?]|$)/, ['src/layouts/MainLayout.vue', 'src/features/clients/ClientsPage.vue']],
]

/** The interface's words, fetched by src/i18n/index.ts before the first screen is drawn. */
export const WORDS = { office: 'src/i18n/french.ts', field: 'src/i18n/frenchField.ts', en: 'src/i18n/english.ts' }

/**
 * The API reads index.html starts as it opens (paths under the base): the session for every
 * screen, and the technician's day for theirs. Each is a GET the app makes first thing anyway
 * (src/auth/useUserGroups.ts, src/main.ts), taken over by its HTTP client (src/api/earlyReads.ts).
 */
export const EARLY_READS: OpeningScreens['reads'] = { always: ['api/me'], screens: { tech: ['api/tech/day'] } }

type OutputBundle = Rolldown.OutputBundle
type OutputChunk = Rolldown.OutputChunk

function chunks(bundle: OutputBundle): OutputChunk[] {
  return Object.values(bundle).filter((item): item is OutputChunk => item.type === 'chunk')
}

/** A chunk's file and those of every chunk it imports statically, their CSS included, each chunk before its imports. */
function closure(byFile: Map<string, OutputChunk>, chunk: OutputChunk, into: Set<string>) {
  if (into.has(chunk.fileName)) return
  into.add(chunk.fileName)
  for (const css of chunk.viteMetadata?.importedCss ?? []) into.add(css)
  for (const file of chunk.imports) {
    const imported = byFile.get(file)
    if (imported) closure(byFile, imported, into)
  }
}

/** The chunk a lazy import of `id` loads: the one it is the face of, else the group that holds it. */
function chunkOf(all: OutputChunk[], id: string): OutputChunk | undefined {
  return all.find((c) => c.facadeModuleId === id) ?? all.find((c) => c.moduleIds.includes(id))
}

/** The build's chunks, and each by its file name. */
function graph(bundle: OutputBundle): { all: OutputChunk[]; byFile: Map<string, OutputChunk> } {
  const all = chunks(bundle)
  return { all, byFile: new Map(all.map((chunk) => [chunk.fileName, chunk])) }
}

/** Adds to `into` the files an opening screen's modules need; stops the build when one is no longer a chunk. */
function screenFiles(
  { all, byFile }: ReturnType<typeof graph>,
  root: string,
  [name, , modules]: (typeof OPENING_SCREENS)[number],
  into: Set<string>,
): Set<string> {
  for (const module of modules) {
    const chunk = chunkOf(all, `${root}/${module}`)
    if (!chunk)
      throw new Error(`routePreloads: the screen "${name}" names ${module}, which is not a chunk of the build`)
    closure(byFile, chunk, into)
  }
  return into
}

/** The chunks the app can open with: the entry's, and each opening screen's (its layout, page and their static imports). */
export function openingChunks(bundle: OutputBundle, root: string): OutputChunk[] {
  const built = graph(bundle)
  const files = new Set<string>()
  for (const chunk of built.all.filter((c) => c.isEntry)) closure(built.byFile, chunk, files)
  for (const screen of OPENING_SCREENS) screenFiles(built, root, screen, files)
  return built.all.filter((chunk) => files.has(chunk.fileName))
}

export function openingScreens(bundle: OutputBundle, root: string, base: string): OpeningScreens {
  const built = graph(bundle)
  const { all, byFile } = built
  const entry = all.find((chunk) => chunk.isEntry)
  if (!entry) throw new Error('routePreloads: the build has no entry chunk')
  const initial = new Set<string>()
  closure(byFile, entry, initial)
  const files: string[] = []
  const screens: OpeningScreens['screens'] = OPENING_SCREENS.map((screen) => {
    const [name, hash] = screen
    const indexes = [...screenFiles(built, root, screen, new Set())]
      .filter((file) => !initial.has(file))
      .map((file) => (files.includes(file) ? files.indexOf(file) : files.push(file) - 1))
    return [name, hash.source, indexes]
  })
  const words = (module: string) => {
    const chunk = all.find((c) => c.facadeModuleId === `${root}/${module}`)
    if (!chunk) throw new Error(`routePreloads: the words ${module} are not a chunk of the build`)
    return chunk.fileName
  }
  return {
    base,
    files,
    screens,
    homeKey: HOME_SCREEN_KEY,
    reads: EARLY_READS,
    readsKey: EARLY_READS_KEY,
    words: { office: words(WORDS.office), field: words(WORDS.field), en: words(WORDS.en), localeKey: LOCALE_KEY },
    fieldScreens: FIELD_SCREENS,
  }
}

/** `html` with an inline script just before its first stylesheet link, or at the end of its head. */
export function withScriptBeforeStylesheets(html: string, code: string): string {
  const script = `<script>${code}</script>\n    `
  const stylesheet = /<link\b[^>]*\brel=["']?stylesheet\b[^>]*>/i.exec(html)
  if (stylesheet) return html.slice(0, stylesheet.index) + script + html.slice(stylesheet.index)
  const head = html.indexOf('</head>')
  if (head < 0) throw new Error('routePreloads: index.html has no </head>')
  return html.slice(0, head) + script + html.slice(head)
}

/** `html` with its stylesheet links moved from the head to the end of the body, in their order. */
export function withStylesheetsAfterBody(html: string): string {
  const headEnd = html.indexOf('</head>')
  const bodyEnd = html.lastIndexOf('</body>')
  if (headEnd < 0 || bodyEnd < headEnd) throw new Error('routePreloads: index.html has no </head> or no </body>')
  const links: string[] = []
  const head = html.slice(0, headEnd).replace(/[ \t]*<link\b[^>]*\brel=["']?stylesheet\b[^>]*>\s*/gi, (link) => {
    links.push(link.trim())
    return ''
  })
  if (links.length === 0) return html
  const between = html.slice(headEnd, bodyEnd)
  return `${head}${between}  ${links.join('\n    ')}\n  ${html.slice(bodyEnd)}`
}

export function routePreloads(): Plugin {
  let root = ''
  let base = '/'
  return {
    name: 'gigafibre:route-preloads',
    apply: 'build',
    configResolved(config) {
      root = config.root
      base = config.base
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, context) {
        if (!context.bundle) return html
        const table = openingScreens(context.bundle, root, base)
        const code = `(${preloadOpeningScreen.toString()})(${JSON.stringify(table)},location.hash,document,function(){return localStorage})`
        return withStylesheetsAfterBody(withScriptBeforeStylesheets(html, code))
      },
    },
  }
}
