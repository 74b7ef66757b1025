import { describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { ok, recordingErp, STAFF, staffRequest, testConfig } from '../testing'
import type { HubClient } from '../upstream/hub'
import { UpstreamTimeout } from '../upstream/hub'
import type { PositionsPayload } from '../../src/contracts/dispatch'

const TECHS = [
  { name: 'TECH-001', traccar_device_id: 1001 },
  { name: 'TECH-002', traccar_device_id: 1002 },
  { name: 'TECH-003', traccar_device_id: 1003 },
  { name: 'TECH-004', traccar_device_id: 1004 },
]

/** A hub whose Traccar answers per device: a fix, a 404, a 500, or no answer in time. */
function fakeHub(behaviour: Record<number, 'ok' | 404 | 500 | 'timeout'>) {
  const asked: number[] = []
  const hub: HubClient = {
    baseUrl: 'http://hub.test',
    token: 't',
    send: async () => ({ status: 404, body: '{}', contentType: 'application/json' }),
    async json<T>(path: string) {
      const id = Number(new URL(path, 'http://x').searchParams.get('deviceId'))
      asked.push(id)
      const b = behaviour[id] ?? 404
      if (b === 'timeout') throw new UpstreamTimeout('hub:traccar', 1_000, 'slow')
      if (b !== 'ok') return { status: b, data: { error: { code: 'X', message: 'no' } } as T }
      return {
        status: 200,
        data: {
          deviceId: id,
          latitude: 45.7 + id / 1e4,
          longitude: -74,
          speed: 10,
          course: 90,
          fixTime: '2026-11-27T14:00:00Z',
        } as T,
      }
    },
  }
  return { hub, asked }
}

function app(behaviour: Record<number, 'ok' | 404 | 500 | 'timeout'>, now: { t: number }) {
  const erp = recordingErp((call) =>
    call.path.startsWith('/api/resource/Technician?') ? ok({ data: TECHS }) : ok({ data: [] }),
  )
  const { hub, asked } = fakeHub(behaviour)
  return { erp, asked, app: createApp(testConfig(), { erp, hub, positions: { now: () => now.t, cacheMs: 10_000 } }) }
}

describe('GET /ops/api/positions', () => {
  it('merges every technician’s fix, one device per request, and survives failing devices', async () => {
    const { app: a, asked } = app({ 1001: 'ok', 1002: 500, 1003: 'timeout', 1004: 'ok' }, { t: 0 })
    const res = await a.fetch(staffRequest('/ops/api/positions', STAFF.dispatcher))
    expect(res.status).toBe(200)
    const body = (await res.json()) as PositionsPayload
    expect(body.positions.map((p) => p.technician).sort()).toEqual(['TECH-001', 'TECH-004'])
    expect(body.missing.sort()).toEqual(['TECH-002', 'TECH-003'])
    expect(body.positions[0]).toMatchObject({ speedKmh: 18.5, course: 90, fixTime: '2026-11-27T14:00:00Z' }) // 10 knots
    expect(asked.sort()).toEqual([1001, 1002, 1003, 1004])
  })

  it('serves the cached list for ten seconds, then polls again and keeps the last fix of a device that fails', async () => {
    const now = { t: 0 }
    const behaviour: Record<number, 'ok' | 404 | 500 | 'timeout'> = { 1001: 'ok', 1002: 'ok' }
    const { app: a, asked } = app(behaviour, now)
    await a.fetch(staffRequest('/ops/api/positions', STAFF.dispatcher))
    await a.fetch(staffRequest('/ops/api/positions', STAFF.dispatcher))
    expect(asked.length).toBe(4) // one poll of four devices for two requests
    now.t = 10_001
    behaviour[1002] = 500
    const body = (await (
      await a.fetch(staffRequest('/ops/api/positions', STAFF.dispatcher))
    ).json()) as PositionsPayload
    expect(asked.length).toBe(8)
    expect(body.positions.map((p) => p.technician).sort()).toEqual(['TECH-001', 'TECH-002'])
    expect(body.missing).toContain('TECH-002')
  })

  it('refuses without dispatch:view (403) and without identity (401), before asking the hub', async () => {
    const { app: a, asked } = app({ 1001: 'ok' }, { t: 0 })
    expect((await a.fetch(staffRequest('/ops/api/positions', STAFF.tech))).status).toBe(403)
    expect((await a.fetch(staffRequest('/ops/api/positions', null))).status).toBe(401)
    expect(asked).toEqual([])
    expect((await a.fetch(staffRequest('/ops/api/positions', STAFF.csr))).status).toBe(200)
  })
})
