/**
 * What a technician may reach: their own jobs, and the customers and locations those jobs link
 * to. Looked up with the service token and kept for a few seconds, because a tablet asks for
 * several documents in a row. A job written drops the kept reach of whoever had it and whoever
 * has it now: at once on the replica that wrote it (server/routes/erp.ts), and on every replica as
 * its event comes, which says whose the job now is (server/app.ts, server/events/docEvents.ts).
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
  /**
   * A job was written: the reach of the technician it is given to, and of whoever had it, is
   * looked up again on its next use. Others' kept reach stays.
   */
  forgetJob(job: string, technician?: string | null): void
  /** One staff member's reach is looked up again on its next use (it missed a job of theirs). */
  forget(email: string): void
}

const TTL_MS = 10_000

export function createTechScopes(erp: ErpClient, now: () => number = Date.now): TechScopes {
  const technicians = new Map<string, { at: number; value: Promise<string | null> }>()
  const scopes = new Map<string, { at: number; value: Promise<TechScope> }>()
  /** The kept reaches once looked up, by e-mail: what `forgetJob` searches. */
  const known = new Map<string, TechScope>()

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

  function forget(email: string): void {
    scopes.delete(email)
    known.delete(email)
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
        const scope = { technician, jobs: jobs.map((j) => j.name), locations, customers }
        known.set(user.email, scope)
        return scope
      })
    },
    forgetJob(job, technician) {
      for (const [email, scope] of known)
        if ((technician && scope.technician === technician) || scope.jobs.includes(job)) forget(email)
      // A reach still being looked up may have been read before the write: not kept either.
      for (const email of scopes.keys()) if (!known.has(email)) scopes.delete(email)
    },
    forget,
  }
}
