/**
 * A third-party Frappe client against the embedded ERPNext on a real port: if frappe-js-sdk
 * works unchanged, so should other Frappe clients written against production.
 */
import { createServer } from 'node:net'
import { FrappeApp } from 'frappe-js-sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startErpnext } from './index'
import { TEST_NOW, TEST_TOKEN } from './testing'

let server: { url: string; close(): Promise<void> }
let frappe: FrappeApp

beforeAll(async () => {
  server = await startErpnext({ port: 0, dataDir: null, token: TEST_TOKEN, seedProfile: 'none', now: () => TEST_NOW })
  frappe = new FrappeApp(server.url, { useToken: true, token: () => TEST_TOKEN, type: 'token' })
})
afterAll(() => server.close())

interface Job {
  name: string
  job_type: string
  status: string
  priority: string
  modified: string
  tags?: { tag: string }[]
}

describe('frappe-js-sdk against the embedded ERPNext', () => {
  it('creates, lists with filters/order/limit, counts, reads, updates and deletes documents', async () => {
    const db = frappe.db()
    await db.createDoc('Tag', { tag_name: 'Fibre', category: 'Skill' })
    const created = await db.createDoc<Partial<Job>>('Dispatch Job', {
      job_type: 'Installation',
      priority: 'High',
      tags: [{ tag: 'Fibre' }],
    })
    expect(created.name).toBe('DJ-2026-00001')
    await db.createDoc('Dispatch Job', { job_type: 'Repair', priority: 'Low' })
    await db.createDoc('Dispatch Job', { job_type: 'Repair', priority: 'High' })

    const list = await db.getDocList<Job>('Dispatch Job', {
      fields: ['name', 'job_type', 'priority'],
      filters: [['priority', '=', 'High']],
      orderBy: { field: 'name', order: 'asc' },
      limit: 10,
    })
    expect(list).toEqual([
      { name: 'DJ-2026-00001', job_type: 'Installation', priority: 'High' },
      { name: 'DJ-2026-00003', job_type: 'Repair', priority: 'High' },
    ])
    const firstOnly = await db.getDocList<Job>('Dispatch Job', { limit: 1, limit_start: 1 })
    expect(firstOnly).toEqual([{ name: 'DJ-2026-00002' }])

    expect(await db.getCount('Dispatch Job')).toBe(3)
    expect(await db.getCount('Dispatch Job', [['job_type', '=', 'Repair']])).toBe(2)

    const doc = await db.getDoc<Job>('Dispatch Job', 'DJ-2026-00001')
    expect(doc).toMatchObject({ name: 'DJ-2026-00001', status: 'Unscheduled', tags: [{ tag: 'Fibre' }] })

    const updated = await db.updateDoc<Job>('Dispatch Job', 'DJ-2026-00001', {
      status: 'Scheduled',
      modified: doc.modified,
    })
    expect(updated.status).toBe('Scheduled')
    await expect(
      db.updateDoc('Dispatch Job', 'DJ-2026-00001', { status: 'Completed', modified: doc.modified }),
    ).rejects.toMatchObject({ httpStatus: 417, exc_type: 'TimestampMismatchError' })

    const value = await db.getValue<{ priority: string }>(
      'Dispatch Job',
      ['priority'],
      [['name', '=', 'DJ-2026-00002']],
    )
    expect(value).toEqual({ message: { priority: 'Low' } })

    expect(await db.deleteDoc('Dispatch Job', 'DJ-2026-00002')).toEqual({ data: 'ok' })
    await expect(db.getDoc('Dispatch Job', 'DJ-2026-00002')).rejects.toMatchObject({
      httpStatus: 404,
      exc_type: 'DoesNotExistError',
    })
    await expect(db.deleteDoc('Tag', 'Fibre')).rejects.toMatchObject({ httpStatus: 417, exc_type: 'LinkExistsError' })
  })

  it('answers the logged-user check the SDK makes', async () => {
    expect(await frappe.auth().getLoggedInUser()).toBe('Administrator')
  })
})

describe('serving on a port', () => {
  it('frees the port on close', async () => {
    const other = await startErpnext({ port: 0, dataDir: null, token: TEST_TOKEN, seedProfile: 'none' })
    const port = Number(new URL(other.url).port)
    expect(other.url).toBe(`http://127.0.0.1:${port}`)
    // An idle keep-alive connection must not hold the port open.
    await fetch(`${other.url}/api/method/ping`)
    await other.close()
    await new Promise<void>((resolve, reject) => {
      const probe = createServer()
      probe.once('error', reject)
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
    })
  })
})
