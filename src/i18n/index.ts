/**
 * French by default, English on request. Each feature keeps its own words in
 * src/features/<name>/i18n.ts (exporting `fr` and `en`), merged here under the feature's name.
 */
import { createI18n } from 'vue-i18n'
import { Quasar } from 'quasar'
import quasarFr from 'quasar/lang/fr'
import quasarEn from 'quasar/lang/en-US'
import fr from './fr'
import en from './en'
import { LOCALE_KEY } from 'src/contracts/localeKey'

/** A tree of translated strings. */
export interface Messages {
  [key: string]: Messages | string
}
type FeatureMessages = Record<string, Messages>

/** The root words and each feature's, merged under the feature's name. */
function merge(root: Messages, features: FeatureMessages): Messages {
  const all: Messages = { ...root }
  for (const [path, words] of Object.entries(features)) all[/features\/([^/]+)\//.exec(path)![1]] = words
  return all
}

// The shell's French words are here. A production build fetches the features' French words in two
// parts, the technician's screens' (src/i18n/frenchField.ts) and the office's (src/i18n/french.ts),
// and English (src/i18n/english.ts) only when chosen; the tests and the dev server have everything
// at hand.
const messages: Record<'fr' | 'en', Messages> = import.meta.env.PROD
  ? { fr: { ...fr }, en: {} }
  : {
      fr: merge(fr, import.meta.glob<Messages>('../features/*/i18n.ts', { import: 'fr', eager: true })),
      en: merge(en, import.meta.glob<Messages>('../features/*/i18n.ts', { import: 'en', eager: true })),
    }

export type Locale = 'fr' | 'en'
const STORAGE_KEY = LOCALE_KEY

/** The language of the last visit (French the first time). */
export function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr'
  } catch {
    return 'fr'
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: 'fr',
  fallbackLocale: 'fr',
  messages,
})

/** The words a production build fetches: English, and French in its two parts. */
type Words = 'field' | 'office' | 'en'
const loaded: Partial<Record<Words, Promise<void>>> = {}
/** The French words so far, set whole into vue-i18n at each part (merging copies each word in through the reactive store, ~15 ms). */
let french: Messages = messages.fr

function loadWords(words: Words): Promise<void> {
  if (!import.meta.env.PROD) return Promise.resolve()
  const addFrench = (part: Promise<{ features: FeatureMessages }>) =>
    part.then((module) => {
      french = merge(french, module.features)
      i18n.global.setLocaleMessage('fr', french)
    })
  loaded[words] ??= (
    words === 'en'
      ? import('./english').then(({ root, features }) => i18n.global.setLocaleMessage('en', merge(root, features)))
      : addFrench(words === 'field' ? import('./frenchField') : import('./french'))
  ).catch((error: unknown) => {
    // Asked again by the next one who needs them (the network may be back).
    delete loaded[words]
    throw error
  })
  return loaded[words]
}

/**
 * The office's words, for a screen beyond the technician's (the router waits for them): already
 * there unless the app opened on the technician's day. Never rejects: without the network a screen
 * still opens, its words showing as their keys.
 */
export function officeWords(): Promise<void> {
  return loadWords('office').catch(() => undefined)
}

/**
 * Switches the app's language once its words are there (at once in the tests and the dev server).
 * `office: false` leaves the office's French words for later, when the app opens on a technician's
 * screen.
 */
export async function setLocale(locale: Locale, { office = true }: { office?: boolean } = {}): Promise<void> {
  await Promise.all([
    loadWords('field'),
    office || loaded.office ? loadWords('office') : null,
    locale === 'en' ? loadWords('en') : null,
  ])
  i18n.global.locale.value = locale
  Quasar.lang.set(locale === 'en' ? quasarEn : quasarFr)
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // private mode: the choice lasts for this visit
  }
}

/** Locale tag for Intl formatting: dates and numbers in fr-CA (or en-CA). */
export const intlLocale = () => (i18n.global.locale.value === 'en' ? 'en-CA' : 'fr-CA')
