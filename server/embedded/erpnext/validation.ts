/**
 * What a POST/PUT body may contain and whether the resulting document is valid: mandatory
 * fields, Select choices (via values.ts), links to existing documents, unique values, and the
 * doctype's own rules. Each failure is the Frappe exception a client expects.
 */
import { STANDARD_FIELDS } from '../../../src/contracts/doctypes'
import type { SqlDatabase } from './database'
import { FrappeError, validationError } from './errors'
import { normalizeField, validateDocument, type DocValues } from './rules'
import { CHILD_STANDARD, humanLabel, quoteIdent, type DoctypeMeta } from './schema'
import { coerceFieldValue } from './values'

export interface ChildRowInput {
  name: string | null
  values: DocValues
}

/** A body, checked and coerced: only the fields it carries. */
export interface Change {
  values: DocValues
  tables: Map<string, ChildRowInput[]>
  /** The `modified` the client last saw, for optimistic concurrency. */
  modified?: string
  name?: unknown
}

const IGNORED_DOC_KEYS = new Set<string>(STANDARD_FIELDS.filter((f) => f !== 'name' && f !== 'modified'))
const IGNORED_ROW_KEYS = new Set<string>([...STANDARD_FIELDS, ...CHILD_STANDARD, 'doctype'])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Frappe silently drops keys that are not fields; here an unknown key is a 417, because a typo
 * in a client ("technican") would otherwise save "successfully" and lose the value.
 * Standard fields (owner, creation, docstatus…) and Frappe's client-side `__` keys are ignored.
 */
function unknownField(key: string, doctype: string): FrappeError {
  return validationError(`Unknown field ${key} for ${doctype}`)
}

function coerceOwn(meta: DoctypeMeta, fieldname: string, raw: unknown): DocValues[string] {
  const field = meta.def.fields.find((f) => f.fieldname === fieldname)!
  return normalizeField(meta.name, fieldname, coerceFieldValue(meta.name, field, raw))
}

function readRows(meta: DoctypeMeta, child: DoctypeMeta, fieldname: string, raw: unknown): ChildRowInput[] {
  if (!Array.isArray(raw)) throw validationError(`${humanLabel(fieldname)} must be a list of rows in ${meta.name}`)
  return raw.map((row, i) => {
    if (!isPlainObject(row)) throw validationError(`Row #${i + 1} of ${humanLabel(fieldname)} must be an object`)
    const values: DocValues = {}
    for (const [key, v] of Object.entries(row)) {
      if (key.startsWith('__') || IGNORED_ROW_KEYS.has(key)) continue
      if (!child.columnByName.get(key)?.field) throw unknownField(key, child.name)
      values[key] = coerceOwn(child, key, v)
    }
    for (const f of child.dataFields)
      if (!(f.fieldname in values)) values[f.fieldname] = coerceOwn(child, f.fieldname, f.default)
    return { name: typeof row.name === 'string' && row.name !== '' ? row.name : null, values }
  })
}

export function readChange(meta: DoctypeMeta, body: unknown): Change {
  if (!isPlainObject(body)) throw validationError('Request body must be a JSON object')
  const change: Change = { values: {}, tables: new Map() }
  for (const [key, raw] of Object.entries(body)) {
    if (key.startsWith('__') || IGNORED_DOC_KEYS.has(key)) continue
    if (key === 'doctype') {
      if (raw !== meta.name) throw validationError(`Body doctype ${String(raw)} does not match ${meta.name}`)
      continue
    }
    if (key === 'name') {
      change.name = raw
      continue
    }
    if (key === 'modified') {
      if (raw !== null && raw !== undefined) change.modified = String(raw)
      continue
    }
    const table = meta.tableFields.find((t) => t.field.fieldname === key)
    if (table) {
      change.tables.set(key, readRows(meta, table.child, key, raw))
      continue
    }
    if (!meta.columnByName.get(key)?.field) throw unknownField(key, meta.name)
    change.values[key] = coerceOwn(meta, key, raw)
  }
  return change
}

/** Own field values of a new document: what the body carried, else the field's default. */
export function withDefaults(meta: DoctypeMeta, values: DocValues): DocValues {
  const doc: DocValues = {}
  for (const f of meta.dataFields)
    doc[f.fieldname] = f.fieldname in values ? values[f.fieldname] : coerceOwn(meta, f.fieldname, f.default)
  return doc
}

export class Validator {
  constructor(private readonly sql: SqlDatabase) {}

  exists(meta: DoctypeMeta, name: string): boolean {
    return this.sql.prepare(`SELECT 1 FROM ${meta.table} WHERE "name" = ?`).get(name) !== undefined
  }

  private checkValues(
    meta: DoctypeMeta,
    doc: DocValues,
    changed: Iterable<string>,
    linkTarget: (doctype: string) => DoctypeMeta,
    row?: number,
  ): void {
    const where = row === undefined ? '' : `Row #${row}: `
    for (const f of meta.dataFields) {
      if (f.reqd && (doc[f.fieldname] === null || doc[f.fieldname] === undefined)) {
        throw new FrappeError(
          'MandatoryError',
          `${where}Error: Value missing for ${meta.name}: ${humanLabel(f.fieldname)}`,
        )
      }
    }
    for (const fieldname of changed) {
      const f = meta.def.fields.find((x) => x.fieldname === fieldname)
      const value = doc[fieldname]
      if (!f || value === null || value === undefined) continue
      if (f.fieldtype === 'Link' && f.options && !this.exists(linkTarget(f.options), String(value))) {
        throw new FrappeError('LinkValidationError', `${where}Could not find ${humanLabel(f.fieldname)}: ${value}`)
      }
    }
  }

  /**
   * Checks the document as it will be stored. `changed` limits link and unique checks to what
   * the write touches (as Frappe's db_update would only fail on what changed).
   */
  validate(
    meta: DoctypeMeta,
    name: string | null,
    doc: DocValues,
    changed: string[],
    tables: Map<string, ChildRowInput[]>,
    linkTarget: (doctype: string) => DoctypeMeta,
  ): void {
    this.checkValues(meta, doc, changed, linkTarget)
    for (const [fieldname, rows] of tables) {
      const child = meta.tableFields.find((t) => t.field.fieldname === fieldname)!.child
      rows.forEach((r, i) => this.checkValues(child, r.values, Object.keys(r.values), linkTarget, i + 1))
    }
    for (const fieldname of changed) {
      const f = meta.def.fields.find((x) => x.fieldname === fieldname)
      const value = doc[fieldname]
      if (!f?.unique || value === null || value === undefined) continue
      const clash = this.sql
        .prepare(`SELECT "name" FROM ${meta.table} WHERE ${quoteIdent(fieldname)} = ? AND "name" IS NOT ?`)
        .get(value, name) as { name: string } | undefined
      if (clash) {
        throw new FrappeError(
          'DuplicateEntryError',
          `${humanLabel(fieldname)} ${value} already exists in ${meta.name} ${clash.name}; it must be unique`,
        )
      }
    }
    validateDocument(meta.name, doc)
  }
}
