import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createErpnext } from './index'
import { query, TEST_NOW, TEST_TOKEN, testErp } from './testing'

// A tiny stand-in for the seed module, so this suite tests the seeding path, not the generator.
const seedCalls: unknown[] = []
vi.mock('../seed/index', () => ({
  generateDataset: (opts: unknown) => {
    seedCalls.push(opts)
    return {
      Tag: [{ name: 'Fibre', tag_name: 'Fibre' }],
      Technician: [{ name: 'TECH-001', full_name: 'Ana', email: 'ana@x.ca', tags: [{ tag: 'Fibre' }] }],
      Customer: [
        { name: 'CUST-00001', customer_name: 'A' },
        { name: 'CUST-00002', customer_name: 'B' },
      ],
    }
  },
}))

const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'erpnext-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  vi.restoreAllMocks()
})

const auth = { authorization: `token ${TEST_TOKEN}`, 'content-type': 'application/json' }

describe('persistence', () => {
  it('keeps documents and series counters across a restart on the same data directory', async () => {
    const dataDir = tempDir()
    const first = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'none' })
    await first.app.fetch(
      new Request('http://erp/api/resource/Customer', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ customer_name: 'Marie' }),
      }),
    )
    first.close()

    const second = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'none' })
    const read = await second.app.fetch(new Request('http://erp/api/resource/Customer/CUST-00001', { headers: auth }))
    expect(((await read.json()) as { data: { customer_name: string } }).data.customer_name).toBe('Marie')
    const next = await second.app.fetch(
      new Request('http://erp/api/resource/Customer', {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ customer_name: 'Paul' }),
      }),
    )
    expect(((await next.json()) as { data: { name: string } }).data.name).toBe('CUST-00002')
    second.close()
  })

  it('does not seed a database that already has data', async () => {
    const dataDir = tempDir()
    const first = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'none' })
    first.insertMany('Tag', [{ name: 'Fibre', tag_name: 'Fibre' }])
    first.close()
    const calls = seedCalls.length
    const second = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'demo' })
    await expect(second.ready).resolves.toBeUndefined()
    expect(seedCalls).toHaveLength(calls)
    second.close()
  })
})

describe('bulk import (insertMany)', () => {
  it('fills standard fields, defaults and child-row fields', async () => {
    const erp = testErp()
    erp.insertMany('Tag', [{ name: 'Fibre', tag_name: 'Fibre' }])
    erp.insertMany('Technician', [{ name: 'TECH-007', full_name: 'Ana', email: 'ana@x.ca', tags: [{ tag: 'Fibre' }] }])
    const { body } = await erp.get('/api/resource/Technician/TECH-007')
    expect(body).toMatchObject({
      data: {
        name: 'TECH-007',
        owner: 'Administrator',
        docstatus: 0,
        idx: 0,
        status: 'Active',
        creation: '2026-03-10 10:00:00.000001',
        tags: [
          {
            tag: 'Fibre',
            parent: 'TECH-007',
            parentfield: 'tags',
            parenttype: 'Technician',
            idx: 1,
            doctype: 'Technician Tag',
          },
        ],
      },
    })
  })

  it('keeps creation and modified when the seed provides them', async () => {
    const erp = testErp()
    erp.insertMany('Customer', [{ name: 'CUST-00001', customer_name: 'A', creation: '2025-01-02 03:04:05.000000' }])
    const { body } = await erp.get('/api/resource/Customer/CUST-00001')
    expect(body).toMatchObject({
      data: { creation: '2025-01-02 03:04:05.000000', modified: '2025-01-02 03:04:05.000000' },
    })
  })

  it('moves naming series past imported names so new documents do not collide', async () => {
    const erp = testErp()
    erp.insertMany('Customer', [
      { name: 'CUST-00041', customer_name: 'A' },
      { name: 'CUST-00007', customer_name: 'B' },
    ])
    erp.insertMany('Dispatch Job', [
      { name: 'DJ-2026-00012', job_type: 'Repair' },
      { name: 'DJ-2025-00099', job_type: 'Repair' },
    ])
    expect((await erp.create('Customer', { customer_name: 'C' })).name).toBe('CUST-00042')
    expect((await erp.create('Dispatch Job', { job_type: 'Move' })).name).toBe('DJ-2026-00013')
  })

  it('refuses a key that is not a field, so seed and contract cannot drift silently', () => {
    const erp = testErp()
    expect(() => erp.insertMany('Customer', [{ name: 'CUST-1', customer_name: 'A', nickname: 'x' }])).toThrow(
      'insertMany(Customer): unknown field nickname',
    )
    expect(() => erp.insertMany('Nope', [])).toThrow('DocType Nope not found')
  })

  it('imports the large profile’s volume within seconds and the lists stay fast', async () => {
    const erp = testErp()
    // CPU time, not wall time: the suite shares the machine with other processes.
    const cpuMs = () => {
      const u = process.cpuUsage()
      return (u.user + u.system) / 1000
    }
    const started = cpuMs()
    erp.insertMany(
      'Technician',
      Array.from({ length: 1000 }, (_, i) => ({
        name: `TECH-${String(i + 1).padStart(4, '0')}`,
        full_name: `Tech ${i}`,
        email: `t${i}@x.ca`,
      })),
    )
    erp.insertMany(
      'Customer',
      Array.from({ length: 50_000 }, (_, i) => ({
        name: `CUST-${String(i + 1).padStart(5, '0')}`,
        customer_name: `Client ${i}`,
        mobile_no: `514555${String(i).padStart(4, '0')}`,
      })),
    )
    erp.insertMany(
      'Service Location',
      Array.from({ length: 60_000 }, (_, i) => ({
        name: `LOC-${String(i + 1).padStart(5, '0')}`,
        customer: `CUST-${String((i % 50_000) + 1).padStart(5, '0')}`,
        address_line: `${i} rue Principale`,
        city: 'Laval',
        latitude: 45.5,
        longitude: -73.7,
      })),
    )
    erp.insertMany(
      'Dispatch Job',
      Array.from({ length: 20_000 }, (_, i) => ({
        name: `DJ-2026-${String(i + 1).padStart(5, '0')}`,
        job_type: 'Repair',
        status: 'Scheduled',
        technician: `TECH-${String((i % 1000) + 1).padStart(4, '0')}`,
        scheduled_start: `2026-03-${String((i % 28) + 1).padStart(2, '0')} 09:00:00`,
        tags: [],
      })),
    )
    expect(cpuMs() - started).toBeLessThan(6000)

    const t0 = performance.now()
    const { body } = await erp.get(
      `/api/resource/Dispatch%20Job${query({
        fields: ['name', 'technician', 'scheduled_start'],
        limit: 0,
        filters: [['scheduled_start', 'between', ['2026-03-10', '2026-03-10']]],
      })}`,
    )
    expect((body as { data: unknown[] }).data.length).toBeGreaterThan(700)
    expect((await erp.get('/api/method/frappe.client.get_count?doctype=Customer')).body).toEqual({ message: 50_000 })
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})

describe('seeding', () => {
  it('seeds from server/embedded/seed once, and not again on restart', async () => {
    const dataDir = tempDir()
    const count = async (erp: ReturnType<typeof createErpnext>, doctype: string) => {
      const res = await erp.app.fetch(
        new Request(`http://erp/api/method/frappe.client.get_count?doctype=${encodeURIComponent(doctype)}`, {
          headers: auth,
        }),
      )
      return ((await res.json()) as { message: number }).message
    }
    const first = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'demo', now: () => TEST_NOW })
    // Requests made while seeding wait for it.
    expect(await count(first, 'Customer')).toBe(2)
    expect(seedCalls.at(-1)).toEqual({ profile: 'demo', now: TEST_NOW })
    const calls = seedCalls.length
    expect(await count(first, 'Technician')).toBe(1)
    first.close()

    const second = createErpnext({ dataDir, token: TEST_TOKEN, seedProfile: 'demo' })
    expect(await count(second, 'Customer')).toBe(2)
    expect(seedCalls).toHaveLength(calls)
    // The series continues after the seeded names.
    const created = await second.app.fetch(
      new Request('http://erp/api/resource/Customer', {
        method: 'POST',
        headers: auth,
        body: '{"customer_name":"Nouveau"}',
      }),
    )
    expect(((await created.json()) as { data: { name: string } }).data.name).toBe('CUST-00003')
    second.close()
  })

  it('seeds nothing with profile "none"', async () => {
    const erp = testErp({ seedProfile: 'none' })
    await erp.ready
    expect((await erp.get('/api/method/frappe.client.get_count?doctype=Customer')).body).toEqual({ message: 0 })
  })
})
