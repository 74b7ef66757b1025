import { describe, expect, it } from 'vitest'
import { jobMatcher, sortQueue, technicianMatcher, viewFromQuery, viewToQuery } from './filters'

describe('the board view in the address', () => {
  it('reads a shared link and writes it back the same, defaults left out', () => {
    const view = viewFromQuery(
      { day: '2026-11-27', status: 'Scheduled', tag: ['Fibre', 'Nacelle'], q: 'côté', view: 'week' },
      '2026-01-01',
    )
    expect(view).toMatchObject({
      day: '2026-11-27',
      view: 'week',
      status: ['Scheduled'],
      tag: ['Fibre', 'Nacelle'],
      q: 'côté',
      zoom: 1,
    })
    expect(viewToQuery(view)).toEqual({
      day: '2026-11-27',
      view: 'week',
      status: ['Scheduled'],
      tag: ['Fibre', 'Nacelle'],
      q: 'côté',
    })
  })

  it('falls back to today and the day view on a malformed link', () => {
    expect(viewFromQuery({ day: 'demain', view: 'month', zoom: '7' }, '2026-11-27')).toMatchObject({
      day: '2026-11-27',
      view: 'day',
      zoom: 1,
    })
  })
})

describe('filters', () => {
  const job = {
    name: 'DJ-2026-00012',
    status: 'Scheduled',
    job_type: 'Repair',
    priority: 'Urgent',
    customer: 'CUST-00001',
    customer_name: 'Gilles Côté',
    address: '145, chemin des Tilleuls, Mirabel',
    tags: ['Fibre', 'Mirabel'],
  }
  const view = viewFromQuery({}, '2026-11-27')

  it('finds a job by customer (accents ignored), address or number, and by tag, status, type and priority', () => {
    expect(jobMatcher({ ...view, q: 'cote' })(job)).toBe(true)
    expect(jobMatcher({ ...view, q: 'TILLEULS' })(job)).toBe(true)
    expect(jobMatcher({ ...view, q: '00012' })(job)).toBe(true)
    expect(jobMatcher({ ...view, q: 'Terrebonne' })(job)).toBe(false)
    expect(
      jobMatcher({ ...view, tag: ['Nacelle', 'Fibre'], status: ['Scheduled'], type: ['Repair'], priority: ['Urgent'] })(
        job,
      ),
    ).toBe(true)
    expect(jobMatcher({ ...view, status: ['Completed'] })(job)).toBe(false)
  })

  it('narrows rows by skill or zone tag, chosen technician, or a search naming them or their job', () => {
    const categories = new Map([
      ['Fibre', 'Skill'],
      ['Réparation', 'Job Type'],
    ])
    const marie = { name: 'TECH-002', full_name: 'Marie Roy', tags: ['Fibre'] }
    const paul = { name: 'TECH-003', full_name: 'Paul Côté', tags: [] }
    const none = () => false
    expect(technicianMatcher({ ...view, tag: ['Fibre'] }, categories, none)(paul)).toBe(false)
    expect(technicianMatcher({ ...view, tag: ['Fibre'] }, categories, none)(marie)).toBe(true)
    expect(technicianMatcher({ ...view, tag: ['Réparation'] }, categories, none)(paul)).toBe(true) // a job-type tag narrows jobs only
    expect(technicianMatcher({ ...view, q: 'cote' }, categories, none)(paul)).toBe(true)
    expect(technicianMatcher({ ...view, q: 'cote' }, categories, (t) => t === 'TECH-002')(marie)).toBe(true)
    expect(technicianMatcher({ ...view, tech: ['TECH-002'] }, categories, none)(paul)).toBe(false)
  })
})

describe('the unassigned queue order', () => {
  const items = [
    { name: 'A', priority: 'Low', creation: '2026-11-20 08:00:00', distanceKm: 2 },
    { name: 'B', priority: 'Urgent', creation: '2026-11-27 07:00:00', distanceKm: 30 },
    { name: 'C', priority: 'Urgent', creation: '2026-11-26 07:00:00', distanceKm: null },
  ]
  it('puts the most urgent first (the longest waiting among equals), the oldest, or the nearest', () => {
    expect(sortQueue(items, 'priority').map((i) => i.name)).toEqual(['C', 'B', 'A'])
    expect(sortQueue(items, 'age').map((i) => i.name)).toEqual(['A', 'C', 'B'])
    expect(sortQueue(items, 'distance').map((i) => i.name)).toEqual(['A', 'B', 'C'])
  })
})
