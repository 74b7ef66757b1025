import type { H3 } from 'h3'
import type { ServiceEquipment, ServiceLocation } from '../../../../src/contracts/doctypes'
import type { ErpClient } from '../erp'
import { UpstreamError } from '../erp'
import { HubError, badRequest, notFound, sleep } from '../errors'
import type { HubEventLog } from '../events'
import { applyFaults, type FaultPlan } from '../faults'
import type { DeviceDocument } from './document'
import { hashString, refreshDocument, seededRng, simulateDevice, type SimulatedEquipmentType } from './simulate'

/**
 * `GET /devices/lookup` and `POST /devices/{serial}/refresh` — what "Diagnostiquer" shows. The
 * equipment comes from ERPNext; its readings are simulated (devices/simulate.ts) and remembered
 * per serial, so a refresh is visible to the next lookup.
 */

export interface DeviceRouteDeps {
  erp: ErpClient
  events: HubEventLog
  faults: FaultPlan
  now: () => Date
  /** How long a device that does not answer makes the hub wait before giving up (< 1 s). */
  deviceTimeoutMs: number
}

const SIMULATED_TYPES: readonly string[] = ['ONT', 'Router', 'Mesh Node']

/** `aa-bb-cc-dd-ee-ff`, `AABB.CCDD.EEFF`, `aabbccddeeff`… → `AA:BB:CC:DD:EE:FF`, else null. */
export function normalizeMac(input: string): string | null {
  const hex = input.trim().replace(/[\s:.-]/g, '')
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return null
  return hex.toUpperCase().match(/../g)!.join(':')
}

interface DeviceState {
  base: DeviceDocument
  current: DeviceDocument
  refreshes: number
}

export function registerDeviceRoutes(app: H3, deps: DeviceRouteDeps): void {
  const states = new Map<string, DeviceState>()
  const alarmed = new Set<string>()

  async function findEquipment(by: { serial?: string; mac?: string }): Promise<ServiceEquipment> {
    const fields = [
      'name',
      'equipment_type',
      'serial_no',
      'mac_address',
      'brand',
      'model',
      'service_location',
      'status',
    ]
    let rows: ServiceEquipment[] = []
    if (by.serial !== undefined) {
      rows = await deps.erp.list<ServiceEquipment>('Service Equipment', {
        fields,
        filters: [['serial_no', '=', by.serial]],
        limit: 1,
      })
      // Labels are upper-case; a serial typed in lower case should still be found.
      if (!rows.length && by.serial !== by.serial.toUpperCase()) {
        rows = await deps.erp.list<ServiceEquipment>('Service Equipment', {
          fields,
          filters: [['serial_no', '=', by.serial.toUpperCase()]],
          limit: 1,
        })
      }
    } else if (by.mac !== undefined) {
      // `like` without wildcards: an exact match that ignores case, whatever case ERPNext stored.
      rows = await deps.erp.list<ServiceEquipment>('Service Equipment', {
        fields,
        filters: [['mac_address', 'like', by.mac]],
        limit: 1,
      })
    }
    const eq = rows[0]
    if (!eq) {
      throw notFound(
        'DEVICE_NOT_FOUND',
        by.serial !== undefined ? `No equipment with serial ${by.serial}` : `No equipment with MAC ${by.mac}`,
      )
    }
    if (!SIMULATED_TYPES.includes(eq.equipment_type)) {
      throw notFound(
        'DEVICE_NOT_MANAGED',
        `Equipment ${eq.serial_no} is a ${eq.equipment_type}; only ONTs, routers and mesh nodes can be diagnosed`,
      )
    }
    return eq
  }

  async function oltOf(eq: ServiceEquipment): Promise<{ oltName: string | null; oltPort: string | null }> {
    if (!eq.service_location) return { oltName: null, oltPort: null }
    try {
      const loc = await deps.erp.get<ServiceLocation>('Service Location', eq.service_location)
      return { oltName: loc.olt_name ?? null, oltPort: loc.olt_port ?? null }
    } catch (err) {
      // A dangling location link should not hide the device's readings.
      if (err instanceof UpstreamError && err.upstreamStatus === 404) return { oltName: null, oltPort: null }
      throw err
    }
  }

  /** The device as the ACS sees it now: its refreshed state if someone refreshed it, else the simulation. */
  async function current(
    eq: ServiceEquipment,
  ): Promise<{ base: DeviceDocument; state: DeviceState | undefined } | null> {
    const olt = await oltOf(eq)
    const sim = simulateDevice(
      {
        serial: eq.serial_no,
        equipmentType: eq.equipment_type as SimulatedEquipmentType,
        brand: eq.brand,
        model: eq.model,
        mac: eq.mac_address,
        ...olt,
      },
      deps.now(),
    )
    if (!sim.document) return null
    return { base: sim.document, state: states.get(eq.serial_no) }
  }

  /** Raises `device.alarm` once per device and kind, as the OLT/ACS alarm feed would. */
  function raiseAlarms(doc: DeviceDocument): void {
    const kinds: string[] = []
    if (!doc.online && doc.opticalStatus.every((o) => o.status !== 'los')) kinds.push('offline')
    for (const o of doc.opticalStatus) {
      if (o.status === 'los') kinds.push('los')
      else if (o.status === 'critical') kinds.push(o.rxPowerDbm > -8 ? 'optical_overload' : 'optical_low')
    }
    for (const kind of kinds) {
      const key = `${doc.serial}:${kind}`
      if (alarmed.has(key)) continue
      alarmed.add(key)
      deps.events.publish('device.alarm', { serial: doc.serial, kind })
    }
  }

  async function deviceTimeout(): Promise<never> {
    await sleep(deps.deviceTimeoutMs)
    throw new HubError(
      504,
      'DEVICE_TIMEOUT',
      'The device did not answer in time; the read was queued and may complete on its next inform',
    )
  }

  app.get('/devices/lookup', async (event) => {
    await applyFaults(deps.faults, 'devices')
    const q = event.url.searchParams
    const serial = q.get('serial')?.trim()
    const macRaw = q.get('mac')?.trim()
    let eq: ServiceEquipment
    if (serial) eq = await findEquipment({ serial })
    else if (macRaw) {
      const mac = normalizeMac(macRaw)
      if (!mac) throw badRequest('INVALID_MAC', `"${macRaw}" is not a MAC address (12 hexadecimal digits)`)
      eq = await findEquipment({ mac })
    } else throw badRequest('MISSING_QUERY', 'Give ?serial= or ?mac=')

    const device = await current(eq)
    if (!device) return deviceTimeout()
    const doc: DeviceDocument = device.state
      ? { ...device.state.current, fetchedAt: deps.now().toISOString() }
      : device.base
    raiseAlarms(doc)
    return doc
  })

  app.post('/devices/:serial/refresh', async (event) => {
    await applyFaults(deps.faults, 'devices')
    const serial = decodeURIComponent(event.context.params?.serial ?? '').trim()
    if (!serial) throw badRequest('MISSING_SERIAL', 'A serial number is required')
    const eq = await findEquipment({ serial })
    const device = await current(eq)
    if (!device) {
      await sleep(deps.deviceTimeoutMs)
      return new Response(JSON.stringify({ queued: true }), {
        status: 202,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      })
    }
    const state: DeviceState = device.state ?? { base: device.base, current: device.base, refreshes: 0 }
    states.set(eq.serial_no, state)
    state.refreshes += 1
    const rng = seededRng(hashString(`refresh:${eq.serial_no}:${state.refreshes}`))
    state.current = refreshDocument(state.current, state.base, rng, deps.now())
    raiseAlarms(state.current)
    return new Response(JSON.stringify(state.current), {
      status: 202,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    })
  })
}
