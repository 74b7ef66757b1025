import { describe, expect, it } from 'vitest'
import type { FlowDefinition, RunView } from 'src/contracts/flows/types'
import { createdBy } from './runSummary'

const definition: FlowDefinition = {
  key: 'move',
  version: 1,
  title: { fr: 'Déménagement', en: 'Move' },
  audience: 'customer',
  start: 'book',
  steps: [
    { id: 'book', kind: 'act', title: { fr: 'Réserver', en: 'Book' }, action: 'book-technician', next: 'sms' },
    { id: 'sms', kind: 'act', title: { fr: 'Texto', en: 'Text' }, action: 'send-sms', next: 'done' },
    { id: 'done', kind: 'end', title: { fr: 'Fin', en: 'End' }, outcome: 'technician-booked' },
  ],
}

const booked = {
  doctype: 'Dispatch Job',
  name: 'DJ-2026-00803',
  summary: { fr: 'Intervention DJ-2026-00803 réservée.', en: 'Job DJ-2026-00803 booked.' },
  scheduled_start: '2026-12-11 06:30:00',
}

function run(values: Record<string, unknown>, events: RunView['events']): RunView {
  return {
    name: 'RUN-2026-00004',
    customer: 'CUST-00003',
    agent: 'csr@gigafibre.ca',
    definition,
    events,
    state: {
      flow: 'FLOW-move-v1',
      key: 'move',
      version: 1,
      status: 'Completed',
      outcome: 'technician-booked',
      current: 'done',
      history: ['book', 'sms'],
      context: { customer: null, values },
      stepStartedAt: 0,
    },
  }
}

describe('what a run created', () => {
  it('lists each document once, with the action’s sentence and a job’s booked day', () => {
    const reference = { doctype: 'Dispatch Job', name: 'DJ-2026-00803' }
    const view = run({ book: booked }, [
      { step: 'book', kind: 'act', at: 1, durationMs: 5, reference },
      // Back, then Next: the same job, recorded again.
      { step: 'book', kind: 'act', at: 2, durationMs: 5, reference },
    ])
    expect(createdBy(view)).toEqual([
      { doctype: 'Dispatch Job', name: 'DJ-2026-00803', step: 'book', summary: booked.summary, day: '2026-12-11' },
    ])
  })

  it('leaves out a text the customer refuses (nothing was sent) and includes an answer not yet in the log', () => {
    const skipped = {
      doctype: 'Communication',
      name: '',
      skipped: true,
      summary: { fr: 'Pas de texto.', en: 'No text.' },
    }
    expect(createdBy(run({ book: booked, sms: skipped }, []))).toEqual([
      { doctype: 'Dispatch Job', name: 'DJ-2026-00803', step: 'book', summary: booked.summary, day: '2026-12-11' },
    ])
  })
})
