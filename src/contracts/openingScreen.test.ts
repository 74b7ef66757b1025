// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  EARLY_READS_KEY,
  FIELD_SCREENS,
  HOME_SCREEN_KEY,
  openedOn,
  preloadOpeningScreen,
  type EarlyReads,
  type OpeningScreens,
} from './openingScreen'

const TABLE: OpeningScreens = {
  base: '/ops/',
  files: ['assets/MainLayout-a.js', 'assets/TechJobPage-b.js', 'assets/TechDayPage-c.js', 'assets/TechDayPage-d.css'],
  screens: [
    ['tech-job', '^#\\/tech\\/jobs\\/[^/?]', [0, 1]],
    ['tech', '^#\\/tech(?:[/?]|$)', [0, 2, 3]],
  ],
  homeKey: HOME_SCREEN_KEY,
  reads: { always: ['api/me'], screens: { tech: ['api/tech/day'] } },
  readsKey: EARLY_READS_KEY,
  words: {
    office: 'assets/french-e.js',
    field: 'assets/frenchField-g.js',
    en: 'assets/english-f.js',
    localeKey: 'ops.locale',
  },
  fieldScreens: FIELD_SCREENS,
}

/** The words' files the page preloads. */
function words() {
  return [...document.head.querySelectorAll('link[data-opening-words]')].map((link) => link.getAttribute('href'))
}

function added() {
  return [...document.head.querySelectorAll('link[data-opening-screen]')].map((link) => [
    link.getAttribute('rel'),
    link.getAttribute('href'),
    link.getAttribute('as'),
  ])
}

function storageWith(home: string | null): () => Storage {
  localStorage.clear()
  if (home) localStorage.setItem(HOME_SCREEN_KEY, home)
  return () => localStorage
}

/** The reads the page started, by URL, and how each was asked for. */
let asked: { url: string; init: RequestInit }[] = []

function startedReads(): string[] {
  const reads = (window as unknown as Record<string, EarlyReads | undefined>)[EARLY_READS_KEY]
  return Object.keys(reads ?? {})
}

describe('preloadOpeningScreen', () => {
  beforeEach(() => {
    document.head.innerHTML = ''
    asked = []
    delete (window as unknown as Record<string, unknown>)[EARLY_READS_KEY]
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      asked.push({ url, init })
      return Promise.resolve(new Response('{}'))
    })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
  })

  it('starts the session and the technician’s day at once for their screen, as the app would ask for them', () => {
    preloadOpeningScreen(TABLE, '#/tech', document, storageWith(null))
    expect(asked.map((a) => a.url)).toEqual(['/ops/api/me', '/ops/api/tech/day'])
    for (const { init } of asked) {
      expect(init.credentials).toBe('same-origin')
      expect(new Headers(init.headers).get('accept')).toBe('application/json')
    }
    expect(startedReads()).toEqual(['/ops/api/me', '/ops/api/tech/day'])
  })

  it('starts the session alone for any other screen, known or not', () => {
    preloadOpeningScreen(TABLE, '#/tech/jobs/DJ-2026-00012', document, storageWith(null))
    expect(startedReads()).toEqual(['/ops/api/me'])
    preloadOpeningScreen(TABLE, '#/settings/users', document, storageWith(null))
    expect(startedReads()).toEqual(['/ops/api/me'])
    const refused = () => {
      throw new DOMException('denied', 'SecurityError')
    }
    preloadOpeningScreen(TABLE, '', document, refused)
    expect(startedReads()).toEqual(['/ops/api/me'])
  })

  it("preloads the files of the screen the hash opens, the page's CSS as a style preload", () => {
    expect(preloadOpeningScreen(TABLE, '#/tech?date=2026-12-03', document, storageWith(null))).toBe('tech')
    expect(added()).toEqual([
      ['modulepreload', '/ops/assets/MainLayout-a.js', null],
      ['modulepreload', '/ops/assets/TechDayPage-c.js', null],
      ['preload', '/ops/assets/TechDayPage-d.css', 'style'],
    ])
    for (const link of document.head.querySelectorAll('link')) expect(link.getAttribute('crossorigin')).toBe('')
    // What the app reads back to ask for the screen's data beside its code.
    expect(openedOn(document)).toBe('tech')
  })

  it('preloads the French words for any screen, known or not, and the English ones when English was chosen', () => {
    preloadOpeningScreen(TABLE, '#/settings/users', document, storageWith(null))
    expect(words()).toEqual(['/ops/assets/frenchField-g.js', '/ops/assets/french-e.js'])
    document.head.innerHTML = ''
    localStorage.clear()
    localStorage.setItem('ops.locale', 'en')
    preloadOpeningScreen(TABLE, '#/dispatch', document, () => localStorage)
    expect(words()).toEqual(['/ops/assets/frenchField-g.js', '/ops/assets/french-e.js', '/ops/assets/english-f.js'])
    document.head.innerHTML = ''
    preloadOpeningScreen(TABLE, '#/tech', document, () => localStorage)
    expect(words()).toEqual(['/ops/assets/frenchField-g.js', '/ops/assets/english-f.js'])
    expect(document.head.querySelector('link[data-opening-words]')?.getAttribute('rel')).toBe('modulepreload')
    // The words are not taken for a screen's files.
    expect(added()).toHaveLength(3)
  })

  it("leaves the office's French words for later on the technician's screens, a bare /ops/ leading there included", () => {
    preloadOpeningScreen(TABLE, '#/tech', document, storageWith(null))
    expect(words()).toEqual(['/ops/assets/frenchField-g.js'])
    document.head.innerHTML = ''
    preloadOpeningScreen(TABLE, '#/tech/jobs/DJ-2026-00012', document, storageWith(null))
    expect(words()).toEqual(['/ops/assets/frenchField-g.js'])
    document.head.innerHTML = ''
    preloadOpeningScreen(TABLE, '', document, storageWith('tech'))
    expect(words()).toEqual(['/ops/assets/frenchField-g.js'])
  })

  it('takes the most specific screen first', () => {
    expect(preloadOpeningScreen(TABLE, '#/tech/jobs/DJ-2026-00012', document, storageWith(null))).toBe('tech-job')
    expect(added().map(([, href]) => href)).toEqual(['/ops/assets/MainLayout-a.js', '/ops/assets/TechJobPage-b.js'])
  })

  it('preloads nothing for a screen it does not know', () => {
    expect(preloadOpeningScreen(TABLE, '#/technicians', document, storageWith('tech'))).toBeNull()
    expect(preloadOpeningScreen(TABLE, '#/settings/users', document, storageWith('tech'))).toBeNull()
    expect(added()).toEqual([])
    expect(openedOn(document)).toBeNull()
  })

  it('opens a bare /ops/ on the screen home last led to', () => {
    expect(preloadOpeningScreen(TABLE, '', document, storageWith('tech'))).toBe('tech')
    expect(added()).toHaveLength(3)
    document.head.innerHTML = ''
    expect(preloadOpeningScreen(TABLE, '#/', document, storageWith(null))).toBeNull()
    expect(preloadOpeningScreen(TABLE, '#/', document, storageWith('settings-users'))).toBeNull()
    expect(added()).toEqual([])
  })

  it('preloads nothing when storage is refused', () => {
    const refused = () => {
      throw new DOMException('denied', 'SecurityError')
    }
    expect(preloadOpeningScreen(TABLE, '', document, refused)).toBeNull()
    expect(added()).toEqual([])
    expect(words()).toEqual(['/ops/assets/frenchField-g.js', '/ops/assets/french-e.js'])
  })
})
