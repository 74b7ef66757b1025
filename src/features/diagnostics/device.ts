/**
 * The hub's device document (HUB.md, GET /devices/lookup), as Diagnostiquer reads it. It is
 * checked once here, where it enters the SPA: a missing list becomes empty, a missing number
 * null, so the panels never meet `undefined`.
 */
export interface OpticalReading {
  interface: string
  rxPowerDbm: number
  txPowerDbm: number | null
  oltName: string | null
  oltPort: string | null
  linkUp: boolean
}
export interface WanState {
  status: string
  ipv4: string | null
  ipv6: string | null
  gateway: string | null
}
export interface WifiRadio {
  band: string
  ssid: string
  channel: number
  widthMhz: number
  clients: number
  enabled: boolean
  neighbourNetworks: number | null
}
export interface MeshNode {
  name: string
  mac: string
  model: string
  backhaul: string
  backhaulRssiDbm: number | null
  clients: number
  online: boolean
}
export interface ConnectedHost {
  name: string
  mac: string
  ip: string
  interface: string
  rssiDbm: number | null
  active: boolean
  meshNode: string | null
}

export interface DeviceDocument {
  serial: string
  mac: string | null
  manufacturer: string
  model: string
  firmware: string
  online: boolean
  lastInform: string | null
  uptimeSeconds: number | null
  fetchedAt: string
  stale: boolean
  wan: WanState | null
  opticalStatus: OpticalReading[]
  wifi: WifiRadio[]
  mesh: MeshNode[]
  hosts: ConnectedHost[]
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {})
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback)
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : [])

export function parseDevice(raw: unknown): DeviceDocument {
  const d = obj(raw)
  const wan = d.wan ? obj(d.wan) : null
  return {
    serial: str(d.serial),
    mac: strOrNull(d.mac),
    manufacturer: str(d.manufacturer),
    model: str(d.model),
    firmware: str(d.firmware),
    online: d.online === true,
    lastInform: strOrNull(d.lastInform),
    uptimeSeconds: num(d.uptimeSeconds),
    fetchedAt: str(d.fetchedAt, new Date().toISOString()),
    stale: d.stale === true,
    wan: wan
      ? {
          status: str(wan.status, 'Disconnected'),
          ipv4: strOrNull(wan.ipv4),
          ipv6: strOrNull(wan.ipv6),
          gateway: strOrNull(wan.gateway),
        }
      : null,
    opticalStatus: list(d.opticalStatus).map((o) => {
      const rx = num(o.rxPowerDbm) ?? Number.NaN
      return {
        interface: str(o.interface, 'PON'),
        rxPowerDbm: rx,
        txPowerDbm: num(o.txPowerDbm),
        oltName: strOrNull(o.oltName),
        oltPort: strOrNull(o.oltPort),
        // Older hubs do not say; a reading of exactly 0 dBm is the ONT's "no light" placeholder.
        linkUp: typeof o.linkUp === 'boolean' ? o.linkUp : rx !== 0 && o.status !== 'los',
      }
    }),
    wifi: list(d.wifi).map((w) => ({
      band: str(w.band),
      ssid: str(w.ssid),
      channel: num(w.channel) ?? 0,
      widthMhz: num(w.widthMhz) ?? 0,
      clients: num(w.clients) ?? 0,
      enabled: w.enabled !== false,
      neighbourNetworks: num(w.neighbourNetworks),
    })),
    mesh: list(d.mesh).map((m) => ({
      name: str(m.name),
      mac: str(m.mac),
      model: str(m.model),
      backhaul: str(m.backhaul, 'wireless'),
      backhaulRssiDbm: num(m.backhaulRssiDbm),
      clients: num(m.clients) ?? 0,
      online: m.online !== false,
    })),
    hosts: list(d.hosts).map((h) => ({
      name: str(h.name) || str(h.mac),
      mac: str(h.mac),
      ip: str(h.ip),
      interface: str(h.interface),
      rssiDbm: num(h.rssiDbm),
      active: h.active !== false,
      meshNode: strOrNull(h.meshNode),
    })),
  }
}
