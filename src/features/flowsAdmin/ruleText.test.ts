import { describe, expect, it } from 'vitest'
import { ruleText } from './ruleText'

describe('a branch rule written out', () => {
  it('reads comparisons over what was gathered without the values. prefix', () => {
    expect(ruleText({ '==': [{ var: 'values.diag.status' }, 'los'] }, 'fr')).toBe('diag.status = los')
    expect(ruleText({ '>=': [{ var: 'values.diag.wifiClients' }, 20] }, 'en')).toBe('diag.wifiClients ≥ 20')
    expect(ruleText({ '!=': [{ var: 'customer.plan' }, 'Giga 1000'] }, 'fr')).toBe('customer.plan ≠ Giga 1000')
  })

  it('reads lists, and, or and not in the admin’s language', () => {
    const rule = { in: [{ var: 'values.diag.status' }, ['los', 'weak-fiber']] }
    expect(ruleText(rule, 'fr')).toBe('diag.status dans {los, weak-fiber}')
    expect(ruleText({ and: [rule, { '!': { var: 'values.ok' } }] }, 'en')).toBe(
      'diag.status in {los, weak-fiber} and not (ok)',
    )
    expect(ruleText({ or: [{ and: [true, false] }, { var: 'values.x' }] }, 'fr')).toBe('(true et false) ou x')
  })

  it('keeps the name of an operator it does not know', () => {
    expect(ruleText({ if: [{ var: 'customer.plan' }, 1, 2] }, 'fr')).toBe('if(customer.plan, 1, 2)')
  })
})
