/**
 * English, in a chunk of its own in a production build: a French session (the default) never
 * downloads it, an English one fetches it once, before its first screen. `?locale=en` makes each
 * i18n.ts a module apart from the one French reads, so each chunk keeps its own language only.
 */
import type { Messages } from './index'

export const root = Object.values(
  import.meta.glob<Messages>('./en.ts', { import: 'default', eager: true, query: '?locale=en' }),
)[0]
export const features = import.meta.glob<Messages>('../features/*/i18n.ts', {
  import: 'en',
  eager: true,
  query: '?locale=en',
})
