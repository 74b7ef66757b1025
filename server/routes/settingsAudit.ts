/**
 * GET /ops/api/audit?q=&actor=&action=&limit=&before= — the journal, newest first, for holders of
 * `audit:view`. Reading is bounded (see AuditJournal.read), so a search never scans the whole
 * history in one request; the page says where to continue.
 */
import type { H3 } from 'h3'
import { decodeCursor } from '../audit'
import type { AppContext } from '../app'
import { json, Refusal } from '../errors'
import { requireCapability } from '../guard'

const MAX_LIMIT = 200
const MAX_TEXT = 200

export function registerAuditRoute(app: H3, ctx: AppContext): void {
  app.get('/ops/api/audit', (event) => {
    requireCapability(ctx, event, 'audit:view')
    const p = event.url.searchParams
    const text = (k: string) => (p.get(k) ?? '').trim()
    const limitRaw = text('limit')
    const limit = limitRaw === '' ? 50 : Number(limitRaw)
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new Refusal(400, 'BAD_LIMIT', {
        fr: `Le nombre d’entrées demandé doit être un entier de 1 à ${MAX_LIMIT}.`,
        en: `The number of entries asked for must be a whole number from 1 to ${MAX_LIMIT}.`,
      })
    }
    const before = text('before')
    if (before && !decodeCursor(before)) {
      throw new Refusal(400, 'BAD_CURSOR', {
        fr: 'La position de lecture du journal n’est pas valide. Recommencez la recherche depuis le début.',
        en: 'The journal position is not valid. Start the search again from the beginning.',
      })
    }
    if ([text('q'), text('actor'), text('action')].some((v) => v.length > MAX_TEXT)) {
      throw new Refusal(400, 'SEARCH_TOO_LONG', {
        fr: `Une recherche ne peut pas dépasser ${MAX_TEXT} caractères.`,
        en: `A search cannot be longer than ${MAX_TEXT} characters.`,
      })
    }
    const page = ctx.audit.read({
      q: text('q') || undefined,
      actor: text('actor') || undefined,
      action: text('action') || undefined,
      limit,
      before: before || undefined,
    })
    return json(200, page)
  })
}
