/**
 * Feature routes beyond the Frappe and hub pass-throughs (positions, view models, journal…).
 * Each feature registers its own module here.
 */
import type { FeatureRoutes } from '../app'
import { clientsRoutes } from './clients'
import { dispatchRoutes } from './dispatch'
import { equipmentTransferRoutes } from './equipmentTransfers'
import { positionRoutes } from './positions'
import { settingsRoutes } from './settings'
import { techDayRoutes } from './techDay'
import { techScanRoutes } from './techScans'
import { techTestHookRoutes } from './techTestHooks'

export const FEATURE_ROUTES: readonly FeatureRoutes[] = [dispatchRoutes, positionRoutes(), settingsRoutes, clientsRoutes, techDayRoutes, techScanRoutes, equipmentTransferRoutes, techTestHookRoutes()]
