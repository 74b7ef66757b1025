/**
 * The opening screen's code, asked for by index.html before the app's own script has even run.
 *
 * The app's entry imports each screen lazily, so a screen's files (its layout, its page and their
 * components: ~30–55 of them) were asked for only once the entry had downloaded and run — on a
 * technician's weak LTE, a second after the first byte. The build (scripts/routePreloads.ts) writes
 * `preloadOpeningScreen` into index.html as an inline script (allowed by its hash in the CSP) with
 * the files of each screen one can open the app on, so they download beside the entry. The app's
 * import then finds them there. A bare `/ops/` opens the screen the router last sent this device
 * to from home (remembered under HOME_SCREEN_KEY).
 *
 * Self-contained: the function is serialised into the page, so it may use nothing from outside.
 */
export const HOME_SCREEN_KEY = 'ops.homeScreen'

export interface OpeningScreens {
  /** The URL the files are under, e.g. `/ops/`. */
  base: string
  /** Every file named below, once. */
  files: string[]
  /** In order of precedence: the screen's route name, the pattern of its hash, its files (indexes in `files`). */
  screens: [name: string, hash: string, files: number[]][]
  homeKey: string
}

/** Adds the opening screen's files to the page's head as preloads; returns the screen's name, or null. */
export function preloadOpeningScreen(table: OpeningScreens, hash: string, doc: Document, storage: () => Storage) {
  let remembered: string | null = null
  if (hash === '' || hash === '#' || hash === '#/') {
    try {
      remembered = storage().getItem(table.homeKey)
    } catch {
      return null
    }
    if (!remembered) return null
  }
  for (const [name, pattern, files] of table.screens) {
    if (remembered ? name !== remembered : !new RegExp(pattern).test(hash)) continue
    for (const index of files) {
      const file = table.files[index]
      const link = doc.createElement('link')
      if (file.endsWith('.css')) {
        // Preloaded, not applied: the app applies it when the screen's code asks for it.
        link.rel = 'preload'
        link.as = 'style'
      } else link.rel = 'modulepreload'
      link.crossOrigin = ''
      link.href = table.base + file
      link.setAttribute('data-opening-screen', name)
      doc.head.appendChild(link)
    }
    return name
  }
  return null
}

/** The screen index.html preloaded (see `preloadOpeningScreen`), read back from its links; null when none. */
export function openedOn(doc: Document): string | null {
  return doc.querySelector('link[data-opening-screen]')?.getAttribute('data-opening-screen') ?? null
}
