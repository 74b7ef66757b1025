/**
 * What every generated dataset must satisfy to load into the embedded ERPNext as if Frappe had
 * written it: only known fields, Select values among the choices, mandatory fields set, links to
 * existing documents of the right doctype, unique values unique. Returns the problems found, so a
 * test can print them all at once.
 */
import { DOCTYPE_BY_NAME, type DoctypeDef, type FieldDef } from '../../../src/contracts/doctypes'

type Dataset = Record<string, Record<string, unknown>[]>

const META = new Set(['name', 'creation', 'modified'])
const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === ''
}

export function datasetProblems(dataset: Dataset, now: string): string[] {
  const problems: string[] = []
  const names = new Map<string, Set<string>>()
  for (const [doctype, docs] of Object.entries(dataset)) names.set(doctype, new Set(docs.map((d) => String(d.name))))
  const report = (msg: string) => { if (problems.length < 50) problems.push(msg) }

  const fieldMaps = new Map<DoctypeDef, Map<string, FieldDef>>()
  const fieldsOf = (def: DoctypeDef) => {
    let map = fieldMaps.get(def)
    if (!map) fieldMaps.set(def, (map = new Map(def.fields.map((f) => [f.fieldname, f]))))
    return map
  }
  const checkRow = (def: DoctypeDef, row: Record<string, unknown>, where: () => string, unique: Map<string, Set<unknown>>) => {
    const fields = fieldsOf(def)
    for (const [key, value] of Object.entries(row)) {
      if (def.istable ? false : META.has(key)) continue
      const f = fields.get(key)
      if (!f) { report(`${where()}: unknown field ${key}`); continue }
      if (value === undefined || value === null) { report(`${where()}.${key} is ${String(value)}`); continue }
      switch (f.fieldtype) {
        case 'Select':
          if (!f.choices?.includes(String(value))) report(`${where()}.${key} = ${String(value)} not in choices`)
          break
        case 'Link':
          if (value !== '' && !names.get(f.options ?? '')?.has(String(value))) report(`${where()}.${key} → missing ${f.options} ${String(value)}`)
          break
        case 'Int': case 'Check':
          if (!Number.isInteger(value)) report(`${where()}.${key} not an integer`)
          break
        case 'Float': case 'Currency':
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
          if (!child || !Array.isArray(value)) { report(`${where()}.${key} not a table`); break }
          value.forEach((r: Record<string, unknown>, i) => checkRow(child, r, () => `${where()}.${key}[${i}]`, new Map()))
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
    for (const f of def.fields) if (f.reqd && isEmpty(row[f.fieldname])) report(`${where()}: mandatory ${f.fieldname} missing`)
  }

  for (const [doctype, docs] of Object.entries(dataset)) {
    const def = DOCTYPE_BY_NAME.get(doctype)
    if (!def) { report(`unknown doctype ${doctype}`); continue }
    if (names.get(doctype)?.size !== docs.length) report(`${doctype}: duplicate names`)
    const unique = new Map<string, Set<unknown>>()
    for (const doc of docs) {
      const where = () => `${doctype} ${String(doc.name)}`
      for (const key of META) if (typeof doc[key] !== 'string' || doc[key] === '') report(`${where()}: no ${key}`)
      const creation = String(doc.creation), modified = String(doc.modified)
      if (!DATETIME.test(creation) || !DATETIME.test(modified)) report(`${where()}: bad creation/modified`)
      if (modified < creation) report(`${where()}: modified before creation`)
      if (modified > now) report(`${where()}: modified after now`)
      checkRow(def, doc, where, unique)
    }
  }
  return problems
}
