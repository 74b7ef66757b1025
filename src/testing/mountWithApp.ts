/**
 * Mounts one component the way src/main.ts sets up the app: Quasar (with its Dialog and Notify
 * plugins and its own words in the same language), the app's real i18n messages, and Pinia. The
 * app's i18n instance itself is used, not a copy, because components format dates and numbers
 * through `intlLocale()`, which reads that instance's locale.
 *
 * Mounted into document.body because Quasar's dialogs render there; every mount is unmounted
 * after its test so one test's dialog never answers another's query.
 */
import { afterEach } from 'vitest'
import { enableAutoUnmount, mount } from '@vue/test-utils'
import { createPinia, getActivePinia, type Pinia } from 'pinia'
import { Dialog, Notify, Quasar } from 'quasar'
import quasarEn from 'quasar/lang/en-US'
import quasarFr from 'quasar/lang/fr'
import { i18n, type Locale } from 'src/i18n'

enableAutoUnmount(afterEach)

type MountOptions<T> = NonNullable<Parameters<typeof mount<T>>[1]>

export interface AppSetup {
  /** The staff member's language; French unless said otherwise, as in the app. */
  locale?: Locale
  /** The store the test seeded; otherwise the active one, or a fresh one. */
  pinia?: Pinia
}

export function mountWithApp<T>(component: T, options: MountOptions<T> & AppSetup = {}): ReturnType<typeof mount<T>> {
  const { locale = 'fr', pinia = getActivePinia() ?? createPinia(), ...rest } = options
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  const mountOptions = {
    attachTo: document.body,
    ...rest,
    global: {
      ...rest.global,
      plugins: [
        [Quasar, { plugins: { Dialog, Notify }, lang: locale === 'en' ? quasarEn : quasarFr }],
        pinia,
        i18n,
        ...(rest.global?.plugins ?? []),
      ],
    },
  } as MountOptions<T>
  return mount(component, mountOptions)
}
