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

// The shell's French words are here. A production build fetches the features' French words
// (src/i18n/french.ts) beside the first screen's code, and English (src/i18n/english.ts) only
// when chosen; the tests and the dev server have everything at hand.
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

/** Words fetched once per language in a production build. */
const loaded: Partial<Record<Locale, Promise<void>>> = {}
function loadWords(locale: Locale): Promise<void> {
  if (!import.meta.env.PROD) return Promise.resolve()
  loaded[locale] ??=
    locale === 'en'
      ? import('./english').then(({ root, features }) => i18n.global.setLocaleMessage('en', merge(root, features)))
      : // Set whole, not merged: merging copies each word in through the reactive store (~15 ms).
        import('./french').then(({ features }) => i18n.global.setLocaleMessage('fr', merge(fr, features)))
  return loaded[locale]
}

/** Switches the app's language once its words are there (at once in the tests and the dev server). */
export async function setLocale(locale: Locale): Promise<void> {
  await Promise.all([loadWords('fr'), loadWords(locale)])
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
