/**
 * The customer search index: every Customer, Service Location and Service Equipment held in
 * memory, each searchable field kept as one long string so a query is a few `indexOf` scans
 * rather than 200,000 comparisons. It is filled from ERPNext in pages, patched from the bus's
 * doc_update events, and swept for changes made outside the BFF now and then.
 */
import {
  customerNumber,
  foldMapped,
  foldText,
  macKey,
  macMapped,
  normalizePhone,
  originalRange,
  phoneMapped,
  serialKey,
  serialMapped,
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
  modified?: string
}
export interface LocationRow {
  name: string
  customer: string
  address_line: string
  city: string
  postal_code?: string | null
  modified?: string
}
export interface EquipmentRow {
  name: string
  customer?: string | null
  service_location?: string | null
  serial_no: string
  mac_address?: string | null
  modified?: string
}

export const INDEXED_FIELDS = {
  Customer: ['name', 'customer_name', 'mobile_no', 'email_id', 'disabled', 'modified'],
  'Service Location': ['name', 'customer', 'address_line', 'city', 'postal_code', 'modified'],
  'Service Equipment': ['name', 'customer', 'service_location', 'serial_no', 'mac_address', 'modified'],
} as const
export type IndexedDoctype = keyof typeof INDEXED_FIELDS

interface Entry {
  customer: string
  text: string
  key: string
}

/** One field of every document, joined: `indexOf` walks it at memory speed. */
class Haystack {
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

  /** Entries whose key contains `needle` (and passes `keep`), with where; at most `cap` of them. */
  find(needle: string, cap: number, keep: (key: string) => boolean = () => true): { entry: Entry; at: number }[] {
    const hits: { entry: Entry; at: number }[] = []
    if (!needle) return hits
    let from = 0
    while (hits.length < cap) {
      const at = this.joined.indexOf(needle, from)
      if (at < 0) break
      let lo = 0
      let hi = this.starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1
        if (this.starts[mid] <= at) lo = mid
        else hi = mid - 1
      }
      if (keep(this.entries[lo].key)) hits.push({ entry: this.entries[lo], at: at - this.starts[lo] })
      from = this.starts[lo] + this.entries[lo].key.length + 1 // one hit per entry
    }
    return hits
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

const MAPPERS: Record<Exclude<MatchField, 'number'>, (text: string) => MappedKey> = {
  name: foldMapped,
  address: foldMapped,
  email: (t) => foldMapped(t.toLowerCase()),
  phone: phoneMapped,
  serial: serialMapped,
  mac: (t) => macMapped(t) ?? { key: '', origin: [] },
}

/** The same keys as MAPPERS, without the character map: what the index is built from. */
const KEYS: Record<Exclude<MatchField, 'number'>, (text: string) => string> = {
  name: foldText,
  address: foldText,
  email: foldText,
  phone: normalizePhone,
  serial: serialKey,
  mac: macKey,
}

type Group = 'customer' | 'location' | 'equipment'
const GROUP_FIELDS: Record<Group, MatchField[]> = {
  customer: ['name', 'phone', 'email'],
  location: ['address'],
  equipment: ['serial', 'mac'],
}

const addressOf = (l: LocationRow) => `${l.address_line}, ${l.city}${l.postal_code ? ` ${l.postal_code}` : ''}`

function quality(key: string, at: number, length: number): number {
  if (at === 0 && length === key.length) return 3
  if (at === 0) return 2
  return key[at - 1] === ' ' ? 1 : 0
}

export class ClientIndex {
  readonly customers = new Map<string, CustomerRow>()
  readonly locations = new Map<string, LocationRow>()
  readonly equipment = new Map<string, EquipmentRow>()
  private readonly haystacks = new Map<MatchField, Haystack>()
  private readonly dirty = new Set<Group>(['customer', 'location', 'equipment'])
  /** The first location of each customer, for the result line. */
  private firstAddress = new Map<string, string>()

  upsert(doctype: IndexedDoctype, row: CustomerRow | LocationRow | EquipmentRow): void {
    if (doctype === 'Customer') this.customers.set(row.name, row as CustomerRow)
    else if (doctype === 'Service Location') this.locations.set(row.name, row as LocationRow)
    else this.equipment.set(row.name, row as EquipmentRow)
    this.dirty.add(doctype === 'Customer' ? 'customer' : doctype === 'Service Location' ? 'location' : 'equipment')
  }

  remove(doctype: IndexedDoctype, name: string): void {
    const map =
      doctype === 'Customer' ? this.customers : doctype === 'Service Location' ? this.locations : this.equipment
    if (map.delete(name))
      this.dirty.add(doctype === 'Customer' ? 'customer' : doctype === 'Service Location' ? 'location' : 'equipment')
  }

  private rebuild(): void {
    if (this.dirty.size === 0) return
    const entries: Partial<Record<MatchField, Entry[]>> = {}
    const add = (field: Exclude<MatchField, 'number'>, customer: string, text: string | null | undefined) => {
      if (!text) return
      const key = KEYS[field](text)
      if (key) (entries[field] ??= []).push({ customer, text, key })
    }
    if (this.dirty.has('customer')) {
      for (const c of this.customers.values()) {
        add('name', c.name, c.customer_name)
        add('phone', c.name, c.mobile_no)
        add('email', c.name, c.email_id)
      }
    }
    if (this.dirty.has('location')) {
      this.firstAddress = new Map()
      for (const l of this.locations.values()) {
        add('address', l.customer, addressOf(l))
        if (!this.firstAddress.has(l.customer)) this.firstAddress.set(l.customer, addressOf(l))
      }
    }
    if (this.dirty.has('equipment')) {
      for (const e of this.equipment.values()) {
        const customer =
          e.customer || (e.service_location ? this.locations.get(e.service_location)?.customer : undefined)
        if (!customer) continue // spares in the warehouse belong to no one yet
        add('serial', customer, e.serial_no)
        add('mac', customer, e.mac_address)
      }
    }
    for (const group of this.dirty)
      for (const field of GROUP_FIELDS[group]) this.haystacks.set(field, new Haystack(entries[field] ?? []))
    this.dirty.clear()
  }

  search(query: string): Omit<ClientSearchAnswer, 'tookMs'> {
    this.rebuild()
    const q = query.trim()
    const answer = { query: q, results: [] as ClientSearchResult[], truncated: false, indexed: this.customers.size }
    if (q.length < SEARCH_MIN_LENGTH) return answer

    // Highlights are worked out only for the results shown, not for every hit.
    interface Hit {
      field: MatchField
      text: string
      ranges: () => [number, number][]
      score: number
    }
    const best = new Map<string, Hit>()
    let capped = false
    const offer = (customer: string, hit: Hit) => {
      const held = best.get(customer)
      if (!held || held.score < hit.score) best.set(customer, hit)
    }
    const scan = (field: Exclude<MatchField, 'number'>, needle: string, also: string[] = []) => {
      const keep = also.length ? (key: string) => also.every((t) => key.includes(t)) : undefined
      const hits = this.haystacks.get(field)?.find(needle, SCAN_CAP, keep) ?? []
      if (hits.length >= SCAN_CAP) capped = true
      for (const { entry, at } of hits) {
        const score =
          FIELD_WEIGHT[field] +
          quality(entry.key, at, needle.length) * 10 +
          Math.min(9, Math.round((9 * needle.length) / entry.key.length))
        if ((best.get(entry.customer)?.score ?? -1) >= score) continue
        offer(entry.customer, {
          field,
          text: entry.text,
          score,
          ranges: () => {
            const mapped = MAPPERS[field](entry.text)
            return [needle, ...also].map((t) => {
              const start = t === needle ? at : entry.key.indexOf(t)
              return originalRange(mapped, start, start + t.length)
            })
          },
        })
      }
    }

    const number = customerNumber(q)
    if (number && this.customers.has(number))
      offer(number, {
        field: 'number',
        text: number,
        ranges: () => [[0, number.length]],
        score: FIELD_WEIGHT.number + 30,
      })

    const folded = foldText(q)
    if (folded.length >= SEARCH_MIN_LENGTH) {
      // Words in any order: scan for the longest, keep the entries that hold the others too.
      const words = [...new Set(folded.split(' '))].sort((a, b) => b.length - a.length)
      // Names hold letters; a query of digits and dashes is a phone, a number or a civic address.
      if (/\p{L}/u.test(folded)) scan('name', words[0], words.slice(1))
      scan('address', words[0], words.slice(1))
      // The name part of an address is already found by name; only a typed "@" means the e-mail.
      if (q.includes('@')) scan('email', foldText(q))
    }
    const phoneLike = /^[\d\s().+-]+$/.test(q)
    const phone = phoneLike ? phoneMapped(q).key : ''
    if (phone.length >= 3) scan('phone', phone)
    const serial = serialMapped(q).key
    // Serials mix letters and digits; letters alone are a name far more often (and "ZTEG" alone
    // would match a whole model line), so a serial scan waits for a digit or a long token.
    if ((serial.length >= 3 && /\d/.test(serial)) || (serial.length >= 8 && !/\s/.test(q))) scan('serial', serial)
    const mac = macMapped(q)?.key ?? ''
    // Plain digits are a phone far more often than a piece of MAC: ask for more of them.
    if (mac.length >= 12 || (mac.length >= 4 && (/[A-F:.-]/i.test(q) || mac.length >= 6))) scan('mac', mac)

    const ranked = [...best.entries()]
      .map(([customer, m]) => ({ customer, m, row: this.customers.get(customer) }))
      .filter((r): r is typeof r & { row: CustomerRow } => r.row !== undefined)
      .sort(
        (a, b) =>
          b.m.score - a.m.score ||
          (a.row.customer_name < b.row.customer_name ? -1 : a.row.customer_name > b.row.customer_name ? 1 : 0),
      )
    answer.truncated = capped || ranked.length > SEARCH_LIMIT
    answer.results = ranked.slice(0, SEARCH_LIMIT).map(({ customer, m, row }) => ({
      customer,
      customerName: row.customer_name,
      phone: row.mobile_no ?? null,
      address: this.firstAddress.get(customer) ?? null,
      disabled: Boolean(row.disabled),
      match: { field: m.field, text: m.text, ranges: m.ranges() },
      score: m.score,
    }))
    return answer
  }
}
