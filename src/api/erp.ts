/**
 * ERPNext through the BFF, in Frappe's REST v1 shape: lists, documents, writes with the
 * document's `modified` so a stale edit is refused rather than silently overwriting a colleague's.
 */
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
  async list<T>(doctype: string, p: ListParams = {}, signal?: AbortSignal): Promise<T[]> {
    const query: Record<string, string> = {
      fields: JSON.stringify(p.fields ?? ['name']),
      limit_page_length: String(p.limit ?? 20),
    }
    if (p.filters) query.filters = JSON.stringify(p.filters)
    if (p.orFilters) query.or_filters = JSON.stringify(p.orFilters)
    if (p.orderBy) query.order_by = p.orderBy
    if (p.start) query.limit_start = String(p.start)
    return (await api<{ data: T[] }>(resource(doctype), { query, signal })).data
  },
  async get<T>(doctype: string, name: string, signal?: AbortSignal): Promise<T> {
    return (await api<{ data: T }>(resource(doctype, name), { signal })).data
  },
  async count(doctype: string, filters?: Filters): Promise<number> {
    return (await api<{ message: number }>('/erp/method/frappe.client.get_count', {
      method: 'POST',
      body: { doctype, filters: filters ?? [] },
    })).message
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
