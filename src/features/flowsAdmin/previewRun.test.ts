import { describe, expect, it } from 'vitest'
import { validateDefinition } from 'src/contracts/flows/validate'
import type { FlowDefinition } from 'src/contracts/flows/types'
import { previewCheckResult, previewEvent, startPreview } from './previewRun'
import { PREVIEW_NAME, sampleCustomer, simulatedActResult, simulatedCheckResults } from './previewSimulation'
import { MODEM_FLOW } from './testFlows'

const NOW = Date.parse('2026-12-01T15:00:00Z')
const result = (id: string) => simulatedCheckResults('diagnose', {}).find((r) => r.id === id)!.value

describe('the preview of a draft', () => {
  it('is a valid flow to test with', () => {
    expect(validateDefinition(MODEM_FLOW).ok).toBe(true)
  })

  it('runs to the end, the admin picking what the check answers and the action simulated', () => {
    let run = startPreview(MODEM_FLOW, sampleCustomer('fr'), NOW)
    expect(run.state.current).toBe('hello')
    run = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'hello' }, NOW + 1000)
    expect(run.pendingCheck).toMatchObject({ type: 'check', step: 'diag', check: 'diagnose' })

    run = previewCheckResult(MODEM_FLOW, run, result('los'), NOW + 2000)
    expect(run.pendingCheck).toBeNull()
    expect(run.state.current).toBe('book')

    run = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'book' }, NOW + 3000)
    expect(run.state).toMatchObject({ current: 'booked', status: 'Completed', outcome: 'technician-booked' })
    expect(run.state.context.values.book).toMatchObject({ doctype: 'Dispatch Job', name: PREVIEW_NAME })
    expect(run.log.map((r) => r.step)).toEqual(['hello', 'diag', 'book'])
  })

  it('walks the loop back to the check, then another branch', () => {
    let run = startPreview(MODEM_FLOW, sampleCustomer('fr'), NOW)
    run = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'hello' }, NOW)
    run = previewCheckResult(MODEM_FLOW, run, result('offline'), NOW)
    expect(run.state.current).toBe('restart')
    run = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'restart', value: 'yes' }, NOW)
    expect(run.pendingCheck?.step).toBe('diag')
    run = previewCheckResult(MODEM_FLOW, run, result('online'), NOW)
    expect(run.state).toMatchObject({ status: 'Completed', outcome: 'resolved' })
  })

  it('goes back, and keeps a refused answer’s reason without moving', () => {
    let run = startPreview(MODEM_FLOW, sampleCustomer('fr'), NOW)
    run = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'hello' }, NOW)
    run = previewCheckResult(MODEM_FLOW, run, result('offline'), NOW)
    const refused = previewEvent(MODEM_FLOW, run, { type: 'submit', step: 'restart', value: 'maybe' }, NOW)
    expect(refused.state.current).toBe('restart')
    expect(refused.problems[0].message.fr).toContain('Choisissez')
    const back = previewEvent(MODEM_FLOW, refused, { type: 'back', step: 'restart' }, NOW)
    expect(back.state.current).toBe('diag')
    expect(back.problems).toEqual([])
  })

  it('starts a prospect’s flow with no customer, who exists once the action made one', () => {
    const prospect: FlowDefinition = {
      key: 'signup',
      version: 1,
      title: { fr: 'Abonnement', en: 'Sign-up' },
      audience: 'prospect',
      start: 'make',
      steps: [
        {
          id: 'make',
          kind: 'act',
          title: { fr: 'Créer', en: 'Create' },
          action: 'create-customer',
          params: { customerName: 'Léa Roy', address: { var: 'values.x' }, plan: 'Fibre 500' },
          next: 'done',
        },
        { id: 'done', kind: 'end', title: { fr: 'Vendu', en: 'Sold' }, outcome: 'sold' },
      ],
    }
    let run = startPreview(prospect, null, NOW)
    expect(run.state.context.customer).toBeNull()
    run = previewEvent(prospect, run, { type: 'submit', step: 'make' }, NOW)
    expect(run.state.context.customer).toMatchObject({
      name: PREVIEW_NAME,
      customer_name: 'Léa Roy',
      plan: 'Fibre 500',
    })
    expect(run.state.outcome).toBe('sold')
  })

  it('offers a result for every check and a made-up document for every action', () => {
    expect(simulatedCheckResults('diagnose', {}).map((r) => r.id)).toEqual(
      expect.arrayContaining(['online', 'offline', 'los', 'weak-fiber', 'timeout']),
    )
    const served = simulatedCheckResults('address-served', {
      address: { line: '1 rue A', city: 'Laval', postalCode: 'H7N 1A1' },
    })
    expect(served.map((r) => (r.value as { served: boolean }).served)).toEqual([true, false])
    expect(served[0].value).toMatchObject({ city: 'Laval', postalCode: 'H7N 1A1' })
    expect(simulatedCheckResults('open-tickets', {}).map((r) => (r.value as { count: number }).count)).toEqual([0, 2])
    expect(simulatedActResult('open-ticket', {})).toMatchObject({ doctype: 'Issue', name: PREVIEW_NAME })
    expect(simulatedActResult('send-sms', {}).summary.fr).toContain('rien n’a été créé')
  })
})
