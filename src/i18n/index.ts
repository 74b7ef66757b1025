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

/** A tree of translated strings. */
export interface Messages {
  [key: string]: Messages | string
}
const features = import.meta.glob<{ fr: Messages; en: Messages }>('../features/*/i18n.ts', { eager: true })

const messages = { fr: { ...fr } as Messages, en: { ...en } as Messages }
for (const [path, mod] of Object.entries(features)) {
  const feature = /features\/([^/]+)\//.exec(path)![1]
  messages.fr[feature] = mod.fr
  messages.en[feature] = mod.en
}

export type Locale = 'fr' | 'en'
const STORAGE_KEY = 'ops.locale'

function initialLocale(): Locale {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'fr'
  } catch {
    return 'fr'
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'fr',
  messages,
})

export function setLocale(locale: Locale) {
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
