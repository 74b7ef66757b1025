/**
 * The customer search index: every Customer, Service Location and Service Equipment held in
 * memory, each searchable field kept as long joined strings so a query is a few `indexOf` scans
 * rather than 200,000 comparisons. It is filled from ERPNext page after page (each page becomes
 * a segment at once, so searching works while it fills), patched from the bus's doc_update
 * events, and swept for changes made outside the BFF now and then.
 *
 * Names and addresses are compared with Québec abbreviations written out (St → saint, boul. →
 * boulevard…), and a word of five letters or more may carry one typo; exact matches come first.
 */
import {
  customerNumber,
  foldMapped,
  foldText,
  macKey,
  macMapped,
  normalizePhone,
  oneTypoApart,
  originalRange,
  phoneMapped,
  searchKey,
  searchMapped,
  serialKey,
  serialMapped,
  expandAbbreviation,
  TYPO_MIN_LENGTH,
  type MappedKey,
} from '../../src/contracts/searchKeys'
import {
  SEARCH_LIMIT,
  SEARCH_MIN_LENGTH,
  type ClientSearchAnswer,
  type ClientSearchResult,
  type MatchField,
} from '../../src/contracts/clientSearch'

export interface CustomerRow {
  name: string
  customer_name: string
  mobile_no?: string | null
  email_id?: string | null
  disabled?: number | null
}
export interface LocationRow {
  name: string
  customer: string
  address_line: string
  city: string
  postal_code?: string | null
}
export interface EquipmentRow {
  name: string
  customer?: string | null
  service_location?: string | null
  serial_no: string
  mac_address?: string | null
}

/**
 * What the index reads of each document, and nothing more: at 250,000 rows every field costs
 * ERPNext, the wire and the parse (`modified` alone was a third of the bytes; see clients.ts for
 * how changes are found without it).
 */
export const INDEXED_FIELDS = {
  Customer: ['name', 'customer_name', 'mobile_no', 'email_id', 'disabled'],
  'Service Location': ['name', 'customer', 'address_line', 'city', 'postal_code'],
  'Service Equipment': ['name', 'customer', 'service_location', 'serial_no', 'mac_address'],
} as const
export type IndexedDoctype = keyof typeof INDEXED_FIELDS
export type IndexedRow = CustomerRow | LocationRow | EquipmentRow

type TextField = Exclude<MatchField, 'number'>

interface Entry {
  field: TextField
  customer: string
  text: string
  key: string
  /** False once the document changed or went: the entry stays in its segment but is skipped. */
  alive: boolean
}

/** Entries of one field joined into one string, so finding a needle is one `indexOf` walk. */
class Segment {
  private readonly joined: string
  private readonly starts: Int32Array
  constructor(readonly entries: Entry[]) {
    this.starts = new Int32Array(entries.length)
    let offset = 0
    for (let i = 0; i < entries.length; i++) {
      this.starts[i] = offset
      offset += entries[i].key.length + 1
    }
    this.joined = entries.map((e) => e.key).join('\u0001')
  }

  /** Calls `visit` once for every live entry whose key contains `needle`; stops when it returns false. */
  each(needle: string, visit: (entry: Entry) => boolean): boolean {
    for (let from = 0; ;) {
      const at = this.joined.indexOf(needle, from)
      if (at < 0) return true
      let lo = 0
      let hi = this.starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (this.starts[mid] <= at) lo = mid
        else hi = mid - 1
      }
      const entry = this.entries[lo]
      if (entry.alive && !visit(entry)) return false
      from = this.starts[lo] + entry.key.length + 1 // one visit per entry
    }
  }
}

/** A word worth forgiving a typo in: long enough, and letters only (no digits, no punctuation). */
function isWord(w: string): boolean {
  if (w.length < TYPO_MIN_LENGTH) return false
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c < 97 ? true : c > 122 && (c < 128 || !/\p{L}/u.test(w[i]))) return false
  }
  return true
}

/** The words of a field, by length, to find those one typo away from a query word. */
class Vocabulary {
  private readonly count = new Map<string, number>()
  private readonly byLength = new Map<number, Set<string>>()

  add(key: string): void {
    for (const w of key.split(' ')) {
      if (!isWord(w)) continue
      const n = this.count.get(w) ?? 0
      this.count.set(w, n + 1)
      if (n === 0) {
        let set = this.byLength.get(w.length)
        if (!set) this.byLength.set(w.length, (set = new Set()))
        set.add(w)
      }
    }
  }

  remove(key: string): void {
    for (const w of key.split(' ')) {
      const n = this.count.get(w)
      if (n === undefined) continue
      if (n > 1) this.count.set(w, n - 1)
      else {
        this.count.delete(w)
        this.byLength.get(w.length)?.delete(w)
      }
    }
  }

  /** Words one typo away from `word` (never `word` itself); none for a short word. */
  near(word: string): string[] {
    if (!isWord(word)) return []
    const out: string[] = []
    for (let len = word.length - 1; len <= word.length + 1; len++) {
      if (len < TYPO_MIN_LENGTH) continue
      for (const w of this.byLength.get(len) ?? []) if (oneTypoApart(word, w)) out.push(w)
    }
    return out
  }
}

/** A page of entries or more becomes a segment at once; fewer wait in the tail, scanned one by one. */
const SEGMENT_MIN = 512
/** Segments rebuilt when this share of their entries is dead. */
const DEAD_SHARE = 0.25

/** One searchable field of every document: its segments, its tail and, for words, its vocabulary. */
class FieldIndex {
  private segments: Segment[] = []
  private tail: Entry[] = []
  private live = 0
  private dead = 0
  constructor(readonly vocabulary: Vocabulary | null) {}

  add(entries: Entry[]): void {
    if (!entries.length) return
    for (const e of entries) this.vocabulary?.add(e.key)
    this.live += entries.length
    if (entries.length >= SEGMENT_MIN) {
      this.segments.push(new Segment(entries))
      return
    }
    this.tail.push(...entries)
    if (this.tail.length >= SEGMENT_MIN) {
      this.segments.push(new Segment(this.tail))
      this.tail = []
    }
  }

  drop(entry: Entry): void {
    if (!entry.alive) return
    entry.alive = false
    this.vocabulary?.remove(entry.key)
    this.live--
    this.dead++
    if (this.dead > SEGMENT_MIN && this.dead > DEAD_SHARE * this.live) this.compact()
  }

  private compact(): void {
    const live: Entry[] = []
    for (const s of this.segments) for (const e of s.entries) if (e.alive) live.push(e)
    for (const e of this.tail) if (e.alive) live.push(e)
    this.segments = []
    this.tail = []
    for (let i = 0; i < live.length; i += 8192) {
      const chunk = live.slice(i, i + 8192)
      if (chunk.length >= SEGMENT_MIN) this.segments.push(new Segment(chunk))
      else this.tail = chunk
    }
    this.dead = 0
  }

  /** Calls `visit` once for every live entry whose key contains `needle`, until it returns false. */
  each(needle: string, visit: (entry: Entry) => boolean): void {
    if (!needle) return
    for (const s of this.segments) if (!s.each(needle, visit)) return
    for (const e of this.tail) if (e.alive && e.key.includes(needle) && !visit(e)) return
  }
}

const FIELD_WEIGHT: Record<MatchField, number> = {
  number: 100,
  serial: 90,
  mac: 90,
  phone: 80,
  name: 70,
  email: 50,
  address: 40,
}
/** How many hits per field are ranked; beyond it the answer says "more". */
const SCAN_CAP = 250

const MAPPERS: Record<TextField, (text: string) => MappedKey> = {
  name: searchMapped,
  address: searchMapped,
  email: (t) => foldMapped(t.toLowerCase()),
  phone: phoneMapped,
  serial: serialMapped,
  mac: (t) => macMapped(t) ?? { key: '', origin: [] },
}

/** The same keys as MAPPERS, without the character map: what the index is built from. */
const KEYS: Record<TextField, (text: string) => string> = {
  name: searchKey,
  address: searchKey,
  email: foldText,
  phone: normalizePhone,
  serial: serialKey,
  mac: macKey,
}

type Group = 'customer' | 'location' | 'equipment'
const GROUP_OF: Record<IndexedDoctype, Group> = {
  Customer: 'customer',
  'Service Location': 'location',
  'Service Equipment': 'equipment',
}

const TEXT_FIELDS: TextField[] = ['name', 'address', 'email', 'phone', 'serial', 'mac']

/** Adds to `entries` the entry of `text` in `field`, when it has a key. */
function entryOf(entries: Entry[], field: TextField, customer: string, text: string | null | undefined): void {
  if (!text) return
  const key = KEYS[field](text)
  if (key) entries.push({ field, customer, text, key, alive: true })
}

const addressOf = (l: LocationRow) => `${l.address_line}, ${l.city}${l.postal_code ? ` ${l.postal_code}` : ''}`

/** A word of the query and what stands for it in the index. */
interface Token {
  word: string
  /** Needles found anywhere in a key: the word as typed and, for an abbreviation, its long form. */
  exact: string[]
  /** Per field, the indexed words one typo away (whole words only), worked out when needed. */
  near: Partial<Record<TextField, string[]>>
}

function tokensOf(folded: string): Token[] {
  const words = folded.split(' ')
  const byWord = new Map<string, Token>()
  words.forEach((word, i) => {
    const long = expandAbbreviation(word)
    // The last word may still be being typed ("st" on the way to "Stéphane"): it is also looked
    // for as typed. Before it, an abbreviation stands for its long form only, so "st jerome" finds
    // exactly what "saint-jérôme" finds.
    const exact = long ? (i === words.length - 1 ? [word, long] : [long]) : [word]
    const held = byWord.get(word)
    if (held) held.exact = [...new Set([...held.exact, ...exact])]
    else byWord.set(word, { word, exact, near: {} })
  })
  // The longest word is scanned for; the others are checked in what it finds.
  return [...byWord.values()].sort((a, b) => b.word.length - a.word.length)
}

/** Where `needle` sits in `key`: at the start of a word if it is anywhere there, else its first place. */
function bestPlace(key: string, needle: string): number {
  let first = -1
  for (let at = key.indexOf(needle); at >= 0; at = key.indexOf(needle, at + 1)) {
    if (at === 0 || key.charCodeAt(at - 1) === 32) return at
    if (first < 0) first = at
  }
  return first
}

/** Where `word` sits in `key` as a whole word, or -1. */
function wordPlace(key: string, word: string): number {
  for (let at = key.indexOf(word); at >= 0; at = key.indexOf(word, at + 1)) {
    const end = at + word.length
    if ((at === 0 || key.charCodeAt(at - 1) === 32) && (end === key.length || key.charCodeAt(end) === 32)) return at
  }
  return -1
}

function quality(key: string, at: number, length: number): number {
  if (at === 0 && length === key.length) return 3
  if (at === 0) return 2
  return key.charCodeAt(at - 1) === 32 ? 1 : 0
}

interface Hit {
  field: MatchField
  text: string
  /** [start, end) in the key of each word found; mapped onto `text` only for the results shown. */
  places: [number, number][]
  exact: boolean
  score: number
}

const better = (a: Hit, b: Hit) => (a.exact !== b.exact ? a.exact : a.score > b.score)

export class ClientIndex {
  readonly customers = new Map<string, CustomerRow>()
  readonly locations = new Map<string, LocationRow>()
  readonly equipment = new Map<string, EquipmentRow>()
  private readonly fields: Record<TextField, FieldIndex> = {
    name: new FieldIndex(new Vocabulary()),
    address: new FieldIndex(new Vocabulary()),
    email: new FieldIndex(null),
    phone: new FieldIndex(null),
    serial: new FieldIndex(null),
    mac: new FieldIndex(null),
  }
  private readonly entriesOf: Record<Group, Map<string, Entry[]>> = {
    customer: new Map(),
    location: new Map(),
    equipment: new Map(),
  }
  /** Each customer's service locations, for the address on the result line. */
  private readonly locationsOf = new Map<string, string[]>()
  /** Equipment with no customer of its own, by location: it belongs to whoever is served there. */
  private readonly unownedAt = new Map<string, Set<string>>()

  upsert(doctype: IndexedDoctype, row: IndexedRow): void {
    this.upsertMany(doctype, [row])
  }

  /** Adds or replaces documents; a page of them becomes one segment per field at once. */
  upsertMany(doctype: IndexedDoctype, rows: IndexedRow[]): void {
    const group = GROUP_OF[doctype]
    const added: Record<TextField, Entry[]> = { name: [], address: [], email: [], phone: [], serial: [], mac: [] }
    const moved: string[] = []
    for (const row of rows) {
      // Unowned equipment at a new location, or at one that changed hands, follows its customer.
      if (group === 'location' && this.unownedAt.get(row.name)?.size) {
        const previous = this.locations.get(row.name)
        if (!previous || previous.customer !== (row as LocationRow).customer) moved.push(row.name)
      }
      this.unlink(group, row.name)
      const entries: Entry[] = []
      if (group === 'customer') {
        const c = row as CustomerRow
        this.customers.set(c.name, c)
        entryOf(entries, 'name', c.name, c.customer_name)
        entryOf(entries, 'phone', c.name, c.mobile_no)
        entryOf(entries, 'email', c.name, c.email_id)
      } else if (group === 'location') {
        const l = row as LocationRow
        this.locations.set(l.name, l)
        const held = this.locationsOf.get(l.customer)
        if (held) held.push(l.name)
        else this.locationsOf.set(l.customer, [l.name])
        entryOf(entries, 'address', l.customer, addressOf(l))
      } else {
        const e = row as EquipmentRow
        this.equipment.set(e.name, e)
        if (!e.customer && e.service_location) {
          let at = this.unownedAt.get(e.service_location)
          if (!at) this.unownedAt.set(e.service_location, (at = new Set()))
          at.add(e.name)
        }
        const customer =
          e.customer || (e.service_location ? this.locations.get(e.service_location)?.customer : undefined)
        // Spares in the warehouse belong to no one yet.
        if (customer) {
          entryOf(entries, 'serial', customer, e.serial_no)
          entryOf(entries, 'mac', customer, e.mac_address)
        }
      }
      if (entries.length) {
        this.entriesOf[group].set(row.name, entries)
        for (const entry of entries) added[entry.field].push(entry)
      }
    }
    for (const field of TEXT_FIELDS) this.fields[field].add(added[field])
    this.reindexUnowned(moved)
  }

  remove(doctype: IndexedDoctype, name: string): void {
    const group = GROUP_OF[doctype]
    this.unlink(group, name)
    if (group === 'location') this.reindexUnowned([name])
  }

  /** Forgets a document: its entries die and it leaves the maps. */
  private unlink(group: Group, name: string): void {
    const entries = this.entriesOf[group].get(name)
    if (entries) {
      for (const entry of entries) this.fields[entry.field].drop(entry)
      this.entriesOf[group].delete(name)
    }
    if (group === 'customer') this.customers.delete(name)
    else if (group === 'location') {
      const l = this.locations.get(name)
      const held = l && this.locationsOf.get(l.customer)
      if (held) {
        const at = held.indexOf(name)
        if (at >= 0) held.splice(at, 1)
        if (!held.length) this.locationsOf.delete(l.customer)
      }
      this.locations.delete(name)
    } else {
      const e = this.equipment.get(name)
      if (e?.service_location) this.unownedAt.get(e.service_location)?.delete(name)
      this.equipment.delete(name)
    }
  }

  /** Equipment found at these locations follows the location's customer. */
  private reindexUnowned(locations: string[]): void {
    const rows: EquipmentRow[] = []
    for (const l of locations) for (const e of this.unownedAt.get(l) ?? []) rows.push(this.equipment.get(e)!)
    if (rows.length) this.upsertMany('Service Equipment', rows)
  }

  private firstAddress(customer: string): string | null {
    let first: string | null = null
    for (const name of this.locationsOf.get(customer) ?? []) if (first === null || name < first) first = name
    const l = first === null ? undefined : this.locations.get(first)
    return l ? addressOf(l) : null
  }

  search(query: string): Omit<ClientSearchAnswer, 'tookMs' | 'complete'> {
    const q = query.trim()
    const answer = { query: q, results: [] as ClientSearchResult[], truncated: false, indexed: this.customers.size }
    if (q.length < SEARCH_MIN_LENGTH) return answer

    const best = new Map<string, Hit>()
    let capped = false
    const offer = (customer: string, hit: Hit) => {
      const held = best.get(customer)
      if (!held || better(hit, held)) best.set(customer, hit)
    }

    /** Matches every token in `key`: each by one of its needles, or by a word one typo away. */
    const match = (field: TextField, key: string, tokens: Token[]): Omit<Hit, 'field' | 'text'> | null => {
      const places: [number, number][] = []
      let exact = true
      let score = 0
      for (const [i, token] of tokens.entries()) {
        let at = -1
        let length = 0
        for (const needle of token.exact) {
          const place = bestPlace(key, needle)
          if (place >= 0 && (at < 0 || quality(key, place, needle.length) > quality(key, at, length))) {
            at = place
            length = needle.length
          }
        }
        if (at < 0) {
          token.near[field] ??= this.fields[field].vocabulary?.near(token.word) ?? []
          for (const word of token.near[field]) {
            at = wordPlace(key, word)
            if (at >= 0) {
              length = word.length
              exact = false
              break
            }
          }
        }
        if (at < 0) return null
        places.push([at, at + length])
        if (i === 0)
          score =
            FIELD_WEIGHT[field] + quality(key, at, length) * 10 + Math.min(9, Math.round((9 * length) / key.length))
      }
      return { places, exact, score }
    }

    const seen = new Map<TextField, Set<Entry>>()
    /** Offers the entries of `field` that hold `needle` and match every token. */
    const scan = (field: TextField, needle: string, tokens: Token[]) => {
      let taken = 0
      const visited = seen.get(field) ?? new Set<Entry>()
      seen.set(field, visited)
      this.fields[field].each(needle, (entry) => {
        if (visited.has(entry)) return true
        visited.add(entry)
        const m = match(field, entry.key, tokens)
        if (!m) return true
        offer(entry.customer, { field, text: entry.text, ...m })
        if (++taken < SCAN_CAP) return true
        capped = true
        return false
      })
    }
    const single = (needle: string): Token[] => [{ word: needle, exact: [needle], near: {} }]

    const number = customerNumber(q)
    if (number && this.customers.has(number))
      offer(number, { field: 'number', text: number, places: [], exact: true, score: FIELD_WEIGHT.number + 30 })

    const folded = foldText(q)
    const tokens = folded.length >= SEARCH_MIN_LENGTH ? tokensOf(folded) : []
    // Names hold letters; a query of digits and dashes is a phone, a number or a civic address.
    const wordFields: TextField[] = /\p{L}/u.test(folded) ? ['name', 'address'] : ['address']
    if (tokens.length) {
      for (const field of wordFields) for (const needle of tokens[0].exact) scan(field, needle, tokens)
      // The name part of an address is already found by name; only a typed "@" means the e-mail.
      if (q.includes('@')) scan('email', folded, single(folded))
    }
    const phoneLike = /^[\d\s().+-]+$/.test(q)
    const phone = phoneLike ? phoneMapped(q).key : ''
    if (phone.length >= 3) scan('phone', phone, single(phone))
    const serial = serialMapped(q).key
    // Serials mix letters and digits; letters alone are a name far more often (and "ZTEG" alone
    // would match a whole model line), so a serial scan waits for a digit or a long token.
    if ((serial.length >= 3 && /\d/.test(serial)) || (serial.length >= 8 && !/\s/.test(q)))
      scan('serial', serial, single(serial))
    const mac = macMapped(q)?.key ?? ''
    // Plain digits are a phone far more often than a piece of MAC: ask for more of them.
    if (mac.length >= 12 || (mac.length >= 4 && (/[A-F:.-]/i.test(q) || mac.length >= 6))) scan('mac', mac, single(mac))

    // The longest word with one typo: only when the exact matches leave room on the list.
    if (tokens.length) {
      let exact = 0
      for (const hit of best.values()) if (hit.exact) exact++
      if (exact < SEARCH_LIMIT)
        for (const field of wordFields) {
          tokens[0].near[field] ??= this.fields[field].vocabulary?.near(tokens[0].word) ?? []
          for (const word of tokens[0].near[field]) scan(field, word, tokens)
        }
    }

    const ranked = [...best.entries()]
      .map(([customer, hit]) => ({ customer, hit, row: this.customers.get(customer) }))
      .filter((r): r is typeof r & { row: CustomerRow } => r.row !== undefined)
      .sort(
        (a, b) =>
          Number(b.hit.exact) - Number(a.hit.exact) ||
          b.hit.score - a.hit.score ||
          (a.row.customer_name < b.row.customer_name ? -1 : a.row.customer_name > b.row.customer_name ? 1 : 0),
      )
    answer.truncated = capped || ranked.length > SEARCH_LIMIT
    answer.results = ranked.slice(0, SEARCH_LIMIT).map(({ customer, hit, row }) => ({
      customer,
      customerName: row.customer_name,
      phone: row.mobile_no ?? null,
      address: this.firstAddress(customer),
      disabled: Boolean(row.disabled),
      match: { field: hit.field, text: hit.text, ranges: rangesOf(hit), approximate: !hit.exact },
      score: hit.score,
    }))
    return answer
  }
}

/** The places of a hit in its key, as character ranges of the text the user sees. */
function rangesOf(hit: Hit): [number, number][] {
  if (hit.field === 'number') return [[0, hit.text.length]]
  const mapped = MAPPERS[hit.field](hit.text)
  return hit.places.map(([start, end]) => originalRange(mapped, start, end))
}
