import { describe, expect, it } from 'vitest'
import {
  PASSWORD_ALPHABET,
  generateTempPassword,
  hashPassword,
  uniqueUsername,
  verifyPassword,
} from './users/credentials'

describe('temporary passwords', () => {
  it('are 14 readable characters by default, without look-alikes', () => {
    for (let i = 0; i < 200; i++) {
      const pw = generateTempPassword()
      expect(pw).toHaveLength(14)
      expect(pw).not.toMatch(/[0Oo1lI]/)
      expect(pw).toMatch(/^[A-Za-z2-9]+$/)
      expect(pw).toMatch(/[A-Z]/)
      expect(pw).toMatch(/[a-z]/)
      expect(pw).toMatch(/[2-9]/)
    }
  })

  it('never offer a look-alike even when asked for longer ones', () => {
    const all = Object.values(PASSWORD_ALPHABET).join('')
    for (const ch of '0Oo1lI') expect(all).not.toContain(ch)
    expect(generateTempPassword(20)).toHaveLength(20)
  })

  it('take their randomness from the given source (deterministic in tests)', () => {
    let n = 0
    const counter = (max: number) => n++ % max
    n = 0
    const a = generateTempPassword(14, counter)
    n = 0
    const b = generateTempPassword(14, counter)
    expect(a).toBe(b)
  })

  it('refuse to be shorter than 12 characters', () => {
    expect(() => generateTempPassword(8)).toThrow(RangeError)
  })

  it('are stored as scrypt hashes that verify, never as themselves', async () => {
    const hash = await hashPassword('Abc23defGhk456')
    expect(hash).toMatch(/^scrypt\$/)
    expect(hash).not.toContain('Abc23defGhk456')
    expect(await verifyPassword('Abc23defGhk456', hash)).toBe(true)
    expect(await verifyPassword('Abc23defGhk457', hash)).toBe(false)
  })
})

describe('usernames', () => {
  it('come from the e-mail local part, lower-cased', () => {
    expect(uniqueUsername('JDoe@Gigafibre.ca', new Set())).toBe('jdoe')
    expect(uniqueUsername('marie.tremblay@gigafibre.ca', new Set())).toBe('marie.tremblay')
  })

  it('are made unique with a number: jdoe, jdoe2, jdoe3', () => {
    expect(uniqueUsername('jdoe@a.ca', new Set(['jdoe']))).toBe('jdoe2')
    expect(uniqueUsername('JDOE@b.ca', new Set(['jdoe', 'jdoe2']))).toBe('jdoe3')
  })

  it('drop accents, +tags and characters a login should not carry', () => {
    expect(uniqueUsername('élise.côté+ops@gigafibre.ca', new Set())).toBe('elise.cote')
    expect(uniqueUsername("o'neil@x.ca", new Set())).toBe('oneil')
    expect(uniqueUsername('+++@x.ca', new Set())).toBe('user')
  })
})
