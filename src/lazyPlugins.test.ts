// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createApp } from 'vue'
import { Quasar, type QVueGlobals } from 'quasar'
import { installLazyPlugins } from './lazyPlugins'
import { codeNotFetched } from './components/lazy'

// The plugins' chunk, refused as a tablet without network refuses it, until `network` is back.
const network = vi.hoisted(() => ({ up: false }))
vi.mock('./quasarPlugins', async (importOriginal) => {
  if (!network.up) throw new TypeError('Failed to fetch dynamically imported module: /ops/assets/quasarPlugins-x.js')
  return importOriginal()
})

const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

describe('dialogs and notifications fetched after the first screen', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('says the code could not be loaded when a notification needs it, and shows the next one once it can be fetched', async () => {
    const app = createApp({ render: () => null })
    app.use(Quasar)
    installLazyPlugins(app)
    app.mount(document.createElement('div'))
    const $q = app.config.globalProperties.$q as QVueGlobals

    $q.notify({ message: 'Intervention enregistrée' })
    await settle()
    expect(codeNotFetched.value).toBe(true)
    expect(document.body.textContent).not.toContain('Intervention enregistrée')

    network.up = true
    $q.notify({ message: 'Intervention replanifiée' })
    await vi.waitFor(() => expect(document.body.textContent).toContain('Intervention replanifiée'))
    expect(codeNotFetched.value).toBe(false)
    app.unmount()
  })
})
