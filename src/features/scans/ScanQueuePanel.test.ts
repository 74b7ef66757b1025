// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { Locale } from 'src/i18n'
import { mountWithApp } from 'src/testing/mountWithApp'
import ScanQueuePanel from './ScanQueuePanel.vue'
import type { ScanError, ScanRecord } from './scanRecord'
import { useScanQueue } from './useScanQueue'

// The queue's browser wiring (IndexedDB, the BFF, the flush lock) stops here: the panel sees a
// queue that lists what the test says and records what the technician asked of it.
const queue = vi.hoisted(() => ({
  list: vi.fn<() => Promise<ScanRecord[]>>(),
  retryNow: vi.fn<(opts?: { transfers?: boolean }) => Promise<void>>(),
  retry: vi.fn<(id: string) => Promise<void>>(),
  discard: vi.fn<(id: string) => Promise<void>>(),
  confirm: vi.fn<(id: string, values: ScanRecord['values']) => Promise<void>>(),
}))
vi.mock('./scanService', () => ({
  scanService: () => ({ queue, onChange: () => () => true, onSaved: () => () => true }),
}))

/** 09:05 in Montréal on 2026-12-01. */
const NINE_OH_FIVE = Date.UTC(2026, 11, 1, 14, 5)

const offline: ScanError = {
  code: 'NETWORK',
  status: 0,
  fr: 'Pas de connexion au serveur.',
  en: 'No connection to the server.',
  at: NINE_OH_FIVE,
}
const refused: ScanError = {
  code: 'ValidationError',
  status: 417,
  fr: 'ERPNext a refusé cet équipement. Vérifiez le numéro de série et la MAC, puis réessayez.',
  en: 'ERPNext refused this equipment. Check the serial number and MAC, then try again.',
  at: NINE_OH_FIVE,
}
const atOtherCustomer: ScanError = {
  code: 'EQUIPMENT_AT_OTHER_CUSTOMER',
  status: 409,
  fr: 'Cet équipement est enregistré chez un autre client. La répartition ou le service à la clientèle doit confirmer le transfert.',
  en: 'This equipment is registered at another customer. Dispatch or customer service must confirm the transfer.',
  at: NINE_OH_FIVE,
}

function scan(id: string, extra: Partial<ScanRecord> = {}): ScanRecord {
  return {
    id,
    createdAt: NINE_OH_FIVE,
    updatedAt: NINE_OH_FIVE,
    job: 'DJ-1001',
    location: 'LOC-0001',
    customerName: 'Marie Tremblay',
    technician: 'TECH-007',
    photo: null,
    reader: 'barcodes',
    step: 'confirmed',
    state: 'waiting',
    values: { serial_no: 'ZTEGC8A1B2C3', mac_address: null, equipment_type: 'ONT', brand: null, model: null },
    readBy: 'device',
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    ...extra,
  }
}

async function openPanel(scans: ScanRecord[], locale: Locale = 'fr') {
  queue.list.mockResolvedValue(scans)
  await useScanQueue().refresh()
  const wrapper = mountWithApp(ScanQueuePanel, { locale, props: { modelValue: true } })
  await flushPromises()
  return wrapper
}

/** The panel is a dialog: Quasar draws it at the end of the page, not inside the mount point. */
const panel = () => document.querySelector<HTMLElement>('[data-testid="scan-panel"]')!
const items = () => [...panel().querySelectorAll<HTMLElement>('[data-testid="queued-scan"]')]
const item = (id: string) => panel().querySelector<HTMLElement>(`[data-scan-id="${id}"]`)!
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
/** What a screen reader names a button: its aria-label, else its text without the icons' ligatures. */
function accessibleName(el: Element): string {
  const label = el.getAttribute('aria-label')
  if (label !== null) return label
  const copy = el.cloneNode(true) as Element
  copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove())
  return text(copy)
}
function button(within: Element, name: string): HTMLButtonElement | undefined {
  return [...within.querySelectorAll('button')].find((b) => accessibleName(b) === name)
}

/**
 * The browser's storage manager: what it reports used and allowed, whether it keeps the app's data
 * already, and what it answers when asked to.
 */
function browserStorage(opts: { usage: number; quota: number; kept?: boolean; grants?: boolean }) {
  let kept = opts.kept ?? true
  const storage = {
    estimate: vi.fn(async () => ({ usage: opts.usage, quota: opts.quota })),
    persisted: vi.fn(async () => kept),
    persist: vi.fn(async () => (kept = opts.grants ?? kept)),
  }
  Object.defineProperty(navigator, 'storage', { value: storage, configurable: true })
  return storage
}

const GB = 1e9

beforeEach(() => {
  // A browser that says nothing of its storage, unless a test gives it one.
  Object.defineProperty(navigator, 'storage', { value: undefined, configurable: true })
  setActivePinia(createPinia())
  vi.clearAllMocks()
  queue.retryNow.mockResolvedValue()
  queue.retry.mockResolvedValue()
  queue.discard.mockResolvedValue()
})

describe('the panel of scans kept on the tablet', () => {
  it('says everything is recorded when nothing waits, and has nothing to retry', async () => {
    await openPanel([])
    expect(text(panel().querySelector('.text-h6'))).toBe('Scans en attente')
    const empty = panel().querySelector('[role="status"]')
    expect(text(empty)).toBe('Aucun scan en attente : tout est enregistré.')
    expect(button(panel(), 'Réessayer maintenant')!.disabled).toBe(true)
    expect(button(panel(), 'Fermer')).toBeDefined()
    expect(items()).toHaveLength(0)
  })

  it('lists every pending scan with its serial, type, job, customer and the time it was taken (Montréal time)', async () => {
    await openPanel([
      scan('scan-a'),
      scan('scan-b', {
        job: 'DJ-1002',
        customerName: null,
        values: { ...scan('x').values, serial_no: 'RTR55XK', equipment_type: 'Router' },
      }),
    ])
    expect(panel().querySelector('[role="status"]')).toBeNull()
    expect(items()).toHaveLength(2)
    expect(text(item('scan-a'))).toContain('ZTEGC8A1B2C3 · ONT')
    expect(text(item('scan-a'))).toContain('Intervention DJ-1001 · Marie Tremblay · 09 h 05')
    expect(text(item('scan-b'))).toContain('RTR55XK · Routeur')
    expect(text(item('scan-b'))).toContain('Intervention DJ-1002 · 09 h 05')
    expect(button(panel(), 'Réessayer maintenant')!.disabled).toBe(false)
  })

  it('shows a scan waiting for the network with its attempts and last error, and leaves it to the queue', async () => {
    await openPanel([scan('scan-a', { attempts: 2, lastError: offline })])
    const a = item('scan-a')
    expect(text(a.querySelector('[data-testid="queued-scan-state"]'))).toBe('En attente d’envoi')
    expect(text(a)).toContain('Essais : 2')
    expect(text(a.querySelector('[data-testid="queued-scan-error"]'))).toBe(
      'Dernière erreur : Pas de connexion au serveur.',
    )
    // Nothing for the technician to do on it: the queue sends it when it can.
    expect(a.querySelectorAll('button')).toHaveLength(0)
  })

  it('sends every scan again on "Réessayer maintenant", those waiting on a transfer included', async () => {
    await openPanel([scan('scan-a', { attempts: 2, lastError: offline })])
    button(panel(), 'Réessayer maintenant')!.click()
    await flushPromises()
    expect(queue.retryNow).toHaveBeenCalledTimes(1)
    expect(queue.retryNow).toHaveBeenCalledWith({ transfers: true })
  })

  it('shows a refused scan as to correct, with ERPNext’s sentence, and offers to correct or discard it, not to retry', async () => {
    await openPanel([scan('scan-a', { state: 'attention', attempts: 1, lastError: refused })])
    const a = item('scan-a')
    expect(text(a.querySelector('[data-testid="queued-scan-state"]'))).toBe('À corriger')
    expect(text(a.querySelector('[data-testid="queued-scan-error"]'))).toBe(
      'Dernière erreur : ERPNext a refusé cet équipement. Vérifiez le numéro de série et la MAC, puis réessayez.',
    )
    expect(button(a, 'Corriger')).toBeDefined()
    expect(button(a, 'Abandonner')).toBeDefined()
    expect(button(a, 'Réessayer')).toBeUndefined()
    expect(a.querySelector('[data-testid="queued-scan-hint"]')).toBeNull()
  })

  it('opens the correction of a refused scan with the refusal above the values', async () => {
    await openPanel([scan('scan-a', { state: 'attention', attempts: 1, lastError: refused })])
    button(item('scan-a'), 'Corriger')!.click()
    await flushPromises()
    const fix = document.querySelector('[data-testid="scan-fix"]')!
    expect(text(fix)).toContain('Intervention DJ-1001 · Marie Tremblay')
    expect(text(fix.querySelector('[role="alert"]'))).toBe(refused.fr)
  })

  it('shows a scan waiting on a transfer with the server’s sentence alone, what to do, and a retry that sends that scan', async () => {
    await openPanel([scan('scan-a', { state: 'attention', attempts: 1, lastError: atOtherCustomer })])
    const a = item('scan-a')
    expect(text(a.querySelector('[data-testid="queued-scan-state"]'))).toBe('Transfert à confirmer')
    // Not a fault of the technician's: no "Dernière erreur" in front of it.
    expect(text(a.querySelector('[data-testid="queued-scan-error"]'))).toBe(atOtherCustomer.fr)
    expect(text(a.querySelector('[data-testid="queued-scan-hint"]'))).toBe(
      'Rien n’a été enregistré. Quand le bureau aura confirmé le transfert, touchez « Réessayer ».',
    )

    button(a, 'Réessayer')!.click()
    await flushPromises()
    expect(queue.retry).toHaveBeenCalledWith('scan-a')
    expect(queue.retryNow).not.toHaveBeenCalled()
  })

  it('asks before discarding a scan, and discards it only once confirmed', async () => {
    await openPanel([scan('scan-a', { state: 'attention', lastError: refused })])
    button(item('scan-a'), 'Abandonner')!.click()
    await flushPromises()

    const ask = document.querySelector<HTMLElement>('.q-dialog-plugin')!
    expect(text(ask)).toContain('Abandonner ce scan ?')
    expect(text(ask)).toContain('Rien ne sera enregistré dans ERPNext.')
    expect(button(ask, 'Garder')).toBeDefined()
    expect(queue.discard).not.toHaveBeenCalled()

    button(ask, 'Abandonner le scan')!.click()
    await flushPromises()
    expect(queue.discard).toHaveBeenCalledWith('scan-a')
  })

  it('shows a photo still to be read as such, and asks the technician to confirm what was read', async () => {
    await openPanel([
      scan('scan-a', {
        step: 'captured',
        state: 'review',
        readBy: null,
        values: { ...scan('x').values, serial_no: '' },
      }),
    ])
    const a = item('scan-a')
    expect(text(a)).toContain('Photo à lire · ONT')
    expect(text(a.querySelector('[data-testid="queued-scan-state"]'))).toBe('À confirmer')
    expect(button(a, 'Confirmer')).toBeDefined()
  })

  it('speaks English to an English-speaking technician, the server’s own English sentence included', async () => {
    await openPanel(
      [
        scan('scan-a', {
          state: 'attention',
          attempts: 3,
          lastError: refused,
          values: { ...scan('x').values, equipment_type: 'Mesh Node' },
        }),
        scan('scan-b', { state: 'attention', lastError: atOtherCustomer }),
      ],
      'en',
    )
    expect(text(panel().querySelector('.text-h6'))).toBe('Pending scans')
    expect(button(panel(), 'Retry now')).toBeDefined()
    expect(button(panel(), 'Close')).toBeDefined()

    const a = item('scan-a')
    expect(text(a)).toContain('ZTEGC8A1B2C3 · Mesh node')
    expect(text(a)).toContain('Job DJ-1001 · Marie Tremblay · 09:05')
    expect(text(a)).toContain('Attempts: 3')
    expect(text(a.querySelector('[data-testid="queued-scan-state"]'))).toBe('To correct')
    expect(text(a.querySelector('[data-testid="queued-scan-error"]'))).toBe(`Last error: ${refused.en}`)
    expect(button(a, 'Correct')).toBeDefined()
    expect(button(a, 'Discard')).toBeDefined()

    const b = item('scan-b')
    expect(text(b.querySelector('[data-testid="queued-scan-state"]'))).toBe('Transfer to confirm')
    expect(text(b.querySelector('[data-testid="queued-scan-error"]'))).toBe(atOtherCustomer.en)
    expect(text(b.querySelector('[data-testid="queued-scan-hint"]'))).toBe(
      'Nothing was recorded. Once the office has confirmed the transfer, tap “Retry”.',
    )
    expect(button(b, 'Retry')).toBeDefined()
  })

  it('says in English that nothing waits', async () => {
    await openPanel([], 'en')
    expect(text(panel().querySelector('[role="status"]'))).toBe('No pending scan: everything is recorded.')
  })

  it('shows each photo’s size as kept, and the size it was taken at when it was shrunk', async () => {
    const french = await openPanel([
      scan('scan-a', { photo: new Blob(['x']), photoBytes: 296_250, originalBytes: 3_769_107 }),
      scan('scan-b', { photo: new Blob(['x']), photoBytes: 48_300, originalBytes: 48_300 }),
      // Queued before photos were shrunk: no size on record.
      scan('scan-c', { photo: new Blob(['x']) }),
    ])
    expect(text(item('scan-a').querySelector('[data-testid="queued-scan-photo"]'))).toBe(
      'Photo : 296 ko (à l’origine : 3,8 Mo)',
    )
    expect(text(item('scan-b').querySelector('[data-testid="queued-scan-photo"]'))).toBe('Photo : 48 ko')
    expect(item('scan-c').querySelector('[data-testid="queued-scan-photo"]')).toBeNull()
    expect(text(item('scan-c'))).toContain('ZTEGC8A1B2C3 · ONT')

    french.unmount()
    expect(document.querySelectorAll('[data-testid="scan-panel"]')).toHaveLength(0)
    await openPanel([scan('scan-a', { photo: new Blob(['x']), photoBytes: 296_250, originalBytes: 3_769_107 })], 'en')
    expect(text(item('scan-a').querySelector('[data-testid="queued-scan-photo"]'))).toBe(
      'Photo: 296 kB (originally 3.8 MB)',
    )
  })

  it('keeps a photo the tablet could not shrink in the list, with why, in both languages', async () => {
    const unread = scan('scan-a', {
      photo: new Blob(['x']),
      photoBytes: 9_400_000,
      originalBytes: 9_400_000,
      photoUnscaled: 'undecodable',
      step: 'captured',
      state: 'review',
      values: { ...scan('x').values, serial_no: '' },
    })
    const french = await openPanel([unread])
    const a = item('scan-a')
    expect(text(a.querySelector('[data-testid="queued-scan-photo"]'))).toBe('Photo : 9,4 Mo')
    expect(text(a.querySelector('[data-testid="queued-scan-photo-kept"]'))).toBe(
      'La tablette n’a pas pu lire cette photo pour la réduire : elle est gardée telle quelle. Si le serveur ne la lit pas non plus, saisissez le numéro de série.',
    )
    expect(button(a, 'Confirmer')).toBeDefined()

    french.unmount()
    expect(document.querySelectorAll('[data-testid="scan-panel"]')).toHaveLength(0)
    await openPanel([{ ...unread, photoUnscaled: 'no-canvas' }], 'en')
    expect(text(item('scan-a').querySelector('[data-testid="queued-scan-photo-kept"]'))).toBe(
      'The tablet could not shrink this photo: it is kept as taken and will be sent whole.',
    )
  })
})

describe('the room left on the tablet', () => {
  const storageLine = () => text(panel().querySelector('[data-testid="scan-storage-use"]'))
  const fullWarning = () => panel().querySelector('[data-testid="scan-storage-full"]')
  const notKept = () => panel().querySelector('[data-testid="scan-storage-not-kept"]')
  /** A banner's sentence, as read aloud (its icon is decoration). */
  const said = (el: Element | null) => (el ? accessibleName(el) : '')

  it('shows the storage used and left, without alarm while there is room', async () => {
    browserStorage({ usage: 1.2 * GB, quota: 4 * GB })
    await openPanel([scan('scan-a')])
    expect(storageLine()).toBe('Espace de la tablette : 1,2 Go utilisés (30 %), 2,8 Go libres')
    expect(fullWarning()).toBeNull()
    expect(notKept()).toBeNull()
  })

  it('tells the technician to send the queue once 80 % of the storage is used', async () => {
    browserStorage({ usage: 3.2 * GB, quota: 4 * GB })
    await openPanel([scan('scan-a')])
    expect(storageLine()).toBe('Espace de la tablette : 3,2 Go utilisés (80 %), 800 Mo libres')
    expect(fullWarning()!.getAttribute('role')).toBe('alert')
    expect(said(fullWarning())).toBe(
      'L’espace de la tablette est presque plein (80 % utilisés). Dès que vous avez du réseau, envoyez les scans en attente : touchez « Réessayer maintenant ».',
    )
  })

  it('does not warn just under 80 %', async () => {
    browserStorage({ usage: 3.19 * GB, quota: 4 * GB })
    await openPanel([])
    expect(storageLine()).toContain('(80 %)') // rounded for reading, but not yet 80 %
    expect(fullWarning()).toBeNull()
  })

  it('warns in English too', async () => {
    browserStorage({ usage: 3.6 * GB, quota: 4 * GB })
    await openPanel([scan('scan-a')], 'en')
    expect(storageLine()).toBe('Tablet storage: 3.6 GB used (90%), 400 MB free')
    expect(said(fullWarning())).toBe(
      'The tablet’s storage is almost full (90% used). As soon as you have coverage, send the pending scans: tap “Retry now”.',
    )
  })

  it('says plainly when the browser refused to keep the app’s data', async () => {
    const storage = browserStorage({ usage: 0.1 * GB, quota: 4 * GB, kept: false, grants: false })
    await openPanel([scan('scan-a')])
    expect(storage.persist).toHaveBeenCalledTimes(1)
    expect(said(notKept())).toBe(
      'Le navigateur a refusé de garder durablement les données de l’application : s’il manque d’espace, il pourrait effacer les scans en attente. Envoyez-les dès que vous avez du réseau.',
    )
    expect(fullWarning()).toBeNull()
  })

  it('says nothing of it once the browser agreed when asked', async () => {
    const storage = browserStorage({ usage: 0.1 * GB, quota: 4 * GB, kept: false, grants: true })
    await openPanel([scan('scan-a')])
    expect(storage.persist).toHaveBeenCalledTimes(1)
    expect(notKept()).toBeNull()
    expect(storageLine()).toContain('Espace de la tablette')
  })

  it('says the refusal in English', async () => {
    browserStorage({ usage: 0.1 * GB, quota: 4 * GB, kept: false, grants: false })
    await openPanel([], 'en')
    expect(said(notKept())).toBe(
      'The browser refused to keep the app’s data for good: if it runs short of space, it may erase the pending scans. Send them as soon as you have coverage.',
    )
  })

  it('shows no storage line when the browser does not tell', async () => {
    await openPanel([scan('scan-a')])
    expect(panel().querySelector('[data-testid="scan-storage"]')).toBeNull()
  })
})
