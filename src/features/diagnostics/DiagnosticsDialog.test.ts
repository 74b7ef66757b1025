// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { noteUpstreamDown, noteUpstreamUp } from 'src/api/health'
import { api, ApiError } from 'src/api/http'
import type { Locale } from 'src/i18n'
import { mountWithApp } from 'src/testing/mountWithApp'
import DiagnosticsDialog from './DiagnosticsDialog.vue'

// The hub is reached through the SPA's one HTTP client; the rest of that module (ApiError and how
// a failure becomes one) stays real, so the dialog reads failures exactly as it does in the app.
vi.mock('src/api/http', async (importOriginal) => ({
  ...(await importOriginal<typeof import('src/api/http')>()),
  api: vi.fn(),
}))
const hub = vi.mocked(api)

const SERIAL = 'GPON1A2B3C4D'
/** 10:00 in Montréal on 2026-12-01. */
const NOW = '2026-12-01T15:00:00Z'

const healthy = {
  serial: SERIAL,
  mac: '9C:A2:F4:11:22:33',
  manufacturer: 'Nokia',
  model: 'G-240W-F',
  firmware: '3FE49568HJJK12',
  online: true,
  lastInform: '2026-12-01T14:58:00Z',
  uptimeSeconds: 3 * 86_400,
  fetchedAt: NOW,
  wan: { status: 'Connected', ipv4: '100.64.3.7' },
  opticalStatus: [
    { interface: 'PON1', rxPowerDbm: -19.4, txPowerDbm: 2.1, oltName: 'OLT-STJ-01', oltPort: '1/1/3:12', linkUp: true },
  ],
  wifi: [],
  mesh: [],
  hosts: [],
}

/** Loss of signal: no light at the ONT, so no Internet and no contact since it went dark. */
const los = {
  ...healthy,
  online: false,
  lastInform: '2026-12-01T13:00:00Z',
  wan: { status: 'Disconnected', ipv4: null },
  opticalStatus: [{ ...healthy.opticalStatus[0], rxPowerDbm: -40, linkUp: false }],
}

function openDialog(locale: Locale = 'fr') {
  return mountWithApp(DiagnosticsDialog, { locale, props: { serial: SERIAL, label: 'ONT du salon', modelValue: true } })
}

/** The dialog is drawn at the end of the page by Quasar, not inside the mount point. */
const dialog = () => document.querySelector<HTMLElement>('[data-testid="diagnostics"]')!
const part = (testid: string) => dialog().querySelector<HTMLElement>(`[data-testid="${testid}"]`)
const text = (el: Element | null) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
/** The reading's first line, piece by piece: verdict, interface, receive level (and the change). */
const readingLine = (optical: Element) => pieces(optical.querySelector('.row')!)
/** The visible pieces of a line laid out side by side, icons left out. */
const pieces = (line: Element) => [...line.children].filter((c) => c.getAttribute('aria-hidden') !== 'true').map(text)
/** What a screen reader hears of an element: its text, without the icons' ligatures. */
function spoken(el: Element | null): string {
  if (!el) return ''
  const copy = el.cloneNode(true) as Element
  copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove())
  return text(copy)
}

beforeEach(() => {
  // Only the clock is fake: "il y a 2 heures" is measured from a known now; timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(new Date(NOW))
  localStorage.clear()
  hub.mockReset()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('Diagnostiquer: what the modem says, in words first', () => {
  it('says the modem is being asked while the hub answers, then asks it by serial', async () => {
    hub.mockReturnValueOnce(new Promise(() => {}))
    openDialog()
    await flushPromises()
    expect(text(dialog().querySelector('[role="status"]'))).toBe('Interrogation du modem…')
    expect(text(dialog())).toContain('ONT du salon · GPON1A2B3C4D')
    expect(hub).toHaveBeenCalledWith('/hub/devices/lookup', { query: { serial: SERIAL } })
  })

  it('reads a healthy ONT as all good, with its light level in dBm and what it means for the customer', async () => {
    hub.mockResolvedValueOnce(healthy)
    openDialog()
    await flushPromises()

    const headline = part('diagnostics-headline')!
    expect(headline.dataset.headline).toBe('healthy')
    expect(spoken(headline)).toBe('Tout va bien : le modem est en ligne et le signal de la fibre est bon.')
    expect(text(part('diagnostics-presence'))).toBe('En ligne depuis il y a 3 jours · Lu maintenant')

    const optical = part('diagnostics-optical')!
    expect(optical.dataset.verdict).toBe('ok')
    // French numbers, a true minus sign, and the unit.
    expect(readingLine(optical)).toEqual(['Bon', 'PON1', 'Réception −19,4 dBm'])
    expect(text(optical)).toContain('Le client a toute la vitesse de son forfait.')
    expect(text(optical)).toContain('Émission 2,1 dBm · OLT-STJ-01 · 1/1/3:12')
    expect(pieces(part('diagnostics-wan')!)).toEqual(['Connecté', 'Adresse IP 100.64.3.7'])
    expect(text(dialog())).toContain('Nokia G-240W-F · Micrologiciel 3FE49568HJJK12 · 9C:A2:F4:11:22:33')
  })

  it('reads an ONT in loss of signal as a sentence telling the CSR what to ask the customer', async () => {
    hub.mockResolvedValueOnce(los)
    openDialog()
    await flushPromises()

    const headline = part('diagnostics-headline')!
    expect(headline.dataset.headline).toBe('los')
    expect(spoken(headline)).toBe('Aucune lumière n’arrive au modem : la fibre est coupée, débranchée ou pliée.')
    expect(text(part('diagnostics-presence'))).toBe('Hors ligne — dernier contact il y a 2 heures · Lu maintenant')

    const optical = part('diagnostics-optical')!
    expect(optical.dataset.verdict).toBe('los')
    expect(readingLine(optical)).toEqual(['Aucun signal', 'PON1', 'Réception −40,0 dBm'])
    expect(text(optical)).toContain(
      'Pas d’Internet. Demandez au client de vérifier que le câble de fibre (vert) est bien branché et n’est pas plié ; sinon, envoyez un technicien.',
    )
    expect(pieces(part('diagnostics-wan')!)).toEqual(['Non connecté'])
  })

  it('shows a dash, not a number, when the ONT reports no light level at all', async () => {
    hub.mockResolvedValueOnce({ ...los, opticalStatus: [{ interface: 'PON1', linkUp: false }] })
    openDialog()
    await flushPromises()
    expect(part('diagnostics-headline')!.dataset.headline).toBe('los')
    expect(readingLine(part('diagnostics-optical')!)).toEqual(['Aucun signal', 'PON1', 'Réception —'])
  })

  it('tells a weak signal apart: it works, with no margin, and says what usually fixes it', async () => {
    hub.mockResolvedValueOnce({ ...healthy, opticalStatus: [{ ...healthy.opticalStatus[0], rxPowerDbm: -26.2 }] })
    openDialog()
    await flushPromises()
    expect(spoken(part('diagnostics-headline'))).toBe(
      'Le signal de la fibre est faible : ça fonctionne, mais sans marge.',
    )
    const optical = part('diagnostics-optical')!
    expect(optical.dataset.verdict).toBe('warning')
    expect(readingLine(optical)).toEqual(['Faible', 'PON1', 'Réception −26,2 dBm'])
    expect(text(optical)).toContain('un nettoyage des connecteurs règle souvent le problème')
  })

  it('says how the light changed since the last diagnosis on this workstation', async () => {
    localStorage.setItem(
      'ops.diagnostics.readings',
      JSON.stringify({ [SERIAL]: { at: '2026-11-12T15:00:00Z', rx: { PON1: -18.8 }, lastInform: null } }),
    )
    hub.mockResolvedValueOnce(healthy)
    openDialog()
    await flushPromises()
    expect(readingLine(part('diagnostics-optical')!)).toEqual([
      'Bon',
      'PON1',
      'Réception −19,4 dBm',
      '(−0,6 depuis le 12 nov.)',
    ])
  })

  it('reads a healthy ONT in English for an English-speaking CSR', async () => {
    hub.mockResolvedValueOnce(healthy)
    openDialog('en')
    await flushPromises()
    expect(spoken(part('diagnostics-headline'))).toBe('All good: the modem is online and the fiber signal is good.')
    expect(readingLine(part('diagnostics-optical')!)).toEqual(['Good', 'PON1', 'Receive −19.4 dBm'])
    expect(text(part('diagnostics-optical'))).toContain('The customer gets the full speed of their plan.')
    expect(text(part('diagnostics-presence'))).toBe('Online since 3 days ago · Read now')
  })

  it('reads loss of signal in English, with what to ask the customer', async () => {
    hub.mockResolvedValueOnce(los)
    openDialog('en')
    await flushPromises()
    expect(spoken(part('diagnostics-headline'))).toBe(
      'No light reaches the modem: the fiber is cut, unplugged or bent.',
    )
    expect(readingLine(part('diagnostics-optical')!)).toEqual(['No signal', 'PON1', 'Receive −40.0 dBm'])
    expect(text(part('diagnostics-optical'))).toContain(
      'No Internet. Ask the customer to check that the (green) fiber cable is plugged in and not bent; otherwise send a technician.',
    )
  })

  it('says what to do when the modem does not answer, and asks it again on "Réessayer"', async () => {
    hub.mockRejectedValueOnce(
      new ApiError(504, 'DEVICE_TIMEOUT', { fr: 'Le modem ne répond pas.', en: 'The modem is not answering.' }),
    )
    openDialog()
    await flushPromises()
    expect(spoken(part('diagnostics-problem'))).toContain(
      'Le modem ne répond pas. Il est peut-être éteint ou débranché : demandez au client de vérifier qu’il est allumé, puis réessayez.',
    )

    hub.mockResolvedValueOnce(healthy)
    part('diagnostics-retry')!.click()
    await flushPromises()
    expect(hub).toHaveBeenCalledTimes(2)
    expect(part('diagnostics-headline')!.dataset.headline).toBe('healthy')
  })

  it('says when the modem was last heard from if it stops answering after an earlier diagnosis', async () => {
    localStorage.setItem(
      'ops.diagnostics.readings',
      JSON.stringify({
        [SERIAL]: { at: '2026-11-30T15:00:00Z', rx: { PON1: -19.4 }, lastInform: '2026-12-01T12:00:00Z' },
      }),
    )
    hub.mockRejectedValueOnce(new ApiError(504, 'DEVICE_TIMEOUT', { fr: '', en: '' }))
    openDialog()
    await flushPromises()
    expect(spoken(part('diagnostics-problem'))).toContain('Le modem ne répond pas (dernier contact il y a 3 heures).')
  })

  it('says a serial unknown to the hub may be mistyped or never activated, naming the serial', async () => {
    hub.mockRejectedValueOnce(new ApiError(404, 'DEVICE_NOT_FOUND', { fr: 'Introuvable.', en: 'Not found.' }))
    openDialog()
    await flushPromises()
    expect(spoken(part('diagnostics-problem'))).toBe(
      'Ce numéro de série (GPON1A2B3C4D) est inconnu du système de gestion des modems. Vérifiez-le sur l’étiquette de l’appareil ; s’il est exact, le modem n’a peut-être jamais été activé : ouvrez un billet au soutien réseau.',
    )
    expect(part('diagnostics-retry')).toBeNull()
  })

  it('says the hub is unreachable in a sentence, and diagnoses by itself once the hub is back', async () => {
    const down = {
      message: 'Le hub (modems) ne répond pas — réessai automatique.',
      message_en: 'The hub (modems) is not answering — retrying automatically.',
      upstream: 'hub:devices',
      retry_after_s: 5,
    }
    hub.mockRejectedValueOnce(
      new ApiError(503, 'UPSTREAM_UNAVAILABLE', { fr: down.message, en: down.message_en }, down),
    )
    noteUpstreamDown('hub:devices') // what the HTTP client (mocked here) does with that answer
    openDialog()
    await flushPromises()
    expect(dialog().dataset.state).toBe('hub-down')
    expect(spoken(part('diagnostics-problem'))).toContain(
      'Le hub de Gigafibre ne répond pas : le modem ne peut pas être interrogé pour l’instant.',
    )
    expect(spoken(part('diagnostics-problem'))).not.toContain('503')

    hub.mockResolvedValueOnce(healthy)
    noteUpstreamUp('hub:devices')
    await flushPromises()
    expect(hub).toHaveBeenCalledTimes(2)
    expect(part('diagnostics-headline')!.dataset.headline).toBe('healthy')
  })
})
