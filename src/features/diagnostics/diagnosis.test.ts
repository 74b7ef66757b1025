import { describe, expect, it } from 'vitest'
import { parseDevice } from './device'
import { diagnose, signalQuality } from './diagnosis'
import { lastReading, rememberReading } from './readingsHistory'

const healthy = {
  serial: 'GPON1A2B3C4D',
  online: true,
  lastInform: '2026-11-27T14:03:11Z',
  uptimeSeconds: 86400,
  fetchedAt: '2026-11-27T14:05:00Z',
  wan: { status: 'Connected', ipv4: '100.64.3.7' },
  opticalStatus: [
    {
      interface: 'PON1',
      rxPowerDbm: -19.4,
      txPowerDbm: 2.1,
      oltName: 'OLT-STJ-01',
      oltPort: '1/1/3:12',
      linkUp: true,
      status: 'ok',
    },
  ],
  wifi: [
    { band: '2.4GHz', ssid: 'G', channel: 6, widthMhz: 20, clients: 3, enabled: true, neighbourNetworks: 4 },
    { band: '5GHz', ssid: 'G', channel: 36, widthMhz: 80, clients: 7, enabled: true, neighbourNetworks: 1 },
  ],
  mesh: [
    {
      name: 'Salon',
      mac: 'x',
      model: 'Deco X50',
      backhaul: 'wireless',
      backhaulRssiDbm: -60,
      clients: 1,
      online: true,
    },
  ],
  hosts: [
    { name: 'PC', mac: 'a', ip: '192.168.0.2', interface: 'LAN1', rssiDbm: null, active: true },
    { name: 'Roku', mac: 'b', ip: '192.168.0.3', interface: '2.4GHz', rssiDbm: -80, active: true },
    { name: 'iPhone', mac: 'c', ip: '192.168.0.4', interface: '5GHz', rssiDbm: -50, active: true },
    { name: 'Gone', mac: 'd', ip: '192.168.0.5', interface: '5GHz', rssiDbm: -40, active: false },
  ],
}

describe('a diagnosis in plain words', () => {
  it('calls a modem with good light and quiet Wi-Fi healthy, online since it booted', () => {
    const d = diagnose(parseDevice(healthy), null)
    expect(d.headline).toBe('healthy')
    expect(d.since).toBe('2026-11-26T14:03:11.000Z')
    expect(d.optical[0]).toMatchObject({ verdict: 'ok', olt: 'OLT-STJ-01 · 1/1/3:12', change: null })
  })

  it('lists the connected devices strongest signal first, wired ones last, and leaves out those gone', () => {
    expect(diagnose(parseDevice(healthy), null).hosts.map((h) => [h.name, h.quality])).toEqual([
      ['iPhone', 'excellent'],
      ['Roku', 'poor'],
      ['PC', 'wired'],
    ])
  })

  it('puts loss of signal first, before anything else that is wrong', () => {
    const los = {
      ...healthy,
      online: false,
      opticalStatus: [{ ...healthy.opticalStatus[0], rxPowerDbm: -40, linkUp: false }],
      wan: { status: 'Disconnected' },
    }
    const d = diagnose(parseDevice(los), null)
    expect(d.headline).toBe('los')
    expect(d.since).toBe(healthy.lastInform)
  })

  it('flags a crowded 2.4 GHz and a mesh node placed too far', () => {
    const crowded = { ...healthy, wifi: [{ ...healthy.wifi[0], neighbourNetworks: 18 }, healthy.wifi[1]] }
    const d = diagnose(parseDevice(crowded), null)
    expect(d.headline).toBe('wifi_crowded')
    expect(d.wifi.map((w) => w.crowded)).toEqual([true, false])
    const far = { ...crowded, mesh: [{ ...healthy.mesh[0], backhaulRssiDbm: -78 }] }
    expect(diagnose(parseDevice(far), null).headline).toBe('mesh_poor')
  })

  it('says how the light changed since the last diagnosis on this workstation', () => {
    const storage = new Map<string, string>()
    const local = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => storage.set(k, v),
    } as unknown as Storage
    rememberReading('gpon1a2b3c4d', { at: '2026-11-12T15:00:00Z', rx: { PON1: -18.8 }, lastInform: null }, local)
    const before = lastReading('GPON1A2B3C4D', local)
    expect(diagnose(parseDevice(healthy), before).optical[0].change).toEqual({
      deltaDb: -0.6,
      since: '2026-11-12T15:00:00Z',
    })
  })

  it('reads Wi-Fi signal in words', () => {
    expect([-50, -55, -60, -65, -70, -72, -73].map(signalQuality)).toEqual([
      'excellent',
      'excellent',
      'good',
      'good',
      'fair',
      'fair',
      'poor',
    ])
  })
})
