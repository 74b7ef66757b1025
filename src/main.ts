import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { Quasar, Notify, Dialog, Loading } from 'quasar'
import quasarFr from 'quasar/lang/fr'
import quasarEn from 'quasar/lang/en-US'
import '@quasar/extras/material-icons/material-icons.css'
import 'quasar/src/css/index.sass'
import './css/app.scss'
import App from './App.vue'
import { router } from './router'
import { i18n } from './i18n'

const app = createApp(App)
app.use(Quasar, {
  plugins: { Notify, Dialog, Loading },
  lang: i18n.global.locale.value === 'en' ? quasarEn : quasarFr,
  config: { notify: { position: 'top', timeout: 4000 } },
})
app.use(createPinia())
app.use(i18n)
app.use(router)
document.documentElement.lang = i18n.global.locale.value
app.mount('#app')
