/**
 * The office's French words (every feature but the technician's, which src/i18n/frenchField.ts
 * carries), in a chunk of their own in a production build: fetched beside the first screen's code
 * when the app opens on an office screen, after the first screen when it opens on the
 * technician's day, and awaited by the router before any office screen. The shell's own words
 * (src/i18n/fr.ts) are in the first load. `?locale=fr` keeps English out of this chunk (see
 * english.ts).
 */
import type { Messages } from './index'

export const features = import.meta.glob<Messages>(['../features/*/i18n.ts', '!../features/{tech,scans}/i18n.ts'], {
  import: 'fr',
  eager: true,
  query: '?locale=fr',
})
