import { describe, expect, it } from 'vitest'
import { forgetRecentCustomers, recentCustomers, rememberCustomer } from './recentCustomers'

function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  } as Storage
}

describe('recent customers', () => {
  it('are kept per staff member, newest first, without repeats, eight at most', () => {
    const storage = memoryStorage()
    for (let i = 1; i <= 10; i++)
      rememberCustomer('isabelle.roy@gigafibre.ca', { customer: `CUST-0000${i}`, customerName: `C${i}` }, storage)
    rememberCustomer('Isabelle.Roy@gigafibre.ca', { customer: 'CUST-00005', customerName: 'C5' }, storage)
    const list = recentCustomers('isabelle.roy@gigafibre.ca', storage)
    expect(list.map((r) => r.customer)).toEqual([
      'CUST-00005',
      'CUST-000010',
      'CUST-00009',
      'CUST-00008',
      'CUST-00007',
      'CUST-00006',
      'CUST-00004',
      'CUST-00003',
    ])
    expect(recentCustomers('marc.bouchard@gigafibre.ca', storage)).toEqual([])
    forgetRecentCustomers('isabelle.roy@gigafibre.ca', storage)
    expect(recentCustomers('isabelle.roy@gigafibre.ca', storage)).toEqual([])
  })
})
