/**
 * The SQLite shape of the doctypes, derived once from the shared contract (DOCTYPES): one table
 * per doctype named like Frappe's ("tabDispatch Job"), standard columns, child tables with
 * parent/parentfield/parenttype, and the reverse-link map used to refuse deleting a linked doc.
 */
import type Database from 'better-sqlite3'
import {
  DOCTYPES,
  STANDARD_FIELDS,
  type DoctypeDef,
  type FieldDef,
  type FieldType,
} from '../../../src/contracts/doctypes'
import { FrappeError } from './errors'

export interface Column {
  name: string
  fieldtype: FieldType
  /** The contract's definition; absent for standard columns. */
  field?: FieldDef
}

/** A document or child row that points at a doctype, for the "is it still linked?" check. */
export interface IncomingLink {
  doctype: string
  fieldname: string
  /** Set when the linking row lives in a child table: the parent is what gets reported. */
  viaChild?: boolean
}

export interface DoctypeMeta {
  def: DoctypeDef
  name: string
  /** Quoted SQL identifier, e.g. "tabDispatch Job". */
  table: string
  istable: boolean
  /** Every stored column in `SELECT *` order: standard ones, then the doctype's own. */
  columns: Column[]
  columnByName: ReadonlyMap<string, Column>
  /** Own, non-table fields. */
  dataFields: FieldDef[]
  /** Table fields, each with the child doctype it holds. */
  tableFields: { field: FieldDef; child: DoctypeMeta }[]
  incomingLinks: IncomingLink[]
}

export const CHILD_STANDARD = ['parent', 'parentfield', 'parenttype'] as const

const STANDARD_TYPES: Record<string, FieldType> = {
  name: 'Data',
  owner: 'Data',
  creation: 'Datetime',
  modified: 'Datetime',
  modified_by: 'Data',
  docstatus: 'Int',
  idx: 'Int',
  parent: 'Data',
  parentfield: 'Data',
  parenttype: 'Data',
}

export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`

function sqlType(fieldtype: FieldType): string {
  switch (fieldtype) {
    case 'Int':
    case 'Check':
      return 'INTEGER'
    case 'Float':
    case 'Currency':
      return 'REAL'
    default:
      return 'TEXT'
  }
}

export function humanLabel(fieldname: string): string {
  return fieldname
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ')
    .replace(/\bId\b/, 'ID')
}

export class Schema {
  private readonly metas = new Map<string, DoctypeMeta>()

  constructor(defs: readonly DoctypeDef[] = DOCTYPES) {
    // Children first so parents can reference their meta.
    const ordered = [...defs].sort((a, b) => Number(!!b.istable) - Number(!!a.istable))
    for (const def of ordered) this.metas.set(def.name, this.build(def))
    for (const meta of this.metas.values()) {
      for (const f of meta.dataFields) {
        if (f.fieldtype !== 'Link' || !f.options) continue
        this.metas
          .get(f.options)
          ?.incomingLinks.push({ doctype: meta.name, fieldname: f.fieldname, viaChild: meta.istable })
      }
    }
  }

  private build(def: DoctypeDef): DoctypeMeta {
    const standard = def.istable ? [...STANDARD_FIELDS, ...CHILD_STANDARD] : [...STANDARD_FIELDS]
    const dataFields = def.fields.filter((f) => f.fieldtype !== 'Table')
    const columns: Column[] = [
      ...standard.map((name) => ({ name, fieldtype: STANDARD_TYPES[name] })),
      ...dataFields.map((f) => ({ name: f.fieldname, fieldtype: f.fieldtype, field: f })),
    ]
    const tableFields = def.fields
      .filter((f) => f.fieldtype === 'Table')
      .map((field) => {
        const child = this.metas.get(field.options ?? '')
        if (!child)
          throw new Error(`Doctype ${def.name}: table field ${field.fieldname} has no child doctype ${field.options}`)
        return { field, child }
      })
    return {
      def,
      name: def.name,
      table: quoteIdent(`tab${def.name}`),
      istable: !!def.istable,
      columns,
      columnByName: new Map(columns.map((c) => [c.name, c])),
      dataFields,
      tableFields,
      incomingLinks: [],
    }
  }

  get(doctype: string): DoctypeMeta | undefined {
    return this.metas.get(doctype)
  }

  /** The doctype, or the 404 Frappe gives for an unknown one. */
  require(doctype: string): DoctypeMeta {
    const meta = this.metas.get(doctype)
    if (!meta) throw new FrappeError('DoesNotExistError', `DocType ${doctype} not found`)
    return meta
  }

  all(): DoctypeMeta[] {
    return [...this.metas.values()]
  }

  /** Creates missing tables, columns and indexes; safe to run on every start. */
  migrate(db: Database.Database): void {
    db.exec('CREATE TABLE IF NOT EXISTS "tabSeries" (name TEXT PRIMARY KEY, current INTEGER NOT NULL DEFAULT 0)')
    for (const meta of this.metas.values()) {
      const defs = meta.columns.map((c) =>
        c.name === 'name' ? '"name" TEXT PRIMARY KEY' : `${quoteIdent(c.name)} ${sqlType(c.fieldtype)}`,
      )
      db.exec(`CREATE TABLE IF NOT EXISTS ${meta.table} (${defs.join(', ')})`)
      // A contract that gained a field must not require deleting the data directory.
      const existing = new Set((db.pragma(`table_info(${meta.table})`) as { name: string }[]).map((r) => r.name))
      for (const c of meta.columns) {
        if (!existing.has(c.name))
          db.exec(`ALTER TABLE ${meta.table} ADD COLUMN ${quoteIdent(c.name)} ${sqlType(c.fieldtype)}`)
      }
    }
    this.createIndexes(db)
  }

  createIndexes(db: Database.Database): void {
    for (const meta of this.metas.values()) {
      for (const [cols, unique] of indexesFor(meta)) {
        db.exec(
          `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${indexName(meta, cols)} ON ${meta.table} (${cols.map(quoteIdent).join(', ')})`,
        )
      }
    }
  }

  /**
   * Drops the secondary indexes, for a bulk load into empty tables: building an index once from
   * sorted data is cheaper than updating it row by row. `createIndexes` restores them (and a
   * unique index then fails loudly if the loaded data has duplicates).
   */
  dropIndexes(db: Database.Database): void {
    for (const meta of this.metas.values()) {
      for (const [cols] of indexesFor(meta)) db.exec(`DROP INDEX IF EXISTS ${indexName(meta, cols)}`)
    }
  }
}

/**
 * Fields the app filters on beyond links (see DISPATCH.md): the board reads jobs by day,
 * technician and status; the customer search reads by name and phone.
 */
const FILTERED_FIELDS: Record<string, string[]> = {
  'Dispatch Job': ['scheduled_start', 'technician', 'status'],
  Customer: ['customer_name', 'mobile_no'],
  // Frappe indexes `modified` on every table; Parcours reads runs by it (statistics, idle sweep).
  'Agent Flow Run': ['modified', 'status'],
}

const indexName = (meta: DoctypeMeta, cols: string[]) =>
  quoteIdent(`idx_${meta.name}_${cols.join('_')}`.replace(/\s+/g, '_'))

function indexesFor(meta: DoctypeMeta): [string[], boolean][] {
  const out = new Map<string, [string[], boolean]>()
  const add = (cols: string[], unique = false) => out.set(cols.join(','), [cols, unique])
  if (meta.istable) add(['parent', 'parentfield', 'idx'])
  else add(['creation', 'name']) // the default `creation desc` order
  for (const f of meta.dataFields) {
    if (f.fieldtype === 'Link') add([f.fieldname])
    // SQLite unique indexes admit many NULLs, which is "unique when set"; empty values are stored as NULL.
    if (f.unique) add([f.fieldname], true)
  }
  for (const f of FILTERED_FIELDS[meta.name] ?? []) if (!out.has(f)) add([f])
  return [...out.values()]
}
