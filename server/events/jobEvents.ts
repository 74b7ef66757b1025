/**
 * A Dispatch Job's change as the bus carries it. Whose the job now is travels with it, so every
 * replica can tell whose kept reach it changes (server/app.ts) and whether a technician's stream
 * carries it (techEvents.ts) without reading the job again. `technician` is null when the job is
 * no one's, and absent when the publisher does not know (a delete: the job is gone; the hub's
 * job.updated, which changes a status only).
 */
export interface JobUpdate {
  doctype: 'Dispatch Job'
  name: string
  modified: string | null
  action: 'create' | 'update'
  technician: string | null
}

export function jobUpdate(
  doc: { name: string; modified?: unknown; technician?: unknown },
  action: 'create' | 'update',
): JobUpdate {
  return {
    doctype: 'Dispatch Job',
    name: doc.name,
    modified: typeof doc.modified === 'string' ? doc.modified : null,
    action,
    technician: typeof doc.technician === 'string' && doc.technician !== '' ? doc.technician : null,
  }
}

/** Whose the job of an event's data now is: a technician, null (no one's), or undefined (not said). */
export function holderOf(data: unknown): string | null | undefined {
  if (typeof data !== 'object' || data === null || !('technician' in data)) return undefined
  const technician = (data as { technician: unknown }).technician
  return typeof technician === 'string' && technician !== '' ? technician : null
}
