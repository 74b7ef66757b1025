import { describe, expect, it } from 'vitest'
import { createApp } from '../app'
import { createMemoryBus } from '../events/bus'
import { createClientSearch } from './clients'
import { noHub, ok, recordingErp, STAFF, staffRequest, testConfig, type RecordedCall } from '../testing'
import type { ClientSearchAnswer } from '../../src/contracts/clientSearch'

type Doc = Record<string, unknown> & { name: string }

function fakeErp(seed: Record<string, Doc[]>) {
  const tables: Record<string, Doc[]> = structuredClone(seed)
  let down = false
  const erp = recordingErp((call: RecordedCall) => {
    if (down) return { status: 503, body: 'down', contentType: 'text/plain' }
    const url = new URL(call.path, 'http://erp.test')
    const doctype = decodeURIComponent(url.pathname.replace('/api/resource/', ''))
    let rows = tables[doctype] ?? []
    for (const [, field, op, value] of JSON.parse(url.searchParams.get('filters') ?? '[]') as [
      string,
      string,
      string,
      string,
    ][]) {
      rows = rows.filter((r) => (op === '=' ? r[field] === value : String(r[field] ?? '') > value))
    }
    const size = Number(url.searchParams.get('limit_page_length') ?? 20)
    const sorted =
      url.searchParams.get('order_by') === 'modified desc'
        ? [...rows].sort((a, b) => String(b.modified ?? '').localeCompare(String(a.modified ?? '')))
        : [...rows].sort((a, b) => a.name.localeCompare(b.name))
    return ok({ data: size === 0 ? sorted : sorted.slice(0, size) }) // 0 means all, as in Frappe
  })
  return {
    erp,
    tables,
    setDown: (v: boolean) => {
      down = v
    },
  }
}

const SEED: Record<string, Doc[]> = {
  Customer: [
    {
      name: 'CUST-00012',
      customer_name: 'Marie-Ève Côté',
      mobile_no: '+1 514-555-1234',
      email_id: 'me.cote@gmail.com',
      disabled: 0,
      modified: '2026-01-01 10:00:00.000000',
    },
    {
      name: 'CUST-00013',
      customer_name: 'Jean Tremblay',
      mobile_no: '(450) 555-0199',
      email_id: null,
      disabled: 0,
      modified: '2026-01-01 10:00:00.000000',
    },
    {
      name: 'CUST-00014',
      customer_name: 'Côté Électrique inc.',
      mobile_no: null,
      email_id: null,
      disabled: 1,
      modified: '2026-01-01 10:00:00.000000',
    },
  ],
  'Service Location': [
    {
      name: 'LOC-00001',
      customer: 'CUST-00012',
      address_line: '511, rue des Pommiers',
      city: 'Blainville',
      postal_code: 'J7C 7Y7',
      modified: '2026-01-01 10:00:00.000000',
    },
    {
      name: 'LOC-00002',
      customer: 'CUST-00013',
      address_line: '12, rue Principale',
      city: 'Saint-Jérôme',
      postal_code: 'J7Z 1A1',
      modified: '2026-01-01 10:00:00.000000',
    },
  ],
  'Service Equipment': [
    {
      name: 'EQ-00001',
      customer: 'CUST-00012',
      service_location: 'LOC-00001',
      serial_no: 'ZTEG2AD41E8A',
      mac_address: null,
      modified: '2026-01-01 10:00:00.000000',
    },
    {
      name: 'EQ-00002',
      customer: null,
      service_location: 'LOC-00002',
      serial_no: '24965C608668',
      mac_address: '60:32:B1:DF:9D:4C',
      modified: '2026-01-01 10:00:00.000000',
    },
    {
      name: 'EQ-00003',
      customer: null,
      service_location: null,
      serial_no: 'SPARE0001',
      mac_address: '60:32:B1:00:00:01',
      modified: '2026-01-01 10:00:00.000000',
    },
  ],
}

function setup() {
  const fake = fakeErp(SEED)
  const bus = createMemoryBus()
  const app = createApp(testConfig(), { erp: fake.erp, hub: noHub, bus })
  const search = async (q: string, who: { email: string; groups: string } | null = STAFF.csr) =>
    app.fetch(staffRequest(`/ops/api/clients/search?q=${encodeURIComponent(q)}`, who))
  const found = async (q: string) => {
    const res = await search(q)
    expect(res.status).toBe(200)
    return (await res.json()) as ClientSearchAnswer
  }
  return { ...fake, bus, app, search, found }
}

describe('customer search', () => {
  it('finds a customer by any part of the name, without the accents, and says it matched the name', async () => {
    const { found } = setup()
    const answer = await found('cote')
    expect(answer.results.map((r) => r.customer)).toEqual(['CUST-00014', 'CUST-00012'])
    const marie = answer.results.find((r) => r.customer === 'CUST-00012')!
    expect(marie.match.field).toBe('name')
    const [start, end] = marie.match.ranges[0]
    expect(marie.match.text.slice(start, end)).toBe('Côté')
    expect(marie.address).toBe('511, rue des Pommiers, Blainville J7C 7Y7')
  })

  it('finds names whose words are typed in another order', async () => {
    const { found } = setup()
    expect((await found('tremblay jean')).results.map((r) => r.customer)).toEqual(['CUST-00013'])
  })

  it('finds a phone typed with other formatting, or only part of it', async () => {
    const { found } = setup()
    for (const typed of ['514 555-1234', '+1 (514) 555-1234', '5551234']) {
      const answer = await found(typed)
      expect(answer.results[0]).toMatchObject({
        customer: 'CUST-00012',
        match: { field: 'phone', text: '+1 514-555-1234' },
      })
    }
  })

  it('finds a customer by number, by equipment serial and by MAC with or without separators', async () => {
    const { found } = setup()
    expect((await found('12')).results[0]).toMatchObject({ customer: 'CUST-00012', match: { field: 'number' } })
    expect((await found('CUST-00013')).results[0].customer).toBe('CUST-00013')
    expect((await found('zteg2ad4')).results[0]).toMatchObject({ customer: 'CUST-00012', match: { field: 'serial' } })
    // This router has no customer of its own: it belongs to whoever is served at its location.
    const mac = (await found('6032b1df9d4c')).results[0]
    expect(mac).toMatchObject({
      customer: 'CUST-00013',
      match: { field: 'mac', text: '60:32:B1:DF:9D:4C', ranges: [[0, 17]] },
    })
    expect((await found('60-32-b1-df-9d-4c')).results[0].customer).toBe('CUST-00013')
  })

  it('finds an address or an e-mail, and ignores spare equipment that belongs to no one', async () => {
    const { found } = setup()
    // "St" stands for Saint: the abbreviation finds the address written out, the highlight says where.
    const st = (await found('rue principale st jerome')).results[0]
    expect(st).toMatchObject({ customer: 'CUST-00013', match: { field: 'address', approximate: false } })
    expect(st.match.ranges.map(([a, b]) => st.match.text.slice(a, b)).sort()).toEqual([
      'Jérôme',
      'Principale',
      'Saint',
      'rue',
    ])
    expect((await found('principale saint-jérôme')).results[0]).toMatchObject({
      customer: 'CUST-00013',
      match: { field: 'address' },
    })
    expect((await found('SPARE0001')).results).toHaveLength(0)
    expect((await found('me.cote@gmail')).results[0]).toMatchObject({
      customer: 'CUST-00012',
      match: { field: 'email' },
    })
  })

  it('loads ERPNext once, then answers from memory', async () => {
    const { found, erp } = setup()
    await found('cote')
    const loads = erp.calls.length
    // Per doctype: its latest change (what the next sweep starts from), then its one page.
    expect(loads).toBe(6)
    const pages = erp.calls.filter((c) => c.path.includes('order_by=name+asc'))
    expect(pages).toHaveLength(3)
    expect(pages.every((c) => !decodeURIComponent(c.path).includes('modified'))).toBe(true)
    await found('tremblay')
    await found('514')
    expect(erp.calls.length).toBe(loads)
  })

  it('reads a customer base larger than one page, page after page', async () => {
    const many = Array.from({ length: 24_000 }, (_, i) => ({
      name: `CUST-${String(i + 100).padStart(5, '0')}`,
      customer_name: `Client ${i}`,
      mobile_no: null,
      disabled: 0,
    }))
    const fake = fakeErp({ ...SEED, Customer: [...SEED.Customer, ...many] })
    const app = createApp(testConfig(), { erp: fake.erp, hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/clients/search?q=client%2023999', STAFF.csr))
    expect(((await res.json()) as ClientSearchAnswer).results[0].customerName).toBe('Client 23999')
    const customerPages = fake.erp.calls.filter(
      (c) => c.path.startsWith('/api/resource/Customer?') && c.path.includes('order_by=name+asc'),
    )
    expect(customerPages).toHaveLength(3)
    expect(decodeURIComponent(customerPages[1].path)).toContain('["Customer","name",">","CUST-10096"]')
  })

  it('sees a customer created through the BFF as soon as its doc_update goes by', async () => {
    const { found, tables, bus } = setup()
    expect((await found('Gagnon')).results).toHaveLength(0)
    tables.Customer.push({
      name: 'CUST-00015',
      customer_name: 'Luc Gagnon',
      mobile_no: '819-555-7777',
      disabled: 0,
      modified: '2026-02-01 10:00:00.000000',
    })
    bus.publish('doc_update', { doctype: 'Customer', name: 'CUST-00015', action: 'create' })
    await expect.poll(async () => (await found('gagnon')).results.map((r) => r.customer)).toEqual(['CUST-00015'])
    tables.Customer.pop()
    bus.publish('doc_update', { doctype: 'Customer', name: 'CUST-00015', action: 'delete' })
    await expect.poll(async () => (await found('gagnon')).results).toHaveLength(0)
  })

  it('finds a change made in ERPNext by someone else at the next sweep, reading only what changed since the build', async () => {
    const fake = fakeErp(SEED)
    let clock = 1_000_000
    const search = createClientSearch(fake.erp, { now: () => clock })
    expect((await search.search('Bouchard')).results).toHaveLength(0)
    fake.tables.Customer.push({
      name: 'CUST-00016',
      customer_name: 'Anne Bouchard',
      mobile_no: null,
      disabled: 0,
      modified: '2026-03-01 10:00:00.000000',
    })
    // Not yet due: nothing read again.
    const before = fake.erp.calls.length
    expect((await search.search('Bouchard')).results).toHaveLength(0)
    expect(fake.erp.calls.length).toBe(before)
    clock += 5 * 60_000
    await search.search('Bouchard') // starts the sweep
    await expect
      .poll(async () => (await search.search('bouchard')).results.map((r) => r.customer))
      .toEqual(['CUST-00016'])
    // The sweep asks only for what changed after the latest change the build saw.
    const sweep = fake.erp.calls
      .slice(before)
      .filter((c) => c.path.includes('order_by=name+asc'))
      .map((c) => new URL(c.path, 'http://erp.test').searchParams.get('filters') ?? '')
    expect(sweep).toHaveLength(3)
    expect(sweep).toContain('[["Customer","modified",">","2026-01-01 10:00:00.000000"]]')
    expect(sweep.every((f) => f.includes('"modified",">"'))).toBe(true)
  })

  it('refuses staff without clients:view (403) and anonymous callers (401), without touching ERPNext', async () => {
    const { search, erp } = setup()
    const tech = await search('cote', STAFF.tech)
    expect(tech.status).toBe(403)
    expect((await tech.json()).error.messages.fr).toMatch(/rôle/)
    expect((await search('cote', null)).status).toBe(401)
    expect(erp.calls).toHaveLength(0)
  })

  it('says so in a sentence when ERPNext is down, and works once it is back', async () => {
    const { search, setDown, found } = setup()
    setDown(true)
    const res = await search('cote')
    expect(res.status).toBe(502) // after one retry of the page
    expect((await res.json()).error.messages.fr).toMatch(/ERPNext ne répond pas/)
    setDown(false)
    expect((await found('cote')).results).toHaveLength(2)
  })

  it('forgives one typo in a long word and says the match is approximate', async () => {
    const { found } = setup()
    const [hit] = (await found('Tremblya')).results
    expect(hit).toMatchObject({ customer: 'CUST-00013', match: { field: 'name', approximate: true } })
    expect(hit.match.text.slice(...hit.match.ranges[0])).toBe('Tremblay')
    expect((await found('Trembyal')).results).toHaveLength(0)
  })

  it('answers while the index is first built, from ERPNext directly, and says the answer may be incomplete', async () => {
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const fake = fakeErp(SEED)
    const erp = recordingErp(async (call) => {
      const url = new URL(call.path, 'http://erp.test')
      // The index's pages wait; the fallback's queries (or_filters) answer at once.
      const filters = JSON.parse(url.searchParams.get('filters') ?? '[]') as [string, string, string[]][]
      const named = filters.find(([, op]) => op === 'in')
      if (named) {
        const doctype = decodeURIComponent(url.pathname.replace('/api/resource/', ''))
        return ok({ data: fake.tables[doctype].filter((r) => named[2].includes(r.name)) })
      }
      if (!url.searchParams.has('or_filters')) await held
      const answer = await fake.erp.send(call.method, call.path)
      if (!url.searchParams.has('or_filters')) return answer
      const like = (JSON.parse(url.searchParams.get('or_filters')!) as [string, string, string][])
        .filter(([, op]) => op === 'like')
        .map(([field, , value]) => ({ field, re: new RegExp(value.replaceAll('%', '.*'), 'i') }))
      const rows = (JSON.parse(answer.body) as { data: Doc[] }).data
      return ok({ data: rows.filter((r) => like.some(({ field, re }) => re.test(String(r[field] ?? '')))) })
    })
    // As a served BFF would be, its build under way: a search does not wait for it.
    const search = createClientSearch(erp, { firstUseWaitMs: 0 })
    const ask = (q: string) => search.search(q)
    const early = await ask('tremblay')
    expect(early.complete).toBe(false)
    expect(early.results.map((r) => r.customer)).toEqual(['CUST-00013'])
    const byAddress = await ask('principale')
    expect(byAddress.results[0]).toMatchObject({ customer: 'CUST-00013', match: { field: 'address' } })
    release()
    await expect.poll(async () => (await ask('cote')).complete).toBe(true)
    expect((await ask('cote')).results).toHaveLength(2)
  })

  it('says ERPNext is not answering when a list comes back as something else, and does not crash', async () => {
    const app = createApp(testConfig(), { erp: recordingErp(() => ok({ data: { name: 'x' } })), hub: noHub })
    const res = await app.fetch(staffRequest('/ops/api/clients/search?q=cote', STAFF.csr))
    expect(res.status).toBe(502)
  })

  it('waits for two characters before searching', async () => {
    const { found } = setup()
    const answer = await found('c')
    expect(answer.results).toEqual([])
    expect(answer.indexed).toBe(3)
  })
})
