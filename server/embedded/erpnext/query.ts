/**
 * Frappe's list parameters (fields, filters, or_filters, order_by, limit…) turned into one SQL
 * SELECT. Every identifier is checked against the doctype's columns before it is quoted into the
 * SQL, and every value is a bound parameter, so nothing a client sends is ever SQL text.
 */
import { dataError, validationError } from './errors'
import type { Column, DoctypeMeta, Schema } from './schema'
import { quoteIdent } from './schema'
import { bindable, normalizeDatetime, type SqlValue } from './values'

/** Request parameters after merging query string and body: strings, or already-parsed JSON. */
export type Params = Record<string, unknown>

export interface ListQuery {
  fields: string[]
  where: Where
  orderBy: string
  /** 0 = no limit. */
  limit: number
  start: number
  asDict: boolean
}

export interface Where {
  sql: string
  binds: SqlValue[]
}

/** Reads a JSON parameter that may arrive as text (query string, form) or as JSON already (JSON body). */
export function jsonParam(params: Params, key: string): unknown {
  const raw = params[key]
  if (typeof raw !== 'string') return raw
  if (raw.trim() === '') return undefined
  try {
    return JSON.parse(raw)
  } catch {
    throw validationError(`Invalid JSON in ${key}: ${raw.length > 80 ? raw.slice(0, 80) + '…' : raw}`)
  }
}

function intParam(params: Params, key: string): number | undefined {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return undefined
  const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN
  if (!Number.isSafeInteger(n) || n < 0)
    throw validationError(`${key} must be a non-negative whole number, not ${String(raw)}`)
  return n
}

function boolParam(params: Params, key: string, fallback: boolean): boolean {
  const raw = params[key]
  if (raw === undefined || raw === null || raw === '') return fallback
  return !(raw === false || raw === 0 || raw === '0' || String(raw).toLowerCase() === 'false')
}

/** `name`, `` `name` ``, `tabCustomer.name` or `` `tabCustomer`.`name` `` → the column, checked. */
function resolveColumn(meta: DoctypeMeta, spec: string, where: string): Column {
  const m = /^(?:`?tab([^`.]+)`?\.)?`?([A-Za-z_][A-Za-z0-9_]*)`?$/.exec(spec.trim())
  const column = m && (!m[1] || m[1] === meta.name) ? meta.columnByName.get(m[2]) : undefined
  if (!column) {
    const isTable = meta.tableFields.some((t) => t.field.fieldname === spec)
    throw dataError(
      isTable
        ? `Field ${spec} is a child table of ${meta.name}; child tables are not available in ${where}`
        : `Invalid field name ${JSON.stringify(spec.slice(0, 200))} in ${where}: no such field in ${meta.name}`,
    )
  }
  return column
}

export function parseFields(meta: DoctypeMeta, raw: unknown): string[] {
  if (raw === undefined || raw === null) return ['name']
  const list = typeof raw === 'string' ? [raw] : raw
  if (!Array.isArray(list)) throw validationError('fields must be a JSON list of field names')
  const out: string[] = []
  for (const item of list) {
    if (typeof item !== 'string') throw validationError('fields must be a JSON list of field names')
    const names = item.trim() === '*' ? meta.columns.map((c) => c.name) : [resolveColumn(meta, item, 'fields').name]
    for (const n of names) if (!out.includes(n)) out.push(n)
  }
  return out.length ? out : ['name']
}

/** Frappe's `order_by`: "field [asc|desc], …"; anything else is refused rather than passed to SQL. */
export function parseOrderBy(meta: DoctypeMeta, raw: unknown): string {
  const text = raw === undefined || raw === null ? '' : String(raw).trim()
  if (text === '') return '"creation" DESC, "name" DESC'
  // Split by hand, not by a backtracking pattern: the text comes from the caller and its length
  // must cost linear time.
  const parts = text.split(',').map((piece) => {
    const part = piece.trim()
    const space = Math.max(part.lastIndexOf(' '), part.lastIndexOf('\t'), part.lastIndexOf('\n'))
    const last = space >= 0 ? part.slice(space + 1).toLowerCase() : ''
    const hasDir = last === 'asc' || last === 'desc'
    const field = hasDir ? part.slice(0, space).trim() : part
    if (!field) throw dataError(`Invalid order_by: ${text.slice(0, 200)}`)
    const column = resolveColumn(meta, field, 'order_by')
    return { column: column.name, dir: hasDir ? last.toUpperCase() : 'ASC' }
  })
  // A unique last key keeps pages stable when the sort field has ties.
  if (!parts.some((p) => p.column === 'name')) parts.push({ column: 'name', dir: parts[0].dir })
  return parts.map((p) => `${quoteIdent(p.column)} ${p.dir}`).join(', ')
}

// ---- filters --------------------------------------------------------------------------------

interface FilterRow {
  doctype: string | null
  field: string
  op: string
  value: unknown
}

function filterRows(raw: unknown, key: string): FilterRow[] {
  if (raw === undefined || raw === null) return []
  if (Array.isArray(raw)) {
    return raw.map((row) => {
      if (!Array.isArray(row)) throw validationError(`Each item of ${key} must be a list [field, operator, value]`)
      if (row.length === 4) return { doctype: String(row[0]), field: String(row[1]), op: String(row[2]), value: row[3] }
      if (row.length === 3) return { doctype: null, field: String(row[0]), op: String(row[1]), value: row[2] }
      if (row.length === 2) return { doctype: null, field: String(row[0]), op: '=', value: row[1] }
      throw validationError(`A filter in ${key} has ${row.length} items; expected [field, operator, value]`)
    })
  }
  if (typeof raw === 'object') {
    return Object.entries(raw as Record<string, unknown>).map(([field, cond]) =>
      Array.isArray(cond)
        ? { doctype: null, field, op: String(cond[0]), value: cond[1] }
        : { doctype: null, field, op: '=', value: cond },
    )
  }
  throw validationError(`${key} must be a JSON object or list`)
}

/**
 * A datetime stored without fraction ("A") and one with a zero fraction ("A.000000") are the same
 * instant but different text; bounds are chosen so both compare as equal.
 */
function datetimeForms(value: string): { low: string; high: string } {
  const canonical = normalizeDatetime(value) ?? value
  const base = canonical.endsWith('.000000') ? canonical.slice(0, -7) : canonical
  return base.length === 19 ? { low: base, high: `${base}.000000` } : { low: canonical, high: canonical }
}

function datetimeValue(column: Column, value: SqlValue, endOfDay = false): SqlValue {
  if (column.fieldtype !== 'Datetime' || typeof value !== 'string') return value
  // A date alone means the whole day, as Frappe's between does for Datetime fields.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return `${value.trim()} ${endOfDay ? '23:59:59.999999' : '00:00:00'}`
  return value
}

function listValues(value: unknown, field: string): SqlValue[] {
  const items = typeof value === 'string' ? value.split(',') : value
  if (!Array.isArray(items))
    throw validationError(`The value for "in" on ${field} must be a list or comma-separated text`)
  return items.map((v) => {
    const b = bindable(v, field)
    return typeof b === 'string' ? b.trim() : b
  })
}

const isEmpty = (v: SqlValue) => v === null || v === ''

function condition(col: string, column: Column, rawOp: string, rawValue: unknown, binds: SqlValue[]): string {
  const op = rawOp.trim().toLowerCase().replace(/\s+/g, ' ')
  const isDatetime = column.fieldtype === 'Datetime'
  const notSet = `(${col} IS NULL OR ${col} = '')`
  const set = `(${col} IS NOT NULL AND ${col} != '')`
  switch (op) {
    case '=':
    case '!=':
    case '<>': {
      const v = datetimeValue(column, bindable(rawValue, column.name))
      const negate = op !== '='
      // Frappe compares with ifnull(col, ''): "= ''" finds unset rows, "!= x" includes them.
      if (isEmpty(v)) return negate ? set : notSet
      if (isDatetime && typeof v === 'string') {
        const { low, high } = datetimeForms(v)
        binds.push(low, high)
        return negate ? `(${col} IS NULL OR ${col} NOT IN (?, ?))` : `${col} IN (?, ?)`
      }
      binds.push(v)
      return negate ? `(${col} IS NULL OR ${col} != ?)` : `${col} = ?`
    }
    case '>':
    case '<':
    case '>=':
    case '<=': {
      let v = datetimeValue(column, bindable(rawValue, column.name))
      if (isDatetime && typeof v === 'string') {
        const { low, high } = datetimeForms(v)
        v = op === '>=' || op === '<' ? low : high
      }
      binds.push(v)
      return `${col} ${op} ?`
    }
    case 'like':
    case 'not like': {
      binds.push(bindable(rawValue, column.name))
      return op === 'like' ? `${col} LIKE ? ESCAPE '\\'` : `(${col} IS NULL OR ${col} NOT LIKE ? ESCAPE '\\')`
    }
    case 'in':
    case 'not in': {
      const values = listValues(rawValue, column.name)
      const withEmpty = values.some(isEmpty)
      const present = values.filter((v) => !isEmpty(v))
      // As Frappe: an empty list means [''], so "in []" finds unset rows and "not in []" all but those.
      if (values.length === 0) return op === 'in' ? notSet : set
      binds.push(...present)
      const list = `${col} IN (${present.map(() => '?').join(', ')})`
      if (op === 'in') return withEmpty ? (present.length ? `(${list} OR ${notSet})` : notSet) : list
      return withEmpty ? (present.length ? `(${set} AND NOT ${list})` : set) : `(${col} IS NULL OR NOT ${list})`
    }
    case 'is': {
      const v = String(rawValue).toLowerCase()
      if (v === 'set') return set
      if (v === 'not set') return notSet
      throw validationError(`The value for "is" on ${column.name} must be "set" or "not set"`)
    }
    case 'between': {
      const pair = typeof rawValue === 'string' ? rawValue.split(',') : rawValue
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw validationError(`The value for "between" on ${column.name} must be [from, to]`)
      }
      let from = datetimeValue(column, bindable(pair[0], column.name))
      let to = datetimeValue(column, bindable(pair[1], column.name), true)
      if (isDatetime && typeof from === 'string') from = datetimeForms(from).low
      if (isDatetime && typeof to === 'string') to = datetimeForms(to).high
      binds.push(from, to)
      return `${col} BETWEEN ? AND ?`
    }
    default:
      throw validationError(`Unsupported filter operator "${rawOp}" on ${column.name}`)
  }
}

function rowSql(schema: Schema, meta: DoctypeMeta, row: FilterRow, binds: SqlValue[]): string {
  if (row.doctype === null || row.doctype === meta.name) {
    const column = resolveColumn(meta, row.field, 'filters')
    return condition(`${meta.table}.${quoteIdent(column.name)}`, column, row.op, row.value, binds)
  }
  // A filter on a child table (e.g. Dispatch Job Tag.tag): the document matches if one of its rows does.
  const table = meta.tableFields.find((t) => t.child.name === row.doctype)
  if (!table) {
    throw dataError(
      schema.get(row.doctype)
        ? `Cannot filter ${meta.name} on ${row.doctype}: it is not a child table of ${meta.name}`
        : `DocType ${row.doctype} not found in filters`,
    )
  }
  const column = resolveColumn(table.child, row.field, 'filters')
  const inner = condition(`c.${quoteIdent(column.name)}`, column, row.op, row.value, binds)
  binds.push(meta.name, table.field.fieldname)
  // Probe the child rows through their parent index (schema.ts names it idx_<child>_parent_parentfield_idx):
  // without statistics SQLite may pick the index on the filtered field and scan every row carrying that
  // value once per document — minutes for 20,000 jobs filtered on a common tag.
  const parentIndex = quoteIdent(`idx_${table.child.name}_parent_parentfield_idx`.replace(/\s+/g, '_'))
  return `EXISTS (SELECT 1 FROM ${table.child.table} c INDEXED BY ${parentIndex} WHERE ${inner} AND c."parent" = ${meta.table}."name" AND c."parenttype" = ? AND c."parentfield" = ?)`
}

/** `filters` are AND-ed, `or_filters` OR-ed, and the two groups AND-ed together, as in Frappe. */
export function buildWhere(schema: Schema, meta: DoctypeMeta, filters: unknown, orFilters: unknown): Where {
  const binds: SqlValue[] = []
  const all = filterRows(filters, 'filters').map((r) => rowSql(schema, meta, r, binds))
  const any = filterRows(orFilters, 'or_filters').map((r) => rowSql(schema, meta, r, binds))
  if (any.length) all.push(`(${any.join(' OR ')})`)
  return { sql: all.length ? `WHERE ${all.join(' AND ')}` : '', binds }
}

export function parseListQuery(schema: Schema, meta: DoctypeMeta, params: Params): ListQuery {
  if (params.group_by !== undefined && params.group_by !== null && params.group_by !== '') {
    throw validationError('group_by is not supported by the embedded ERPNext')
  }
  return {
    fields: parseFields(meta, jsonParam(params, 'fields')),
    where: buildWhere(schema, meta, jsonParam(params, 'filters'), jsonParam(params, 'or_filters')),
    orderBy: parseOrderBy(meta, params.order_by),
    limit: intParam(params, 'limit') ?? intParam(params, 'limit_page_length') ?? 20,
    start: intParam(params, 'limit_start') ?? intParam(params, 'start') ?? 0,
    asDict: boolParam(params, 'as_dict', true),
  }
}

export function selectSql(meta: DoctypeMeta, q: ListQuery): { sql: string; binds: SqlValue[] } {
  const cols = q.fields.map((f) => `${meta.table}.${quoteIdent(f)}`).join(', ')
  return {
    sql: `SELECT ${cols} FROM ${meta.table} ${q.where.sql} ORDER BY ${q.orderBy} LIMIT ? OFFSET ?`,
    binds: [...q.where.binds, q.limit === 0 ? -1 : q.limit, q.start],
  }
}
