import { describe, expect, it } from 'vitest'
import type { Communication, DispatchJob } from '../../contracts/doctypes'
import { fromCommunication, jobEvents, mergeTimeline } from './timeline'

const sms = (name: string, date: string, extra: Partial<Communication> = {}): Communication => ({
  name,
  communication_medium: 'SMS',
  sent_or_received: 'Sent',
  content: name,
  communication_date: date,
  ...extra,
})

describe('the customer timeline', () => {
  it('reads texts, replies and calls from Communication, newest first', () => {
    const items = mergeTimeline(
      [
        fromCommunication(sms('old', '2026-11-01 10:00:00.000000')),
        fromCommunication(sms('reply', '2026-11-03 10:00:00.000000', { sent_or_received: 'Received' })),
        fromCommunication(sms('call', '2026-11-02 10:00:00.000000', { communication_medium: 'Phone' })),
      ],
      [],
      [],
      false,
    )
    expect(items.map((i) => [i.text, i.kind])).toEqual([
      ['reply', 'sms-received'],
      ['call', 'call-out'],
      ['old', 'sms-sent'],
    ])
  })

  it('tells the life of a job: requested, then completed; nothing from the future', () => {
    const now = Date.parse('2026-11-27T15:00:00Z')
    const jobs = [
      {
        name: 'DJ-1',
        job_type: 'Repair',
        status: 'Completed',
        creation: '2026-11-20 09:00:00.000000',
        modified: '2026-11-21 14:00:00.000000',
      },
      {
        name: 'DJ-2',
        job_type: 'Installation',
        status: 'Scheduled',
        creation: '2026-11-25 09:00:00.000000',
        modified: '2026-11-25 09:00:00.000000',
      },
    ] as DispatchJob[]
    expect(
      jobEvents(jobs, now)
        .map((e) => `${e.job?.name}:${e.job?.event}`)
        .sort(),
    ).toEqual(['DJ-1:completed', 'DJ-1:created', 'DJ-2:created'])
  })

  it('keeps older job events back until the page of texts that reaches them is loaded', () => {
    const page = [fromCommunication(sms('recent', '2026-11-20 10:00:00.000000'))]
    const events = jobEvents(
      [
        {
          name: 'DJ-1',
          job_type: 'Repair',
          status: 'Scheduled',
          creation: '2026-10-01 09:00:00.000000',
        } as DispatchJob,
      ],
      Date.now(),
    )
    expect(mergeTimeline(page, [], events, true).map((i) => i.key)).toEqual(['comm:recent'])
    expect(mergeTimeline(page, [], events, false).map((i) => i.key)).toEqual(['comm:recent', 'job:DJ-1:created'])
  })

  it('shows a text sent live only once when ERPNext has it too', () => {
    const stored = fromCommunication(sms('c1', '2026-11-27 10:00:00.000000', { message_id: 'SM1' }))
    const live = { ...stored, at: Date.now(), status: 'queued' }
    expect(mergeTimeline([stored], [live], [], false)).toHaveLength(1)
  })
})
