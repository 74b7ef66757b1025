/** Small flows the Parcours admin tests share: every kind of step, a branch on a check, a loop back. */
import type { FlowDefinition } from 'src/contracts/flows/types'

/** A modem check that branches three ways, a question with a loop back to the check, an action and two ends. */
export const MODEM_FLOW: FlowDefinition = {
  key: 'modem-check',
  version: 2,
  title: { fr: 'Modem', en: 'Modem' },
  audience: 'customer',
  requires: ['ont'],
  start: 'hello',
  steps: [
    {
      id: 'hello',
      kind: 'say',
      title: { fr: 'Accueil', en: 'Greeting' },
      text: { fr: 'Bonjour {customer.customer_name}.', en: 'Hello {customer.customer_name}.' },
      next: 'diag',
    },
    {
      id: 'diag',
      kind: 'check',
      title: { fr: 'Diagnostic', en: 'Diagnosis' },
      check: 'diagnose',
      next: [
        { when: { '==': [{ var: 'values.diag.status' }, 'los'] }, goto: 'book' },
        { when: { '==': [{ var: 'values.diag.status' }, 'online'] }, goto: 'fixed' },
        { goto: 'restart' },
      ],
    },
    {
      id: 'restart',
      kind: 'ask',
      title: { fr: 'Redémarrage', en: 'Restart' },
      question: { fr: 'Le modem a-t-il redémarré ?', en: 'Did the modem restart?' },
      options: [
        { value: 'yes', label: { fr: 'Oui, vérifier encore', en: 'Yes, check again' }, goto: 'diag' },
        { value: 'no', label: { fr: 'Non', en: 'No' }, goto: 'book' },
      ],
    },
    {
      id: 'book',
      kind: 'act',
      title: { fr: 'Technicien', en: 'Technician' },
      action: 'book-technician',
      params: { jobType: 'Repair', description: 'Modem {customer.ont}' },
      next: 'booked',
    },
    { id: 'booked', kind: 'end', title: { fr: 'Réservé', en: 'Booked' }, outcome: 'technician-booked' },
    { id: 'fixed', kind: 'end', title: { fr: 'Réglé', en: 'Fixed' }, outcome: 'resolved' },
  ],
}
