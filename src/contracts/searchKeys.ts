/**
 * How a CSR's keystrokes compare with what ERPNext stores. The same functions build the BFF's
 * search index and read the query, so "Cote" finds "Côté", "514 555-1234" finds "+1 514-555-1234"
 * and "aabbccddeeff" finds "AA:BB:CC:DD:EE:FF". Pure: no Vue, no HTTP.
 */

/**
 * A normalized key and, for each of its characters, the index of the character of the original
 * text it came from — so a match found in the key can be highlighted in what the user sees.
 */
export interface MappedKey {
  key: string
  origin: number[]
}

const COMBINING_MARKS = /[\u0300-\u036f]/g
const SEPARATORS = new Set([' ', '\t', '\n', '\r', ',', ';', ':', '/', '(', ')', '-', "'", '’', '.', '\u00a0'])

function foldChar(ch: string): string {
  // The index folds a few hundred thousand strings at start-up: ASCII needs no Unicode work.
  if (ch.length === 1 && ch.charCodeAt(0) < 128) return ch.toLowerCase()
  const simple = ch.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase()
  if (simple === 'œ') return 'oe'
  if (simple === 'æ') return 'ae'
  return simple
}

/** Lower case, accents removed, runs of spaces and punctuation (hyphens and apostrophes too) made one space. */
export function foldMapped(text: string): MappedKey {
  let key = ''
  const origin: number[] = []
  let i = 0
  let spaced = true
  for (const ch of text) {
    if (SEPARATORS.has(ch)) {
      if (!spaced) {
        key += ' '
        origin.push(i)
      }
      spaced = true
    } else {
      for (const c of foldChar(ch)) {
        key += c
        origin.push(i)
      }
      spaced = false
    }
    i += ch.length
  }
  if (key.endsWith(' ')) {
    key = key.slice(0, -1)
    origin.pop()
  }
  return { key, origin }
}

/** "  Côté,  Marie-Ève " → "cote marie eve": what name and address search compare. */
export function foldText(text: string): string {
  // Same result as foldMapped(text).key, without the map: the index folds every name at start-up.
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[\s,;:/()\-'’.\u00a0]+/g, ' ')
    .trim()
}

/** Keeps the characters `keep` accepts, transformed; remembers where each came from. */
function keepMapped(text: string, keep: (ch: string) => string | null): MappedKey {
  let key = ''
  const origin: number[] = []
  for (let i = 0; i < text.length; i++) {
    const c = keep(text[i])
    if (c !== null) {
      key += c
      origin.push(i)
    }
  }
  return { key, origin }
}

/**
 * The digits of a North American number, without the country code: "+1 (514) 555-1234",
 * "514.555.1234" and "15145551234" all give "5145551234". A partial number keeps its digits
 * ("555-12" → "55512"), so a CSR can type what the customer reads out.
 */
export function phoneMapped(text: string): MappedKey {
  const digits = keepMapped(text, (ch) => (ch >= '0' && ch <= '9' ? ch : null))
  if (digits.key.length === 11 && digits.key.startsWith('1'))
    return { key: digits.key.slice(1), origin: digits.origin.slice(1) }
  return digits
}

export function normalizePhone(text: string): string {
  const digits = text.replace(/\D/g, '')
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits
}

/** A number the SMS gateway accepts (E.164), or null: ten digits get the +1 of North America. */
export function toE164(text: string): string | null {
  if (/[^\d\s().+-]/.test(text)) return null
  const all = text.replace(/\D/g, '')
  if (text.trim().startsWith('+') && all.length >= 8 && all.length <= 15 && !all.startsWith('0')) return `+${all}`
  const local = normalizePhone(text)
  return local.length === 10 ? `+1${local}` : null
}

/** Hexadecimal digits of a MAC, upper case, separators (: - . space) dropped; null if anything else is in it. */
export function macMapped(text: string): MappedKey | null {
  if (!/^[\s0-9a-fA-F:.-]*$/.test(text)) return null
  return keepMapped(text, (ch) => (/[0-9a-fA-F]/.test(ch) ? ch.toUpperCase() : null))
}

/** The hexadecimal digits of a MAC (see macMapped), or '' when the text cannot be one. */
export function macKey(text: string): string {
  return /^[\s0-9a-fA-F:.-]*$/.test(text) ? text.replace(/[^0-9a-fA-F]/g, '').toUpperCase() : ''
}

/** `aa-bb-cc-dd-ee-ff`, `AABB.CCDD.EEFF`, `aabbccddeeff` → `AA:BB:CC:DD:EE:FF`; anything else → null. */
export function normalizeMac(text: string): string | null {
  const hex = macMapped(text.trim())?.key ?? ''
  return hex.length === 12 ? hex.match(/../g)!.join(':') : null
}

/** Serial numbers compare on letters and digits only, upper case ("gpon-1a2b" finds "GPON1A2B"). */
export function serialMapped(text: string): MappedKey {
  return keepMapped(text, (ch) => (/[0-9a-zA-Z]/.test(ch) ? ch.toUpperCase() : null))
}

export function serialKey(text: string): string {
  return text.replace(/[^0-9a-zA-Z]/g, '').toUpperCase()
}

/**
 * The customer number a CSR may type: "CUST-00012", "cust 12", "00012" or "12" → "CUST-00012";
 * null when the text is not a customer number.
 */
export function customerNumber(text: string): string | null {
  const m = /^\s*(?:cust[\s-]*)?0*(\d{1,5})\s*$/i.exec(text)
  return m ? `CUST-${m[1].padStart(5, '0')}` : null
}

/** The characters of `text` behind key[start, end): a highlight in what the user sees. */
export function originalRange(mapped: MappedKey, start: number, end: number): [number, number] {
  const from = mapped.origin[start]
  const to = mapped.origin[end - 1]
  if (from === undefined || to === undefined) return [0, 0]
  return [from, to + 1]
}
