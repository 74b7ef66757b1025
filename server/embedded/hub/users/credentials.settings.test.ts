/**
 * What the Paramètres → Inviter screen relies on from the hub's credentials: a temporary password
 * an admin can read out over the phone, drawn from a cryptographic source, and a username that
 * never collides with an existing account.
 */
import { describe, expect, it, vi } from 'vitest'

const cryptoCalls = vi.hoisted(() => ({ randomInt: 0 }))
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>()
  const randomInt = ((max: number) => {
    cryptoCalls.randomInt++
    return real.randomInt(max)
  }) as typeof real.randomInt
  return { ...real, default: { ...real, randomInt }, randomInt }
})

const { PASSWORD_ALPHABET, generateTempPassword, uniqueUsername } = await import('./credentials')

const LOOK_ALIKES = ['0', 'O', 'o', '1', 'l', 'I']
const ALPHABET = PASSWORD_ALPHABET.upper + PASSWORD_ALPHABET.lower + PASSWORD_ALPHABET.digits

describe('temporary password', () => {
  it('uses only readable letters and digits: none of 0 O o 1 l I', () => {
    for (const c of LOOK_ALIKES) expect(ALPHABET).not.toContain(c)
    for (let i = 0; i < 300; i++) {
      const pw = generateTempPassword()
      for (const ch of pw) expect(ALPHABET).toContain(ch)
    }
  })

  it('is 14 characters by default, never fewer than 12, and holds an upper-case letter, a lower-case letter and a digit', () => {
    expect(generateTempPassword()).toHaveLength(14)
    expect(generateTempPassword(12)).toHaveLength(12)
    expect(generateTempPassword(32)).toHaveLength(32)
    expect(() => generateTempPassword(11)).toThrow(RangeError)
    expect(() => generateTempPassword(12.5)).toThrow(RangeError)
    for (let i = 0; i < 300; i++) {
      const pw = generateTempPassword(12)
      expect(pw).toMatch(/[A-Z]/)
      expect(pw).toMatch(/[a-z]/)
      expect(pw).toMatch(/[2-9]/)
    }
  })

  it('draws from crypto.randomInt, never Math.random', () => {
    const mathRandom = vi.spyOn(Math, 'random')
    const before = cryptoCalls.randomInt
    generateTempPassword()
    // one draw per character plus the shuffle
    expect(cryptoCalls.randomInt - before).toBeGreaterThanOrEqual(14)
    expect(mathRandom).not.toHaveBeenCalled()
    mathRandom.mockRestore()
  })

  it('differs every time and spreads over the whole alphabet', () => {
    const seen = new Set<string>()
    const chars = new Set<string>()
    for (let i = 0; i < 2000; i++) {
      const pw = generateTempPassword()
      seen.add(pw)
      for (const ch of pw) chars.add(ch)
    }
    expect(seen.size).toBe(2000)
    expect(chars.size).toBe(ALPHABET.length)
  })

  it('is fully determined by its random source (what makes the rules testable)', () => {
    const counter = () => {
      let n = 0
      return (max: number) => n++ % max
    }
    expect(generateTempPassword(14, counter())).toBe(generateTempPassword(14, counter()))
  })
})

describe('username from the e-mail', () => {
  it('is the local part, lower-cased, without accents or +tag', () => {
    expect(uniqueUsername('Hélène.Côté+ops@gigafibre.ca', new Set())).toBe('helene.cote')
    expect(uniqueUsername('J_Doe-2@x.ca', new Set())).toBe('j_doe-2')
  })

  it('adds 2, 3… until it is free, whatever the domain', () => {
    const taken = new Set(['marc.bouchard', 'marc.bouchard2'])
    expect(uniqueUsername('marc.bouchard@sous-traitant.ca', taken)).toBe('marc.bouchard3')
    expect(uniqueUsername('Marc.Bouchard@other.ca', new Set(['marc.bouchard']))).toBe('marc.bouchard2')
  })

  it('never answers a taken name, even when a numbered name already exists on its own', () => {
    const taken = new Set(['jdoe2'])
    expect(uniqueUsername('jdoe@x.ca', taken)).toBe('jdoe')
    taken.add('jdoe')
    expect(uniqueUsername('jdoe@y.ca', taken)).toBe('jdoe3')
  })

  it('falls back to "user" when nothing usable is left of the local part', () => {
    expect(uniqueUsername('+++@x.ca', new Set())).toBe('user')
    expect(uniqueUsername('ééé.@x.ca', new Set(['eee']))).toBe('eee2')
    expect(uniqueUsername('日本@x.ca', new Set(['user']))).toBe('user2')
  })
})
