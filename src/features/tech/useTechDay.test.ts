// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import type { LiveEvent } from '../../api/events'
import type { TechJobDetail } from '../../contracts/tech'
import { changesTheDay, changesTheJob } from './useTechDay'

const doc = (doctype: string, name: string): LiveEvent => ({
  id: '7-1',
  type: 'doc_update',
  data: { doctype, name, action: 'update' },
})
const detail = {
  job: { name: 'DJ-1', customer: 'CUST-1', service_location: 'LOC-1' },
  location: null,
  equipment: [],
} as unknown as TechJobDetail

describe('what a live event changes on the tablet', () => {
  it('reads the day again for anything it shows: jobs, their customers, locations, equipment, tags', () => {
    for (const doctype of ['Dispatch Job', 'Customer', 'Service Location', 'Service Equipment', 'Tag'])
      expect(changesTheDay(doc(doctype, 'X')), doctype).toBe(true)
    expect(changesTheDay({ id: '7-2', type: 'job.updated', data: { name: 'DJ-9' } })).toBe(true)
    expect(changesTheDay(doc('Invoice', 'X'))).toBe(false)
    expect(changesTheDay({ id: '7-3', type: 'sms.inbound', data: { name: 'X' } })).toBe(false)
  })

  it('reads a job’s page again for that job, its customer and its location only', () => {
    expect(changesTheJob(detail, 'DJ-1', doc('Dispatch Job', 'DJ-1'))).toBe(true)
    expect(changesTheJob(detail, 'DJ-1', { id: '7-2', type: 'job.updated', data: { name: 'DJ-1' } })).toBe(true)
    expect(changesTheJob(detail, 'DJ-1', doc('Dispatch Job', 'DJ-2'))).toBe(false)
    expect(changesTheJob(detail, 'DJ-1', doc('Customer', 'CUST-1'))).toBe(true)
    expect(changesTheJob(detail, 'DJ-1', doc('Customer', 'CUST-2'))).toBe(false)
    expect(changesTheJob(detail, 'DJ-1', doc('Service Location', 'LOC-1'))).toBe(true)
    expect(changesTheJob(detail, 'DJ-1', doc('Service Location', 'LOC-2'))).toBe(false)
    // Equipment events do not say where the equipment is installed.
    expect(changesTheJob(detail, 'DJ-1', doc('Service Equipment', 'EQ-1'))).toBe(true)
    // Not loaded yet: any customer or location may be its own.
    expect(changesTheJob(null, 'DJ-1', doc('Customer', 'CUST-2'))).toBe(true)
  })
})
