/**
 * Simulated modems for the embedded hub. Everything about a device follows from a hash of its
 * serial (and the clock, for uptime and inform times), so a given serial always shows the same
 * kind of trouble, and a fleet of serials shows a realistic spread of it.
 */

import type { DeviceDocument, Host, MeshNode, OpticalEntry, WifiRadio } from './document'
import { opticalStatus } from './optical'
import { SERIAL_PREFIXES } from '../labels'
import { mulberry32 } from '../../seed/random'

export type DeviceCategory = 'healthy' | 'weak' | 'critical_low' | 'overload' | 'los' | 'offline' | 'timeout'

/** Share of the fleet per category, in ‰ (the rest is healthy). */
export const CATEGORY_PERMILLE: Readonly<Record<Exclude<DeviceCategory, 'healthy'>, number>> = {
  timeout: 30,
  offline: 50,
  los: 30,
  overload: 20,
  critical_low: 30,
  weak: 80,
}

export type SimulatedEquipmentType = 'ONT' | 'Router' | 'Mesh Node'

export interface DeviceIdentity {
  serial: string
  equipmentType: SimulatedEquipmentType
  brand?: string | null
  model?: string | null
  mac?: string | null
  oltName?: string | null
  oltPort?: string | null
}

// ---- deterministic randomness ---------------------------------------------------------------

/** FNV-1a then murmur3's finalizer: cheap, and well spread in the low bits we take modulo. */
export function hashString(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export interface Rng {
  next(): number
  int(min: number, max: number): number
  range(min: number, max: number): number
  pick<T>(items: readonly T[]): T
  chance(p: number): boolean
}

/** A seeded PRNG, so a serial's details are reproducible. */
export function seededRng(seed: number): Rng {
  const next = mulberry32(seed)
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    range: (min, max) => min + next() * (max - min),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10

export function deviceCategory(serial: string): DeviceCategory {
  let bucket = hashString(`category:${serial.toUpperCase()}`) % 1000
  for (const [category, permille] of Object.entries(CATEGORY_PERMILLE) as [DeviceCategory, number][]) {
    if (bucket < permille) return category
    bucket -= permille
  }
  return 'healthy'
}

// ---- the pieces of a device -----------------------------------------------------------------

const HOST_NAMES_5G = [
  'iPhone-de-Julie',
  'Galaxy-S23',
  'MacBook-Air-de-Marc',
  'iPad-de-Lea',
  'Pixel-8-de-Sam',
  'ThinkPad-Travail',
  'Galaxy-Tab-A8',
  'iPhone-15-de-Luc',
  'Surface-de-Chloe',
  'Apple-TV-Salon',
]
const HOST_NAMES_24G = [
  'Roku-Salon',
  'Chromecast-Cuisine',
  'Echo-Dot-Chambre',
  'Nest-Thermostat',
  'Ring-Sonnette',
  'HP-LaserJet-Bureau',
  'Philips-Hue-Bridge',
  'ESP_3A1F2C',
  'Wyze-Cam-Garage',
  'Switch-de-Noah',
  'Galaxy-A14',
  'Kobo-Clara',
  'Sonos-Cuisine',
  'Tapo-Prise-Salon',
]
const HOST_NAMES_WIRED = ['PC-Bureau', 'Xbox-Series-X', 'PS5-Sous-sol', 'NAS-Synology', 'LG-webOS-TV']
const MESH_ROOMS = ['Salon', 'Sous-sol', 'Chambre', 'Bureau', 'Etage']

const DEFAULT_MODEL: Record<SimulatedEquipmentType, { brand: string; model: string }> = {
  ONT: { brand: 'TP-Link', model: 'XX230v' },
  Router: { brand: 'TP-Link', model: 'Archer AX55' },
  'Mesh Node': { brand: 'TP-Link', model: 'Deco X50' },
}

const hex2 = (n: number) => (n & 0xff).toString(16).toUpperCase().padStart(2, '0')

function macFrom(rng: Rng, oui = '9C:A2:F4'): string {
  return `${oui}:${hex2(rng.int(0, 255))}:${hex2(rng.int(0, 255))}:${hex2(rng.int(0, 255))}`
}

/** A time that recurs every `periodMs` with a per-device phase: inform schedule, reboots. */
function lastOccurrence(now: number, periodMs: number, phaseMs: number): number {
  return Math.floor((now - phaseMs) / periodMs) * periodMs + phaseMs
}

interface HostPlan {
  band: '2.4GHz' | '5GHz' | 'wired'
  name: string
}

function planHosts(rng: Rng, crowded24: boolean): HostPlan[] {
  const hosts: HostPlan[] = []
  const take = (names: readonly string[], n: number, band: HostPlan['band']) => {
    const pool = [...names]
    for (let i = 0; i < n && pool.length; i++)
      hosts.push({ band, name: pool.splice(rng.int(0, pool.length - 1), 1)[0] })
  }
  take(HOST_NAMES_5G, rng.int(2, 7), '5GHz')
  take(HOST_NAMES_24G, crowded24 ? rng.int(11, 14) : rng.int(1, 5), '2.4GHz')
  take(HOST_NAMES_WIRED, rng.int(0, 2), 'wired')
  return hosts
}

function buildMesh(rng: Rng, poorBackhaul: boolean): MeshNode[] {
  if (!poorBackhaul && !rng.chance(0.4)) return []
  const count = rng.int(1, 2)
  const rooms = [...MESH_ROOMS]
  const nodes: MeshNode[] = []
  for (let i = 0; i < count; i++) {
    const wired = !poorBackhaul && rng.chance(0.25)
    nodes.push({
      name: rooms.splice(rng.int(0, rooms.length - 1), 1)[0],
      mac: macFrom(rng, '50:91:E3'),
      model: 'Deco X50',
      backhaul: wired ? 'ethernet' : 'wireless',
      backhaulRssiDbm: wired ? null : poorBackhaul && i === 0 ? -78 : rng.int(-68, -52),
      clients: 0,
      online: true,
    })
  }
  return nodes
}

/** Wi-Fi client counts follow from the hosts, so the document never contradicts itself. */
export function recount(doc: DeviceDocument): void {
  for (const radio of doc.wifi) radio.clients = doc.hosts.filter((h) => h.active && h.interface === radio.band).length
  for (const node of doc.mesh) node.clients = doc.hosts.filter((h) => h.active && h.meshNode === node.name).length
}

export interface SimulatedDevice {
  category: DeviceCategory
  /** null when the device times out (the hub answers 504). */
  document: DeviceDocument | null
}

export function simulateDevice(id: DeviceIdentity, now: Date): SimulatedDevice {
  const serial = id.serial
  const baseCategory = deviceCategory(serial)
  const hasPon = id.equipmentType === 'ONT'
  // Optical trouble only exists where there is a PON port; a router or mesh node is then healthy.
  const category: DeviceCategory =
    !hasPon && ['weak', 'critical_low', 'overload', 'los'].includes(baseCategory) ? 'healthy' : baseCategory
  if (category === 'timeout') return { category, document: null }

  const rng = seededRng(hashString(`device:${serial.toUpperCase()}`))
  const t = now.getTime()
  const prefix = SERIAL_PREFIXES[serial.slice(0, 4).toUpperCase()]
  const fallback = DEFAULT_MODEL[id.equipmentType]
  const manufacturer = id.brand || prefix?.brand || fallback.brand
  const model = id.model || prefix?.model || fallback.model
  const mac = id.mac || macFrom(rng)
  const last4 = serial
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(-4)
    .toUpperCase()

  const online = category !== 'offline' && category !== 'los'
  const informPhase = rng.int(0, 299) * 1000
  const scheduledInform = lastOccurrence(t, 300_000, informPhase)
  const lastInform = online
    ? scheduledInform
    : category === 'offline'
      ? t - rng.int(2 * 3600, 72 * 3600) * 1000
      : t - rng.int(5 * 60, 90 * 60) * 1000
  const rebootPeriod = rng.int(3, 40) * 86_400_000
  const bootedAt = lastOccurrence(lastInform, rebootPeriod, rng.int(0, rebootPeriod / 1000) * 1000)

  let rx: number
  switch (category) {
    case 'weak':
      rx = round1(rng.range(-26.9, -25.1))
      break
    case 'critical_low':
      rx = round1(rng.range(-31, -27.3))
      break
    case 'overload':
      rx = round1(rng.range(-7.5, -4.5))
      break
    case 'los':
      rx = -40
      break
    default:
      rx = round1(rng.range(-23, -14))
  }
  const linkUp = category !== 'los'
  const optical: OpticalEntry[] = hasPon
    ? [
        {
          interface: 'PON1',
          rxPowerDbm: rx,
          txPowerDbm: round1(rng.range(1.5, 3)),
          oltName: id.oltName ?? null,
          oltPort: id.oltPort ?? null,
          linkUp,
          status: opticalStatus(rx, linkUp),
        },
      ]
    : []

  const crowded24 = rng.chance(0.22)
  const poorBackhaul = id.equipmentType !== 'Mesh Node' && rng.chance(0.15)
  const mesh = id.equipmentType === 'Mesh Node' ? [] : buildMesh(rng, poorBackhaul)
  const lanBase = id.equipmentType === 'Mesh Node' ? rng.int(150, 199) : 100
  const hosts: Host[] = planHosts(rng, crowded24).map((plan, i) => {
    const viaMesh = plan.band !== 'wired' && mesh.length > 0 && rng.chance(0.35) ? rng.pick(mesh) : null
    const weakBackhaulPenalty = viaMesh?.backhaulRssiDbm === -78 ? -6 : 0
    return {
      name: plan.name,
      mac: macFrom(rng, rng.pick(['F0:99:B6', '3C:22:FB', 'A4:83:E7', 'DC:A6:32', '64:16:66'])),
      ip: `192.168.0.${lanBase + i}`,
      interface: plan.band === 'wired' ? `LAN${rng.int(1, 3)}` : plan.band,
      rssiDbm:
        plan.band === 'wired'
          ? null
          : plan.band === '5GHz'
            ? rng.int(-72, -42) + weakBackhaulPenalty
            : rng.int(-81, -48) + weakBackhaulPenalty,
      // A connected device has recently-seen hosts; an unreachable one only has its last list.
      active: online ? rng.chance(0.85) : false,
      meshNode: viaMesh?.name ?? null,
    }
  })

  const wifi: WifiRadio[] = [
    {
      band: '2.4GHz',
      ssid: `Gigafibre-${last4}`,
      channel: crowded24 ? 6 : rng.pick([1, 6, 11]),
      widthMhz: 20,
      clients: 0,
      enabled: true,
      neighbourNetworks: crowded24 ? rng.int(14, 27) : rng.int(1, 7),
    },
    {
      band: '5GHz',
      ssid: `Gigafibre-${last4}`,
      channel: rng.pick([36, 44, 149, 157]),
      widthMhz: 80,
      clients: 0,
      enabled: true,
      neighbourNetworks: rng.int(0, 4),
    },
  ]

  const wanUp = online
  const document: DeviceDocument = {
    serial,
    mac,
    manufacturer,
    model,
    firmware: `${rng.int(1, 2)}.${rng.int(0, 4)}.${rng.int(0, 9)} Build ${2024 + rng.int(0, 1)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(10, 28))}`,
    online,
    lastInform: new Date(lastInform).toISOString(),
    uptimeSeconds: Math.max(0, Math.floor((lastInform - bootedAt) / 1000)),
    fetchedAt: now.toISOString(),
    stale: !online,
    wan:
      id.equipmentType === 'Mesh Node'
        ? {
            status: wanUp ? 'Connected' : 'Disconnected',
            ipv4: wanUp ? `192.168.0.${rng.int(2, 49)}` : null,
            ipv6: null,
            pppoeUser: null,
            gateway: '192.168.0.1',
          }
        : {
            status: category === 'los' ? 'Disconnected' : 'Connected',
            ipv4: category === 'los' ? null : `100.64.${rng.int(0, 255)}.${rng.int(1, 254)}`,
            ipv6:
              category === 'los'
                ? null
                : `2001:db8:${rng.int(0x1000, 0xffff).toString(16)}:${rng.int(0, 0xff).toString(16)}00::1`,
            pppoeUser: `${serial.toLowerCase()}@gigafibre.ca`,
            gateway: category === 'los' ? null : '100.64.0.1',
          },
    opticalStatus: optical,
    interfaces: [
      ...(hasPon ? [{ name: 'PON1', type: 'pon' as const, up: linkUp, speedMbps: linkUp ? 2500 : 0 }] : []),
      ...[1, 2, 3, 4].map((n) => {
        const up = online && hosts.some((h) => h.interface === `LAN${n}`)
        return { name: `LAN${n}`, type: 'ethernet' as const, up, speedMbps: up ? (n === 1 ? 2500 : 1000) : 0 }
      }),
    ],
    wifi,
    mesh: mesh.map((node) => ({ ...node, online })),
    hosts,
  }
  recount(document)
  return { category, document }
}

/**
 * A fresh read of a device that answered: small, plausible changes. `previous` is what the hub
 * showed last, `base` the device's steady state, `rng` decides the changes.
 */
export function refreshDocument(previous: DeviceDocument, base: DeviceDocument, rng: Rng, now: Date): DeviceDocument {
  const doc: DeviceDocument = structuredClone(previous)
  doc.fetchedAt = now.toISOString()
  if (!doc.online) return doc // nothing answered: the ACS only has its cache

  doc.opticalStatus = doc.opticalStatus.map((entry, i) => {
    const home = base.opticalStatus[i]?.rxPowerDbm ?? entry.rxPowerDbm
    // Drift 0.1–0.3 dB, and stay within 0.6 dB of the device's own level (mean reversion).
    let delta = (rng.chance(0.5) ? 1 : -1) * round1(rng.range(0.1, 0.3))
    if (Math.abs(entry.rxPowerDbm + delta - home) > 0.6) delta = -delta
    const rx = round1(entry.rxPowerDbm + delta)
    return {
      ...entry,
      rxPowerDbm: rx,
      txPowerDbm: round1(entry.txPowerDbm + rng.range(-0.1, 0.1)),
      status: opticalStatus(rx, entry.linkUp),
    }
  })

  // Someone's phone comes home or leaves; signals move a little.
  const wireless = doc.hosts.filter((h) => h.rssiDbm !== null)
  if (wireless.length) {
    const h = rng.pick(wireless)
    h.active = !h.active
  }
  for (const h of doc.hosts) {
    if (h.rssiDbm !== null && h.active) h.rssiDbm = Math.max(-90, Math.min(-30, h.rssiDbm + rng.int(-3, 3)))
  }
  recount(doc)

  const uptimeAtInform = previous.uptimeSeconds + Math.floor((now.getTime() - Date.parse(previous.lastInform)) / 1000)
  doc.uptimeSeconds = Math.max(previous.uptimeSeconds, uptimeAtInform)
  doc.lastInform = now.toISOString()
  doc.stale = false
  return doc
}
