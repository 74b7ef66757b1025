/** Quasar's Dialog and Notify plugins, in a chunk of their own (see lazyPlugins.ts). */
import { Dialog as QuasarDialog, Notify as QuasarNotify } from 'quasar'

/** The call Quasar makes to install a plugin into an app. */
export interface Installable {
  install(options: { $q: object; parentApp: object }): void
}

export const Dialog = QuasarDialog as unknown as Installable
export const Notify = QuasarNotify as unknown as Installable
