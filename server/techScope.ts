/**
 * What a technician may reach: their own jobs, and the customers and locations those jobs link
 * to. Looked up with the service token and kept for a few seconds, because a tablet asks for
 * several documents in a row.
 */
import type { ErpClient } from './upstream/erp'
import type { RequestUser } from './session'

export interface TechScope {
  technician: string | null
  jobs: string[]
  locations: string[]
  customers: string[]
}

export interface TechScopes {
  of(user: RequestUser): Promise<TechScope>
  technicianFor(email: string): Promise<string | null>
  invalidate(): void
}

const TTL_MS = 10_000

export function createTechScopes(erp: ErpClient, now: () => number = Date.now): TechScopes {
  const technicians = new Map<string, { at: number; value: Promise<string | null> }>()
  const scopes = new Map<string, { at: number; value: Promise<TechScope> }>()

  function cached<T>(
    map: Map<string, { at: number; value: Promise<T> }>,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const hit = map.get(key)
    if (hit && now() - hit.at < TTL_MS) return hit.value
    const value = load()
    map.set(key, { at: now(), value })
    value.catch(() => map.delete(key))
    return value
  }

  async function technicianFor(email: string): Promise<string | null> {
    return cached(technicians, email, async () => {
      const rows = await erp.list<{ name: string }>('Technician', {
        fields: ['name'],
        filters: [['email', '=', email]],
        limit: 1,
      })
      return rows[0]?.name ?? null
    })
  }

  return {
    technicianFor,
    of(user) {
      return cached(scopes, user.email, async () => {
        const technician = await technicianFor(user.email)
        if (!technician) return { technician: null, jobs: [], locations: [], customers: [] }
        const jobs = await erp.list<{ name: string; service_location?: string; customer?: string }>('Dispatch Job', {
          fields: ['name', 'service_location', 'customer'],
          filters: [['technician', '=', technician]],
        })
        const locations = [...new Set(jobs.map((j) => j.service_location).filter((x): x is string => !!x))]
        const customers = [...new Set(jobs.map((j) => j.customer).filter((x): x is string => !!x))]
        return { technician, jobs: jobs.map((j) => j.name), locations, customers }
      })
    },
    invalidate() {
      scopes.clear()
    },
  }
}
