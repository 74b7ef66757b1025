/**
 * The technician scope against the real embedded ERPNext and its demo data: what a technician
 * reaches through the BFF is exactly their jobs and what those jobs link to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from './app'
import { startErpnext, DEMO_ERP_TOKEN } from './embedded/erpnext/index'
import { createErpClient } from './upstream/erp'
import { noHub, STAFF, staffRequest, testConfig } from './testing'

let erpnext: { url: string; close(): Promise<void> }
let app: ReturnType<typeof createApp>

beforeAll(async () => {
  erpnext = await startErpnext({ dataDir: null, token: DEMO_ERP_TOKEN, seedProfile: 'demo', port: 0 })
  app = createApp(testConfig(), { erp: createErpClient(erpnext.url, DEMO_ERP_TOKEN, 5_000), hub: noHub })
}, 60_000)
afterAll(() => erpnext?.close())

const get = async <T>(path: string, who: { email: string; groups: string }) => {
  const res = await app.fetch(staffRequest(path, who))
  return { status: res.status, body: (await res.json()) as T }
}
const list = (doctype: string, fields: string[]) =>
  `/ops/api/erp/resource/${encodeURIComponent(doctype)}?fields=${encodeURIComponent(JSON.stringify(fields))}&limit=0`

describe('a technician through the BFF', () => {
  it('lists only their own jobs, while a dispatcher sees everyone’s', async () => {
    const mine = await get<{ data: { technician: string }[] }>(list('Dispatch Job', ['name', 'technician']), STAFF.tech)
    expect(mine.status).toBe(200)
    expect(mine.body.data.length).toBeGreaterThan(0)
    expect(new Set(mine.body.data.map((j) => j.technician))).toEqual(new Set(['TECH-001']))
    const all = await get<{ data: unknown[] }>(list('Dispatch Job', ['name']), STAFF.dispatcher)
    expect(all.body.data.length).toBeGreaterThan(mine.body.data.length)
  })

  it('reads equipment only at the locations of their jobs — never the warehouse stock', async () => {
    const jobs = await get<{ data: { service_location: string }[] }>(
      list('Dispatch Job', ['service_location']),
      STAFF.tech,
    )
    const locations = new Set(jobs.body.data.map((j) => j.service_location))
    const equipment = await get<{ data: { service_location: string | null }[] }>(
      list('Service Equipment', ['name', 'service_location']),
      STAFF.tech,
    )
    expect(equipment.body.data.length).toBeGreaterThan(0)
    for (const e of equipment.body.data) expect(locations.has(e.service_location ?? '')).toBe(true)
  })

  it('finds neither another technician’s job nor a customer unrelated to their jobs (404, as if absent)', async () => {
    // Jobs of the other technicians, whoever has work in the dataset generated today.
    const other = await get<{ data: { name: string; customer: string }[] }>(
      `${list('Dispatch Job', ['name', 'customer'])}&filters=${encodeURIComponent(
        JSON.stringify([
          ['technician', 'is', 'set'],
          ['technician', '!=', 'TECH-001'],
        ]),
      )}`,
      STAFF.dispatcher,
    )
    const [job] = other.body.data
    expect(job).toBeDefined()
    expect((await get(`/ops/api/erp/resource/Dispatch%20Job/${job.name}`, STAFF.tech)).status).toBe(404)
    const mine = await get<{ data: { customer: string }[] }>(list('Dispatch Job', ['customer']), STAFF.tech)
    const strangers = other.body.data
      .map((j) => j.customer)
      .filter((c) => !mine.body.data.some((m) => m.customer === c))
    expect(strangers.length).toBeGreaterThan(0)
    expect((await get(`/ops/api/erp/resource/Customer/${strangers[0]}`, STAFF.tech)).status).toBe(404)
  })

  it('cannot count or fetch outside the scope through Frappe methods either', async () => {
    const count = await get<{ message: number }>(
      `/ops/api/erp/method/frappe.client.get_count?doctype=Customer`,
      STAFF.tech,
    )
    const total = await get<{ message: number }>(
      `/ops/api/erp/method/frappe.client.get_count?doctype=Customer`,
      STAFF.csr,
    )
    const jobs = await get<{ data: { customer: string }[] }>(list('Dispatch Job', ['customer']), STAFF.tech)
    expect(count.body.message).toBe(new Set(jobs.body.data.map((j) => j.customer)).size)
    expect(total.body.message).toBeGreaterThan(1000)
  })
})
