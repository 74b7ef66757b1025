/** The consolidated device document of HUB.md ("Diagnostiquer"), as the hub answers it. */

import type { OpticalVerdict } from './optical'

export interface OpticalEntry {
  interface: string
  rxPowerDbm: number
  txPowerDbm: number
  oltName: string | null
  oltPort: string | null
  /** Whether the PON link is up — the verdict needs it to tell "0 dBm, link down" (los). */
  linkUp: boolean
  status: OpticalVerdict
}

export interface WanInfo {
  status: 'Connected' | 'Disconnected'
  ipv4: string | null
  ipv6: string | null
  pppoeUser: string | null
  gateway: string | null
}

export interface InterfaceInfo {
  name: string
  type: 'pon' | 'ethernet'
  up: boolean
  speedMbps: number
}

export interface WifiRadio {
  band: '2.4GHz' | '5GHz'
  ssid: string
  channel: number
  widthMhz: number
  clients: number
  enabled: boolean
  /** Other networks heard on the channel: what makes 2.4 GHz "crowded". */
  neighbourNetworks: number
}

export interface MeshNode {
  name: string
  mac: string
  model: string
  backhaul: 'wireless' | 'ethernet'
  backhaulRssiDbm: number | null
  clients: number
  online: boolean
}

export interface Host {
  name: string
  mac: string
  ip: string
  interface: string
  /** null for wired hosts. */
  rssiDbm: number | null
  active: boolean
  /** The mesh node the host is attached to, when not the main unit. */
  meshNode: string | null
}

export interface DeviceDocument {
  serial: string
  mac: string
  manufacturer: string
  model: string
  firmware: string
  online: boolean
  lastInform: string
  uptimeSeconds: number
  fetchedAt: string
  stale: boolean
  wan: WanInfo
  opticalStatus: OpticalEntry[]
  interfaces: InterfaceInfo[]
  wifi: WifiRadio[]
  mesh: MeshNode[]
  hosts: Host[]
}
