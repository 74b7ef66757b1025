/**
 * A synthetic field day for the optimizer's benchmark and tests, laid out like the demo data:
 * technicians based in the demo region's towns (Laurentides, Lanaudière), with the seed's shift
 * and skill mix, and jobs spread around the same towns by population, each needing one or two
 * skills, lasting 30 minutes to 2 hours, with an AM (8–12), PM (12–17), two-hour or no arrival
 * window, one in ten urgent. Times are seconds since midnight; locations are [lon, lat].
 */
import { CITIES } from '../embedded/seed/quebec'
import { DEFAULT_GEO_METRIC } from './travel'
import type { VrpJob, VrpProblem, VrpVehicle } from './types'

const HOUR = 3600

const SHIFTS: readonly (readonly [number, number, number])[] = [
  [7 * HOUR, 15.5 * HOUR, 40],
  [8 * HOUR, 16.5 * HOUR, 40],
  [12 * HOUR, 20 * HOUR, 12],
  [6.5 * HOUR, 15 * HOUR, 8],
]
const SKILL_SHARES: readonly (readonly [string, number])[] = [
  ['Fibre', 0.92],
  ['Épissure', 0.3],
  ['Wi-Fi', 0.6],
  ['Téléphonie', 0.4],
  ['Télévision', 0.4],
  ['Nacelle', 0.25],
]
/** What jobs ask for: mostly fibre work, sometimes a second, rarer skill. */
const JOB_SKILLS: readonly (readonly [string[], number])[] = [
  [['Fibre'], 55],
  [['Wi-Fi'], 15],
  [['Fibre', 'Wi-Fi'], 10],
  [['Fibre', 'Épissure'], 8],
  [['Téléphonie'], 5],
  [['Télévision'], 5],
  [['Fibre', 'Nacelle'], 2],
]

function rngFrom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface SyntheticDayOptions {
  technicians: number
  jobs: number
  seed?: number
  /** Only these towns (by name); all the demo region's towns when absent. */
  cities?: string[]
}

/** A day's request: technicians start and end at home within their shift. */
export function syntheticDay(opts: SyntheticDayOptions): VrpProblem {
  const rng = rngFrom(opts.seed ?? 7)
  const gauss = (): number => {
    const u = Math.max(1e-12, rng())
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
  }
  const pick = <T>(entries: readonly (readonly [T, number])[]): T => {
    const total = entries.reduce((s, e) => s + e[1], 0)
    let x = rng() * total
    for (const [v, w] of entries) if ((x -= w) < 0) return v
    return entries[entries.length - 1][0]
  }
  const cities = CITIES.filter((c) => !opts.cities || opts.cities.includes(c.name))
  const weightedCities = cities.map((c) => [c, c.weight] as const)
  const around = (lat: number, lon: number, km: number): [number, number] => {
    const north = gauss() * km
    const east = gauss() * km
    return [lon + east / (111.32 * Math.cos((lat * Math.PI) / 180)), lat + north / 110.57]
  }

  const vehicles: VrpVehicle[] = []
  for (let i = 0; i < opts.technicians; i++) {
    const city = pick(weightedCities)
    const home = around(city.latitude, city.longitude, city.radiusKm * 0.6)
    const [start, end] = pick(SHIFTS.map(([a, b, w]) => [[a, b] as [number, number], w] as const))
    const skills = SKILL_SHARES.filter(([, share]) => rng() < share).map(([s]) => s)
    if (skills.length === 0) skills.push('Wi-Fi')
    vehicles.push({
      id: `TECH-${String(i + 1).padStart(4, '0')}`,
      start: home,
      end: home,
      time_window: [start, end],
      skills,
    })
  }

  const jobs: VrpJob[] = []
  for (let i = 0; i < opts.jobs; i++) {
    const city = pick(weightedCities)
    const location = around(city.latitude, city.longitude, city.radiusKm)
    const service = pick([
      [30 * 60, 20],
      [45 * 60, 20],
      [60 * 60, 35],
      [90 * 60, 15],
      [120 * 60, 10],
    ])
    const kind = pick([
      ['am', 30],
      ['pm', 30],
      ['two', 15],
      ['none', 25],
    ] as const)
    let time_windows: [number, number][] | undefined
    if (kind === 'am') time_windows = [[8 * HOUR, 12 * HOUR]]
    else if (kind === 'pm') time_windows = [[12 * HOUR, 17 * HOUR]]
    else if (kind === 'two') {
      const from = (8 + Math.floor(rng() * 8)) * HOUR
      time_windows = [[from, from + 2 * HOUR]]
    }
    jobs.push({
      id: `JOB-${String(i + 1).padStart(5, '0')}`,
      location,
      service,
      skills: pick(JOB_SKILLS),
      time_windows,
      priority: rng() < 0.1 ? 100 : 0,
    })
  }
  return { metric: DEFAULT_GEO_METRIC, vehicles, jobs }
}
