/**
 * Paramètres routes of the BFF: the live group → capability table (so an admin can see why
 * someone cannot reach a screen) and the journal search.
 */
import type { H3 } from 'h3'
import { CAPABILITIES } from '../../src/contracts/capabilities'
import type { CapabilityTable } from '../../src/contracts/settings'
import type { AppContext, FeatureRoutes } from '../app'
import { json } from '../errors'
import { requireCapability } from '../guard'
import { registerAuditRoute } from './settingsAudit'

export function capabilityTable(map: AppContext['config']['capabilityMap']): CapabilityTable {
  return {
    capabilities: [...CAPABILITIES],
    groups: Object.entries(map).map(([group, caps]) => ({
      group,
      capabilities: CAPABILITIES.filter((c) => caps.includes(c)),
    })),
  }
}

export const settingsRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  app.get('/ops/api/capabilities', (event) => {
    requireCapability(ctx, event, 'users:manage')
    return json(200, capabilityTable(ctx.config.capabilityMap))
  })
  registerAuditRoute(app, ctx)
}
