/**
 * The shapes the generator emits: the contract's document types, with `creation` and `modified`
 * always set, as plain object types so a list of them is a `Record<string, unknown>[]`.
 */
import type {
  Communication, Customer, DispatchJob, ErpUser, Issue, SalesInvoice, ServiceEquipment,
  ServiceLocation, Subscription, Tag, Technician,
} from '../../../src/contracts/doctypes'

type Plain<T> = { [K in keyof T]: T[K] }
type Seeded<T> = Plain<T & { name: string; creation: string; modified: string }>

export type TagDoc = Seeded<Tag>
export type TechnicianDoc = Seeded<Technician>
export type CustomerDoc = Seeded<Customer>
export type LocationDoc = Seeded<ServiceLocation>
export type SubscriptionDoc = Seeded<Subscription>
export type IssueDoc = Seeded<Issue>
export type EquipmentDoc = Seeded<ServiceEquipment>
export type JobDoc = Seeded<DispatchJob>
export type InvoiceDoc = Seeded<SalesInvoice>
export type CommunicationDoc = Seeded<Communication>
export type UserDoc = Seeded<ErpUser>

/** A document before it is named: the generator names each doctype once all of it exists. */
export interface Stampable { name: string; creation: string }

/**
 * Names documents as Frappe's naming series would have when they were inserted: in creation order,
 * one counter per prefix (a `YYYY` series restarts every year). Returns the documents in that order.
 */
export function nameInCreationOrder<T extends Stampable>(
  docs: T[], prefixFor: (creation: string) => string, digits = 5,
): T[] {
  const sorted = docs.slice().sort((a, b) => (a.creation < b.creation ? -1 : a.creation > b.creation ? 1 : 0))
  const counters = new Map<string, number>()
  for (const doc of sorted) {
    const prefix = prefixFor(doc.creation)
    const n = (counters.get(prefix) ?? 0) + 1
    counters.set(prefix, n)
    doc.name = prefix + String(n).padStart(digits, '0')
  }
  return sorted
}

/** `ACC-SUB-.YYYY.-.#####` → "ACC-SUB-2026-": the year is the one the document was created in. */
export const yearly = (prefix: string) => (creation: string): string => `${prefix}-${creation.slice(0, 4)}-`
