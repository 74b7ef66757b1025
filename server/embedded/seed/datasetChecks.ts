/**
 * What every generated dataset must satisfy to load into the embedded ERPNext as if Frappe had
 * written it: only known fields, Select values among the choices, mandatory fields set, links to
 * existing documents of the right doctype, unique values unique. Returns the problems found, so a
 * test can print them all at once.
 */
import { DOCTYPE_BY_NAME, type DoctypeDef, type FieldDef } from '../../../src/contracts/doctypes'
import { siteOffsetMinutes, toFrappeDatetime } from '../../../src/contracts/frappeTime'

type Dataset = Record<string, Record<string, unknown>[]>

const META = new Set(['name', 'creation', 'modified'])
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === ''
}

const HOUR = 3_600_000

/**
 * The earliest and latest instants a site-local "YYYY-MM-DD HH:MM:SS.ffffff" can denote. They are
 * the same but in the autumn hour the clocks repeat, where 01:45 (daylight time) comes before
 * 01:30 (standard time): text order is not time order there, so ordering rules compare instants.
 */
export function readings(datetime: string): { earliest: number; latest: number } {
  const n = (from: number, length: number) => Number(datetime.slice(from, from + length))
  const naive = Date.UTC(n(0, 4), n(5, 2) - 1, n(8, 2), n(11, 2), n(14, 2), n(17, 2), Math.floor(n(20, 6) / 1000))
  const found: number[] = []
  // The zone's offset changes at most once within a day, so the offsets half a day either side are all it can be.
  for (const offset of new Set([
    siteOffsetMinutes(new Date(naive - 12 * HOUR)),
    siteOffsetMinutes(new Date(naive + 12 * HOUR)),
  ])) {
    const instant = naive - offset * 60_000
    if (siteOffsetMinutes(new Date(instant)) === offset) found.push(instant)
  }
  // A time skipped in spring denotes no instant; it reads as the moment after the gap.
  if (found.length === 0) found.push(naive - siteOffsetMinutes(new Date(naive - 12 * HOUR)) * 60_000)
  return { earliest: Math.min(...found), latest: Math.max(...found) }
}

/**
 * `now` is an instant: the dataset's timestamps are site-local text, compared with it as text
 * when that is unambiguous and as instants in the repeated autumn hour.
 */
export function datasetProblems(dataset: Dataset, now: Date): string[] {
  const nowText = toFrappeDatetime(now)
  const problems: string[] = []
  const names = new Map<string, Set<string>>()
  for (const [doctype, docs] of Object.entries(dataset)) names.set(doctype, new Set(docs.map((d) => String(d.name))))
  const report = (msg: string) => {
    if (problems.length < 50) problems.push(msg)
  }

  const fieldMaps = new Map<DoctypeDef, Map<string, FieldDef>>()
  const fieldsOf = (def: DoctypeDef) => {
    let map = fieldMaps.get(def)
    if (!map) fieldMaps.set(def, (map = new Map(def.fields.map((f) => [f.fieldname, f]))))
    return map
  }
  const checkRow = (
    def: DoctypeDef,
    row: Record<string, unknown>,
    where: () => string,
    unique: Map<string, Set<unknown>>,
  ) => {
    const fields = fieldsOf(def)
    for (const [key, value] of Object.entries(row)) {
      if (def.istable ? false : META.has(key)) continue
      const f = fields.get(key)
      if (!f) {
        report(`${where()}: unknown field ${key}`)
        continue
      }
      if (value === undefined || value === null) {
        report(`${where()}.${key} is ${String(value)}`)
        continue
      }
      switch (f.fieldtype) {
        case 'Select':
          if (!f.choices?.includes(String(value))) report(`${where()}.${key} = ${String(value)} not in choices`)
          break
        case 'Link':
          if (value !== '' && !names.get(f.options ?? '')?.has(String(value)))
            report(`${where()}.${key} → missing ${f.options} ${String(value)}`)
          break
        case 'Int':
        case 'Check':
          if (!Number.isInteger(value)) report(`${where()}.${key} not an integer`)
          break
        case 'Float':
        case 'Currency':
          if (typeof value !== 'number' || !Number.isFinite(value)) report(`${where()}.${key} not a number`)
          break
        case 'Date':
          if (!DATE.test(String(value))) report(`${where()}.${key} not a date: ${String(value)}`)
          break
        case 'Datetime':
          if (!DATETIME.test(String(value))) report(`${where()}.${key} not a datetime: ${String(value)}`)
          break
        case 'Table': {
          const child = DOCTYPE_BY_NAME.get(f.options ?? '')
          if (!child || !Array.isArray(value)) {
            report(`${where()}.${key} not a table`)
            break
          }
          value.forEach((r: Record<string, unknown>, i) =>
            checkRow(child, r, () => `${where()}.${key}[${i}]`, new Map()),
          )
          break
        }
        default:
          if (typeof value !== 'string') report(`${where()}.${key} not a string`)
      }
      if (f.unique && value !== '') {
        const seen = unique.get(key) ?? new Set()
        if (seen.has(value)) report(`${where()}.${key} duplicate ${String(value)}`)
        seen.add(value)
        unique.set(key, seen)
      }
    }
    for (const f of def.fields)
      if (f.reqd && isEmpty(row[f.fieldname])) report(`${where()}: mandatory ${f.fieldname} missing`)
  }

  for (const [doctype, docs] of Object.entries(dataset)) {
    const def = DOCTYPE_BY_NAME.get(doctype)
    if (!def) {
      report(`unknown doctype ${doctype}`)
      continue
    }
    if (names.get(doctype)?.size !== docs.length) report(`${doctype}: duplicate names`)
    const unique = new Map<string, Set<unknown>>()
    for (const doc of docs) {
      const where = () => `${doctype} ${String(doc.name)}`
      for (const key of META) if (typeof doc[key] !== 'string' || doc[key] === '') report(`${where()}: no ${key}`)
      const creation = String(doc.creation),
        modified = String(doc.modified)
      if (!DATETIME.test(creation) || !DATETIME.test(modified)) report(`${where()}: bad creation/modified`)
      if (modified < creation && readings(modified).latest < readings(creation).earliest)
        report(`${where()}: modified before creation`)
      if (modified > nowText && readings(modified).earliest > now.getTime()) report(`${where()}: modified after now`)
      checkRow(def, doc, where, unique)
    }
  }
  return problems
}
