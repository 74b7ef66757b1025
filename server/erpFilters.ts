/**
 * Frappe accepts filters in three shapes; the BFF needs one so it can add its own conditions
 * (a technician's scope) without reinterpreting the user's.
 */
export type FilterRow = [string, string, string, unknown]

export class FilterSyntaxError extends Error {}

/** Normalizes filters (object, list of triples or 4-item rows, or a JSON string of them) to 4-item rows. */
export function normalizeFilters(doctype: string, raw: unknown): FilterRow[] {
  let value = raw
  if (value === undefined || value === null || value === '') return []
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value)
    } catch {
      throw new FilterSyntaxError('filters is not valid JSON')
    }
  }
  if (Array.isArray(value)) {
    return value.map((row) => {
      if (!Array.isArray(row)) throw new FilterSyntaxError('each filter must be a list [field, operator, value]')
      if (row.length === 4) return [String(row[0]), String(row[1]), String(row[2]), row[3]] as FilterRow
      if (row.length === 3) return [doctype, String(row[0]), String(row[1]), row[2]] as FilterRow
      if (row.length === 2) return [doctype, String(row[0]), '=', row[1]] as FilterRow
      throw new FilterSyntaxError('a filter has 3 or 4 items')
    })
  }
  if (value && typeof value === 'object') {
    return Object.entries(value).map(([field, cond]) =>
      Array.isArray(cond)
        ? ([doctype, field, String(cond[0]), cond[1]] as FilterRow)
        : ([doctype, field, '=', cond] as FilterRow),
    )
  }
  throw new FilterSyntaxError('filters must be an object or a list')
}
