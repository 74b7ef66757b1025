import { describe, expect, it } from 'vitest'
import {
  customerNumber,
  foldMapped,
  foldText,
  macKey,
  macMapped,
  normalizeMac,
  normalizePhone,
  oneTypoApart,
  originalRange,
  phoneMapped,
  searchKey,
  searchMapped,
  serialKey,
  serialMapped,
  toE164,
} from './searchKeys'

describe('phone numbers compare on their digits, whatever the formatting', () => {
  it.each([
    ['514 555-1234'],
    ['+1 (514) 555-1234'],
    ['(514) 555-1234'],
    ['514.555.1234'],
    ['5145551234'],
    ['15145551234'],
    ['+1 514-555-1234'],
  ])('%s is 5145551234', (typed) => {
    expect(normalizePhone(typed)).toBe('5145551234')
  })

  it('keeps a partial number as its digits, so the CSR can type what the customer reads out', () => {
    expect(normalizePhone('555-12')).toBe('55512')
    expect(normalizePhone('1234')).toBe('1234')
  })

  it('drops only a leading country code 1 of an eleven-digit number', () => {
    expect(normalizePhone('1 514 555')).toBe('1514555')
    expect(normalizePhone('')).toBe('')
  })

  it('turns a ten-digit local number into E.164 for the SMS gateway, and refuses what is not a number', () => {
    expect(toE164('(450) 555-0123')).toBe('+14505550123')
    expect(toE164('+1 450-555-0123')).toBe('+14505550123')
    expect(toE164('+33 1 23 45 67 89')).toBe('+33123456789')
    expect(toE164('555-0123')).toBeNull()
    expect(toE164('call me')).toBeNull()
  })

  it('maps the digits back to the characters the user sees, for highlighting', () => {
    const mapped = phoneMapped('+1 (514) 555-1234')
    expect(mapped.key).toBe('5145551234')
    const at = mapped.key.indexOf('5551234')
    expect(originalRange(mapped, at, at + 7)).toEqual([9, 17])
    expect('+1 (514) 555-1234'.slice(9, 17)).toBe('555-1234')
  })
})

describe('MAC addresses compare on their hexadecimal digits', () => {
  it.each([
    ['aa:bb:cc:dd:ee:ff'],
    ['AA-BB-CC-DD-EE-FF'],
    ['aabb.ccdd.eeff'],
    ['AABBCCDDEEFF'],
    [' aa bb cc dd ee ff '],
  ])('%s is AA:BB:CC:DD:EE:FF', (typed) => {
    expect(normalizeMac(typed)).toBe('AA:BB:CC:DD:EE:FF')
  })

  it('refuses what is not twelve hexadecimal digits', () => {
    expect(normalizeMac('AA:BB:CC:DD:EE')).toBeNull()
    expect(normalizeMac('GG:BB:CC:DD:EE:FF')).toBeNull()
    expect(normalizeMac('AA:BB:CC:DD:EE:FF:00')).toBeNull()
  })

  it('keeps a partial MAC as its digits and says when text cannot be a MAC', () => {
    expect(macMapped('dd:ee:f')?.key).toBe('DDEEF')
    expect(macMapped('tremblay')).toBeNull()
  })
})

describe('names and addresses compare without accents, case or punctuation', () => {
  it('finds "Côté" from "Cote" and "Marie-Ève" from "marie eve"', () => {
    expect(foldText('Côté')).toBe('cote')
    expect(foldText('  Marie-Ève   CÔTÉ ')).toBe('marie eve cote')
    expect(foldText("Benoît D'Amours")).toBe('benoit d amours')
    expect(foldText('Œuvre')).toBe('oeuvre')
  })

  it('maps a match in the folded text back onto the accented original', () => {
    const mapped = foldMapped('Marie-Ève Côté')
    const at = mapped.key.indexOf('cote')
    expect(originalRange(mapped, at, at + 4)).toEqual([10, 14])
  })

  it('reads serials on letters and digits only', () => {
    expect(serialKey('gpon-1a2b 3c4d')).toBe('GPON1A2B3C4D')
  })

  it('reads a customer number typed in any of the usual ways', () => {
    expect(customerNumber('CUST-00012')).toBe('CUST-00012')
    expect(customerNumber('cust 12')).toBe('CUST-00012')
    expect(customerNumber('12')).toBe('CUST-00012')
    expect(customerNumber('000012')).toBe('CUST-00012')
    expect(customerNumber('123456')).toBeNull()
    expect(customerNumber('Tremblay')).toBeNull()
  })
})

describe('Québec abbreviations are written out, so either form finds the other', () => {
  it.each([
    ['St-Jérôme', 'Saint-Jérôme', 'saint jerome'],
    ['Ste-Thérèse', 'Sainte-Thérèse', 'sainte therese'],
    ['Mt-Tremblant', 'Mont-Tremblant', 'mont tremblant'],
    ['12, boul. des Laurentides', '12, boulevard des Laurentides', '12 boulevard des laurentides'],
    ['ch. du Lac-Écho', 'chemin du Lac-Écho', 'chemin du lac echo'],
    ['av. Wilfrid-Laurier', 'avenue Wilfrid-Laurier', 'avenue wilfrid laurier'],
    ['5, rue Turgeon, app. 3', '5, rue Turgeon, appartement 3', '5 rue turgeon appartement 3'],
    ['rte 117', 'route 117', 'route 117'],
  ])('%s and %s are both "%s"', (short, long, key) => {
    expect(searchKey(short)).toBe(key)
    expect(searchKey(long)).toBe(key)
  })

  it('leaves words that only begin like an abbreviation alone', () => {
    expect(searchKey('Stéphane Chabot, Boulanger Avard')).toBe('stephane chabot boulanger avard')
  })

  it('maps a written-out abbreviation back onto the abbreviation the user sees', () => {
    const text = 'Ste-Thérèse'
    const mapped = searchMapped(text)
    expect(mapped.key).toBe('sainte therese')
    const [start, end] = originalRange(mapped, 0, 'sainte'.length)
    expect(text.slice(start, end)).toBe('Ste')
    const at = mapped.key.indexOf('therese')
    const [s2, e2] = originalRange(mapped, at, at + 'therese'.length)
    expect(text.slice(s2, e2)).toBe('Thérèse')
  })
})

describe('one typo apart (Damerau: a letter wrong, missing, added, or two neighbours swapped)', () => {
  it.each([
    ['tremblya', 'tremblay'],
    ['tremblai', 'tremblay'],
    ['tremlay', 'tremblay'],
    ['trembllay', 'tremblay'],
    ['rtemblay', 'tremblay'],
    ['gagnno', 'gagnon'],
  ])('%s is one typo from %s', (a, b) => {
    expect(oneTypoApart(a, b)).toBe(true)
    expect(oneTypoApart(b, a)).toBe(true)
  })

  it.each([
    ['tremblay', 'tremblay'],
    ['trembyal', 'tremblay'],
    ['tremblxz', 'tremblay'],
    ['tremb', 'tremblay'],
    ['bouchard', 'bouchrad '],
  ])('%s is not one typo from %s', (a, b) => {
    expect(oneTypoApart(a, b)).toBe(false)
  })
})

describe('the fast keys the index is built from are the keys the highlights are mapped on', () => {
  const samples = [
    '  Marie-Ève  CÔTÉ ',
    "Benoît D'Amours",
    'Œuvre & Cœur',
    '12, rue Saint-Jérôme, app. 3',
    'ÇA (Ltée)',
    'me.cote@Gmail.com',
    'İstanbul',
    'St-Jérôme, ch. du Lac, app. 4 ste',
    ' - st - ',
  ]
  it.each(samples)('%s', (text) => {
    expect(foldText(text)).toBe(foldMapped(text).key)
    expect(searchKey(text)).toBe(searchMapped(text).key)
    expect(normalizePhone(text)).toBe(phoneMapped(text).key)
    expect(serialKey(text)).toBe(serialMapped(text).key)
    expect(macKey(text)).toBe(macMapped(text)?.key ?? '')
  })
  it.each(['+1 (514) 555-1234', 'aa:bb:cc:dd:ee:ff', 'GPON-1A2B'])('%s', (text) => {
    expect(normalizePhone(text)).toBe(phoneMapped(text).key)
    expect(serialKey(text)).toBe(serialMapped(text).key)
    expect(macKey(text)).toBe(macMapped(text)?.key ?? '')
  })
})
