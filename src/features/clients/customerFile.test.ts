import { describe, expect, it } from 'vitest'
import { eventConcerns } from './customerFile'

const listed = (job: string) => job === 'DJ-1'

describe('whether a document’s live event concerns a customer’s file', () => {
  it('is theirs when the event names them, or names a job the file lists', () => {
    expect(eventConcerns({ name: 'DJ-9', customer: 'CUST-1', action: 'update' }, 'CUST-1', listed)).toBe(true)
    expect(eventConcerns({ name: 'DJ-9', customer: 'CUST-1', action: 'create' }, 'CUST-1', listed)).toBe(true)
    // A job of theirs given to someone else's name (rebooked): the file lists it, so it reads again.
    expect(eventConcerns({ name: 'DJ-1', customer: 'CUST-2', action: 'update' }, 'CUST-1', listed)).toBe(true)
  })

  it('is not theirs when the event names another customer, or none, for a job the file does not list', () => {
    expect(eventConcerns({ name: 'DJ-9', customer: 'CUST-2', action: 'update' }, 'CUST-1', listed)).toBe(false)
    expect(eventConcerns({ name: 'DJ-9', customer: 'CUST-2', action: 'create' }, 'CUST-1', listed)).toBe(false)
    expect(eventConcerns({ name: 'DJ-9', customer: null, action: 'create' }, 'CUST-1', listed)).toBe(false)
  })

  it('without a customer said (the hub’s status change, a deletion), reads for a listed job or a creation', () => {
    expect(eventConcerns({ name: 'DJ-1', modified: 'm' }, 'CUST-1', listed)).toBe(true)
    expect(eventConcerns({ name: 'DJ-9', modified: 'm' }, 'CUST-1', listed)).toBe(false)
    expect(eventConcerns({ name: 'DJ-9', action: 'delete' }, 'CUST-1', listed)).toBe(false)
    expect(eventConcerns({ name: 'DJ-9', action: 'create' }, 'CUST-1', listed)).toBe(true)
    expect(eventConcerns(null, 'CUST-1', listed)).toBe(false)
  })
})
