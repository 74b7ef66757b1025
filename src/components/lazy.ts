/**
 * A component whose code is fetched when first shown. If the fetch fails, LoadFailed takes its
 * place: what happened and how to get the part back. (A browser keeps a failed module fetch for
 * the page's life, so asking again without a reload would only fail again.)
 */
import { defineAsyncComponent, type Component } from 'vue'
import LoadFailed from './LoadFailed.vue'

export function lazyComponent<T extends Component>(loader: () => Promise<T | { default: T }>): T {
  // It takes the same props, events and slots as the component it loads.
  return defineAsyncComponent({ loader, errorComponent: LoadFailed }) as unknown as T
}
