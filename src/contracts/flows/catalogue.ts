/**
 * What each check and action of a flow takes, what it needs of the rep, and what it answers.
 * The validator refuses a parameter that is not listed here or a required one that is missing;
 * the BFF refuses an action whose capability the rep does not hold (a flow never does more than
 * the rep may); the admin's help page is written from the same table.
 */
import type { Capability } from '../capabilities'
import type { ActionKind, CheckKind, Localized } from './types'

export interface ParamSpec {
  required?: boolean
  /** `template`: a string with placeholders; `value`: `{ "var": ... }` or a literal. */
  kind: 'template' | 'value'
  /** Literal choices, when the parameter is one of a few words. */
  choices?: readonly string[]
  help: Localized
}

export interface OperationSpec {
  label: Localized
  /** The rep needs any one of these. */
  capabilities: readonly Capability[]
  params: Readonly<Record<string, ParamSpec>>
  /** What `values.<step>` holds afterwards, for the admin's help. */
  result: Localized
}

export const CHECK_SPECS: Readonly<Record<CheckKind, OperationSpec>> = {
  diagnose: {
    label: { fr: 'Diagnostiquer le modem', en: 'Diagnose the modem' },
    capabilities: ['devices:diagnose'],
    params: {
      serial: {
        kind: 'template',
        help: {
          fr: 'Numéro de série ; par défaut l’ONT du client',
          en: 'Serial number; the customer’s ONT by default',
        },
      },
    },
    result: {
      fr: 'status (online | offline | los | weak-fiber | no-device | timeout), rxDbm, wifiClients, meshWeak, summary',
      en: 'status (online | offline | los | weak-fiber | no-device | timeout), rxDbm, wifiClients, meshWeak, summary',
    },
  },
  'address-served': {
    label: { fr: 'Adresse desservie ?', en: 'Is the address served?' },
    capabilities: ['clients:view'],
    params: {
      address: {
        required: true,
        kind: 'value',
        help: {
          fr: 'L’adresse à vérifier (champ « address » d’un formulaire)',
          en: 'The address to check (an address form field)',
        },
      },
    },
    result: {
      fr: 'served (vrai/faux), city, postalCode, summary',
      en: 'served (true/false), city, postalCode, summary',
    },
  },
  'open-tickets': {
    label: { fr: 'Billets ouverts', en: 'Open tickets' },
    capabilities: ['clients:view'],
    params: {},
    result: { fr: 'count, subjects, summary', en: 'count, subjects, summary' },
  },
  'balance-due': {
    label: { fr: 'Solde dû', en: 'Balance due' },
    capabilities: ['clients:view'],
    params: {},
    result: { fr: 'amount, overdue (en $), summary', en: 'amount, overdue (in $), summary' },
  },
}

const PRIORITY = ['Low', 'Medium', 'High', 'Urgent'] as const

export const ACTION_SPECS: Readonly<Record<ActionKind, OperationSpec>> = {
  'open-ticket': {
    label: { fr: 'Ouvrir un billet', en: 'Open a ticket' },
    capabilities: ['clients:edit'],
    params: {
      subject: { required: true, kind: 'template', help: { fr: 'Sujet du billet', en: 'Ticket subject' } },
      description: { kind: 'template', help: { fr: 'Description', en: 'Description' } },
      priority: { kind: 'value', choices: PRIORITY, help: { fr: 'Priorité', en: 'Priority' } },
    },
    result: { fr: 'doctype Issue, name', en: 'doctype Issue, name' },
  },
  'book-technician': {
    label: { fr: 'Réserver un technicien', en: 'Book a technician' },
    capabilities: ['clients:edit', 'dispatch:plan'],
    params: {
      jobType: {
        required: true,
        kind: 'value',
        choices: ['Installation', 'Repair', 'Move', 'Removal', 'Inspection'],
        help: { fr: 'Type d’intervention', en: 'Job type' },
      },
      durationMinutes: {
        kind: 'value',
        help: { fr: 'Durée en minutes (60 par défaut)', en: 'Duration in minutes (60 by default)' },
      },
      priority: { kind: 'value', choices: PRIORITY, help: { fr: 'Priorité', en: 'Priority' } },
      description: {
        required: true,
        kind: 'template',
        help: { fr: 'Ce que le technicien doit savoir', en: 'What the technician must know' },
      },
      date: {
        kind: 'value',
        help: {
          fr: 'Jour souhaité (AAAA-MM-JJ) : le meilleur technicien libre ce jour-là ; sinon non assignée',
          en: 'Preferred day (YYYY-MM-DD): the best free technician that day; unassigned otherwise',
        },
      },
      location: {
        kind: 'value',
        help: {
          fr: 'Emplacement (par défaut celui du client ; ou le résultat d’un create-location)',
          en: 'Location (the customer’s by default; or a create-location result)',
        },
      },
    },
    result: {
      fr: 'doctype Dispatch Job, name, technician, scheduled_start',
      en: 'doctype Dispatch Job, name, technician, scheduled_start',
    },
  },
  'send-sms': {
    label: { fr: 'Envoyer un texto', en: 'Send a text' },
    capabilities: ['sms:send'],
    params: {
      text: {
        required: true,
        kind: 'value',
        help: {
          fr: 'Gabarit {fr, en} : la langue du client choisit',
          en: 'Template {fr, en}: the customer’s language picks',
        },
      },
    },
    result: {
      fr: 'doctype Communication, name (skipped si le client refuse les textos)',
      en: 'doctype Communication, name (skipped when the customer refuses texts)',
    },
  },
  'create-customer': {
    label: { fr: 'Créer le client', en: 'Create the customer' },
    capabilities: ['clients:edit'],
    params: {
      customerName: { required: true, kind: 'template', help: { fr: 'Nom', en: 'Name' } },
      phone: { kind: 'template', help: { fr: 'Mobile', en: 'Mobile' } },
      email: { kind: 'template', help: { fr: 'Courriel', en: 'E-mail' } },
      language: { kind: 'value', choices: ['fr', 'en'], help: { fr: 'Langue', en: 'Language' } },
      address: { required: true, kind: 'value', help: { fr: 'Adresse de service', en: 'Service address' } },
      plan: { required: true, kind: 'value', help: { fr: 'Forfait', en: 'Plan' } },
    },
    result: {
      fr: 'doctype Customer, name, customer (devient le client du parcours) ; emplacement et abonnement créés',
      en: 'doctype Customer, name, customer (becomes the run’s customer); location and subscription created',
    },
  },
  'create-location': {
    label: { fr: 'Ajouter un emplacement', en: 'Add a location' },
    capabilities: ['clients:edit'],
    params: {
      address: { required: true, kind: 'value', help: { fr: 'Adresse', en: 'Address' } },
      moveSubscription: {
        kind: 'value',
        help: {
          fr: 'Vrai : l’abonnement actif suit le client à cette adresse',
          en: 'True: the active subscription follows to this address',
        },
      },
    },
    result: { fr: 'doctype Service Location, name', en: 'doctype Service Location, name' },
  },
  'close-location': {
    label: { fr: 'Fermer l’emplacement', en: 'Close the location' },
    capabilities: ['clients:edit'],
    params: {
      location: {
        kind: 'value',
        help: {
          fr: 'Par défaut, l’emplacement du client au départ',
          en: 'The customer’s starting location by default',
        },
      },
    },
    result: { fr: 'doctype Service Location, name (Inactive)', en: 'doctype Service Location, name (Inactive)' },
  },
  'change-plan': {
    label: { fr: 'Changer de forfait', en: 'Change the plan' },
    capabilities: ['clients:edit'],
    params: { plan: { required: true, kind: 'value', help: { fr: 'Nouveau forfait', en: 'New plan' } } },
    result: { fr: 'doctype Subscription, name', en: 'doctype Subscription, name' },
  },
  'cancel-service': {
    label: { fr: 'Résilier le service', en: 'Cancel the service' },
    capabilities: ['clients:edit'],
    params: {
      reason: { required: true, kind: 'template', help: { fr: 'Motif', en: 'Reason' } },
      endDate: {
        kind: 'value',
        help: {
          fr: 'Dernier jour (AAAA-MM-JJ), aujourd’hui par défaut',
          en: 'Last day (YYYY-MM-DD), today by default',
        },
      },
    },
    result: { fr: 'doctype Subscription, name (Cancelled)', en: 'doctype Subscription, name (Cancelled)' },
  },
  'add-note': {
    label: { fr: 'Note au dossier', en: 'Note on file' },
    capabilities: ['clients:edit'],
    params: { text: { required: true, kind: 'template', help: { fr: 'La note', en: 'The note' } } },
    result: { fr: 'doctype Communication, name', en: 'doctype Communication, name' },
  },
}
