import { describe, expect, it } from 'vitest'
import { dateFormat, numberFormat, relativeFormat } from './intl'

describe('Intl formatters kept per locale and options', () => {
  it('hands back the same formatter for the same locale and options', () => {
    const a = dateFormat('fr-CA', { timeZone: 'America/Toronto', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    const b = dateFormat('fr-CA', { timeZone: 'America/Toronto', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    expect(b).toBe(a)
    expect(numberFormat('fr-CA', { style: 'percent' })).toBe(numberFormat('fr-CA', { style: 'percent' }))
    expect(relativeFormat('en-CA', { numeric: 'auto' })).toBe(relativeFormat('en-CA', { numeric: 'auto' }))
  })

  it('keeps locales and options apart', () => {
    const at = new Date('2026-12-03T14:05:00Z')
    const fr = dateFormat('fr-CA', { timeZone: 'America/Toronto', weekday: 'long' })
    const en = dateFormat('en-CA', { timeZone: 'America/Toronto', weekday: 'long' })
    expect(fr).not.toBe(en)
    expect(fr.format(at)).toBe('jeudi')
    expect(en.format(at)).toBe('Thursday')
    expect(numberFormat('fr-CA', { style: 'percent' }).format(0.25)).not.toBe(numberFormat('fr-CA', {}).format(0.25))
  })

  it('formats exactly as a formatter built on the spot', () => {
    const options: Intl.DateTimeFormatOptions = { timeZone: 'America/Toronto', dateStyle: 'medium', timeStyle: 'short' }
    const at = new Date('2026-03-08T07:30:00Z') // the morning clocks go forward in Québec
    expect(dateFormat('fr-CA', options).format(at)).toBe(new Intl.DateTimeFormat('fr-CA', options).format(at))
    expect(numberFormat('en-CA', { style: 'currency', currency: 'CAD' }).format(1234.5)).toBe('$1,234.50')
  })
})
