import { describe, expect, it, vi } from 'vitest'
import { docUpdate, holderOf, jobUpdate } from './docEvents'
import { technicianEvents, type DocLookup } from './techEvents'
import type { TechScope } from '../techScope'

const MINE: TechScope = { technician: 'TECH-001', jobs: ['DJ-1'], locations: [], customers: [] }

describe('a job’s change on the bus', () => {
  it('says whose the job now is and its customer, null for none', () => {
    expect(jobUpdate({ name: 'DJ-5', modified: 'm', technician: 'TECH-001', customer: 'CUST-1' }, 'create')).toEqual({
      doctype: 'Dispatch Job',
      name: 'DJ-5',
      modified: 'm',
      action: 'create',
      technician: 'TECH-001',
      customer: 'CUST-1',
    })
    expect(jobUpdate({ name: 'DJ-5', technician: '' }, 'update')).toMatchObject({
      technician: null,
      customer: null,
      modified: null,
    })
    expect(jobUpdate({ name: 'DJ-5', technician: null }, 'update')).toMatchObject({ technician: null })
  })

  it('is read back as a technician, no one, or not said', () => {
    expect(holderOf({ technician: 'TECH-001' })).toBe('TECH-001')
    expect(holderOf({ technician: null })).toBeNull()
    expect(holderOf({ technician: '' })).toBeNull()
    expect(holderOf({ name: 'DJ-5' })).toBeUndefined()
    expect(holderOf(null)).toBeUndefined()
  })
})

describe('another document’s change on the bus', () => {
  it('carries its customer when it has that field, and nothing else of it', () => {
    const issue = { name: 'ISS-1', modified: 'm', customer: 'CUST-1', description: 'La porte de côté' }
    expect(docUpdate('Issue', issue, 'create')).toEqual({
      doctype: 'Issue',
      name: 'ISS-1',
      modified: 'm',
      action: 'create',
      customer: 'CUST-1',
    })
    expect(docUpdate('Service Equipment', { name: 'EQ-1', customer: null }, 'update')).toMatchObject({ customer: null })
    expect(docUpdate('Tag', { name: 'Fibre', modified: 'm' }, 'update')).not.toHaveProperty('customer')
    // A note or a text is about a customer through its reference.
    const note = { name: 'COMM-1', reference_doctype: 'Customer', reference_name: 'CUST-1', content: 'Rappeler' }
    expect(docUpdate('Communication', note, 'create')).toMatchObject({ customer: 'CUST-1' })
    const email = { name: 'COMM-2', reference_doctype: 'Issue', reference_name: 'ISS-1' }
    expect(docUpdate('Communication', email, 'create')).not.toHaveProperty('customer')
    expect(docUpdate('Dispatch Job', { name: 'DJ-1', technician: 'TECH-001' }, 'update')).toMatchObject({
      technician: 'TECH-001',
      customer: null,
    })
  })
})

describe('a technician’s stream and a job’s event', () => {
  const lookup = () => {
    const field = vi.fn<DocLookup['field']>(async () => 'TECH-001')
    return { field }
  }
  const event = (data: unknown) => ({ id: '1-0', type: 'doc_update', data })

  it('decides from whose the job now is, without reading the job, when the event says', async () => {
    const docs = lookup()
    const missed = vi.fn()
    const accept = technicianEvents(async () => MINE, docs, missed)
    expect(await accept(event(jobUpdate({ name: 'DJ-5', technician: 'TECH-001' }, 'create')))).toBe(true)
    expect(missed).toHaveBeenCalledTimes(1) // given to them: their reach is looked up again
    expect(await accept(event(jobUpdate({ name: 'DJ-6', technician: 'TECH-002' }, 'create')))).toBe(false)
    expect(await accept(event(jobUpdate({ name: 'DJ-7', technician: null }, 'update')))).toBe(false)
    expect(docs.field).not.toHaveBeenCalled()
  })

  it('reads the job when the event does not say', async () => {
    const docs = lookup()
    const accept = technicianEvents(async () => MINE, docs)
    expect(await accept(event({ doctype: 'Dispatch Job', name: 'DJ-5', modified: 'm' }))).toBe(true)
    expect(docs.field).toHaveBeenCalledWith('Dispatch Job', 'DJ-5', 'm', 'technician')
  })
})
