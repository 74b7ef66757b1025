/**
 * GET /ops/api/clients/search?q= — the CSR's one search box (capability clients:view). Answers
 * from the in-memory ClientIndex, kept current from the bus's doc_update events, so a keystroke
 * costs milliseconds, not an ERPNext query.
 *
 * A served BFF starts filling the index as it starts, page after page, without holding up any
 * request. A search that arrives before the index is whole answers at once from what is indexed
 * so far and a direct ERPNext query for what is not, and says so (`complete: false`).
 */
import type { H3 } from 'h3'
import type { AppContext, FeatureRoutes } from '../app'
import { json, Refusal } from '../errors'
import { requireCapability } from '../guard'
import { errorField, log } from '../log'
import { erpData, UpstreamUnreachable, type ErpClient } from '../upstream/erp'
import {
  customerNumber,
  expandAbbreviation,
  foldText,
  macKey,
  normalizePhone,
  serialKey,
} from '../../src/contracts/searchKeys'
import { SEARCH_LIMIT, SEARCH_MIN_LENGTH, type ClientSearchAnswer } from '../../src/contracts/clientSearch'
import {
  ClientIndex,
  INDEXED_FIELDS,
  type CustomerRow,
  type EquipmentRow,
  type IndexedDoctype,
  type IndexedRow,
  type LocationRow,
} from './clientsIndex'

/** Rows per ERPNext page: few round trips for 250,000 rows, each page still well under a megabyte. */
const PAGE = 10_000
/**
 * Rows indexed at a time: requests waiting on the BFF go first between slices, so none waits
 * behind a whole page. Also the size of the index's segments, which searching walks one by one.
 */
const INDEX_SLICE = 2_500
/**
 * Changes made in ERPNext by others (not through this BFF, so without a doc_update) are picked
 * up this often at most; a sweep reads every document modified since the last read began.
 */
const SWEEP_EVERY_MS = 5 * 60_000
const QUERY_MAX_LENGTH = 200
/** A search during the first build (started with the BFF) waits this long for it before answering from the fallback. */
const BUILD_WAIT_MS = 200
/**
 * A search that starts the build itself (apps built by tests, or the first search after a failed
 * build) waits longer: a small base is built well within it.
 */
const FIRST_USE_WAIT_MS = 5_000
/** Rows per doctype the fallback reads from ERPNext while the index is being built. */
const FALLBACK_ROWS = 50
const DOCTYPES = Object.keys(INDEXED_FIELDS) as IndexedDoctype[]

const isIndexed = (doctype: unknown): doctype is IndexedDoctype =>
  typeof doctype === 'string' && doctype in INDEXED_FIELDS

/** Rows as the index wants them: Frappe lists come as objects, or as arrays in field order (as_dict=0). */
function rowsOf(doctype: IndexedDoctype, data: unknown): IndexedRow[] {
  if (!Array.isArray(data))
    throw new UpstreamUnreachable(`ERPNext answered the list of ${doctype} with something other than a list`)
  const fields = INDEXED_FIELDS[doctype]
  const rows: IndexedRow[] = []
  for (const item of data) {
    let row: unknown = item
    if (Array.isArray(item)) {
      const o: Record<string, unknown> = {}
      for (let i = 0; i < fields.length; i++) o[fields[i]] = item[i]
      row = o
    }
    if (row && typeof row === 'object' && typeof (row as { name?: unknown }).name === 'string')
      rows.push(row as IndexedRow)
  }
  return rows
}

/**
 * One page of a doctype, by name after `after` (keyset paging: an offset deep into 50,000 rows
 * makes the database walk all of them again for every page). Rows come as arrays: half the bytes
 * of objects repeating every field name.
 */
async function listPage(
  erp: ErpClient,
  doctype: IndexedDoctype,
  after: string | null,
  since?: string,
): Promise<IndexedRow[]> {
  const filters: unknown[] = []
  if (after) filters.push([doctype, 'name', '>', after])
  if (since) filters.push([doctype, 'modified', '>', since])
  const query = new URLSearchParams({
    fields: JSON.stringify(INDEXED_FIELDS[doctype]),
    filters: JSON.stringify(filters),
    order_by: 'name asc',
    limit_page_length: String(PAGE),
    as_dict: '0',
  })
  const page = async () =>
    rowsOf(
      doctype,
      erpData<unknown>(
        await erp.send('GET', `/api/resource/${encodeURIComponent(doctype)}?${query}`),
        `the list of ${doctype}`,
      ),
    )
  // A busy ERPNext may drop one page of a long load; one more try before giving up on the build.
  return page().catch(page)
}

/**
 * The latest `modified` of a doctype (null when it has no documents), asked before a read of its
 * documents: whatever changes after it is found by the next sweep, without the read carrying
 * `modified` on every row.
 */
async function latestChange(erp: ErpClient, doctype: IndexedDoctype): Promise<string | null> {
  const rows: unknown = await erp.list(doctype, { fields: ['modified'], orderBy: 'modified desc', limit: 1 })
  // Whatever ERPNext answered: anything but a list with a date means "no known change".
  const modified: unknown = Array.isArray(rows) ? (rows[0] as { modified?: unknown } | undefined)?.modified : null
  return typeof modified === 'string' ? modified : null
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve))

/** `%a%b%c%`: the characters in this order with anything between, as stored with its separators. */
const spread = (chars: string) => `%${[...chars].join('%')}%`
/** A word for LIKE: its own wildcards dropped. */
const likeWord = (word: string) => word.replace(/[%_\\]/g, '')

/**
 * While the index is first built: the documents of the doctypes not yet indexed that may match,
 * read from ERPNext directly, loosely (the same matching then runs over them in memory).
 */
async function fallbackRows(
  erp: ErpClient,
  q: string,
  missing: Set<IndexedDoctype>,
  known: ClientIndex,
): Promise<Partial<Record<IndexedDoctype, IndexedRow[]>>> {
  // The longest word as typed (ERPNext compares accents as its collation does), abbreviations written out.
  const typed = q
    .toLowerCase()
    .split(/[\s,;:/()\-'’.\u00a0]+/)
    .filter(Boolean)
    .map((w) => {
      const long = expandAbbreviation(foldText(w))
      return likeWord(long ?? w)
    })
    .sort((a, b) => b.length - a.length)[0]
  const word = typed && typed.length >= SEARCH_MIN_LENGTH ? `%${typed}%` : null
  const phone = /^[\d\s().+-]+$/.test(q) ? normalizePhone(q) : ''
  const number = customerNumber(q)
  const serial = serialKey(q)
  const mac = macKey(q)

  const read = async (doctype: IndexedDoctype, orFilters: unknown[]): Promise<IndexedRow[]> => {
    if (!missing.has(doctype) || !orFilters.length) return []
    const rows = await erp.list<unknown>(doctype, {
      fields: [...INDEXED_FIELDS[doctype]],
      orFilters,
      limit: FALLBACK_ROWS,
    })
    return rowsOf(doctype, rows)
  }
  const customerFilters: unknown[] = []
  if (word) customerFilters.push(['customer_name', 'like', word])
  if (phone.length >= 3) customerFilters.push(['mobile_no', 'like', spread(phone)])
  if (number) customerFilters.push(['name', '=', number])
  if (q.includes('@')) customerFilters.push(['email_id', 'like', `%${likeWord(q.trim())}%`])
  const locationFilters: unknown[] = word
    ? [
        ['address_line', 'like', word],
        ['city', 'like', word],
      ]
    : []
  const equipmentFilters: unknown[] = []
  if (serial.length >= 3 && /\d/.test(serial)) equipmentFilters.push(['serial_no', 'like', spread(serial)])
  if (mac.length >= 4) equipmentFilters.push(['mac_address', 'like', spread(mac)])

  const [customers, locations, equipment] = await Promise.all([
    read('Customer', customerFilters),
    read('Service Location', locationFilters),
    read('Service Equipment', equipmentFilters),
  ])
  // The customers those addresses and devices belong to, when the index does not hold them yet.
  const owners = new Set<string>()
  for (const l of locations as LocationRow[]) owners.add(l.customer)
  for (const e of equipment as EquipmentRow[]) if (e.customer) owners.add(e.customer)
  const have = new Set(customers.map((c) => c.name))
  const wanted = [...owners].filter((c) => c && !have.has(c))
  const fromIndex = wanted.map((c) => known.customers.get(c)).filter((c): c is CustomerRow => c !== undefined)
  const unknown = wanted.filter((c) => !known.customers.has(c))
  const fetched = unknown.length
    ? rowsOf(
        'Customer',
        await erp.list<unknown>('Customer', {
          fields: [...INDEXED_FIELDS.Customer],
          filters: [['name', 'in', unknown]],
          limit: unknown.length,
        }),
      )
    : []
  return {
    Customer: [...customers, ...fromIndex, ...fetched],
    'Service Location': locations,
    'Service Equipment': equipment,
  }
}

/** The index and how it stays current; one per app. */
export function createClientSearch(erp: ErpClient, options: { now?: () => number; firstUseWaitMs?: number } = {}) {
  const now = options.now ?? Date.now
  const firstUseWaitMs = options.firstUseWaitMs ?? FIRST_USE_WAIT_MS
  /** Whether the build under way was started by a search rather than with the BFF. */
  let startedBySearch = false
  const index = new ClientIndex()
  /** Per doctype, the latest change already read: a sweep reads what was modified after it. */
  const newest: Partial<Record<IndexedDoctype, string>> = {}
  /** The latest change when the first build began reading a doctype (kept if the build resumes). */
  const buildMark: Partial<Record<IndexedDoctype, string | null>> = {}
  /** The last name read of each doctype: a build that failed half-way resumes from there. */
  const readUpTo: Partial<Record<IndexedDoctype, string>> = {}
  const loaded = new Set<IndexedDoctype>()
  let ready: Promise<void> | null = null
  let built = false
  let lastSweep = 0
  let sweeping = false
  /** How long the first build took, once it is done. */
  let buildMs: number | null = null
  /** doc_update events that arrive while the first load runs are replayed after it. */
  const pending: { doctype: IndexedDoctype; name: string; action: string }[] = []

  /**
   * Every page of a doctype (or those modified since `since`). The next page is asked for before
   * this one is indexed, and requests waiting on the BFF go first between slices of a page.
   */
  async function loadAll(doctype: IndexedDoctype, since?: string, resume = false): Promise<void> {
    let next = listPage(erp, doctype, resume ? (readUpTo[doctype] ?? null) : null, since)
    for (;;) {
      const rows = await next
      const last = rows.length === PAGE ? rows[rows.length - 1].name : null
      if (last) {
        next = listPage(erp, doctype, last, since)
        next.catch(() => undefined) // awaited below; a failure while this page is indexed is not unhandled
      }
      for (let from = 0; from < rows.length; from += INDEX_SLICE) {
        if (from > 0) await yieldToRequests()
        index.upsertMany(doctype, rows.slice(from, from + INDEX_SLICE))
      }
      if (resume && rows.length) readUpTo[doctype] = rows[rows.length - 1].name
      if (!last) return
      await yieldToRequests()
    }
  }

  /** loadAll, then what was read counts as seen up to the latest change made before it began. */
  async function loadChanges(doctype: IndexedDoctype): Promise<void> {
    const mark = await latestChange(erp, doctype)
    await loadAll(doctype, newest[doctype])
    if (mark) newest[doctype] = mark
  }

  async function apply(doctype: IndexedDoctype, name: string, action: string): Promise<void> {
    if (action === 'delete') return index.remove(doctype, name)
    const rows = await erp
      .list<unknown>(doctype, { fields: [...INDEXED_FIELDS[doctype]], filters: [[doctype, 'name', '=', name]] })
      .then((data) => rowsOf(doctype, data))
      .catch(() => null)
    if (!rows) return
    if (rows.length) index.upsertMany(doctype, rows)
    else index.remove(doctype, name)
  }

  function ensureBuilt(bySearch = false): Promise<void> {
    if (!ready) startedBySearch = bySearch
    ready ??= (async () => {
      const started = now()
      // One doctype after the other: ERPNext serves other users meanwhile.
      for (const d of DOCTYPES) {
        if (loaded.has(d)) continue
        if (!(d in buildMark)) buildMark[d] = await latestChange(erp, d)
        await loadAll(d, undefined, true)
        const mark = buildMark[d]
        if (mark) newest[d] = mark
        loaded.add(d)
      }
      built = true
      buildMs = now() - started
      lastSweep = started
      for (const p of pending.splice(0)) await apply(p.doctype, p.name, p.action).catch(() => undefined)
    })().catch((err: unknown) => {
      ready = null // the next search tries again, from where this one stopped
      throw err
    })
    return ready
  }

  function sweepIfDue(): void {
    if (!built || sweeping || now() - lastSweep < SWEEP_EVERY_MS) return
    sweeping = true
    lastSweep = now()
    void Promise.all(DOCTYPES.map(loadChanges))
      .catch((err: unknown) => log.warn({ err: errorField(err) }, 'client search: sweep failed'))
      .finally(() => {
        sweeping = false
      })
  }

  /** Before the index is whole: what it holds so far, with what ERPNext finds of the rest. */
  async function partial(q: string): Promise<Omit<ClientSearchAnswer, 'tookMs'>> {
    const own = index.search(q)
    if (q.trim().length < SEARCH_MIN_LENGTH) return { ...own, complete: false }
    const missing = new Set(DOCTYPES.filter((d) => !loaded.has(d)))
    const rows = await fallbackRows(erp, q, missing, index)
    const side = new ClientIndex()
    for (const d of DOCTYPES) side.upsertMany(d, rows[d] ?? [])
    const found = side.search(q)
    const merged = new Map(own.results.map((r) => [r.customer, r]))
    for (const r of found.results) {
      const held = merged.get(r.customer)
      const rank = (x: typeof r) => (x.match.approximate ? 0 : 1000) + x.score
      if (!held || rank(r) > rank(held)) merged.set(r.customer, r)
    }
    const results = [...merged.values()].sort(
      (a, b) =>
        Number(a.match.approximate) - Number(b.match.approximate) ||
        b.score - a.score ||
        a.customerName.localeCompare(b.customerName),
    )
    return {
      ...own,
      results: results.slice(0, SEARCH_LIMIT),
      truncated: own.truncated || found.truncated || results.length > SEARCH_LIMIT,
      complete: false,
    }
  }

  return {
    index,
    ensureBuilt,
    /** Milliseconds the first build took, or null until it is done. */
    buildMs: () => buildMs,
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
    async search(q: string): Promise<Omit<ClientSearchAnswer, 'tookMs'>> {
      if (!built) {
        const building = ensureBuilt(true)
        const short = q.trim().length < SEARCH_MIN_LENGTH
        // A warm-up (an empty query) does not report a failure: the first real search does.
        if (short) building.catch(() => undefined)
        let timer: ReturnType<typeof setTimeout> | undefined
        const waited = new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), startedBySearch ? firstUseWaitMs : BUILD_WAIT_MS)
        })
        const done = await Promise.race([
          building.then(() => true as const, short ? () => false : undefined),
          waited,
        ]).finally(() => clearTimeout(timer))
        if (!done) return short ? { ...index.search(q), complete: false } : partial(q)
      }
      sweepIfDue()
      return { ...index.search(q), complete: true }
    },
  }
}

export const clientsRoutes: FeatureRoutes = (app: H3, ctx: AppContext) => {
  const search = createClientSearch(ctx.erp)
  ctx.bus.subscribe((event) => {
    if (event.type !== 'doc_update') return
    search
      .onDocUpdate(event.data)
      .catch((err: unknown) => log.warn({ err: errorField(err) }, 'client search: update failed'))
  })

  // A served BFF starts building the index at once, page after page, so the first CSR of the day
  // finds it ready; apps built by tests build it on their first search.
  if (process.env.NODE_ENV !== 'test') {
    setImmediate(() =>
      search.ensureBuilt().then(
        () =>
          log.info(
            {
              customers: search.index.customers.size,
              locations: search.index.locations.size,
              devices: search.index.equipment.size,
              ms: search.buildMs(),
            },
            'client search: index built',
          ),
        (err: unknown) => log.warn({ err: errorField(err) }, 'client search: first build failed'),
      ),
    )
  }

  app.get('/ops/api/clients/search', async (event) => {
    requireCapability(ctx, event, 'clients:view')
    const q = (event.url.searchParams.get('q') ?? '').slice(0, QUERY_MAX_LENGTH)
    const started = performance.now()
    try {
      const answer = await search.search(q)
      return json(200, { ...answer, tookMs: Math.round((performance.now() - started) * 10) / 10 })
    } catch (err) {
      ctx.logFor(event).warn({ err: errorField(err) }, 'client search: unavailable')
      throw new Refusal(502, 'SEARCH_UNAVAILABLE', {
        fr: 'La recherche de clients n’est pas disponible : ERPNext ne répond pas. Réessayez dans un instant.',
        en: 'Customer search is unavailable: ERPNext is not answering. Try again in a moment.',
      })
    }
  })
}
