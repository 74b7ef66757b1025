/**
 * Documents: read one (with its child tables), list and count, insert, update, delete, and the
 * bulk import the seed uses. Every write runs in one SQLite transaction, so a failed validation
 * or a crash never leaves a document without its child rows.
 */
import { importDocuments } from './bulkImport'
import type { SqlDatabase } from './database'
import { FrappeError, notFound, validationError } from './errors'
import { randomName, type Clock, type Naming } from './naming'
import { parseListQuery, selectSql, buildWhere, jsonParam, type Params } from './query'
import type { DocValues } from './rules'
import { quoteIdent, type DoctypeMeta, type Schema } from './schema'
import { readChange, Validator, withDefaults, type ChildRowInput } from './validation'
import type { SqlValue } from './values'

export type Doc = Record<string, unknown>
type Row = Record<string, SqlValue>

const ADMIN = 'Administrator'

function insertSql(meta: DoctypeMeta): string {
  const cols = meta.columns.map((c) => quoteIdent(c.name)).join(', ')
  return `INSERT INTO ${meta.table} (${cols}) VALUES (${meta.columns.map(() => '?').join(', ')})`
}

/** Frappe's REST answers omit empty fields of a document (but not of list rows). */
function withoutNulls(row: Row, doctype: string): Doc {
  const out: Doc = {}
  for (const [k, v] of Object.entries(row)) if (v !== null) out[k] = v
  out.doctype = doctype
  return out
}

export class DocumentStore {
  private readonly validator: Validator

  constructor(
    private readonly sql: SqlDatabase,
    private readonly schema: Schema,
    private readonly naming: Naming,
    private readonly clock: Clock,
  ) {
    this.validator = new Validator(sql)
  }

  private parentDoctype(doctype: string): DoctypeMeta {
    const meta = this.schema.require(doctype)
    // Child rows only exist inside their parent; Frappe refuses to handle them on their own too.
    if (meta.istable) throw validationError(`${doctype} is a child table; read or write it through its parent document`)
    return meta
  }

  private storedRow(meta: DoctypeMeta, name: string): Row {
    const row = this.sql.prepare(`SELECT * FROM ${meta.table} WHERE "name" = ?`).get(name) as Row | undefined
    if (!row) throw notFound(meta.name, name)
    return row
  }

  // ---- reads ---------------------------------------------------------------------------------

  get(doctype: string, name: string): Doc {
    const meta = this.parentDoctype(doctype)
    const doc = withoutNulls(this.storedRow(meta, name), meta.name)
    delete doc.doctype // re-added last, after the child tables, as Frappe orders it
    for (const { field, child } of meta.tableFields) {
      const rows = this.sql
        .prepare(
          `SELECT * FROM ${child.table} WHERE "parent" = ? AND "parenttype" = ? AND "parentfield" = ? ORDER BY "idx"`,
        )
        .all(name, meta.name, field.fieldname) as Row[]
      doc[field.fieldname] = rows.map((r) => withoutNulls(r, child.name))
    }
    doc.doctype = meta.name
    return doc
  }

  list(doctype: string, params: Params): unknown[] {
    const meta = this.parentDoctype(doctype)
    const query = parseListQuery(this.schema, meta, params)
    const { sql, binds } = selectSql(meta, query)
    const stmt = this.sql.prepare(sql)
    return query.asDict ? stmt.raw(false).all(...binds) : stmt.raw(true).all(...binds)
  }

  count(doctype: string, params: Params): number {
    const meta = this.parentDoctype(doctype)
    const where = buildWhere(this.schema, meta, jsonParam(params, 'filters'), jsonParam(params, 'or_filters'))
    const row = this.sql.prepare(`SELECT COUNT(*) AS n FROM ${meta.table} ${where.sql}`).get(...where.binds) as {
      n: number
    }
    return row.n
  }

  // ---- writes --------------------------------------------------------------------------------

  insert(doctype: string, body: unknown): Doc {
    const meta = this.parentDoctype(doctype)
    const change = readChange(meta, body)
    const values = withDefaults(meta, change.values)
    // Frappe ignores a client-sent name unless the doctype is named by prompt (none here).
    const tables = new Map(
      meta.tableFields.map(({ field }) => [field.fieldname, change.tables.get(field.fieldname) ?? []]),
    )
    const name = this.sql.transaction(() => {
      this.validator.validate(meta, null, values, Object.keys(values), tables, (d) => this.schema.require(d))
      const name = this.naming.newName(meta, values)
      if (this.validator.exists(meta, name))
        throw new FrappeError('DuplicateEntryError', `${meta.name} ${name} already exists`)
      const now = this.clock.timestamp()
      const row: Row = {
        name,
        owner: ADMIN,
        creation: now,
        modified: now,
        modified_by: ADMIN,
        docstatus: 0,
        idx: 0,
        ...values,
      }
      this.sql.prepare(insertSql(meta)).run(...meta.columns.map((c) => row[c.name] ?? null))
      for (const [fieldname, rows] of tables) this.writeRows(meta, name, fieldname, rows, now, new Map())
      return name
    })
    return this.get(meta.name, name)
  }

  update(doctype: string, name: string, body: unknown): Doc {
    const meta = this.parentDoctype(doctype)
    const change = readChange(meta, body)
    this.sql.transaction(() => {
      const stored = this.storedRow(meta, name)
      if (change.name !== undefined && change.name !== null && change.name !== name) {
        throw validationError(`The name of ${meta.name} ${name} cannot be changed by an update`)
      }
      if (change.modified !== undefined && change.modified !== stored.modified) {
        throw new FrappeError(
          'TimestampMismatchError',
          `Error: Document has been modified after you have opened it (${change.modified}, ${String(stored.modified)}). Please refresh to get the latest document.`,
        )
      }
      const merged: DocValues = {}
      for (const f of meta.dataFields)
        merged[f.fieldname] = f.fieldname in change.values ? change.values[f.fieldname] : stored[f.fieldname]
      this.validator.validate(meta, name, merged, Object.keys(change.values), change.tables, (d) =>
        this.schema.require(d),
      )
      const now = this.clock.timestamp()
      const sets = { ...change.values, modified: now, modified_by: ADMIN }
      const cols = Object.keys(sets)
      this.sql
        .prepare(`UPDATE ${meta.table} SET ${cols.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE "name" = ?`)
        .run(...cols.map((c) => sets[c as keyof typeof sets] ?? null), name)
      for (const [fieldname, rows] of change.tables) {
        const child = this.childOf(meta, fieldname)
        const kept = new Map(
          (
            this.sql
              .prepare(
                `SELECT "name", "owner", "creation" FROM ${child.table} WHERE "parent" = ? AND "parenttype" = ? AND "parentfield" = ?`,
              )
              .all(name, meta.name, fieldname) as Row[]
          ).map((r) => [String(r.name), r]),
        )
        this.sql
          .prepare(`DELETE FROM ${child.table} WHERE "parent" = ? AND "parenttype" = ? AND "parentfield" = ?`)
          .run(name, meta.name, fieldname)
        this.writeRows(meta, name, fieldname, rows, now, kept)
      }
    })
    return this.get(meta.name, name)
  }

  delete(doctype: string, name: string): void {
    const meta = this.parentDoctype(doctype)
    this.sql.transaction(() => {
      this.storedRow(meta, name)
      this.refuseIfLinked(meta, name)
      for (const { field, child } of meta.tableFields) {
        this.sql
          .prepare(`DELETE FROM ${child.table} WHERE "parent" = ? AND "parenttype" = ? AND "parentfield" = ?`)
          .run(name, meta.name, field.fieldname)
      }
      this.sql.prepare(`DELETE FROM ${meta.table} WHERE "name" = ?`).run(name)
    })
  }

  /** Frappe's LinkExistsError: a document others point at cannot be deleted. */
  private refuseIfLinked(meta: DoctypeMeta, name: string): void {
    for (const link of meta.incomingLinks) {
      const source = this.schema.require(link.doctype)
      const sql = link.viaChild
        ? `SELECT "parenttype" AS doctype, "parent" AS name FROM ${source.table} WHERE ${quoteIdent(link.fieldname)} = ? LIMIT 1`
        : `SELECT ? AS doctype, "name" FROM ${source.table} WHERE ${quoteIdent(link.fieldname)} = ? LIMIT 1`
      const hit = (link.viaChild ? this.sql.prepare(sql).get(name) : this.sql.prepare(sql).get(source.name, name)) as
        { doctype: string; name: string } | undefined
      if (hit) {
        throw new FrappeError(
          'LinkExistsError',
          `Cannot delete or cancel because ${meta.name} ${name} is linked with ${hit.doctype} ${hit.name}`,
        )
      }
    }
  }

  private childOf(meta: DoctypeMeta, fieldname: string): DoctypeMeta {
    return meta.tableFields.find((t) => t.field.fieldname === fieldname)!.child
  }

  /** Writes a child table's rows; a row keeps its name (and creation) when it already belonged here. */
  private writeRows(
    meta: DoctypeMeta,
    parent: string,
    fieldname: string,
    rows: ChildRowInput[],
    now: string,
    kept: Map<string, Row>,
  ): void {
    const child = this.childOf(meta, fieldname)
    const stmt = this.sql.prepare(insertSql(child))
    rows.forEach((r, i) => {
      const previous = r.name === null ? undefined : kept.get(r.name)
      const row: Row = {
        name: previous ? r.name : randomName(),
        owner: previous?.owner ?? ADMIN,
        creation: previous?.creation ?? now,
        modified: now,
        modified_by: ADMIN,
        docstatus: 0,
        idx: i + 1,
        parent,
        parentfield: fieldname,
        parenttype: meta.name,
        ...r.values,
      }
      stmt.run(...child.columns.map((c) => row[c.name] ?? null))
    })
  }

  // ---- bulk import ---------------------------------------------------------------------------

  /** The seed's bulk import: see bulkImport.ts. */
  insertMany(doctype: string, docs: Record<string, unknown>[]): void {
    importDocuments(this.sql, this.naming, this.clock.timestamp(), this.schema.require(doctype), docs)
  }
}
