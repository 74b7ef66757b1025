/**
 * `$q.dialog` and `$q.notify` without Quasar's Dialog and Notify plugins in the first load (the
 * built-in dialog's prompts and option lists bring QInput, QOptionGroup and more): the plugins
 * come in a chunk of their own, fetched once the first screen is up, or at the first dialog or
 * notification if that comes sooner. One asked for before then shows as soon as the plugins are
 * there, with every handler or update it was given meanwhile. One asked for when the plugins'
 * code cannot be fetched (a first visit that lost its network) is not dropped in silence:
 * `codeNotFetched` has App.vue say so and offer to reload.
 */
import type { App } from 'vue'
import { codeNotFetched } from './components/lazy'
import type { DialogChainObject, QDialogOptions, QNotifyCreateOptions, QNotifyUpdateOptions, QVueGlobals } from 'quasar'

type Method = keyof DialogChainObject
type OpenDialog = QVueGlobals['dialog']

let loading: Promise<void> | null = null
let load: (() => Promise<void>) | null = null

/** Replaces `$q.dialog` and `$q.notify` by ones that load the plugins first; call after `app.use(Quasar)`. */
export function installLazyPlugins(app: App): void {
  const $q = app.config.globalProperties.$q as QVueGlobals
  load = () =>
    import('./quasarPlugins').then(({ Dialog, Notify }) => {
      Dialog.install({ $q, parentApp: app })
      Notify.install({ $q, parentApp: app })
    })

  $q.dialog = (opts: QDialogOptions) => {
    const pending: [Method, unknown[]][] = []
    let real: DialogChainObject | null = null
    const call = (target: DialogChainObject, method: Method, args: unknown[]) =>
      (target[method] as (...a: unknown[]) => DialogChainObject)(...args)
    const later =
      (method: Method) =>
      (...args: unknown[]): DialogChainObject => {
        if (real) call(real, method, args)
        else pending.push([method, args])
        return chain
      }
    const chain: DialogChainObject = {
      onOk: later('onOk'),
      onCancel: later('onCancel'),
      onDismiss: later('onDismiss'),
      hide: later('hide'),
      update: later('update'),
    }
    preloadPlugins().then(() => {
      real = ($q.dialog as OpenDialog)(opts)
      for (const [method, args] of pending) call(real, method, args)
    }, notFetched)
    return chain
  }

  const lazyNotify = (opts: QNotifyCreateOptions | string) => {
    const updates: (QNotifyUpdateOptions | undefined)[] = []
    let real: ((props?: QNotifyUpdateOptions) => void) | null = null
    preloadPlugins().then(() => {
      real = $q.notify(opts)
      for (const props of updates) real(props)
    }, notFetched)
    return (props?: QNotifyUpdateOptions) => {
      if (real) real(props)
      else updates.push(props)
    }
  }
  $q.notify = lazyNotify
}

const notFetched = () => {
  codeNotFetched.value = true
}

/** Fetches and installs the plugins (once; asked again after a failed fetch). */
export function preloadPlugins(): Promise<void> {
  if (!load) throw new Error('installLazyPlugins(app) has not run')
  loading ??= load().then(
    () => {
      codeNotFetched.value = false
    },
    (error: unknown) => {
      loading = null
      throw error
    },
  )
  return loading
}
