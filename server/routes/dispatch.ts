/**
 * GET /ops/api/dispatch/board?from=YYYY-MM-DD&to=YYYY-MM-DD — the dispatch board's view model:
 * technicians with their tags, the range's jobs with their tags and customer names, and the
 * unassigned queue (capability dispatch:view). It is kept ready in memory and current by the
 * bus's change events (server/dispatch/boardCache.ts), built from ERPNext by dispatchBoard.ts,
 * and sent in a compact encoding, the rows in view first, to the board (server/dispatch/boardRoute.ts).
 */
import type { H3 } from 'h3'
import type { AppContext, FeatureRoutes } from '../app'
import { boardRoute } from '../dispatch/boardRoute'

export const dispatchRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  // A served BFF (it has a data directory; apps built by tests do not) builds this week's board at
  // start, so the first dispatcher of the day does not wait for it.
  boardRoute(app, ctx, { warm: Boolean(ctx.config.dataDir) })
}
