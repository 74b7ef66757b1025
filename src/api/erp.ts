/**
 * ERPNext through the BFF, in Frappe's REST v1 shape: lists, documents, writes with the
 * document's `modified` so a stale edit is refused rather than silently overwriting a colleague's.
 */
import { ERP_PAGE_CAP } from '../contracts/limits'
import { api } from './http'

export type Filters = Record<string, unknown> | unknown[][]

export interface ListParams {
  fields?: string[]
  filters?: Filters
  orFilters?: Filters
  orderBy?: string
  limit?: number
  start?: number
}

const resource = (doctype: string, name?: string) =>
  `/erp/resource/${encodeURIComponent(doctype)}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`

export const erp = {
  /** `limit: 0` reads every row, page by page (the BFF returns at most ERP_PAGE_CAP rows at once). */
  async list<T>(doctype: string, p: ListParams = {}, signal?: AbortSignal): Promise<T[]> {
    const wanted = p.limit ?? 20
    const query: Record<string, string> = { fields: JSON.stringify(p.fields ?? ['name']) }
    if (p.filters) query.filters = JSON.stringify(p.filters)
    if (p.orFilters) query.or_filters = JSON.stringify(p.orFilters)
    if (p.orderBy) query.order_by = p.orderBy
    const rows: T[] = []
    let start = p.start ?? 0
    for (;;) {
      const page = wanted === 0 ? ERP_PAGE_CAP : Math.min(ERP_PAGE_CAP, wanted - rows.length)
      const pageQuery = { ...query, limit_page_length: String(page), ...(start ? { limit_start: String(start) } : {}) }
      const { data } = await api<{ data: T[] }>(resource(doctype), { query: pageQuery, signal })
      rows.push(...data)
      start += data.length
      if (data.length < page || (wanted !== 0 && rows.length >= wanted)) return rows
    }
  },
  async get<T>(doctype: string, name: string, signal?: AbortSignal): Promise<T> {
    return (await api<{ data: T }>(resource(doctype, name), { signal })).data
  },
  async count(doctype: string, filters?: Filters): Promise<number> {
    return (
      await api<{ message: number }>('/erp/method/frappe.client.get_count', {
        method: 'POST',
        body: { doctype, filters: filters ?? [] },
      })
    ).message
  },
  async insert<T>(doctype: string, doc: Record<string, unknown>): Promise<T> {
    return (await api<{ data: T }>(resource(doctype), { method: 'POST', body: doc })).data
  },
  /** Pass the `modified` you read: ERPNext refuses the write (TimestampMismatchError) if it changed since. */
  async update<T>(doctype: string, name: string, changes: Record<string, unknown>): Promise<T> {
    return (await api<{ data: T }>(resource(doctype, name), { method: 'PUT', body: changes })).data
  },
  async remove(doctype: string, name: string): Promise<void> {
    await api(resource(doctype, name), { method: 'DELETE' })
  },
}
