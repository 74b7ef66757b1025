/**
 * GET /ops/api/dispatch/board?from=YYYY-MM-DD&to=YYYY-MM-DD — the dispatch board's view model:
 * technicians with their tags, the range's jobs with their tags and customer names, and the
 * unassigned queue, in one compact payload (capability dispatch:view). See dispatchBoard.ts.
 */
import type { H3 } from 'h3'
import type { AppContext, FeatureRoutes } from '../app'
import { largeJson, Refusal } from '../errors'
import { requireCapability } from '../guard'
import { buildBoard, TagCache } from './dispatchBoard'

const DATE = /^\d{4}-\d{2}-\d{2}$/
/** A week view plus margins is the widest range a board asks for. */
const MAX_RANGE_DAYS = 14

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export const dispatchRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  const cache = new TagCache()
  app.get('/ops/api/dispatch/board', async (event) => {
    requireCapability(ctx, event, 'dispatch:view')
    const from = event.url.searchParams.get('from') ?? ''
    const to = event.url.searchParams.get('to') ?? from
    const span = DATE.test(from) && DATE.test(to) ? daysBetween(from, to) : NaN
    if (!(span >= 0 && span <= MAX_RANGE_DAYS)) {
      throw new Refusal(400, 'INVALID_RANGE', {
        fr: `Période invalide : indiquez from et to (AAAA-MM-JJ), ${MAX_RANGE_DAYS} jours au plus.`,
        en: `Invalid range: give from and to (YYYY-MM-DD), at most ${MAX_RANGE_DAYS} days apart.`,
      })
    }
    return largeJson(event.req, 200, await buildBoard(ctx.erp, cache, from, to))
  })
}
