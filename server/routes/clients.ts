/**
 * GET /ops/api/clients/search?q= — the CSR's one search box (capability clients:view). Answers
 * from the in-memory ClientIndex, which is filled from ERPNext on first use and kept current
 * from the bus's doc_update events, so a keystroke costs milliseconds, not an ERPNext query.
 */
import type { H3 } from 'h3'
import type { AppContext, FeatureRoutes } from '../app'
import { json, Refusal } from '../errors'
import { requireCapability } from '../guard'
import type { ErpClient } from '../upstream/erp'
import { ClientIndex, INDEXED_FIELDS, type IndexedDoctype } from './clientsIndex'

const PAGE = 2_500
/**
 * Changes made in ERPNext by others (not through this BFF, so without a doc_update) are picked
 * up this often at most; a sweep reads every document modified since the newest one seen.
 */
const SWEEP_EVERY_MS = 5 * 60_000
const QUERY_MAX_LENGTH = 200

const isIndexed = (doctype: unknown): doctype is IndexedDoctype =>
  typeof doctype === 'string' && doctype in INDEXED_FIELDS

type Row = { name: string; modified?: string }

/**
 * One page of a doctype, by name after `after` (keyset paging: an offset deep into 50,000 rows
 * makes the database walk all of them again for every page).
 */
async function listPage(erp: ErpClient, doctype: IndexedDoctype, after: string | null, since?: string): Promise<Row[]> {
  const filters: unknown[] = []
  if (after) filters.push([doctype, 'name', '>', after])
  if (since) filters.push([doctype, 'modified', '>', since])
  const page = () =>
    erp.list<Row>(doctype, { fields: [...INDEXED_FIELDS[doctype]], filters, orderBy: 'name asc', limit: PAGE })
  // A busy ERPNext may drop one page of a long load; one more try before giving up on the build.
  return page().catch(page)
}

/** The index and how it stays current; one per app. */
export function createClientSearch(erp: ErpClient, now: () => number = Date.now) {
  const index = new ClientIndex()
  const newest: Partial<Record<IndexedDoctype, string>> = {}
  let ready: Promise<void> | null = null
  let built = false
  let lastSweep = 0
  let sweeping = false
  /** doc_update events that arrive while the first load runs are replayed after it. */
  const pending: { doctype: IndexedDoctype; name: string; action: string }[] = []

  const remember = (doctype: IndexedDoctype, rows: Row[]) => {
    for (const row of rows) {
      index.upsert(doctype, row as never)
      if (row.modified && (!newest[doctype] || row.modified > newest[doctype]!)) newest[doctype] = row.modified
    }
  }

  async function loadAll(doctype: IndexedDoctype, since?: string): Promise<void> {
    for (let after: string | null = null; ;) {
      const rows = await listPage(erp, doctype, after, since)
      remember(doctype, rows)
      if (rows.length < PAGE) return
      after = rows[rows.length - 1].name
    }
  }

  async function apply(doctype: IndexedDoctype, name: string, action: string): Promise<void> {
    if (action === 'delete') return index.remove(doctype, name)
    const rows = await erp
      .list<Row>(doctype, { fields: [...INDEXED_FIELDS[doctype]], filters: [[doctype, 'name', '=', name]] })
      .catch(() => null)
    if (!rows) return
    if (rows.length) remember(doctype, rows)
    else index.remove(doctype, name)
  }

  function ensureBuilt(): Promise<void> {
    ready ??= (async () => {
      const started = now()
      // One doctype after the other: ERPNext serves other users meanwhile.
      for (const d of Object.keys(INDEXED_FIELDS) as IndexedDoctype[]) await loadAll(d)
      built = true
      lastSweep = started
      for (const p of pending.splice(0)) await apply(p.doctype, p.name, p.action).catch(() => undefined)
    })().catch((err: unknown) => {
      ready = null // the next search tries again
      throw err
    })
    return ready
  }

  function sweepIfDue(): void {
    if (!built || sweeping || now() - lastSweep < SWEEP_EVERY_MS) return
    sweeping = true
    lastSweep = now()
    const doctypes = Object.keys(INDEXED_FIELDS) as IndexedDoctype[]
    void Promise.all(doctypes.map((d) => loadAll(d, newest[d])))
      .catch((err: unknown) => console.warn('client search: sweep failed:', err instanceof Error ? err.message : err))
      .finally(() => {
        sweeping = false
      })
  }

  return {
    index,
    ensureBuilt,
    async onDocUpdate(data: unknown): Promise<void> {
      const d = (data ?? {}) as { doctype?: unknown; name?: unknown; action?: unknown }
      if (!isIndexed(d.doctype) || typeof d.name !== 'string') return
      const action = typeof d.action === 'string' ? d.action : 'update'
      if (!built) {
        if (ready) pending.push({ doctype: d.doctype, name: d.name, action })
        return
      }
      await apply(d.doctype, d.name, action)
    },
    async search(q: string) {
      await ensureBuilt()
      sweepIfDue()
      return index.search(q)
    },
  }
}

export const clientsRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  const search = createClientSearch(ctx.erp)
  ctx.bus.subscribe((event) => {
    if (event.type !== 'doc_update') return
    search
      .onDocUpdate(event.data)
      .catch((err: unknown) => console.warn('client search: update failed:', err instanceof Error ? err.message : err))
  })

  // A served BFF (it has a data directory; apps built by tests do not) builds the index right
  // away, so the first CSR of the day does not wait seconds for the first search.
  if (ctx.config.dataDir) {
    setTimeout(
      () =>
        search
          .ensureBuilt()
          .catch((err: unknown) =>
            console.warn('client search: warm-up failed:', err instanceof Error ? err.message : err),
          ),
      1_000,
    ).unref()
  }

  app.get('/ops/api/clients/search', async (event) => {
    requireCapability(ctx, event, 'clients:view')
    const q = (event.url.searchParams.get('q') ?? '').slice(0, QUERY_MAX_LENGTH)
    const started = performance.now()
    try {
      const answer = await search.search(q)
      return json(200, { ...answer, tookMs: Math.round((performance.now() - started) * 10) / 10 })
    } catch (err) {
      console.warn(`[${ctx.requestId(event)}] client search:`, err instanceof Error ? err.message : err)
      throw new Refusal(502, 'SEARCH_UNAVAILABLE', {
        fr: 'La recherche de clients n’est pas disponible : ERPNext ne répond pas. Réessayez dans un instant.',
        en: 'Customer search is unavailable: ERPNext is not answering. Try again in a moment.',
      })
    }
  })
}
