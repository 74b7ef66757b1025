import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeviceDocument } from './devices/document'
import { deviceCategory, simulateDevice, type DeviceCategory } from './devices/simulate'
import { normalizeMac } from './devices/routes'
import { nextEvent, startTestHub, type TestHub } from './testing/harness'

const NOW = new Date('2026-11-27T15:00:00Z')
const serialN = (i: number) => `GPON${(0x1a2b0000 + i * 7919).toString(16).toUpperCase().padStart(8, '0')}`

/** A serial the simulation puts in the given category. */
function serialIn(category: DeviceCategory): string {
  for (let i = 0; i < 10_000; i++) if (deviceCategory(serialN(i)) === category) return serialN(i)
  throw new Error(`no serial in ${category}`)
}

describe('simulated fleet', () => {
  const fleet = Array.from({ length: 500 }, (_, i) =>
    simulateDevice({ serial: serialN(i), equipmentType: 'ONT', oltName: 'OLT-STJ-01', oltPort: '1/1/3:12' }, NOW),
  )
  const count = (c: DeviceCategory) => fleet.filter((d) => d.category === c).length

  it('shows a realistic spread: mostly healthy, every kind of trouble present', () => {
    expect(count('healthy')).toBeGreaterThan(320)
    for (const c of ['weak', 'critical_low', 'overload', 'los', 'offline', 'timeout'] as const)
      expect(count(c), c).toBeGreaterThan(0)
    expect(count('weak')).toBeGreaterThan(count('overload'))
  })

  it('puts readings where their category says, with the verdict computed from them', () => {
    for (const { category, document: doc } of fleet) {
      if (category === 'timeout') {
        expect(doc).toBeNull()
        continue
      }
      const o = doc!.opticalStatus[0]
      expect(o).toMatchObject({ interface: 'PON1', oltName: 'OLT-STJ-01', oltPort: '1/1/3:12' })
      const expected = {
        healthy: 'ok',
        offline: 'ok',
        weak: 'warning',
        critical_low: 'critical',
        overload: 'critical',
        los: 'los',
      }[category]
      expect(o.status, `${doc!.serial} ${category} ${o.rxPowerDbm}`).toBe(expected)
      if (category === 'healthy') expect(o.rxPowerDbm).toBeGreaterThanOrEqual(-23)
      if (category === 'healthy') expect(o.rxPowerDbm).toBeLessThanOrEqual(-14)
      if (category === 'overload') expect(o.rxPowerDbm).toBeGreaterThan(-8)
      if (category === 'critical_low') expect(o.rxPowerDbm).toBeLessThan(-27)
      if (category === 'los') expect(o.rxPowerDbm).toBe(-40)
    }
  })

  it('marks offline devices stale with an inform hours old', () => {
    const offline = fleet.filter((d) => d.category === 'offline').map((d) => d.document!)
    for (const doc of offline) {
      expect(doc.online).toBe(false)
      expect(doc.stale).toBe(true)
      expect(NOW.getTime() - Date.parse(doc.lastInform)).toBeGreaterThanOrEqual(2 * 3600_000)
    }
    for (const doc of fleet.filter((d) => d.category === 'los').map((d) => d.document!)) {
      expect(doc.online === false || doc.wan.status === 'Disconnected').toBe(true)
    }
  })

  it('looks like a home network: CGNAT WAN, named hosts, crowded 2.4 GHz, a weak mesh backhaul somewhere', () => {
    const docs = fleet.flatMap((d) => (d.document ? [d.document] : []))
    const online = docs.filter((d) => d.online)
    for (const doc of online) expect(doc.wan.ipv4).toMatch(/^100\.64\.\d{1,3}\.\d{1,3}$/)
    const names = new Set(docs.flatMap((d) => d.hosts.map((h) => h.name)))
    for (const n of ['iPhone-de-Julie', 'Galaxy-S23', 'Roku-Salon']) expect(names.has(n), n).toBe(true)
    const crowded = docs.filter((d) =>
      d.wifi.some((w) => w.band === '2.4GHz' && w.channel === 6 && w.neighbourNetworks >= 14 && w.clients >= 8),
    )
    expect(crowded.length).toBeGreaterThan(10)
    expect(docs.some((d) => d.mesh.some((m) => m.backhaulRssiDbm === -78))).toBe(true)
    // Counts agree with the host list.
    for (const doc of docs)
      for (const w of doc.wifi)
        expect(w.clients).toBe(doc.hosts.filter((h) => h.active && h.interface === w.band).length)
  })

  it('is deterministic: the same serial at the same time gives the same document', () => {
    const a = simulateDevice({ serial: serialN(3), equipmentType: 'ONT' }, NOW)
    const b = simulateDevice({ serial: serialN(3), equipmentType: 'ONT' }, NOW)
    expect(b).toEqual(a)
  })
})

describe('normalizeMac', () => {
  it.each(['9c:a2:f4:11:22:33', '9C-A2-F4-11-22-33', '9CA2F4112233', '9ca2.f411.2233', ' 9C A2 F4 11 22 33 '])(
    'reads %s',
    (mac) => {
      expect(normalizeMac(mac)).toBe('9C:A2:F4:11:22:33')
    },
  )
  it('refuses what is not 12 hex digits', () => {
    expect(normalizeMac('9C:A2:F4:11:22')).toBeNull()
    expect(normalizeMac('GG:A2:F4:11:22:33')).toBeNull()
  })
})

describe('GET /devices/lookup and POST /devices/{serial}/refresh', () => {
  let t: TestHub
  const healthy = serialIn('healthy')
  beforeEach(async () => {
    t = await startTestHub()
    t.erp.insert('Service Location', {
      name: 'LOC-00001',
      customer: 'CUST-00001',
      address_line: '1 rue Principale',
      city: 'Saint-Jérôme',
      olt_name: 'OLT-STJ-01',
      olt_port: '1/1/3:12',
    })
    t.erp.insert('Service Equipment', {
      equipment_type: 'ONT',
      brand: 'TP-Link',
      model: 'XX230v',
      serial_no: healthy,
      mac_address: '9C:A2:F4:11:22:33',
      service_location: 'LOC-00001',
    })
    t.erp.insert('Service Equipment', {
      equipment_type: 'Set-top Box',
      serial_no: 'STB0001234',
      mac_address: '00:11:22:33:44:55',
    })
  })
  afterEach(() => t.close())

  it('finds the equipment by serial and answers the consolidated document', async () => {
    const res = await t.call('GET', `/devices/lookup?serial=${healthy}`)
    expect(res.status).toBe(200)
    const doc = (await res.json()) as DeviceDocument
    expect(doc).toMatchObject({
      serial: healthy,
      mac: '9C:A2:F4:11:22:33',
      manufacturer: 'TP-Link',
      model: 'XX230v',
      online: true,
      stale: false,
      fetchedAt: t.clock.now.toISOString(),
    })
    expect(doc.opticalStatus[0]).toMatchObject({ oltName: 'OLT-STJ-01', oltPort: '1/1/3:12', status: 'ok' })
    expect(Date.parse(doc.lastInform)).toBeLessThanOrEqual(t.clock.now.getTime())
  })

  it('finds it by MAC whatever the separators and case', async () => {
    for (const mac of ['9c-a2-f4-11-22-33', '9CA2F4112233', '9c:a2:f4:11:22:33']) {
      const res = await t.call('GET', `/devices/lookup?mac=${encodeURIComponent(mac)}`)
      expect(res.status, mac).toBe(200)
      expect(((await res.json()) as DeviceDocument).serial).toBe(healthy)
    }
  })

  it('answers 404 DEVICE_NOT_FOUND for unknown equipment, 404 for a set-top box, 400 for a bad query', async () => {
    const none = await t.call('GET', '/devices/lookup?serial=NOPE0000')
    expect(none.status).toBe(404)
    expect((await none.json()).error.code).toBe('DEVICE_NOT_FOUND')
    const stb = await t.call('GET', '/devices/lookup?serial=STB0001234')
    expect(stb.status).toBe(404)
    expect((await stb.json()).error.message).toMatch(/Set-top Box/)
    expect((await t.call('GET', '/devices/lookup')).status).toBe(400)
    expect((await (await t.call('GET', '/devices/lookup?mac=zz')).json()).error.code).toBe('INVALID_MAC')
  })

  it('answers 504 DEVICE_TIMEOUT, quickly, for a device that does not answer; a refresh is queued', async () => {
    const silent = serialIn('timeout')
    t.erp.insert('Service Equipment', { equipment_type: 'ONT', serial_no: silent })
    const started = Date.now()
    const res = await t.call('GET', `/devices/lookup?serial=${silent}`)
    expect(res.status).toBe(504)
    expect((await res.json()).error.code).toBe('DEVICE_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(1000)
    const refresh = await t.call('POST', `/devices/${silent}/refresh`)
    expect(refresh.status).toBe(202)
    expect(await refresh.json()).toEqual({ queued: true })
  })

  it('refresh reads again: rx drifts a little, fetchedAt and lastInform move, and the next lookup shows it', async () => {
    const before = (await (await t.call('GET', `/devices/lookup?serial=${healthy}`)).json()) as DeviceDocument
    t.clock.now = new Date(t.clock.now.getTime() + 90_000)
    const res = await t.call('POST', `/devices/${healthy}/refresh`)
    expect(res.status).toBe(202)
    const after = (await res.json()) as DeviceDocument
    const drift = Math.abs(after.opticalStatus[0].rxPowerDbm - before.opticalStatus[0].rxPowerDbm)
    expect(drift).toBeGreaterThan(0)
    expect(drift).toBeLessThanOrEqual(0.3 + 1e-9)
    expect(after.fetchedAt).toBe(t.clock.now.toISOString())
    expect(after.lastInform).toBe(t.clock.now.toISOString())
    const activeBefore = before.hosts
      .filter((h) => h.active)
      .map((h) => h.name)
      .sort()
    const activeAfter = after.hosts
      .filter((h) => h.active)
      .map((h) => h.name)
      .sort()
    expect(activeAfter).not.toEqual(activeBefore)

    const again = (await (await t.call('GET', `/devices/lookup?serial=${healthy}`)).json()) as DeviceDocument
    expect(again.opticalStatus[0].rxPowerDbm).toBe(after.opticalStatus[0].rxPowerDbm)
    expect(again.hosts).toEqual(after.hosts)
  })

  it('raises device.alarm once for a device in loss of signal', async () => {
    const dark = serialIn('los')
    t.erp.insert('Service Equipment', { equipment_type: 'ONT', serial_no: dark })
    const alarm = nextEvent(t.hub.events, (e) => e.type === 'device.alarm')
    const doc = (await (await t.call('GET', `/devices/lookup?serial=${dark}`)).json()) as DeviceDocument
    expect(doc.opticalStatus[0]).toMatchObject({ rxPowerDbm: -40, status: 'los' })
    expect((await alarm).data).toEqual({ serial: dark, kind: 'los' })
    await t.call('GET', `/devices/lookup?serial=${dark}`)
    expect(t.hub.events.since(0).filter((e) => e.type === 'device.alarm')).toHaveLength(1)
  })
})
