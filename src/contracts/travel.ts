/**
 * How long a drive takes between two points, as the product estimates it everywhere (the board's
 * candidates, the customer's "on the way" text, the optimiser): the great-circle distance
 * lengthened by a detour factor (roads are not straight) at an average road speed. The defaults
 * fit the demo region (the Laurentides and the north shore of Montréal: a mix of autoroutes and
 * town streets).
 */
import { distanceKm, type LatLon } from './geo'

export interface TravelModel {
  /** Road distance ÷ straight-line distance. */
  detourFactor: number
  /** Average speed on the road, km/h. */
  speedKmh: number
}

export const DEFAULT_TRAVEL: TravelModel = { detourFactor: 1.3, speedKmh: 50 }

export interface TravelEstimate {
  km: number
  minutes: number
}

/** Road km and driving minutes from `a` to `b`. */
export function travelEstimate(a: LatLon, b: LatLon, model: TravelModel = DEFAULT_TRAVEL): TravelEstimate {
  const km = distanceKm(a, b) * model.detourFactor
  return { km, minutes: (km / model.speedKmh) * 60 }
}
