import { describe, expect, it } from 'vitest'
import type { AddressServedResult } from '../../src/contracts/flows/types'
import { createAuditJournal } from '../audit'
import { testErp } from '../embedded/erpnext/testing'
import { createMemoryBus } from '../events/bus'
import { createMemoryLimiter } from '../rateLimit'
import type { RequestUser } from '../session'
import { inProcessErp, noHub, testConfig } from '../testing'
import { cityPattern, diagnoseDevice, foldPlace, runCheck } from './checks'
import { OperationFailed, type Performer } from './operation'

const reading = (rxPowerDbm: number, linkUp = true) => ({ interface: 'PON1', rxPowerDbm, linkUp })

describe('the modem’s state in the flow’s words', () => {
  it('reads loss of signal, a fibre out of range, a silent modem and a healthy one', () => {
    expect(diagnoseDevice({ online: false, opticalStatus: [reading(-40, false)] }, 'S1').status).toBe('los')
    expect(diagnoseDevice({ online: true, opticalStatus: [reading(-26)] }, 'S1').status).toBe('weak-fiber')
    expect(diagnoseDevice({ online: true, opticalStatus: [reading(-5)] }, 'S1').status).toBe('weak-fiber')
    expect(diagnoseDevice({ online: false, opticalStatus: [reading(-19)] }, 'S1').status).toBe('offline')
    const healthy = diagnoseDevice(
      {
        online: true,
        opticalStatus: [reading(-19.4)],
        wifi: [
          { band: '5GHz', clients: 7, enabled: true },
          { band: '2.4GHz', clients: 3, enabled: true },
        ],
        mesh: [
          { name: 'Salon', backhaul: 'wireless', backhaulRssiDbm: -78, online: true },
          { name: 'Bureau', backhaul: 'ethernet', backhaulRssiDbm: null, online: true },
          { name: 'Sous-sol', backhaul: 'wireless', backhaulRssiDbm: -60, online: false },
        ],
      },
      'S1',
    )
    expect(healthy).toMatchObject({ status: 'online', serial: 'S1', rxDbm: -19.4, wifiClients: 10, meshWeak: 2 })
    expect(healthy.summary.fr).toContain('en ligne')
    expect(healthy.summary.en).toContain('online')
  })
})

describe('cities compared as people type them', () => {
  it('folds case, accents, hyphens and spaces', () => {
    expect(foldPlace('Saint-Jérôme')).toBe(foldPlace('saint jerome'))
    expect(foldPlace('  Sainte-Anne-des-Plaines ')).toBe('sainte anne des plaines')
    expect(foldPlace('Lévis')).not.toBe(foldPlace('Laval'))
  })
  it('finds an accented city with a pattern of the same length', () => {
    expect(cityPattern('Saint-Jérôme')).toHaveLength('Saint-Jérôme'.length)
    expect(cityPattern('saint jerome')).toBe(cityPattern('Saint-Jérôme'))
  })
})

describe('is an address served?', () => {
  const user: RequestUser = {
    email: 'isabelle.roy@gigafibre.ca',
    username: 'isabelle.roy',
    name: 'Isabelle Roy',
    groups: ['ops-csr'],
    capabilities: ['clients:view'],
  }

  async function setUp() {
    const erp = testErp()
    const marie = await erp.create('Customer', { customer_name: 'Marie Côté' })
    await erp.create('Service Location', {
      customer: marie.name,
      address_line: '12 rue Principale',
      city: 'Saint-Jérôme',
      postal_code: 'J7Z 1A1',
      status: 'Active',
    })
    await erp.create('Service Location', {
      customer: marie.name,
      address_line: '3 chemin du Lac',
      city: 'Mirabel',
      postal_code: 'J7J 1B1',
      status: 'Inactive',
    })
    const services = {
      erp: inProcessErp(erp),
      hub: noHub,
      bus: createMemoryBus(),
      audit: createAuditJournal(null),
      limiter: createMemoryLimiter(),
      config: testConfig(),
    }
    const performer: Performer = {
      user,
      requestId: 'test',
      run: 'RUN-2026-00001',
      step: 'served',
      flowTitle: { fr: 'Nouvel abonnement', en: 'New subscription' },
      customer: null,
      idempotencyKey: 'RUN-2026-00001:served',
      now: Date.now(),
    }
    const served = async (address: unknown) =>
      (await runCheck(services, performer, 'address-served', { address })) as AddressServedResult
    return { served, services, performer }
  }

  it('is served in a city the network reaches (any case or accent) or a postal area it reaches', async () => {
    const { served } = await setUp()
    expect(await served({ line: '8 rue Labelle', city: 'SAINT JEROME', postalCode: 'J7Y 9Z9' })).toMatchObject({
      served: true,
    })
    expect(await served({ line: '1 rue X', city: 'Prévost', postalCode: 'j7z 3c3' })).toMatchObject({ served: true })
    // Only an inactive address in Mirabel: not served.
    const no = await served({ line: '9 rang Sud', city: 'Mirabel', postalCode: 'J7N 2A2' })
    expect(no).toMatchObject({ served: false, city: 'Mirabel' })
    expect(no.summary.fr).toContain('non desservie')
  })

  it('says what to do when there is no address, and refuses a rep without the capability', async () => {
    const { services, performer } = await setUp()
    await expect(runCheck(services, performer, 'address-served', {})).rejects.toThrow(OperationFailed)
    const stranger = { ...performer, user: { ...user, capabilities: [] } }
    await expect(
      runCheck(services, stranger, 'address-served', { address: { line: 'a', city: 'b', postalCode: 'J7Z 1A1' } }),
    ).rejects.toMatchObject({ status: 403 })
  })
})
