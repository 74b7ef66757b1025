import { describe, expect, it } from 'vitest'
import { summarize } from './stats'

const run = (flow: string, status: string, extra: { outcome?: string; step?: string; durationMs?: number } = {}) => ({
  flow,
  status,
  outcome: extra.outcome ?? '',
  step: extra.step ?? '',
  durationMs: extra.durationMs ?? Number.NaN,
})

describe('a flow’s statistics', () => {
  it('counts every version of the key, and only that key', () => {
    const stats = summarize('no-internet', [
      run('FLOW-no-internet-v1', 'Completed', { outcome: 'resolved', durationMs: 60_000 }),
      run('FLOW-no-internet-v2', 'Completed', { outcome: 'technician-booked', durationMs: 180_000 }),
      run('FLOW-no-internet-v2', 'Completed', { outcome: 'resolved', durationMs: 120_000 }),
      run('FLOW-no-internet-v2', 'Abandoned', { step: 'diag' }),
      run('FLOW-no-internet-v1', 'Abandoned', { step: 'power' }),
      run('FLOW-no-internet-v2', 'Abandoned', { step: 'diag' }),
      run('FLOW-no-internet-v2', 'In Progress', { step: 'greet' }),
      // Another key that starts the same way.
      run('FLOW-no-v1', 'Completed', { outcome: 'resolved', durationMs: 1 }),
      run('FLOW-no-internet-extra-v1', 'Completed', { outcome: 'resolved', durationMs: 1 }),
    ])
    expect(stats).toEqual({
      key: 'no-internet',
      runs: 7,
      completed: 3,
      abandoned: 3,
      inProgress: 1,
      completionRate: 0.5,
      medianDurationMs: 120_000,
      outcomes: { resolved: 2, 'technician-booked': 1 },
      abandonedAt: [
        { step: 'diag', count: 2 },
        { step: 'power', count: 1 },
      ],
      tookMs: 0,
    })
  })

  it('says nothing ended yet as a rate of 0 and no median', () => {
    expect(summarize('move', [run('FLOW-move-v1', 'In Progress')])).toMatchObject({
      runs: 1,
      completionRate: 0,
      medianDurationMs: null,
      abandonedAt: [],
    })
  })
})
