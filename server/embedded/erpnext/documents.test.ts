import { describe, expect, it } from 'vitest'
import { serverMessage, testErp, type TestErp } from './testing'

type Data = { data: Record<string, unknown> }

async function withCustomer(erp: TestErp) {
  return erp.create('Customer', { customer_name: 'Marie Tremblay' })
}

describe('reading a document', () => {
  it('returns the document with standard fields, its doctype, and no empty fields', async () => {
    const erp = testErp()
    await withCustomer(erp)
    const { status, body } = await erp.get('/api/resource/Customer/CUST-00001')
    expect(status).toBe(200)
    expect(body).toEqual({
      data: {
        name: 'CUST-00001',
        owner: 'Administrator',
        creation: '2026-03-10 10:00:00.000000',
        modified: '2026-03-10 10:00:00.000000',
        modified_by: 'Administrator',
        docstatus: 0,
        idx: 0,
        customer_name: 'Marie Tremblay',
        customer_type: 'Individual',
        language: 'fr',
        disabled: 0,
        sms_opt_out: 0,
        doctype: 'Customer',
      },
    })
  })

  it('returns child tables as rows carrying name, parent, parentfield, parenttype, idx and doctype', async () => {
    const erp = testErp()
    await erp.create('Tag', { tag_name: 'Fibre' })
    await erp.create('Tag', { tag_name: 'Zone Nord', category: 'Zone' })
    await erp.create('Technician', {
      full_name: 'Luc',
      email: 'luc@gigafibre.ca',
      tags: [{ tag: 'Fibre' }, { tag: 'Zone Nord' }],
    })
    const { body } = await erp.get('/api/resource/Technician/TECH-001')
    const tags = (body as Data).data.tags as Record<string, unknown>[]
    expect(tags).toHaveLength(2)
    expect(tags[0]).toMatchObject({
      parent: 'TECH-001',
      parentfield: 'tags',
      parenttype: 'Technician',
      idx: 1,
      doctype: 'Technician Tag',
      tag: 'Fibre',
    })
    expect(tags[1]).toMatchObject({ idx: 2, tag: 'Zone Nord' })
    expect(typeof tags[0].name).toBe('string')
  })

  it('gives an empty list for a child table without rows', async () => {
    const erp = testErp()
    await erp.create('Technician', { full_name: 'Luc', email: 'luc@gigafibre.ca' })
    const { body } = await erp.get('/api/resource/Technician/TECH-001')
    expect((body as Data).data.tags).toEqual([])
  })

  it('answers 404 DoesNotExistError for a missing document or an unknown doctype', async () => {
    const erp = testErp()
    const missing = await erp.get('/api/resource/Customer/CUST-99999')
    expect(missing.status).toBe(404)
    expect(missing.body.exc_type).toBe('DoesNotExistError')
    expect(serverMessage(missing.body)).toBe('Customer CUST-99999 not found')
    const unknown = await erp.get('/api/resource/Spaceship')
    expect(unknown.status).toBe(404)
    expect(unknown.body.exc_type).toBe('DoesNotExistError')
    expect(unknown.body.exception).toBe('frappe.exceptions.DoesNotExistError: DocType Spaceship not found')
  })

  it('finds documents whose names contain spaces and slashes when they are URL-encoded', async () => {
    const erp = testErp()
    await erp.create('Tag', { tag_name: 'Fibre / Zone Sud' })
    const { status, body } = await erp.get(`/api/resource/Tag/${encodeURIComponent('Fibre / Zone Sud')}`)
    expect(status).toBe(200)
    expect((body as Data).data.tag_name).toBe('Fibre / Zone Sud')
    await erp.create('Tag', { tag_name: 'a/b' })
    expect((await erp.get('/api/resource/Tag/a/b')).status).toBe(200)
  })
})

describe('inserting a document', () => {
  it('names documents from their naming series, one counter per prefix', async () => {
    const erp = testErp()
    expect((await withCustomer(erp)).name).toBe('CUST-00001')
    expect((await withCustomer(erp)).name).toBe('CUST-00002')
    expect((await erp.create('Technician', { full_name: 'A', email: 'a@x.ca' })).name).toBe('TECH-001')
  })

  it('puts the current site year in YYYY series', async () => {
    const erp = testErp()
    const job = await erp.create('Dispatch Job', { job_type: 'Installation' })
    expect(job.name).toBe('DJ-2026-00001')
    const issue = await erp.create('Issue', { subject: 'Pas de signal' })
    expect(issue.name).toBe('ISS-2026-00001')
  })

  it('names field-named doctypes by the field and hash-named ones randomly', async () => {
    const erp = testErp()
    expect((await erp.create('Tag', { tag_name: 'Fibre' })).name).toBe('Fibre')
    const comm = await erp.create('Communication', { communication_medium: 'SMS', content: 'Bonjour' })
    expect(comm.name).toMatch(/^[0-9a-f]{10}$/)
  })

  it('fills standard fields and defaults, and ignores a name sent by the client', async () => {
    const erp = testErp()
    const job = await erp.create('Dispatch Job', {
      job_type: 'Repair',
      name: 'MY-NAME',
      owner: 'someone',
      docstatus: 1,
    })
    expect(job).toMatchObject({
      name: 'DJ-2026-00001',
      owner: 'Administrator',
      modified_by: 'Administrator',
      docstatus: 0,
      idx: 0,
      status: 'Unscheduled',
      priority: 'Medium',
      duration_minutes: 60,
      doctype: 'Dispatch Job',
    })
    expect(job.creation).toBe(job.modified)
  })

  it('refuses a missing mandatory field with MandatoryError naming the field', async () => {
    const erp = testErp()
    const { status, body } = await erp.post('/api/resource/Dispatch%20Job', { priority: 'High' })
    expect(status).toBe(417)
    expect(body.exc_type).toBe('MandatoryError')
    expect(serverMessage(body)).toBe('Error: Value missing for Dispatch Job: Job Type')
  })

  it('refuses an empty string in a mandatory field', async () => {
    const erp = testErp()
    const { body } = await erp.post('/api/resource/Customer', { customer_name: '' })
    expect(body.exc_type).toBe('MandatoryError')
  })

  it('refuses a Select value outside its choices', async () => {
    const erp = testErp()
    const { status, body } = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Teleportation' })
    expect(status).toBe(417)
    expect(body.exc_type).toBe('ValidationError')
    expect(serverMessage(body)).toContain('Job Type cannot be "Teleportation"')
  })

  it('refuses a link to a missing document with LinkValidationError', async () => {
    const erp = testErp()
    const { status, body } = await erp.post('/api/resource/Dispatch%20Job', {
      job_type: 'Repair',
      technician: 'TECH-404',
    })
    expect(status).toBe(417)
    expect(body.exc_type).toBe('LinkValidationError')
    expect(serverMessage(body)).toBe('Could not find Technician: TECH-404')
  })

  it('refuses a child row linking to a missing document', async () => {
    const erp = testErp()
    const { body } = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', tags: [{ tag: 'Nope' }] })
    expect(body.exc_type).toBe('LinkValidationError')
    expect(serverMessage(body)).toBe('Row #1: Could not find Tag: Nope')
  })

  it('refuses a duplicate name and a duplicate unique value with 409 DuplicateEntryError', async () => {
    const erp = testErp()
    await erp.create('Tag', { tag_name: 'Fibre' })
    const sameName = await erp.post('/api/resource/Tag', { tag_name: 'Fibre' })
    expect(sameName.status).toBe(409)
    expect(sameName.body.exc_type).toBe('DuplicateEntryError')
    await erp.create('Technician', { full_name: 'A', email: 'a@x.ca' })
    const sameEmail = await erp.post('/api/resource/Technician', { full_name: 'B', email: 'a@x.ca' })
    expect(sameEmail.status).toBe(409)
    expect(serverMessage(sameEmail.body)).toContain('Email a@x.ca already exists in Technician TECH-001')
  })

  it('allows many documents without a value in a unique-when-set field', async () => {
    const erp = testErp()
    await erp.create('Service Equipment', { equipment_type: 'ONT', serial_no: 'SN1' })
    await erp.create('Service Equipment', { equipment_type: 'ONT', serial_no: 'SN2', mac_address: '' })
    const dup = await erp.post('/api/resource/Service%20Equipment', {
      equipment_type: 'ONT',
      serial_no: 'SN3',
      scan_id: 's1',
    })
    expect(dup.status).toBe(200)
    const again = await erp.post('/api/resource/Service%20Equipment', {
      equipment_type: 'ONT',
      serial_no: 'SN4',
      scan_id: 's1',
    })
    expect(again.status).toBe(409)
  })

  it('coerces numeric text into Int and Float fields and refuses what is not a number', async () => {
    const erp = testErp()
    const job = await erp.create('Dispatch Job', { job_type: 'Repair', duration_minutes: '90', latitude: '45.5' })
    expect(job).toMatchObject({ duration_minutes: 90, latitude: 45.5 })
    const bad = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', duration_minutes: 'long' })
    expect(bad.status).toBe(417)
    expect(bad.body.exc_type).toBe('ValidationError')
    expect(serverMessage(bad.body)).toContain('Duration Minutes must be a whole number')
    const fraction = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', duration_minutes: 1.5 })
    expect(fraction.status).toBe(417)
    const notFloat = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', latitude: 'north' })
    expect(serverMessage(notFloat.body)).toContain('Latitude must be a number')
  })

  it('stores Check fields as 0 or 1', async () => {
    const erp = testErp()
    expect((await erp.create('Customer', { customer_name: 'A', disabled: true })).disabled).toBe(1)
    expect((await erp.create('Customer', { customer_name: 'B', disabled: '0' })).disabled).toBe(0)
    expect((await erp.post('/api/resource/Customer', { customer_name: 'C', disabled: 'yes' })).status).toBe(417)
  })

  it('refuses an unknown field, naming it', async () => {
    const erp = testErp()
    const { status, body } = await erp.post('/api/resource/Dispatch%20Job', {
      job_type: 'Repair',
      technican: 'TECH-001',
    })
    expect(status).toBe(417)
    expect(serverMessage(body)).toBe('Unknown field technican for Dispatch Job')
  })

  it('refuses a body that is not JSON, or not an object', async () => {
    const erp = testErp()
    const garbage = await erp.post('/api/resource/Customer', '{customer_name:')
    expect(garbage.status).toBe(417)
    expect(serverMessage(garbage.body)).toBe('Request body is not valid JSON')
    const list = await erp.post('/api/resource/Customer', [{ customer_name: 'A' }])
    expect(list.status).toBe(417)
    expect(serverMessage(list.body)).toBe('Request body must be a JSON object')
  })

  it('refuses inserting into an unknown doctype with 404', async () => {
    const erp = testErp()
    const { status, body } = await erp.post('/api/resource/Spaceship', { name: 'x' })
    expect(status).toBe(404)
    expect(body.exc_type).toBe('DoesNotExistError')
  })

  it('refuses a dispatch job whose duration is not positive', async () => {
    const erp = testErp()
    for (const duration_minutes of [0, -30]) {
      const { status, body } = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', duration_minutes })
      expect(status).toBe(417)
      expect(serverMessage(body)).toBe('Duration Minutes must be greater than 0')
    }
  })

  it('normalizes MAC addresses to AA:BB:CC:DD:EE:FF and refuses garbage', async () => {
    const erp = testErp()
    const a = await erp.create('Service Equipment', {
      equipment_type: 'Router',
      serial_no: 'R1',
      mac_address: 'aa-bb-cc-dd-ee-0f',
    })
    expect(a.mac_address).toBe('AA:BB:CC:DD:EE:0F')
    const b = await erp.create('Service Equipment', {
      equipment_type: 'Router',
      serial_no: 'R2',
      mac_address: '0011.2233.4455',
    })
    expect(b.mac_address).toBe('00:11:22:33:44:55')
    const bad = await erp.post('/api/resource/Service%20Equipment', {
      equipment_type: 'Router',
      serial_no: 'R3',
      mac_address: 'not-a-mac',
    })
    expect(bad.status).toBe(417)
    expect(serverMessage(bad.body)).toContain('MAC Address "not-a-mac" is not valid')
    // The same address written differently is still a duplicate.
    const dup = await erp.post('/api/resource/Service%20Equipment', {
      equipment_type: 'Router',
      serial_no: 'R4',
      mac_address: 'AABBCCDDEE0F',
    })
    expect(dup.status).toBe(409)
  })

  it('keeps datetimes as sent, adding seconds when only minutes came, and refuses malformed ones', async () => {
    const erp = testErp()
    const plain = await erp.create('Dispatch Job', { job_type: 'Repair', scheduled_start: '2026-03-11 08:30:00' })
    expect(plain.scheduled_start).toBe('2026-03-11 08:30:00')
    const fraction = await erp.create('Dispatch Job', {
      job_type: 'Repair',
      scheduled_start: '2026-03-11 08:30:00.250000',
    })
    expect(fraction.scheduled_start).toBe('2026-03-11 08:30:00.250000')
    const minutes = await erp.create('Dispatch Job', { job_type: 'Repair', scheduled_start: '2026-03-11 08:30' })
    expect(minutes.scheduled_start).toBe('2026-03-11 08:30:00')
    for (const bad of ['tomorrow', '2026-02-30 10:00:00', '2026-03-11 25:00:00', '2026-03-11T08:30:00Z']) {
      const answer = await erp.post('/api/resource/Dispatch%20Job', { job_type: 'Repair', scheduled_start: bad })
      expect(answer.status, bad).toBe(417)
    }
    const badDate = await erp.post('/api/resource/Issue', { subject: 'x', opening_date: '11/03/2026' })
    expect(serverMessage(badDate.body)).toContain('Opening Date must be a date "YYYY-MM-DD"')
  })
})

describe('updating a document', () => {
  it('changes only the fields sent and returns the whole document with a new modified', async () => {
    const erp = testErp()
    const before = await withCustomer(erp)
    const { status, body } = await erp.put('/api/resource/Customer/CUST-00001', { mobile_no: '514-555-0101' })
    expect(status).toBe(200)
    const after = (body as Data).data
    expect(after).toMatchObject({
      customer_name: 'Marie Tremblay',
      mobile_no: '514-555-0101',
      creation: before.creation,
    })
    expect(String(after.modified) > String(before.modified)).toBe(true)
  })

  it('gives a strictly later modified on every save, even within the same millisecond', async () => {
    const erp = testErp() // the test clock never moves
    const stamps = [String((await withCustomer(erp)).modified)]
    for (let i = 0; i < 3; i++) {
      const { body } = await erp.put('/api/resource/Customer/CUST-00001', { territory: `T${i}` })
      stamps.push(String((body as Data).data.modified))
    }
    expect([...stamps].sort()).toEqual(stamps)
    expect(new Set(stamps).size).toBe(4)
  })

  it('refuses a stale edit with TimestampMismatchError and keeps the newer version', async () => {
    const erp = testErp()
    const opened = await withCustomer(erp)
    await erp.put('/api/resource/Customer/CUST-00001', { modified: opened.modified, territory: 'Laval' })
    const stale = await erp.put('/api/resource/Customer/CUST-00001', {
      modified: opened.modified,
      territory: 'Longueuil',
    })
    expect(stale.status).toBe(417)
    expect(stale.body.exc_type).toBe('TimestampMismatchError')
    expect(serverMessage(stale.body)).toContain('Document has been modified after you have opened it')
    const { body } = await erp.get('/api/resource/Customer/CUST-00001')
    expect((body as Data).data.territory).toBe('Laval')
  })

  it('lets the last write win when no modified is sent', async () => {
    const erp = testErp()
    await withCustomer(erp)
    await erp.put('/api/resource/Customer/CUST-00001', { territory: 'Laval' })
    const { status, body } = await erp.put('/api/resource/Customer/CUST-00001', { territory: 'Longueuil' })
    expect(status).toBe(200)
    expect((body as Data).data.territory).toBe('Longueuil')
  })

  it('replaces the whole child table when it is sent', async () => {
    const erp = testErp()
    for (const tag_name of ['Fibre', 'Cuivre', 'Zone Nord']) await erp.create('Tag', { tag_name })
    await erp.create('Dispatch Job', { job_type: 'Repair', tags: [{ tag: 'Fibre' }, { tag: 'Cuivre' }] })
    const { body } = await erp.put('/api/resource/Dispatch%20Job/DJ-2026-00001', { tags: [{ tag: 'Zone Nord' }] })
    const tags = (body as Data).data.tags as Record<string, unknown>[]
    expect(tags.map((t) => [t.tag, t.idx])).toEqual([['Zone Nord', 1]])
    const untouched = await erp.put('/api/resource/Dispatch%20Job/DJ-2026-00001', { priority: 'High' })
    expect(((untouched.body as Data).data.tags as unknown[]).length).toBe(1)
  })

  it('clears a field sent empty (unassigning a technician)', async () => {
    const erp = testErp()
    await erp.create('Technician', { full_name: 'A', email: 'a@x.ca' })
    await erp.create('Dispatch Job', { job_type: 'Repair', technician: 'TECH-001' })
    const { body } = await erp.put('/api/resource/Dispatch%20Job/DJ-2026-00001', { technician: '' })
    expect((body as Data).data).not.toHaveProperty('technician')
  })

  it('validates updates like inserts', async () => {
    const erp = testErp()
    await erp.create('Dispatch Job', { job_type: 'Repair' })
    const path = '/api/resource/Dispatch%20Job/DJ-2026-00001'
    expect((await erp.put(path, { status: 'Lost' })).body.exc_type).toBe('ValidationError')
    expect((await erp.put(path, { technician: 'TECH-404' })).body.exc_type).toBe('LinkValidationError')
    expect((await erp.put(path, { job_type: null })).body.exc_type).toBe('MandatoryError')
    expect((await erp.put(path, { duration_minutes: 0 })).status).toBe(417)
    expect((await erp.put(path, { colour: 'red' })).status).toBe(417)
    await erp.create('Technician', { full_name: 'A', email: 'a@x.ca' })
    await erp.create('Technician', { full_name: 'B', email: 'b@x.ca' })
    expect((await erp.put('/api/resource/Technician/TECH-002', { email: 'a@x.ca' })).status).toBe(409)
    // Saving a document with its own unique value unchanged is fine.
    expect((await erp.put('/api/resource/Technician/TECH-001', { email: 'a@x.ca' })).status).toBe(200)
  })

  it('refuses renaming through an update, and answers 404 for a missing document', async () => {
    const erp = testErp()
    await withCustomer(erp)
    const rename = await erp.put('/api/resource/Customer/CUST-00001', { name: 'CUST-00042' })
    expect(rename.status).toBe(417)
    const same = await erp.put('/api/resource/Customer/CUST-00001', { name: 'CUST-00001', territory: 'Laval' })
    expect(same.status).toBe(200)
    const missing = await erp.put('/api/resource/Customer/CUST-00404', { territory: 'Laval' })
    expect(missing.status).toBe(404)
  })
})

describe('deleting a document', () => {
  it('answers 202 ok, removes its child rows, and then the document is gone', async () => {
    const erp = testErp()
    await erp.create('Tag', { tag_name: 'Fibre' })
    await erp.create('Dispatch Job', { job_type: 'Repair', tags: [{ tag: 'Fibre' }] })
    const { status, body } = await erp.del('/api/resource/Dispatch%20Job/DJ-2026-00001')
    expect(status).toBe(202)
    expect(body).toEqual({ data: 'ok' })
    expect((await erp.get('/api/resource/Dispatch%20Job/DJ-2026-00001')).status).toBe(404)
    // The tag's only use was in the deleted job's child table, so it can go now.
    expect((await erp.del('/api/resource/Tag/Fibre')).status).toBe(202)
  })

  it('answers 404 for a missing document', async () => {
    const erp = testErp()
    const { status, body } = await erp.del('/api/resource/Customer/CUST-00404')
    expect(status).toBe(404)
    expect(body.exc_type).toBe('DoesNotExistError')
  })

  it('refuses deleting a tag in use with LinkExistsError naming where it is used', async () => {
    const erp = testErp()
    await erp.create('Tag', { tag_name: 'Fibre' })
    await erp.create('Technician', { full_name: 'Luc', email: 'luc@x.ca', tags: [{ tag: 'Fibre' }] })
    const { status, body } = await erp.del('/api/resource/Tag/Fibre')
    expect(status).toBe(417)
    expect(body.exc_type).toBe('LinkExistsError')
    expect(serverMessage(body)).toBe('Cannot delete or cancel because Tag Fibre is linked with Technician TECH-001')
    expect((await erp.get('/api/resource/Tag/Fibre')).status).toBe(200)
  })

  it('refuses deleting a customer that a location points at', async () => {
    const erp = testErp()
    await withCustomer(erp)
    await erp.create('Service Location', { customer: 'CUST-00001', address_line: '1 rue Principale', city: 'Laval' })
    const { body } = await erp.del('/api/resource/Customer/CUST-00001')
    expect(body.exc_type).toBe('LinkExistsError')
    expect(serverMessage(body)).toContain('is linked with Service Location LOC-00001')
  })
})
