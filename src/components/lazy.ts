/**
 * A component whose code is fetched when first shown. If the fetch fails, LoadFailed takes its
 * place: what happened and how to get the part back. (A browser keeps a failed module fetch for
 * the page's life, so asking again without a reload would only fail again.)
 */
import { defineAsyncComponent, ref, type Component } from 'vue'
import LoadFailed from './LoadFailed.vue'

/**
 * Set when code asked for outside a screen or a component (Quasar's dialogs and notifications,
 * lazyPlugins.ts) could not be fetched at the moment it was needed; App.vue then says so.
 */
export const codeNotFetched = ref(false)

export function lazyComponent<T extends Component>(loader: () => Promise<T | { default: T }>): T {
  // It takes the same props, events and slots as the component it loads.
  return defineAsyncComponent({ loader, errorComponent: LoadFailed }) as unknown as T
}
