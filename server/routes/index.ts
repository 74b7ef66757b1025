/**
 * Every route of the BFF, in the order they are registered: its own small routes, the ERPNext and
 * hub pass-throughs, live events, the feature view models, and, last, the SPA and the 404s.
 * A new feature adds its module here, and nowhere else.
 */
import type { FeatureRoutes } from '../app'
import { clientsRoutes } from './clients'
import { coreRoutes, spaRoutes } from './core'
import { dispatchRoutes } from './dispatch'
import { dispatchJobRoutes } from './dispatchJobs'
import { equipmentTransferRoutes } from './equipmentTransfers'
import { erpRoutes } from './erp'
import { eventRoutes } from './events'
import { flowsRoutes } from './flows'
import { hubRoutes } from './hub'
import { optimizeRoutes } from './optimize'
import { positionRoutes } from './positions'
import { settingsRoutes } from './settings'
import { techDayRoutes } from './techDay'
import { techScanRoutes } from './techScans'
import { techTestHookRoutes } from './techTestHooks'

export const ROUTES: readonly FeatureRoutes[] = [
  coreRoutes,
  erpRoutes,
  hubRoutes,
  eventRoutes,
  dispatchRoutes,
  dispatchJobRoutes,
  (app, ctx) => positionRoutes(ctx.options.positions)(app, ctx),
  settingsRoutes,
  clientsRoutes,
  techDayRoutes,
  techScanRoutes,
  equipmentTransferRoutes,
  flowsRoutes,
  optimizeRoutes,
  techTestHookRoutes,
  spaRoutes,
]
