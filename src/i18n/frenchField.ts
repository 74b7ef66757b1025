/**
 * The French words of the technician's screens (`FIELD_FEATURES`: the day, a job, the scan queue
 * and its sheet), in a chunk of their own in a production build: a tablet opening on its day
 * fetches these beside the screen's code and the office's words (src/i18n/french.ts) only once
 * the day is drawn. `fieldWords.test.ts` checks that the field screens name no other feature's
 * words.
 */
import type { Messages } from './index'

export const features = import.meta.glob<Messages>('../features/{tech,scans}/i18n.ts', {
  import: 'fr',
  eager: true,
  query: '?locale=fr',
})
