/**
 * Turns a device document into what a CSR says to the customer: one headline and, per part of
 * the installation, a verdict in words. Numbers stay available, second. Pure: the dialog only
 * translates and formats what this returns.
 */
import type { DeviceDocument, MeshNode, WifiRadio } from './device'
import { opticalProblem, opticalVerdict, type OpticalVerdict } from './optical'
import type { StoredReading } from './readingsHistory'

export type Headline =
  | 'offline'
  | 'los'
  | 'optical_overload'
  | 'optical_too_weak'
  | 'optical_weak'
  | 'wan_down'
  | 'mesh_poor'
  | 'wifi_crowded'
  | 'healthy'
export type Quality = 'excellent' | 'good' | 'fair' | 'poor'

export interface OpticalLine {
  interface: string
  rxDbm: number
  txDbm: number | null
  verdict: OpticalVerdict
  problem: ReturnType<typeof opticalProblem>
  olt: string | null
  /** Change since the last diagnosis on this workstation, and when that was. */
  change: { deltaDb: number; since: string } | null
}

export interface WifiLine extends WifiRadio {
  crowded: boolean
}
export interface MeshLine extends MeshNode {
  quality: Quality | 'wired'
}
export interface HostLine {
  name: string
  ip: string
  mac: string
  via: string
  rssiDbm: number | null
  quality: Quality | 'wired'
  meshNode: string | null
}

export interface Diagnosis {
  headline: Headline
  online: boolean
  /** Since when it is online (boot time) or offline (last contact), ISO. */
  since: string | null
  optical: OpticalLine[]
  wanUp: boolean
  wifi: WifiLine[]
  mesh: MeshLine[]
  hosts: HostLine[]
}

/** A 2.4 GHz radio is crowded when many neighbours share the air or many devices share the radio. */
export const CROWDED_NEIGHBOURS = 10
export const CROWDED_CLIENTS = 10

/** Wi-Fi signal in words (RSSI, dBm): what a customer feels, from "excellent" to "poor". */
export function signalQuality(rssiDbm: number): Quality {
  if (rssiDbm >= -55) return 'excellent'
  if (rssiDbm >= -65) return 'good'
  if (rssiDbm >= -72) return 'fair'
  return 'poor'
}

function isCrowded(radio: WifiRadio): boolean {
  if (!radio.band.startsWith('2.4') || !radio.enabled) return false
  return (radio.neighbourNetworks ?? 0) >= CROWDED_NEIGHBOURS || radio.clients >= CROWDED_CLIENTS
}

export function diagnose(doc: DeviceDocument, previous: StoredReading | null): Diagnosis {
  const optical: OpticalLine[] = doc.opticalStatus.map((o) => {
    const before = previous?.rx[o.interface]
    const deltaDb =
      before === undefined || !Number.isFinite(o.rxPowerDbm) ? null : Math.round((o.rxPowerDbm - before) * 10) / 10
    return {
      interface: o.interface,
      rxDbm: o.rxPowerDbm,
      txDbm: o.txPowerDbm,
      verdict: opticalVerdict(o.rxPowerDbm, o.linkUp),
      problem: opticalProblem(o.rxPowerDbm, o.linkUp),
      olt: o.oltName ? `${o.oltName}${o.oltPort ? ` · ${o.oltPort}` : ''}` : null,
      change: deltaDb === null || !previous ? null : { deltaDb, since: previous.at },
    }
  })
  const wifi = doc.wifi.map((w) => ({ ...w, crowded: isCrowded(w) }))
  const mesh: MeshLine[] = doc.mesh.map((m) => ({
    ...m,
    quality:
      m.backhaul === 'ethernet' ? 'wired' : m.backhaulRssiDbm === null ? 'poor' : signalQuality(m.backhaulRssiDbm),
  }))
  const hosts: HostLine[] = doc.hosts
    .filter((h) => h.active)
    .map((h) => ({
      name: h.name,
      ip: h.ip,
      mac: h.mac,
      via: h.interface,
      rssiDbm: h.rssiDbm,
      meshNode: h.meshNode,
      quality: h.rssiDbm === null ? ('wired' as const) : signalQuality(h.rssiDbm),
    }))
    // Strongest first; wired devices (no signal to worry about) last.
    .sort((a, b) => (b.rssiDbm ?? -1000) - (a.rssiDbm ?? -1000))
  const wanUp = doc.wan?.status === 'Connected'

  const problems = new Set(optical.map((o) => o.problem))
  let headline: Headline = 'healthy'
  if (problems.has('los')) headline = 'los'
  else if (!doc.online) headline = 'offline'
  else if (problems.has('overload')) headline = 'optical_overload'
  else if (problems.has('too_weak')) headline = 'optical_too_weak'
  else if (doc.wan && !wanUp) headline = 'wan_down'
  else if (problems.has('weak')) headline = 'optical_weak'
  else if (mesh.some((m) => m.quality === 'poor')) headline = 'mesh_poor'
  else if (wifi.some((w) => w.crowded)) headline = 'wifi_crowded'

  const since =
    doc.online && doc.uptimeSeconds !== null && doc.lastInform
      ? new Date(Date.parse(doc.lastInform) - doc.uptimeSeconds * 1000).toISOString()
      : doc.lastInform
  return { headline, online: doc.online, since, optical, wanUp, wifi, mesh, hosts }
}
