/**
 * How live events reach an open board: each names one job, which is read again and patched in,
 * and a deleted job leaves. A patch that cannot be applied (the job could not be read, or not
 * made into a board job) would leave the board quietly wrong, so the whole board is read again
 * instead. Reloads run one at a time: a need that arises while one is on its way is met by one
 * more after it, since the one on its way may have read the board before the change. Pure: the
 * board and the reload are passed in.
 */

export interface LivePatchTarget {
  /** Reads one job again and patches it in; rejects when that cannot be done. */
  refreshJob(name: string, modified?: string): Promise<void>
  drop(name: string): void
}

export function createLivePatches(board: LivePatchTarget, reload: () => Promise<void>) {
  let reloading: Promise<void> | null = null
  let again = false

  /** Reads the whole board again; resolves once it is current. */
  function resync(): Promise<void> {
    if (reloading) {
      again = true
      return reloading
    }
    const run = async () => {
      try {
        do {
          again = false
          // A reload that fails shows the board's own error and its retry button.
          await reload().catch(() => undefined)
        } while (again)
      } finally {
        reloading = null
      }
    }
    reloading = run()
    return reloading
  }

  /** One job changed (or was deleted) upstream; resolves once the board shows it. */
  function onChange(name: string | undefined, modified?: string, action?: string): Promise<void> {
    if (!name) return Promise.resolve()
    if (action === 'delete') {
      board.drop(name)
      return Promise.resolve()
    }
    return board.refreshJob(name, modified).catch(() => resync())
  }

  return { onChange, resync }
}

/** An event naming one document (a job, or what the hub says of one). */
export interface DocumentEvent {
  data: unknown
}

/**
 * The newest of each document's events, in the order of those newest ones: a board caught up after
 * a while away reads each changed job once, as its last event says, however many times it changed.
 */
export function newestPerDocument<E extends DocumentEvent>(events: readonly E[]): E[] {
  const newest = new Map<string, E>()
  for (const e of events) {
    const data = e.data as { doctype?: string; name?: string } | null
    if (!data?.name) continue
    const key = `${data.doctype ?? 'Dispatch Job'}|${data.name}`
    newest.delete(key)
    newest.set(key, e)
  }
  return [...newest.values()]
}

/**
 * What one live event asks of a board: a job read again, a technician's row, the tags, a
 * customer's name, or the whole board.
 */
export type BoardChange =
  | { kind: 'job'; name: string; modified?: string; action?: string }
  | { kind: 'technician'; name: string; action?: string }
  | { kind: 'tags' }
  | { kind: 'customer'; name: string }
  | { kind: 'reload' }

/**
 * What a live event changes on a board, or null when it changes nothing shown there. A job's
 * event names the job. A technician's (added, renamed, their shift or tags, deleted) names their
 * row, read again alone. A tag added or edited (its colour, its category) has the tags read again;
 * one deleted or renamed may change the tags of any job or technician, so the board is read again
 * (the BFF answers from the board it keeps current). A customer's event may rename the customer
 * on their jobs.
 */
export function boardChangeOf(e: { type: string; data: unknown }): BoardChange | null {
  const data = (e.data ?? {}) as { doctype?: unknown; name?: unknown; modified?: unknown; action?: unknown }
  const name = typeof data.name === 'string' && data.name ? data.name : null
  const modified = typeof data.modified === 'string' ? data.modified : undefined
  const action = typeof data.action === 'string' ? data.action : undefined
  if (e.type === 'job.updated') return name ? { kind: 'job', name, modified } : null
  if (e.type !== 'doc_update') return null
  switch (data.doctype) {
    case 'Dispatch Job':
      return name ? { kind: 'job', name, modified, action } : null
    case 'Technician':
      return name ? { kind: 'technician', name, action } : { kind: 'reload' }
    case 'Tag':
      return action === 'create' || action === 'update' ? { kind: 'tags' } : { kind: 'reload' }
    case 'Customer':
      return name && action !== 'delete' ? { kind: 'customer', name } : null
    default:
      return null
  }
}
