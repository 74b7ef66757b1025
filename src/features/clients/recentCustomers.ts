/**
 * The customers a staff member opened lately, newest first, kept per user (keyed by e-mail) in
 * this browser, so a shared workstation does not show one CSR's calls to another.
 */
export interface RecentCustomer {
  customer: string
  customerName: string
  openedAt: string
}

const MAX = 8
const keyFor = (email: string) => `ops.clients.recent.${email.toLowerCase()}`

export function recentCustomers(email: string, storage: Storage = localStorage): RecentCustomer[] {
  try {
    const raw: unknown = JSON.parse(storage.getItem(keyFor(email)) ?? '[]')
    return Array.isArray(raw)
      ? (raw as RecentCustomer[]).filter((r) => typeof r?.customer === 'string').slice(0, MAX)
      : []
  } catch {
    return []
  }
}

export function rememberCustomer(
  email: string,
  entry: Omit<RecentCustomer, 'openedAt'>,
  storage: Storage = localStorage,
  now = new Date(),
): RecentCustomer[] {
  const list = [
    { ...entry, openedAt: now.toISOString() },
    ...recentCustomers(email, storage).filter((r) => r.customer !== entry.customer),
  ].slice(0, MAX)
  try {
    storage.setItem(keyFor(email), JSON.stringify(list))
  } catch {
    // private mode: the list lasts for this visit only
  }
  return list
}

export function forgetRecentCustomers(email: string, storage: Storage = localStorage): void {
  try {
    storage.removeItem(keyFor(email))
  } catch {
    // nothing stored, nothing to forget
  }
}
