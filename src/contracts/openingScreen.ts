/**
 * The opening screen's code, asked for by index.html before the app's own script has even run.
 *
 * The app's entry imports each screen lazily, so a screen's files (its layout, its page and their
 * components: ~30–55 of them) were asked for only once the entry had downloaded and run — on a
 * technician's weak LTE, a second after the first byte. The build (scripts/routePreloads.ts) writes
 * `preloadOpeningScreen` into index.html as an inline script (allowed by its hash in the CSP) with
 * the files of each screen one can open the app on, so they download beside the entry. The app's
 * import then finds them there. A bare `/ops/` opens the screen the router last sent this device
 * to from home (remembered under HOME_SCREEN_KEY). The same script starts the reads the screen
 * needs first (the session; the technician's day), which src/api/earlyReads.ts hands to the app's
 * HTTP client.
 *
 * Self-contained: the function is serialised into the page, so it may use nothing from outside.
 */
export const HOME_SCREEN_KEY = 'ops.homeScreen'
/** Where index.html leaves the reads it started (on `window`), for the app's HTTP client to take. */
export const EARLY_READS_KEY = '__opsEarlyReads'

/** A read index.html started, by its URL: when, and the answer on its way. */
export type EarlyReads = Record<string, { at: number; answer: Promise<Response> }>

export interface OpeningScreens {
  /** The URL the files are under, e.g. `/ops/`. */
  base: string
  /** Every file named below, once. */
  files: string[]
  /** In order of precedence: the screen's route name, the pattern of its hash, its files (indexes in `files`). */
  screens: [name: string, hash: string, files: number[]][]
  homeKey: string
  /**
   * The API reads to start at once (paths under `base`): `always` for any screen (the session),
   * `screens` for the screen opened; left under `readsKey` on the window.
   */
  reads: { always: string[]; screens: Record<string, string[]> }
  readsKey: string
  /**
   * The files of the interface's words, which the app waits for before its first screen: French
   * always (the fallback) — the technician's screens' part (`field`) for every screen, the office's
   * (`office`) unless the screen is one of `FIELD_SCREENS` — and English too when it was the last
   * visit's language (under `localeKey`).
   */
  words: { office: string; field: string; en: string; localeKey: string }
  /** `FIELD_SCREENS`, for the page's script. */
  fieldScreens: readonly string[]
}

/** The features whose words the technician's screens use (src/i18n/frenchField.ts), and the only ones. */
export const FIELD_FEATURES: readonly string[] = ['tech', 'scans']

/**
 * The screens (route names) that name only the shell's words and the technician's
 * (`FIELD_FEATURES`): they open without the office's words, which follow once they are
 * up; the router waits for those before any other screen. `fieldWords.test.ts` walks their code.
 */
export const FIELD_SCREENS: readonly string[] = ['home', 'denied', 'tech', 'tech-job']

/**
 * Adds the opening screen's files and the interface's words to the page's head as preloads and
 * starts the reads it needs first (the session, the screen's data), so they travel beside the
 * code instead of after it; returns the screen's name, or null.
 */
export function preloadOpeningScreen(table: OpeningScreens, hash: string, doc: Document, storage: () => Storage) {
  let remembered: string | null = null
  let screen: OpeningScreens['screens'][number] | null = null
  let known = true
  if (hash === '' || hash === '#' || hash === '#/') {
    try {
      remembered = storage().getItem(table.homeKey)
    } catch {
      known = false
    }
    if (!remembered) known = false
  }
  if (known)
    for (const candidate of table.screens) {
      if (remembered ? candidate[0] === remembered : new RegExp(candidate[1]).test(hash)) {
        screen = candidate
        break
      }
    }
  const view = doc.defaultView
  if (view && typeof view.fetch === 'function') {
    const started: Record<string, { at: number; answer: Promise<Response> }> = {}
    const paths = table.reads.always.concat(screen ? (table.reads.screens[screen[0]] ?? []) : [])
    for (const path of paths) {
      const url = table.base + path
      const answer = view.fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      // Taken by the app, which asks again if this failed; never an unhandled rejection.
      answer.catch(() => undefined)
      started[url] = { at: Date.now(), answer }
    }
    ;(view as unknown as Record<string, unknown>)[table.readsKey] = started
  }
  const preload = (file: string, mark: string, value: string) => {
    const link = doc.createElement('link')
    if (file.endsWith('.css')) {
      // Preloaded, not applied: the app applies it when the screen's code asks for it.
      link.rel = 'preload'
      link.as = 'style'
    } else link.rel = 'modulepreload'
    link.crossOrigin = ''
    link.href = table.base + file
    link.setAttribute(mark, value)
    doc.head.appendChild(link)
  }
  let english = false
  try {
    english = storage().getItem(table.words.localeKey) === 'en'
  } catch {
    // no storage: French, as the app will choose
  }
  preload(table.words.field, 'data-opening-words', 'fr')
  if (!screen || !table.fieldScreens.includes(screen[0])) preload(table.words.office, 'data-opening-words', 'fr')
  if (english) preload(table.words.en, 'data-opening-words', 'en')
  if (!screen) return null
  const [name, , files] = screen
  for (const index of files) preload(table.files[index], 'data-opening-screen', name)
  return name
}

/** The screen index.html preloaded (see `preloadOpeningScreen`), read back from its links; null when none. */
export function openedOn(doc: Document): string | null {
  return doc.querySelector('link[data-opening-screen]')?.getAttribute('data-opening-screen') ?? null
}
