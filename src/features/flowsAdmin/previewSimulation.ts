/**
 * What the preview answers in place of the BFF: a sample customer, the results a check could give
 * (the admin picks one to walk each branch) and a made-up document for each action. Nothing here
 * reaches a server; the names say APERÇU so no one mistakes them for real documents.
 */
import { ACTION_SPECS } from 'src/contracts/flows/catalogue'
import type {
  ActResult,
  ActionKind,
  AddressServedResult,
  AddressValue,
  BalanceDueResult,
  CheckKind,
  CheckResult,
  DiagnoseResult,
  FlowCustomer,
  Localized,
  OpenTicketsResult,
} from 'src/contracts/flows/types'

export const PREVIEW_NAME = 'APERÇU'

/** A customer with a location, an active plan and a modem: every requirement of a flow fits. */
export function sampleCustomer(language: 'fr' | 'en'): FlowCustomer {
  return {
    name: `CUST-${PREVIEW_NAME}`,
    customer_name: language === 'en' ? 'Emily Clarke' : 'Marie Tremblay',
    mobile_no: '514 555-0142',
    email_id: language === 'en' ? 'emily.clarke@example.com' : 'marie.tremblay@example.com',
    language,
    location: `LOC-${PREVIEW_NAME}`,
    address: '1234, rue Saint-Denis',
    city: 'Montréal',
    postal_code: 'H2X 3K2',
    plan: 'Fibre 500',
    subscription: `SUB-${PREVIEW_NAME}`,
    ont: 'GPON-APERCU-01',
  }
}

export interface SimulatedResult {
  id: string
  label: Localized
  value: CheckResult
}

const diagnose = (
  id: DiagnoseResult['status'] | 'crowded',
  label: Localized,
  result: Omit<DiagnoseResult, 'serial'>,
) => ({
  id,
  label,
  value: { serial: 'GPON-APERCU-01', ...result },
})

function diagnoseResults(): SimulatedResult[] {
  return [
    diagnose(
      'online',
      { fr: 'En ligne, signal bon', en: 'Online, good signal' },
      {
        status: 'online',
        rxDbm: -19.5,
        wifiClients: 6,
        meshWeak: 0,
        summary: { fr: 'Le modem est en ligne, signal −19,5 dBm.', en: 'The modem is online, signal −19.5 dBm.' },
      },
    ),
    diagnose(
      'crowded',
      { fr: 'En ligne, Wi-Fi encombré', en: 'Online, crowded Wi-Fi' },
      {
        status: 'online',
        rxDbm: -20.1,
        wifiClients: 31,
        meshWeak: 1,
        summary: {
          fr: 'En ligne ; 31 appareils en Wi-Fi, un point mesh mal relié.',
          en: 'Online; 31 Wi-Fi devices, one mesh node poorly linked.',
        },
      },
    ),
    diagnose(
      'offline',
      { fr: 'Hors ligne', en: 'Offline' },
      {
        status: 'offline',
        summary: { fr: 'Le modem est hors ligne depuis 2 h.', en: 'The modem has been offline for 2 h.' },
      },
    ),
    diagnose(
      'los',
      { fr: 'Aucune lumière (LOS)', en: 'No light (LOS)' },
      {
        status: 'los',
        rxDbm: -40,
        summary: { fr: 'Aucune lumière n’arrive au modem.', en: 'No light reaches the modem.' },
      },
    ),
    diagnose(
      'weak-fiber',
      { fr: 'Fibre faible', en: 'Weak fiber' },
      {
        status: 'weak-fiber',
        rxDbm: -27.6,
        wifiClients: 4,
        meshWeak: 0,
        summary: { fr: 'Signal de la fibre trop faible : −27,6 dBm.', en: 'Fiber signal too weak: −27.6 dBm.' },
      },
    ),
    diagnose(
      'no-device',
      { fr: 'Aucun modem au dossier', en: 'No modem on file' },
      { status: 'no-device', summary: { fr: 'Aucun modem au dossier.', en: 'No modem on file.' } },
    ),
    diagnose(
      'timeout',
      { fr: 'Le modem ne répond pas', en: 'The modem does not answer' },
      {
        status: 'timeout',
        summary: { fr: 'Le modem n’a pas répondu à temps.', en: 'The modem did not answer in time.' },
      },
    ),
  ]
}

function addressResults(params: Record<string, unknown>): SimulatedResult[] {
  const a = (params.address ?? {}) as Partial<AddressValue>
  const city = typeof a.city === 'string' && a.city ? a.city : 'Montréal'
  const postalCode = typeof a.postalCode === 'string' && a.postalCode ? a.postalCode : 'H2X 3K2'
  const served = (yes: boolean): AddressServedResult => ({
    served: yes,
    city,
    postalCode,
    summary: yes
      ? { fr: `${city} (${postalCode}) est desservie.`, en: `${city} (${postalCode}) is served.` }
      : { fr: `${city} (${postalCode}) n’est pas desservie.`, en: `${city} (${postalCode}) is not served.` },
  })
  return [
    { id: 'served', label: { fr: 'Adresse desservie', en: 'Address served' }, value: served(true) },
    { id: 'not-served', label: { fr: 'Adresse non desservie', en: 'Address not served' }, value: served(false) },
  ]
}

function ticketResults(): SimulatedResult[] {
  const tickets = (subjects: string[]): OpenTicketsResult => ({
    count: subjects.length,
    subjects,
    summary: subjects.length
      ? { fr: `${subjects.length} billets ouverts.`, en: `${subjects.length} open tickets.` }
      : { fr: 'Aucun billet ouvert.', en: 'No open ticket.' },
  })
  return [
    { id: 'none', label: { fr: 'Aucun billet ouvert', en: 'No open ticket' }, value: tickets([]) },
    {
      id: 'two',
      label: { fr: 'Deux billets ouverts', en: 'Two open tickets' },
      value: tickets(['Internet lent le soir', 'Modem qui redémarre']),
    },
  ]
}

function balanceResults(): SimulatedResult[] {
  const balance = (amount: number, overdue: number): BalanceDueResult => ({
    amount,
    overdue,
    summary: overdue
      ? { fr: `Solde ${amount} $, dont ${overdue} $ en retard.`, en: `Balance $${amount}, $${overdue} overdue.` }
      : { fr: 'Rien à payer.', en: 'Nothing due.' },
  })
  return [
    { id: 'paid', label: { fr: 'Rien à payer', en: 'Nothing due' }, value: balance(0, 0) },
    { id: 'overdue', label: { fr: 'Solde en retard', en: 'Overdue balance' }, value: balance(129.9, 84.95) },
  ]
}

/** The results a check could give, each a branch the admin may want to walk. */
export function simulatedCheckResults(check: CheckKind, params: Record<string, unknown>): SimulatedResult[] {
  switch (check) {
    case 'diagnose':
      return diagnoseResults()
    case 'address-served':
      return addressResults(params)
    case 'open-tickets':
      return ticketResults()
    case 'balance-due':
      return balanceResults()
  }
}

const DOCTYPE: Record<ActionKind, string> = {
  'open-ticket': 'Issue',
  'book-technician': 'Dispatch Job',
  'send-sms': 'Communication',
  'create-customer': 'Customer',
  'create-location': 'Service Location',
  'close-location': 'Service Location',
  'change-plan': 'Subscription',
  'cancel-service': 'Subscription',
  'add-note': 'Communication',
}

const asText = (v: unknown) => (typeof v === 'string' ? v : '')

/** What an action answers in the preview: a document named APERÇU, and for a new customer, that customer. */
export function simulatedActResult(action: ActionKind, params: Record<string, unknown>): ActResult {
  const label = ACTION_SPECS[action].label
  const result: ActResult = {
    doctype: DOCTYPE[action],
    name: PREVIEW_NAME,
    summary: {
      fr: `Aperçu : « ${label.fr} » est simulé, rien n’a été créé.`,
      en: `Preview: “${label.en}” is simulated, nothing was created.`,
    },
  }
  if (action !== 'create-customer') return result
  const address = (params.address ?? {}) as Partial<AddressValue>
  return {
    ...result,
    customer: {
      name: PREVIEW_NAME,
      customer_name: asText(params.customerName) || PREVIEW_NAME,
      mobile_no: asText(params.phone) || undefined,
      email_id: asText(params.email) || undefined,
      language: params.language === 'en' ? 'en' : 'fr',
      location: `LOC-${PREVIEW_NAME}`,
      address: asText(address.line) || undefined,
      city: asText(address.city) || undefined,
      postal_code: asText(address.postalCode) || undefined,
      plan: asText(params.plan) || undefined,
      subscription: `SUB-${PREVIEW_NAME}`,
    },
  }
}
