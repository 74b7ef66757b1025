import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ApiError } from 'src/api/http'
import type { BoardPayload } from 'src/contracts/dispatch'
import type { DispatchJob } from 'src/contracts/doctypes'
import { boardChangeOf, createLivePatches, newestPerDocument } from './livePatches'
import { useDispatchBoard } from './useDispatchBoard'

const upstream = vi.hoisted(() => ({
  board: null as unknown,
  get: null as ((doctype: string, name: string) => Promise<unknown>) | null,
  list: null as ((doctype: string, params: unknown) => Promise<unknown[]>) | null,
}))

vi.mock('src/api/http', async (original) => ({
  ...(await original<typeof import('src/api/http')>()),
  api: async () => upstream.board,
}))
vi.mock('src/api/erp', () => ({
  erp: {
    get: (doctype: string, name: string) => upstream.get!(doctype, name),
    list: (doctype: string, params: unknown) => upstream.list!(doctype, params),
  },
}))

const BOARD: BoardPayload = {
  from: '2026-11-27',
  to: '2026-11-27',
  tags: [],
  technicians: [
    { name: 'TECH-001', full_name: 'Julien Gagnon', status: 'Active', tags: [] },
    { name: 'TECH-002', full_name: 'Marie Roy', status: 'Active', tags: [] },
  ],
  jobs: [
    {
      name: 'DJ-1',
      job_type: 'Repair',
      status: 'Scheduled',
      priority: 'High',
      technician: 'TECH-001',
      customer: 'CUST-1',
      customer_name: 'Gilles Landry',
      scheduled_start: '2026-11-27 09:00:00',
      start: Date.parse('2026-11-27T14:00:00Z'),
      duration_minutes: 60,
      tags: [],
      modified: 'v1',
    },
  ],
}

/** DJ-1 as ERPNext answers it after a colleague moved it to Marie Roy at 13:00. */
const MOVED: DispatchJob = {
  name: 'DJ-1',
  job_type: 'Repair',
  status: 'Scheduled',
  priority: 'High',
  technician: 'TECH-002',
  customer: 'CUST-1',
  scheduled_start: '2026-11-27 13:00:00',
  duration_minutes: 60,
  tags: [],
  modified: 'v2',
}

async function openBoard() {
  setActivePinia(createPinia())
  upstream.board = structuredClone(BOARD)
  const store = useDispatchBoard()
  await store.load('2026-11-27', 'day')
  expect(store.state).toBe('ready')
  const reloads: string[] = []
  const live = createLivePatches(store, async () => {
    reloads.push('board')
    await store.load('2026-11-27', 'day', true)
  })
  return { store, live, reloads }
}

describe('a live update on an open board', () => {
  beforeEach(() => {
    upstream.get = null
  })

  it('moves the job to its new row and keeps the customer’s name, without reloading the board', async () => {
    upstream.get = async () => structuredClone(MOVED)
    const { store, live, reloads } = await openBoard()
    await live.onChange('DJ-1', 'v2')
    expect(store.rawRows().get('TECH-001')).toEqual([])
    expect(
      store
        .rawRows()
        .get('TECH-002')
        ?.map((j) => [j.name, j.customer_name, j.start]),
    ).toEqual([['DJ-1', 'Gilles Landry', Date.parse('2026-11-27T18:00:00Z')]])
    expect(reloads).toEqual([])
  })

  it('reloads the board when the job cannot be read, rather than leaving it as it was', async () => {
    upstream.get = async () => {
      throw new ApiError(502, 'ERP_UNAVAILABLE', { fr: 'ERPNext ne répond pas.', en: 'ERPNext is not answering.' })
    }
    const { store, live, reloads } = await openBoard()
    upstream.board = { ...structuredClone(BOARD), jobs: [{ ...BOARD.jobs[0], technician: 'TECH-002', modified: 'v2' }] }
    await live.onChange('DJ-1', 'v2')
    expect(reloads).toEqual(['board'])
    expect(store.job('DJ-1')?.technician).toBe('TECH-002')
  })

  it('reloads the board when the document cannot be made into a board job', async () => {
    upstream.get = async () => ({ ...MOVED, tags: 'Fibre' })
    const { live, reloads } = await openBoard()
    await live.onChange('DJ-1', 'v2')
    expect(reloads).toEqual(['board'])
  })

  it('takes a job deleted in ERPNext off the board, without reloading it', async () => {
    upstream.get = async () => {
      throw new ApiError(404, 'DoesNotExistError', { fr: 'Introuvable.', en: 'Not found.' })
    }
    const { store, live, reloads } = await openBoard()
    await live.onChange('DJ-1', 'v2')
    expect(store.job('DJ-1')).toBeUndefined()
    expect(reloads).toEqual([])
  })
})

describe('a customer changed upstream', () => {
  it('renames them on their jobs, without reloading the board', async () => {
    const asked: string[] = []
    upstream.get = async (doctype, name) => {
      asked.push(`${doctype}/${name}`)
      return { name, customer_name: 'Gilles Landry-Roy' }
    }
    const { store, reloads } = await openBoard()
    await store.customerChanged('CUST-1')
    expect(asked).toEqual(['Customer/CUST-1'])
    expect(store.job('DJ-1')?.customer_name).toBe('Gilles Landry-Roy')
    expect(
      store
        .rawRows()
        .get('TECH-001')
        ?.map((j) => j.customer_name),
    ).toEqual(['Gilles Landry-Roy'])
    expect(reloads).toEqual([])
  })

  it('reads nothing when the board holds none of their jobs', async () => {
    const asked: string[] = []
    upstream.get = async (doctype, name) => {
      asked.push(`${doctype}/${name}`)
      return { name, customer_name: 'Someone' }
    }
    const { store } = await openBoard()
    await store.customerChanged('CUST-999')
    expect(asked).toEqual([])
    expect(store.job('DJ-1')?.customer_name).toBe('Gilles Landry')
  })
})

describe('a technician changed upstream', () => {
  it('adds, renames and takes off their row alone, without reloading the board', async () => {
    const asked: string[] = []
    const docs: Record<string, unknown> = {
      'TECH-003': {
        name: 'TECH-003',
        full_name: 'Albert Côté',
        status: 'Active',
        shift_start: '07:00',
        tags: [{ tag: 'Fibre' }],
      },
      'TECH-002': { name: 'TECH-002', full_name: 'Aline Roy', status: 'Active', tags: [] },
    }
    upstream.get = async (doctype, name) => {
      asked.push(`${doctype}/${name}`)
      return docs[name]
    }
    const { store, reloads } = await openBoard()
    const names = () => store.technicians.map((t) => t.full_name)

    await store.technicianChanged('TECH-003', 'create')
    expect(names()).toEqual(['Albert Côté', 'Julien Gagnon', 'Marie Roy'])
    expect(store.technician('TECH-003')).toEqual({
      name: 'TECH-003',
      full_name: 'Albert Côté',
      status: 'Active',
      shift_start: '07:00',
      tags: ['Fibre'],
    })
    expect(store.rawRows().get('TECH-003')).toEqual([])

    await store.technicianChanged('TECH-002')
    expect(names()).toEqual(['Albert Côté', 'Aline Roy', 'Julien Gagnon'])

    await store.technicianChanged('TECH-001', 'delete')
    expect(names()).toEqual(['Albert Côté', 'Aline Roy'])
    expect(store.rawRows().has('TECH-001')).toBe(false)
    expect(asked).toEqual(['Technician/TECH-003', 'Technician/TECH-002'])
    expect(reloads).toEqual([])
  })

  it('takes off a technician ERPNext no longer has, and gives up while a load is on its way', async () => {
    upstream.get = async () => {
      throw new ApiError(404, 'DoesNotExistError', { fr: 'Introuvable.', en: 'Not found.' })
    }
    const { store } = await openBoard()
    await store.technicianChanged('TECH-002')
    expect(store.technicians.map((t) => t.name)).toEqual(['TECH-001'])

    // A load whose head has not come may have read the board before the change: the caller reads it again.
    upstream.board = new Promise(() => undefined)
    void store.load('2026-11-27', 'day', true)
    await expect(store.technicianChanged('TECH-001')).rejects.toThrow(/on its way/)
  })
})

describe('a tag added or edited upstream', () => {
  it('reads the tags again, not the board, and gives up while a load is on its way', async () => {
    const asked: string[] = []
    upstream.list = async (doctype) => {
      asked.push(doctype)
      return [
        { name: 'Fibre', category: 'Compétence', color: '#1565c0' },
        { name: 'Cuivre', category: null, color: '' },
      ]
    }
    const { store, reloads } = await openBoard()
    const before = store.revision
    await store.tagsChanged()
    expect(store.tags).toEqual([{ name: 'Fibre', category: 'Compétence', color: '#1565c0' }, { name: 'Cuivre' }])
    expect(store.revision).toBeGreaterThan(before)
    expect(asked).toEqual(['Tag'])
    expect(reloads).toEqual([])

    upstream.board = new Promise(() => undefined)
    void store.load('2026-11-27', 'day', true)
    await expect(store.tagsChanged()).rejects.toThrow(/on its way/)
  })
})

describe('what a live event changes on a board', () => {
  const doc = (data: unknown) => ({ type: 'doc_update', data })
  it('names the job of a job’s event, with its version and action', () => {
    expect(boardChangeOf(doc({ doctype: 'Dispatch Job', name: 'DJ-1', modified: 'v2' }))).toEqual({
      kind: 'job',
      name: 'DJ-1',
      modified: 'v2',
      action: undefined,
    })
    expect(boardChangeOf(doc({ doctype: 'Dispatch Job', name: 'DJ-1', action: 'delete' }))).toMatchObject({
      kind: 'job',
      action: 'delete',
    })
    expect(boardChangeOf({ type: 'job.updated', data: { name: 'DJ-2', modified: 'v3' } })).toEqual({
      kind: 'job',
      name: 'DJ-2',
      modified: 'v3',
    })
  })

  it('reads a technician’s row again, the tags for a tag edited, the board for one deleted, and renames for a customer', () => {
    expect(boardChangeOf(doc({ doctype: 'Technician', name: 'TECH-031', action: 'create' }))).toEqual({
      kind: 'technician',
      name: 'TECH-031',
      action: 'create',
    })
    expect(boardChangeOf(doc({ doctype: 'Tag', name: 'Fibre', action: 'update' }))).toEqual({ kind: 'tags' })
    expect(boardChangeOf(doc({ doctype: 'Tag', name: 'Cuivre', action: 'create' }))).toEqual({ kind: 'tags' })
    expect(boardChangeOf(doc({ doctype: 'Tag', name: 'Fibre', action: 'delete' }))).toEqual({ kind: 'reload' })
    expect(boardChangeOf(doc({ doctype: 'Tag', name: 'Fibre', action: 'rename' }))).toEqual({ kind: 'reload' })
    expect(boardChangeOf(doc({ doctype: 'Customer', name: 'CUST-1' }))).toEqual({ kind: 'customer', name: 'CUST-1' })
  })

  it('changes nothing for what a board does not show, or an event that names nothing', () => {
    expect(boardChangeOf(doc({ doctype: 'Customer', name: 'CUST-1', action: 'delete' }))).toBeNull()
    expect(boardChangeOf(doc({ doctype: 'Service Equipment', name: 'EQ-1' }))).toBeNull()
    expect(boardChangeOf(doc({ doctype: 'Dispatch Job' }))).toBeNull()
    expect(boardChangeOf(doc(null))).toBeNull()
    expect(boardChangeOf({ type: 'scan.saved', data: { name: 'DJ-1' } })).toBeNull()
  })
})

describe('reloading after failed patches', () => {
  it('reloads once more after a reload on its way, however many patches failed meanwhile', async () => {
    const pending: (() => void)[] = []
    const reload = vi.fn(() => new Promise<void>((resolve) => pending.push(resolve)))
    const live = createLivePatches(
      { refreshJob: () => Promise.reject(new Error('unreadable')), drop: () => undefined },
      reload,
    )

    const first = live.onChange('DJ-1')
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(1))
    const during = [live.onChange('DJ-2'), live.onChange('DJ-3'), live.resync()]
    await Promise.resolve()
    expect(reload).toHaveBeenCalledTimes(1)

    pending[0]()
    await vi.waitFor(() => expect(reload).toHaveBeenCalledTimes(2))
    pending[1]()
    await Promise.all([first, ...during])
    expect(reload).toHaveBeenCalledTimes(2)
  })
})

describe('catching up after a while away', () => {
  it('keeps each document’s newest event only, in the order of those newest', () => {
    const ev = (id: string, data: unknown) => ({ id, data })
    const events = [
      ev('1', { doctype: 'Dispatch Job', name: 'DJ-1', modified: 'a' }),
      ev('2', { doctype: 'Dispatch Job', name: 'DJ-2', modified: 'b' }),
      ev('3', { name: 'DJ-1', modified: 'c' }), // the hub's job.updated: a job too
      ev('4', { doctype: 'Customer', name: 'DJ-1' }), // another doctype, same name
      ev('5', null),
    ]
    expect(newestPerDocument(events).map((e) => e.id)).toEqual(['2', '3', '4'])
  })
})
