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
      const folded = foldChar(ch)
      for (const c of folded) {
        key += c
        origin.push(i)
      }
      if (folded) spaced = false
    }
    i += ch.length
  }
  if (key.endsWith(' ')) {
    key = key.slice(0, -1)
    origin.pop()
  }
  return { key, origin }
}

/** Separators below 128, by character code (the others: no-break space and ’). */
const ASCII_SEPARATOR = new Uint8Array(128)
for (const ch of SEPARATORS) if (ch.charCodeAt(0) < 128) ASCII_SEPARATOR[ch.charCodeAt(0)] = 1
const FOLDED = new Map<string, string>()

/** "  Côté,  Marie-Ève " → "cote marie eve": what name and address search compare. */
export function foldText(text: string): string {
  // Same result as foldMapped(text).key, without the map, in one pass: the index folds a few
  // hundred thousand strings as it fills.
  let out = ''
  let space = false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    let piece: string
    if (code < 128) {
      if (ASCII_SEPARATOR[code]) {
        space = out.length > 0
        continue
      }
      piece = code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : text[i]
    } else {
      let ch = text[i]
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) ch = text.slice(i, ++i + 1)
      if (SEPARATORS.has(ch)) {
        space = out.length > 0
        continue
      }
      let folded = FOLDED.get(ch)
      if (folded === undefined) {
        folded = foldChar(ch)
        if (FOLDED.size < 10_000) FOLDED.set(ch, folded)
      }
      if (!folded) continue
      piece = folded
    }
    if (space) {
      out += ' '
      space = false
    }
    out += piece
  }
  return out
}

/**
 * Québec abbreviations of names and addresses, and the word each stands for. Names and addresses
 * are compared with the long form, so "ste-therese" finds "Sainte-Thérèse", "St-Jérôme" is found
 * by "saint jerome", and "boul. des Laurentides" by "boulevard des laurentides".
 */
export const ABBREVIATIONS: Readonly<Record<string, string>> = {
  st: 'saint',
  ste: 'sainte',
  mt: 'mont',
  boul: 'boulevard',
  blvd: 'boulevard',
  ch: 'chemin',
  av: 'avenue',
  ave: 'avenue',
  app: 'appartement',
  apt: 'appartement',
  rte: 'route',
}

/** The long form of an abbreviation ("ste" → "sainte"), or null when the word is not one. */
export function expandAbbreviation(word: string): string | null {
  return Object.hasOwn(ABBREVIATIONS, word) ? ABBREVIATIONS[word] : null
}

/** foldText with every abbreviation written out: what names and addresses are indexed by. */
const HAS_ABBREVIATION = new RegExp(`(?:^| )(?:${Object.keys(ABBREVIATIONS).join('|')})(?= |$)`)

export function searchKey(text: string): string {
  const folded = foldText(text)
  if (!HAS_ABBREVIATION.test(folded)) return folded
  const words = folded.split(' ')
  let changed = false
  for (let i = 0; i < words.length; i++) {
    const long = expandAbbreviation(words[i])
    if (long) {
      words[i] = long
      changed = true
    }
  }
  return changed ? words.join(' ') : folded
}

/**
 * searchKey with its character map: the letters of a written-out abbreviation all come from the
 * abbreviation, so a match on "sainte" highlights the "Ste" the user sees.
 */
export function searchMapped(text: string): MappedKey {
  const folded = foldMapped(text)
  let key = ''
  const origin: number[] = []
  let start = 0
  while (start <= folded.key.length) {
    let end = folded.key.indexOf(' ', start)
    if (end < 0) end = folded.key.length
    const word = folded.key.slice(start, end)
    const long = expandAbbreviation(word)
    if (long) {
      for (let i = 0; i < long.length; i++) origin.push(folded.origin[start + Math.min(i, word.length - 1)])
      key += long
    } else {
      for (let i = start; i < end; i++) origin.push(folded.origin[i])
      key += word
    }
    if (end < folded.key.length) {
      key += ' '
      origin.push(folded.origin[end])
    }
    start = end + 1
  }
  return { key, origin }
}

/** Words this short are compared exactly: one letter off would match too many others. */
export const TYPO_MIN_LENGTH = 5

/**
 * True when `a` and `b` differ by exactly one typo: a letter wrong, missing, added, or two
 * neighbours swapped ("tremblya" and "tremblay"), as in the Damerau–Levenshtein distance.
 */
export function oneTypoApart(a: string, b: string): boolean {
  const la = a.length
  const lb = b.length
  if (la - lb > 1 || lb - la > 1 || a === b) return false
  let i = 0
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (la === lb) {
    // One letter changed, or two neighbours swapped.
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  // One letter added or missing: the rest of the longer word, past it, is the rest of the shorter.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
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
