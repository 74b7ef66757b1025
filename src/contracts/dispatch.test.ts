import { describe, expect, it } from 'vitest'
import { boardJobOf, type DispatchJobRecord } from './dispatch'

describe('a board job', () => {
  it('is the same whether built from the board’s list row and its tags or from the whole document', () => {
    const row: DispatchJobRecord = {
      name: 'DJ-1',
      job_type: 'Repair',
      status: 'Scheduled',
      priority: 'High',
      customer: 'CUST-1',
      technician: 'TECH-001',
      scheduled_start: '2026-11-01 02:00:00',
      duration_minutes: 90,
      address: null,
      latitude: 45.6,
      longitude: -73.8,
      modified: 'v1',
    }
    const document: DispatchJobRecord = {
      ...row,
      address: undefined,
      completion_notes: 'ok',
      tags: [{ tag: 'Fibre' }, { tag: 'Nacelle' }],
    }
    const fromRow = boardJobOf(row, 'Gilles Landry', ['Fibre', 'Nacelle'])
    expect(boardJobOf(document, 'Gilles Landry')).toEqual(fromRow)
    expect(fromRow).toEqual({
      name: 'DJ-1',
      job_type: 'Repair',
      status: 'Scheduled',
      priority: 'High',
      customer: 'CUST-1',
      customer_name: 'Gilles Landry',
      technician: 'TECH-001',
      // 02:00 on the autumn change day is EST again: 07:00 UTC.
      scheduled_start: '2026-11-01 02:00:00',
      start: Date.parse('2026-11-01T07:00:00Z'),
      duration_minutes: 90,
      latitude: 45.6,
      longitude: -73.8,
      tags: ['Fibre', 'Nacelle'],
      modified: 'v1',
    })
  })

  it('waits in the queue with an hour’s length and no start when booked with no requested time', () => {
    const job = boardJobOf({
      name: 'DJ-2',
      job_type: 'Installation',
      status: null,
      priority: null,
      technician: '',
      scheduled_start: null,
      duration_minutes: 0,
      customer: 'CUST-2',
    })
    expect(job).toEqual({
      name: 'DJ-2',
      job_type: 'Installation',
      status: 'Unscheduled',
      priority: 'Medium',
      customer: 'CUST-2',
      duration_minutes: 60,
      tags: [],
      modified: '',
    })
  })
})
