/**
 * One travel estimate for the optimizer, the board and the preview: great-circle distance ×
 * a detour factor, driven at a road speed.
 *
 * Calibration of the defaults (for the product's Répartition and the Optimiser dialog): the
 * demo region (Laurentides, Lanaudière, Laval and the north shore of Montréal) mixes autoroutes
 * (15, 640, 50), regional roads and town streets. Published circuity measurements for North
 * American road networks put the ratio of road distance to straight-line distance at about 1.2
 * for long trips and 1.3–1.4 for trips under 20 km, which is what a technician's day is made of:
 * the default detour factor is 1.3. Door-to-door speeds, stops and lights included, sit around
 * 45–55 km/h in that mix (city streets 30–40, regional roads 70–90, autoroutes 100): the default
 * speed is 50 km/h. A 30 km straight line (Saint-Jérôme to Terrebonne) thus counts as 39 km and
 * 47 minutes, close to what a road planner gives for that drive. Both are configurable per
 * request; when real drive times are available, set the factor to their median ratio to the
 * straight-line distance and the speed to their median km/h.
 */
import type { VrpLocation, VrpMetric } from './types'

/** Mean Earth radius, the same as the board's candidate distances (src/contracts/geo.ts). */
export const EARTH_RADIUS_M = 6_371_000

export const DEFAULT_DETOUR_FACTOR = 1.3
export const DEFAULT_SPEED_KMH = 50

export const DEFAULT_GEO_METRIC: VrpMetric = {
  kind: 'geo',
  detourFactor: DEFAULT_DETOUR_FACTOR,
  speedKmh: DEFAULT_SPEED_KMH,
}

const RAD = Math.PI / 180

/** Great-circle distance in metres between two [lon, lat] points (haversine). */
export function haversineM(a: VrpLocation, b: VrpLocation): number {
  const dLat = (b[1] - a[1]) * RAD
  const dLon = (b[0] - a[0]) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Travel between two locations under a metric: for `geo`, road metres and driving seconds; for
 * `euclidean` (Solomon), the straight line in coordinate units for both.
 */
export function geoTravel(a: VrpLocation, b: VrpLocation, metric: VrpMetric): { distanceM: number; seconds: number } {
  if (metric.kind === 'euclidean') {
    const d = Math.sqrt((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2)
    return { distanceM: d, seconds: d }
  }
  const distanceM = haversineM(a, b) * metric.detourFactor
  return { distanceM, seconds: distanceM / (metric.speedKmh / 3.6) }
}
