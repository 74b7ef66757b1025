import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { Quasar } from 'quasar'
import quasarFr from 'quasar/lang/fr'
import '@quasar/extras/material-icons/material-icons.css'
import './css/quasar.sass'
import './css/app.scss'
import App from './App.vue'
import { router } from './router'
import { i18n, initialLocale, officeWords, setLocale } from './i18n'
import { afterFirstScreen, firstScreenShown } from './afterFirstScreen'
import { installLazyPlugins, preloadPlugins } from './lazyPlugins'
import { fetchSessionEarly } from './auth/useUserGroups'
import { openBoardEarly } from './features/dispatch/shell'
import { askEarly } from './api/early'
import { FIELD_SCREENS, openedOn } from './contracts/openingScreen'

fetchSessionEarly()
// The opening screen's data, asked for beside its code (index.html preloads the screen's files;
// at a bare /ops/, those of the screen home last led to: for the board, its default view).
const opening = openedOn(document)
openBoardEarly(opening === 'dispatch' && !location.hash.startsWith('#/dispatch') ? '#/dispatch' : location.hash)
if (opening === 'tech') askEarly('/tech/day')

const app = createApp(App)
app.use(Quasar, {
  lang: quasarFr,
  config: { notify: { position: 'top', timeout: 4000 } },
})
installLazyPlugins(app)
app.use(createPinia())
app.use(i18n)
app.use(router)
// The words of the last visit's language first (fetched beside the first screen's code), then the
// dialogs and notifications once the first screen is up (asked for again by the first one shown if
// that fetch fails).
afterFirstScreen(() => void preloadPlugins().catch(() => undefined))
// On a technician's screen the office's words follow the first screen instead of coming before it.
const field = opening !== null && FIELD_SCREENS.includes(opening)
if (field) afterFirstScreen(() => void officeWords())
void setLocale(initialLocale(), { office: !field }).finally(() => {
  app.mount('#app')
  void router.isReady().then(firstScreenShown, firstScreenShown)
})
