/**
 * Which live events a technician's stream carries: only those about their own jobs and what those
 * jobs link to (the customer, the service location, the equipment there), and tags. Everything
 * else — other technicians' jobs, SMS, modem alarms, tickets — is for the office, and a technician
 * never learns of it. Deny by default: an event type not named here is not sent.
 */
import type { BusEvent } from './bus'
import type { ErpClient } from '../upstream/erp'
import type { TechScope } from '../techScope'
import { holderOf } from './docEvents'

/** The ERPNext fields an event needs resolved: one lookup per document version, shared by all streams. */
export interface DocLookup {
  field(doctype: string, name: string, version: string, field: string): Promise<string | null>
}

const MAX_CACHED = 2_000

export function createDocLookup(erp: ErpClient): DocLookup {
  const cache = new Map<string, Promise<Record<string, unknown> | null>>()
  return {
    async field(doctype, name, version, field) {
      const key = `${doctype}\u0000${name}\u0000${version}`
      let doc = cache.get(key)
      if (!doc) {
        doc = erp
          .send('GET', `/api/resource/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`)
          .then((answer) => {
            if (answer.status !== 200) return null
            const data = (JSON.parse(answer.body) as { data?: Record<string, unknown> }).data
            return data ?? null
          })
          .catch(() => null)
        cache.set(key, doc)
        if (cache.size > MAX_CACHED) cache.delete(cache.keys().next().value as string)
      }
      const value = (await doc)?.[field]
      return typeof value === 'string' ? value : null
    },
  }
}

interface DocRef {
  doctype?: unknown
  name?: unknown
  modified?: unknown
}

/**
 * A filter for one technician's stream; `scope` is read again for each event (it is cached a few
 * seconds). `missed` is called when a job of theirs is not in it (given to them through another
 * replica, or since it was looked up): the events after it about that job's customer and location
 * need it looked up again.
 */
export function technicianEvents(
  scope: () => Promise<TechScope>,
  docs: DocLookup,
  missed: () => void = () => undefined,
): (e: BusEvent) => Promise<boolean> {
  // The jobs this stream has known as theirs: the event that takes one off them is theirs to hear,
  // even when their reach was looked up again without it before the event came (through Redis).
  const known = new Set<string>()
  let lastScope: TechScope | null = null
  return async (e) => {
    const data = (e.data ?? {}) as DocRef
    const name = typeof data.name === 'string' ? data.name : null
    if (!name) return false
    const version = typeof data.modified === 'string' ? data.modified : e.id
    const mine = await scope()
    if (mine !== lastScope) {
      lastScope = mine
      for (const job of mine.jobs) known.add(job)
    }
    if (e.type === 'job.updated') return jobConcerns(mine, known, name, version, docs, missed)
    if (e.type !== 'doc_update') return false
    switch (data.doctype) {
      case 'Dispatch Job':
        return jobConcerns(mine, known, name, version, docs, missed, holderOf(data))
      case 'Customer':
        return mine.customers.includes(name)
      case 'Service Location':
        return mine.locations.includes(name)
      case 'Service Equipment': {
        const location = await docs.field('Service Equipment', name, version, 'service_location')
        return location !== null && mine.locations.includes(location)
      }
      case 'Tag':
        return true
      default:
        return false
    }
  }
}

/**
 * A job is theirs if it is now (given to them), or was until this event (taken off them: their day
 * must drop it). Once taken off, its later events are not theirs.
 */
async function jobConcerns(
  mine: TechScope,
  known: Set<string>,
  name: string,
  version: string,
  docs: DocLookup,
  missed: () => void,
  /** Whose the job now is, when the event says (docEvents.ts): no need to read it. */
  holder?: string | null,
): Promise<boolean> {
  if (!mine.technician) return false
  if (mine.jobs.includes(name)) return true
  const now = holder !== undefined ? holder : await docs.field('Dispatch Job', name, version, 'technician')
  if (now === mine.technician) {
    missed()
    return true
  }
  return known.delete(name)
}
