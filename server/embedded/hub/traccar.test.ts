import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DRIVING_SPEED_KMH, distanceKm, type TraccarPosition } from './traccar'
import { startTestHub, type TestHub } from './testing/harness'

// 2026-11-27 is a Friday in winter: America/Toronto is UTC−5, so 09:00 local = 14:00Z.
const local = (hhmm: string) => new Date(`2026-11-27T${hhmm}:00-05:00`)
const HOME = { lat: 45.7804, lon: -74.0036 }
const JOB_A = { lat: 45.7, lon: -73.9 }
const JOB_B = { lat: 45.6, lon: -73.8 }

let t: TestHub
beforeEach(async () => {
  t = await startTestHub()
  t.erp.insert('Technician', {
    name: 'TECH-001',
    full_name: 'Julien Gagnon',
    email: 'julien.gagnon@gigafibre.ca',
    status: 'Active',
    traccar_device_id: 1001,
    home_latitude: HOME.lat,
    home_longitude: HOME.lon,
    shift_start: '08:00',
    shift_end: '16:30',
  })
  t.erp.insert('Technician', {
    name: 'TECH-002',
    full_name: 'Ancien Tech',
    email: 'ancien@gigafibre.ca',
    status: 'Inactive',
    traccar_device_id: 1002,
    home_latitude: 45.5,
    home_longitude: -73.6,
  })
  t.erp.insert('Dispatch Job', {
    job_type: 'Installation',
    status: 'Scheduled',
    technician: 'TECH-001',
    scheduled_start: '2026-11-27 09:00:00',
    duration_minutes: 60,
    latitude: JOB_A.lat,
    longitude: JOB_A.lon,
  })
  t.erp.insert('Dispatch Job', {
    job_type: 'Repair',
    status: 'Scheduled',
    technician: 'TECH-001',
    scheduled_start: '2026-11-27 11:00:00',
    duration_minutes: 90,
    latitude: JOB_B.lat,
    longitude: JOB_B.lon,
  })
  // Someone else's job and a cancelled one must not attract TECH-001.
  t.erp.insert('Dispatch Job', {
    job_type: 'Repair',
    status: 'Cancelled',
    technician: 'TECH-001',
    scheduled_start: '2026-11-27 14:00:00',
    duration_minutes: 60,
    latitude: 46.8,
    longitude: -71.2,
  })
})
afterEach(() => t.close())

async function positionAt(when: Date, deviceId = 1001): Promise<TraccarPosition> {
  t.clock.now = when
  const res = await t.call('GET', `/traccar/positions?deviceId=${deviceId}`)
  expect(res.status).toBe(200)
  return (await res.json()) as TraccarPosition
}

describe('GET /traccar/positions', () => {
  it('answers a Traccar position object for the technician’s device', async () => {
    const p = await positionAt(local('06:00'))
    expect(p).toMatchObject({ deviceId: 1001, speed: 0, attributes: {} })
    expect(typeof p.id).toBe('number')
    expect(p.fixTime).toBe(local('06:00').toISOString())
    expect(p.deviceTime).toBe(p.fixTime)
    expect(p.serverTime).toBe(p.fixTime)
    expect(typeof p.course).toBe('number')
  })

  it('keeps technicians at home outside their shift', async () => {
    for (const when of [local('06:00'), local('07:59'), local('16:30'), local('22:00')]) {
      const p = await positionAt(when)
      expect([p.latitude, p.longitude]).toEqual([HOME.lat, HOME.lon])
      expect(p.speed).toBe(0)
    }
  })

  it('parks them at a job for its duration', async () => {
    for (const when of [local('09:00'), local('09:30'), local('09:59')]) {
      const p = await positionAt(when)
      expect([p.latitude, p.longitude]).toEqual([JOB_A.lat, JOB_A.lon])
      expect(p.speed).toBe(0)
    }
  })

  it('drives them between jobs at a plausible speed, heading the right way', async () => {
    const legKm = distanceKm(JOB_A, JOB_B)
    const legMinutes = (legKm / DRIVING_SPEED_KMH) * 60
    // They leave job A in time to reach B at 11:00; halfway through the leg they are between the two.
    const midway = new Date(local('11:00').getTime() - (legMinutes / 2) * 60_000)
    const p = await positionAt(midway)
    expect(p.latitude).toBeLessThan(JOB_A.lat)
    expect(p.latitude).toBeGreaterThan(JOB_B.lat)
    expect(p.longitude).toBeGreaterThan(JOB_A.lon)
    expect(p.longitude).toBeLessThan(JOB_B.lon)
    expect(p.latitude).toBeCloseTo((JOB_A.lat + JOB_B.lat) / 2, 3)
    expect(p.speed).toBeCloseTo(DRIVING_SPEED_KMH / 1.852, 0) // knots
    expect(p.course).toBeGreaterThan(90) // south-east
    expect(p.course).toBeLessThan(180)

    const later = await positionAt(new Date(midway.getTime() + 60_000))
    expect(later.latitude).toBeLessThan(p.latitude) // still moving towards B
  })

  it('waits at home until it is time to drive to the first job', async () => {
    expect((await positionAt(local('08:05'))).speed).toBe(0)
    const driveMinutes = (distanceKm(HOME, JOB_A) / DRIVING_SPEED_KMH) * 60
    const p = await positionAt(new Date(local('09:00').getTime() - (driveMinutes / 2) * 60_000))
    expect(p.speed).toBeGreaterThan(0)
    expect(p.latitude).toBeLessThan(HOME.lat)
    expect(p.latitude).toBeGreaterThan(JOB_A.lat)
  })

  it('is deterministic for a given time', async () => {
    const a = await positionAt(local('10:50'))
    const b = await positionAt(local('10:50'))
    expect(b).toEqual(a)
  })

  it('answers 404 for an unknown device and for an inactive technician', async () => {
    for (const id of [4242, 1002]) {
      const res = await t.call('GET', `/traccar/positions?deviceId=${id}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ error: { code: 'DEVICE_NOT_FOUND' } })
    }
  })

  it('answers 400 without a numeric deviceId', async () => {
    const res = await t.call('GET', '/traccar/positions?deviceId=abc')
    expect(res.status).toBe(400)
    expect((await res.json()).error.code).toBe('INVALID_DEVICE_ID')
  })

  it('reads the technicians once a minute, not on every poll', async () => {
    t.clock.now = local('09:00')
    await t.call('GET', '/traccar/positions?deviceId=1001')
    await t.call('GET', '/traccar/positions?deviceId=1001')
    const techReads = () => t.erp.requests.filter((r) => r.path.startsWith('/api/resource/Technician')).length
    expect(techReads()).toBe(1)
    t.clock.now = new Date(local('09:00').getTime() + 61_000)
    await t.call('GET', '/traccar/positions?deviceId=1001')
    expect(techReads()).toBe(2)
  })

  it('can make one device fail while the others answer (traccar.fail=<device id>)', async () => {
    t.hub.faults.merge({ traccar: { failDevices: [1003, 1001], status: 503 } })
    const failing = await t.call('GET', '/traccar/positions?deviceId=1001')
    expect(failing.status).toBe(503)
    t.hub.faults.merge({ traccar: { failDevices: [1003] } })
    expect((await t.call('GET', '/traccar/positions?deviceId=1001')).status).toBe(200)
  })
})
