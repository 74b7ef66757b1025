/**
 * The seed's bulk import: trusted documents inserted as fast as SQLite allows (the large profile
 * is ~350,000 rows). One transaction, prepared multi-row statements, no link validation.
 * Missing standard fields and defaults are filled in; a key that is not a field throws, because
 * it means the seed and the contract disagree.
 */
import type Database from 'better-sqlite3'
import { STANDARD_FIELDS } from '../../../src/contracts/doctypes'
import type { SqlDatabase } from './database'
import { randomName, type Naming } from './naming'
import { quoteIdent, type Column, type DoctypeMeta } from './schema'
import type { SqlValue } from './values'

const ADMIN = 'Administrator'

/** How a column gets its value: from the document, or from the standard fields computed per row. */
interface ColumnPlan {
  name: string
  own: boolean
  fallback: SqlValue
  check: boolean
}

const planOf = (c: Column): ColumnPlan => ({
  name: c.name,
  own: !!c.field,
  fallback: c.field?.default ?? (c.fieldtype === 'Check' ? 0 : null),
  check: c.fieldtype === 'Check',
})

function stored(value: unknown, plan: ColumnPlan): SqlValue {
  if (value === undefined || value === null || value === '') return plan.fallback
  if (typeof value === 'string' || typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  return JSON.stringify(value)
}

/**
 * Inserts rows several per statement: the cost here is mostly the JS-to-SQLite call, so 16 rows
 * per call imports about twice as fast as one row per call.
 */
class BulkWriter {
  private static readonly ROWS = 16
  private readonly one: Database.Statement
  private readonly many: Database.Statement
  private pending: SqlValue[] = []
  private count = 0
  readonly plans: ColumnPlan[]

  constructor(sql: SqlDatabase, meta: DoctypeMeta) {
    this.plans = meta.columns.map(planOf)
    const placeholders = `(${meta.columns.map(() => '?').join(', ')})`
    const head = `INSERT INTO ${meta.table} (${meta.columns.map((c) => quoteIdent(c.name)).join(', ')}) VALUES `
    this.one = sql.prepare(head + placeholders)
    this.many = sql.prepare(head + Array(BulkWriter.ROWS).fill(placeholders).join(', '))
  }

  /**
   * Adds one row: own fields read from `doc`, standard ones from `standard` unless `doc` carries
   * them and `keepStandard` is set (a seed may date its documents).
   */
  add(doc: Record<string, unknown>, standard: Record<string, SqlValue>, keepStandard: boolean): void {
    for (const plan of this.plans) {
      const value = plan.own
        ? doc[plan.name]
        : keepStandard
          ? (doc[plan.name] ?? standard[plan.name])
          : standard[plan.name]
      this.pending.push(stored(value, plan))
    }
    if (++this.count === BulkWriter.ROWS) {
      this.many.run(this.pending)
      this.pending = []
      this.count = 0
    }
  }

  flush(): void {
    const width = this.plans.length
    for (let i = 0; i < this.count; i++) this.one.run(this.pending.slice(i * width, (i + 1) * width))
    this.pending = []
    this.count = 0
  }
}

export function importDocuments(
  sql: SqlDatabase,
  naming: Naming,
  now: string,
  meta: DoctypeMeta,
  docs: Record<string, unknown>[],
): void {
  const doctype = meta.name
  const allowed = new Set<string>([...STANDARD_FIELDS, 'doctype', ...meta.def.fields.map((f) => f.fieldname)])
  const main = new BulkWriter(sql, meta)
  const children = meta.tableFields.map(({ field, child }) => ({
    fieldname: field.fieldname,
    writer: new BulkWriter(sql, child),
  }))
  const names: string[] = []
  sql.transaction(() => {
    for (const doc of docs) {
      for (const key in doc) if (!allowed.has(key)) throw new Error(`insertMany(${doctype}): unknown field ${key}`)
      const name = typeof doc.name === 'string' && doc.name !== '' ? doc.name : naming.newName(meta, doc)
      names.push(name)
      const creation = typeof doc.creation === 'string' ? doc.creation : now
      main.add(
        doc,
        { name, owner: ADMIN, creation, modified: creation, modified_by: ADMIN, docstatus: 0, idx: 0 },
        true,
      )
      for (const { fieldname, writer } of children) {
        const rows = doc[fieldname]
        if (rows === undefined || rows === null) continue
        if (!Array.isArray(rows)) throw new Error(`insertMany(${doctype}): ${fieldname} must be a list of rows`)
        for (let i = 0; i < rows.length; i++) {
          // A child row's standard fields always follow its parent and position.
          writer.add(
            rows[i] as Record<string, unknown>,
            {
              name: randomName(),
              owner: ADMIN,
              creation,
              modified: creation,
              modified_by: ADMIN,
              docstatus: 0,
              idx: i + 1,
              parent: name,
              parentfield: fieldname,
              parenttype: doctype,
            },
            false,
          )
        }
      }
    }
    main.flush()
    for (const { writer } of children) writer.flush()
    naming.advancePast(meta, names)
  })
}
