/** The BFF routes Paramètres reads and writes, typed once here. */
import { api } from 'src/api/http'
import { erp } from 'src/api/erp'
import type { CapabilityTable, JournalPage } from 'src/contracts/settings'

/** GET /auth/users on the hub (HUB.md). */
export interface StaffUser {
  username: string
  email: string
  name: string
  groups: string[]
  active: boolean
}

export const settingsApi = {
  users: (signal?: AbortSignal) => api<StaffUser[]>('/hub/auth/users', { signal }),
  invite: (body: Record<string, unknown>) => api<unknown>('/hub/auth/users', { method: 'POST', body }),
  capabilities: (signal?: AbortSignal) => api<CapabilityTable>('/capabilities', { signal }),
  journal: (
    query: { q?: string; actor?: string; action?: string; limit?: number; before?: string },
    signal?: AbortSignal,
  ) => {
    const q: Record<string, string> = {}
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q[k] = String(v)
    return api<JournalPage>('/audit', { query: q, signal })
  },
}

export interface TagUse {
  count: number
  names: string[]
}
export interface TagUsage {
  technicians: TagUse
  jobs: TagUse
}

const SAMPLE = 5

/** Where a tag is used: how many technicians and jobs carry it, and the first few of each. */
export async function tagUsage(tag: string): Promise<TagUsage> {
  const techFilter = [['Technician Tag', 'tag', '=', tag]]
  const jobFilter = [['Dispatch Job Tag', 'tag', '=', tag]]
  const [techCount, techs, jobCount, jobs] = await Promise.all([
    erp.count('Technician', techFilter),
    erp.list<{ name: string; full_name: string }>('Technician', {
      fields: ['name', 'full_name'],
      filters: techFilter,
      limit: SAMPLE,
      orderBy: 'full_name asc',
    }),
    erp.count('Dispatch Job', jobFilter),
    erp.list<{ name: string }>('Dispatch Job', {
      fields: ['name'],
      filters: jobFilter,
      limit: SAMPLE,
      orderBy: 'scheduled_start desc',
    }),
  ])
  return {
    technicians: { count: techCount, names: techs.map((t) => `${t.full_name} (${t.name})`) },
    jobs: { count: jobCount, names: jobs.map((j) => j.name) },
  }
}
