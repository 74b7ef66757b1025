/**
 * The features' French words, in a chunk of their own in a production build, fetched beside the
 * first screen's code while the session loads: the shell's first load carries only its own words
 * (src/i18n/fr.ts). `?locale=fr` keeps English out of this chunk (see english.ts).
 */
import type { Messages } from './index'

export const features = import.meta.glob<Messages>('../features/*/i18n.ts', {
  import: 'fr',
  eager: true,
  query: '?locale=fr',
})
