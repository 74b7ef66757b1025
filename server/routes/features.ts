/**
 * Feature routes beyond the Frappe and hub pass-throughs (positions, view models, journal…).
 * Each feature registers its own module here.
 */
import type { FeatureRoutes } from '../app'

export const FEATURE_ROUTES: readonly FeatureRoutes[] = []
