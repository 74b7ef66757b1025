/**
 * What a document's change event carries on the bus, beyond its name and version: the links that
 * let each listener decide without reading the document again.
 */

/**
 * A Dispatch Job's change as the bus carries it. Whose the job now is and its customer travel with
 * it, so every replica can tell whose kept reach it changes (server/app.ts), a technician's stream
 * whether it carries it (techEvents.ts), and an open customer file whether it is theirs
 * (src/features/clients/customerFile.ts), without reading the job again. Each is null when the job
 * has none, and absent when the publisher does not know (a delete: the job is gone; the hub's
 * job.updated, which changes a status only).
 */
export interface JobUpdate {
  doctype: 'Dispatch Job'
  name: string
  modified: string | null
  action: 'create' | 'update'
  technician: string | null
  customer: string | null
}

const named = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null)

export function jobUpdate(
  doc: { name: string; modified?: unknown; technician?: unknown; customer?: unknown },
  action: 'create' | 'update',
): JobUpdate {
  return {
    doctype: 'Dispatch Job',
    name: doc.name,
    modified: typeof doc.modified === 'string' ? doc.modified : null,
    action,
    technician: named(doc.technician),
    customer: named(doc.customer),
  }
}

/** Whose the job of an event's data now is: a technician, null (no one's), or undefined (not said). */
export function holderOf(data: unknown): string | null | undefined {
  if (typeof data !== 'object' || data === null || !('technician' in data)) return undefined
  return named((data as { technician: unknown }).technician)
}

/** A document as its event is made from: its name, version, and the links the event carries. */
export interface EventSource {
  name: string
  modified?: unknown
  technician?: unknown
  customer?: unknown
  /** A communication's link: the customer it is about when the doctype is Customer. */
  reference_doctype?: unknown
  reference_name?: unknown
}

/**
 * Any document's change as the bus carries it. A job's is `jobUpdate`; another document's carries
 * its customer when it has that field (a ticket, a location, an equipment, a subscription) or is
 * about a customer (a text, a note), so an open customer file can tell whether it is theirs.
 */
export function docUpdate(doctype: string, doc: EventSource, action: 'create' | 'update') {
  if (doctype === 'Dispatch Job') return jobUpdate(doc, action)
  const customer =
    'customer' in doc
      ? named(doc.customer)
      : doc.reference_doctype === 'Customer'
        ? named(doc.reference_name)
        : undefined
  return {
    doctype,
    name: doc.name,
    modified: typeof doc.modified === 'string' ? doc.modified : null,
    action,
    ...(customer !== undefined ? { customer } : {}),
  }
}
