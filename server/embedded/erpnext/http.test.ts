import { afterEach, describe, expect, it, vi } from 'vitest'
import { DocumentStore } from './documents'
import { serverMessage, TEST_TOKEN, testErp } from './testing'

afterEach(() => vi.restoreAllMocks())

describe('authentication', () => {
  it('accepts "token key:secret" and "Basic base64(key:secret)"', async () => {
    const erp = testErp()
    expect((await erp.get('/api/resource/Customer')).status).toBe(200)
    const basic = `Basic ${Buffer.from(TEST_TOKEN).toString('base64')}`
    expect((await erp.request('GET', '/api/resource/Customer', undefined, { authorization: basic })).status).toBe(200)
  })

  it('refuses missing or wrong credentials with 401 AuthenticationError on every route', async () => {
    const erp = testErp()
    const cases: [string, string, Record<string, string>][] = [
      ['GET', '/api/resource/Customer', { authorization: '' }],
      ['GET', '/api/resource/Customer/CUST-00001', { authorization: 'token test-key:wrong' }],
      ['POST', '/api/resource/Customer', { authorization: 'token test-key' }],
      [
        'DELETE',
        '/api/resource/Customer/CUST-00001',
        { authorization: `Basic ${Buffer.from('test-key:nope').toString('base64')}` },
      ],
      ['GET', '/api/method/frappe.client.get_count?doctype=Customer', { authorization: 'Bearer test-key:test-secret' }],
      ['GET', '/api/method/frappe.auth.get_logged_user', { authorization: '' }],
      ['GET', '/api/nothing/here', { authorization: '' }],
    ]
    for (const [method, path, headers] of cases) {
      const { status, body } = await erp.request(
        method,
        path,
        method === 'POST' ? { customer_name: 'x' } : undefined,
        headers,
      )
      expect(status, `${method} ${path}`).toBe(401)
      expect(body.exc_type).toBe('AuthenticationError')
    }
  })

  it('answers ping without credentials, as Frappe does, but not with wrong ones', async () => {
    const erp = testErp()
    const guest = await erp.request('GET', '/api/method/ping', undefined, { authorization: '' })
    expect(guest).toEqual({ status: 200, body: { message: 'pong' } })
    const wrong = await erp.request('GET', '/api/method/ping', undefined, { authorization: 'token a:b' })
    expect(wrong.status).toBe(401)
  })
})

describe('whitelisted methods', () => {
  async function board() {
    const erp = testErp()
    await erp.create('Customer', { customer_name: 'Marie', territory: 'Laval' })
    await erp.create('Customer', { customer_name: 'Paul', territory: 'Laval' })
    await erp.create('Customer', { customer_name: 'Zoé', territory: 'Québec' })
    return erp
  }

  it('frappe.client.get_list takes the list parameters by GET query or POST JSON or form body', async () => {
    const erp = await board()
    const get = await erp.get(
      '/api/method/frappe.client.get_list?doctype=Customer&fields=["customer_name"]&filters={"territory":"Laval"}&limit_page_length=1',
    )
    expect(get.body).toEqual({ message: [{ customer_name: 'Paul' }] })
    const post = await erp.post('/api/method/frappe.client.get_list', {
      doctype: 'Customer',
      fields: ['customer_name'],
      filters: [['territory', '=', 'Laval']],
      order_by: 'customer_name asc',
    })
    expect(post.body).toEqual({ message: [{ customer_name: 'Marie' }, { customer_name: 'Paul' }] })
    const form = await erp.request(
      'POST',
      '/api/method/frappe.client.get_list',
      new URLSearchParams({ doctype: 'Customer', fields: '["name"]', filters: '{"territory":"Québec"}' }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    expect(form.body).toEqual({ message: [{ name: 'CUST-00003' }] })
  })

  it('frappe.client.get_count counts what the filters match', async () => {
    const erp = await board()
    expect((await erp.get('/api/method/frappe.client.get_count?doctype=Customer')).body).toEqual({ message: 3 })
    expect(
      (await erp.get('/api/method/frappe.client.get_count?doctype=Customer&filters=[["territory","=","Laval"]]')).body,
    ).toEqual({ message: 2 })
  })

  it('frappe.client.get_value returns an object, for one field or several, with filters or a bare name', async () => {
    const erp = await board()
    const one = await erp.get(
      '/api/method/frappe.client.get_value?doctype=Customer&fieldname=customer_name&filters=CUST-00002',
    )
    expect(one.body).toEqual({ message: { customer_name: 'Paul' } })
    const several = await erp.post('/api/method/frappe.client.get_value', {
      doctype: 'Customer',
      fieldname: '["name","territory"]',
      filters: { customer_name: 'Zoé' },
    })
    expect(several.body).toEqual({ message: { name: 'CUST-00003', territory: 'Québec' } })
    const none = await erp.get(
      '/api/method/frappe.client.get_value?doctype=Customer&fieldname=name&filters={"customer_name":"Nobody"}',
    )
    expect(none.body).toEqual({ message: {} })
    const scalar = await erp.get(
      '/api/method/frappe.client.get_value?doctype=Customer&fieldname=territory&filters=CUST-00003&as_dict=0',
    )
    expect(scalar.body).toEqual({ message: 'Québec' })
  })

  it('frappe.client.get returns a document by name or by filters', async () => {
    const erp = await board()
    const byName = await erp.get('/api/method/frappe.client.get?doctype=Customer&name=CUST-00001')
    expect(byName.body).toMatchObject({ message: { name: 'CUST-00001', customer_name: 'Marie', doctype: 'Customer' } })
    const byFilters = await erp.post('/api/method/frappe.client.get', {
      doctype: 'Customer',
      filters: { territory: 'Québec' },
    })
    expect(byFilters.body).toMatchObject({ message: { name: 'CUST-00003' } })
    const missing = await erp.get('/api/method/frappe.client.get?doctype=Customer&name=CUST-00404')
    expect(missing.status).toBe(404)
  })

  it('frappe.auth.get_logged_user names the API user', async () => {
    const erp = testErp()
    expect((await erp.get('/api/method/frappe.auth.get_logged_user')).body).toEqual({ message: 'Administrator' })
  })

  it('answers 404 for an unknown method, and 417 when doctype is missing', async () => {
    const erp = testErp()
    const unknown = await erp.get('/api/method/frappe.client.delete_everything')
    expect(unknown.status).toBe(404)
    expect(unknown.body.exc_type).toBe('DoesNotExistError')
    const noDoctype = await erp.get('/api/method/frappe.client.get_count')
    expect(noDoctype.status).toBe(417)
    expect(serverMessage(noDoctype.body)).toBe('doctype is required')
    const prototypeKey = await erp.get('/api/method/constructor')
    expect(prototypeKey.status).toBe(404)
  })
})

describe('robustness', () => {
  it('refuses a body over 10 MB with 413', async () => {
    const erp = testErp()
    const big = JSON.stringify({ customer_name: 'x'.repeat(10 * 1024 * 1024 + 10) })
    const { status } = await erp.post('/api/resource/Customer', big)
    expect(status).toBe(413)
    // Without a content-length (streamed), the limit still holds.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big))
        c.close()
      },
    })
    const res = await erp.app.fetch(
      new Request('http://erp.test/api/resource/Customer', {
        method: 'POST',
        body: stream,
        headers: { authorization: `token ${TEST_TOKEN}` },
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(413)
  })

  it('answers an unexpected failure with a generic 500 that leaks nothing, and keeps serving', async () => {
    const erp = testErp()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    vi.spyOn(DocumentStore.prototype, 'list').mockImplementationOnce(() => {
      throw new Error('SqliteError: no such column: secret_column in "tabCustomer"')
    })
    const failed = await erp.get('/api/resource/Customer')
    expect(failed.status).toBe(500)
    expect(JSON.stringify(failed.body)).not.toMatch(/sqlite|secret|tabCustomer/i)
    expect(failed.body.exc_type).toBe('Exception')
    expect((await erp.get('/api/resource/Customer')).status).toBe(200)
  })

  it('answers 404 DoesNotExistError for an unknown route', async () => {
    const erp = testErp()
    const { status, body } = await erp.get('/api/v2/whatever')
    expect(status).toBe(404)
    expect(body.exc_type).toBe('DoesNotExistError')
  })

  it('accepts a document as a form field `data`, as Frappe does', async () => {
    const erp = testErp()
    const { status, body } = await erp.request(
      'POST',
      '/api/resource/Customer',
      new URLSearchParams({ data: JSON.stringify({ customer_name: 'Form' }) }).toString(),
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ data: { name: 'CUST-00001', customer_name: 'Form' } })
  })

  it('refuses writing a child doctype on its own', async () => {
    const erp = testErp()
    const { status } = await erp.post('/api/resource/Technician%20Tag', { tag: 'x' })
    expect(status).toBe(417)
  })

  it('sends errors in Frappe’s body shape', async () => {
    const erp = testErp()
    const { body } = await erp.post('/api/resource/Customer', {})
    expect(body).toEqual({
      exc_type: 'MandatoryError',
      exception: 'frappe.exceptions.MandatoryError: Error: Value missing for Customer: Customer Name',
      _server_messages: JSON.stringify([
        JSON.stringify({ message: 'Error: Value missing for Customer: Customer Name' }),
      ]),
    })
  })
})
