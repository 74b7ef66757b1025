/**
 * What customers and staff write: ticket subjects, job descriptions, technicians' notes and SMS.
 * French first; English only where an English-speaking customer is addressed.
 */
import type { Priority } from '../../../src/contracts/doctypes'
import type { Rng } from './random'
import { SKILLS, type Skill } from './technicians'

export interface Problem {
  subject: string
  details: readonly string[]
  /** Skills a repair visit needs; none for a ticket handled from the office. */
  skills: readonly Skill[]
  priority: readonly (readonly [Priority, number])[]
}

const { fibre, splicing, wifi, phone, tv, bucketTruck } = SKILLS
const urgent = [
  ['Urgent', 3],
  ['High', 5],
  ['Medium', 2],
] as const
const high = [
  ['Urgent', 1],
  ['High', 5],
  ['Medium', 4],
] as const
const usual = [
  ['High', 1],
  ['Medium', 6],
  ['Low', 3],
] as const
const minor = [
  ['Medium', 4],
  ['Low', 6],
] as const

/** Problems that send a technician. */
export const FIELD_PROBLEMS: readonly Problem[] = [
  {
    subject: 'Aucun signal depuis ce matin',
    skills: [fibre],
    priority: high,
    details: [
      'Le voyant PON clignote, redémarrage fait sans succès.',
      "Plus d'Internet ni de télé depuis 7 h.",
      'Le modem affiche un voyant rouge.',
    ],
  },
  {
    subject: 'Voyant LOS rouge sur le modem',
    skills: [fibre, splicing],
    priority: high,
    details: [
      'LOS rouge en continu, la fibre semble coupée.',
      "Aucune lumière reçue à l'ONT selon le diagnostic à distance.",
    ],
  },
  {
    subject: "Fibre arrachée par la chute d'un arbre",
    skills: [fibre, splicing, bucketTruck],
    priority: urgent,
    details: [
      'Le câble de branchement pend entre le poteau et la maison.',
      'Branche tombée sur le câble après le vent de la nuit.',
    ],
  },
  {
    subject: "Fibre endommagée lors de travaux d'excavation",
    skills: [fibre, splicing],
    priority: urgent,
    details: ["L'entrepreneur a sectionné le conduit en creusant.", 'Travaux de piscine: câble souterrain coupé.'],
  },
  {
    subject: 'Coupures intermittentes',
    skills: [fibre],
    priority: usual,
    details: [
      'Internet coupe plusieurs fois par jour, surtout en soirée.',
      'Le modem redémarre seul deux ou trois fois par jour.',
    ],
  },
  {
    subject: 'Internet lent le soir',
    skills: [wifi],
    priority: usual,
    details: [
      'Moins de 50 Mb/s en Wi-Fi après 19 h, forfait Giga 1000.',
      'Vitesse correcte en filaire, lente en Wi-Fi.',
    ],
  },
  {
    subject: 'Wi-Fi faible au sous-sol',
    skills: [wifi],
    priority: minor,
    details: ['Aucune couverture au sous-sol, bureau de télétravail.', 'Le Wi-Fi ne se rend pas au garage.'],
  },
  {
    subject: 'Borne Deco hors ligne',
    skills: [wifi],
    priority: usual,
    details: ['La borne du salon clignote en rouge.', 'Une des bornes Deco ne se connecte plus.'],
  },
  {
    subject: 'Télé figée sur certaines chaînes',
    skills: [tv],
    priority: usual,
    details: ["L'image gèle sur RDS et TVA Sports.", 'Pixelisation fréquente le soir.'],
  },
  {
    subject: 'Terminal télé ne démarre plus',
    skills: [tv],
    priority: usual,
    details: ['Le terminal reste sur le logo au démarrage.', 'Écran noir, le voyant du terminal est orange.'],
  },
  {
    subject: 'Pas de tonalité sur la ligne',
    skills: [phone],
    priority: high,
    details: ['Aucune tonalité sur le téléphone résidentiel.', "Le client ne reçoit plus d'appels."],
  },
  {
    subject: 'Écho sur la ligne téléphonique',
    skills: [phone],
    priority: minor,
    details: ['Les interlocuteurs entendent un écho.', 'Grésillement pendant les appels.'],
  },
]

/** Problems the office handles without a visit. */
export const OFFICE_PROBLEMS: readonly Problem[] = [
  {
    subject: 'Question sur ma facture',
    skills: [],
    priority: minor,
    details: ['Le client ne comprend pas les frais de la dernière facture.', "Montant plus élevé que d'habitude."],
  },
  {
    subject: 'Demande de changement de forfait',
    skills: [],
    priority: minor,
    details: ['Souhaite passer de Fibre 100 à Fibre 500.', 'Veut retirer la Télé de base.'],
  },
  {
    subject: 'Déménagement prévu le mois prochain',
    skills: [],
    priority: minor,
    details: ['Déménage à Mirabel le 1er juillet, veut garder son service.', 'Nouvelle adresse à confirmer.'],
  },
  {
    subject: 'Demande de crédit pour panne',
    skills: [],
    priority: minor,
    details: ['Panne de deux jours la semaine dernière, demande un crédit.'],
  },
  {
    subject: 'Changement de mode de paiement',
    skills: [],
    priority: [['Low', 1]],
    details: ['Veut passer au prélèvement automatique.', 'Nouvelle carte de crédit à enregistrer.'],
  },
  {
    subject: 'Mot de passe Wi-Fi oublié',
    skills: [],
    priority: [['Low', 1]],
    details: ['Ne retrouve plus le mot de passe du réseau.', 'Veut changer le nom du réseau Wi-Fi.'],
  },
]

export interface JobBrief {
  description: string
  skills: readonly Skill[]
}

export const INSPECTIONS: readonly JobBrief[] = [
  { description: "Vérification du niveau optique après travaux d'Hydro-Québec", skills: [fibre] },
  { description: 'Inspection de la terminaison optique au boîtier', skills: [fibre, splicing] },
  { description: 'Inspection du point de raccordement sur poteau', skills: [fibre, bucketTruck] },
  { description: 'Contrôle qualité après installation', skills: [fibre] },
]
export const ADD_ONS: readonly JobBrief[] = [
  { description: "Ajout Télé de base — installation d'un terminal", skills: [tv] },
  { description: "Ajout d'une borne Deco X50 au sous-sol", skills: [wifi] },
  { description: 'Ajout de la Téléphonie résidentielle', skills: [phone] },
]
export const MOVES: readonly string[] = [
  'Déménagement du service — raccordement à la nouvelle adresse',
  'Déménagement: déplacer la prise optique au sous-sol',
]
export const REMOVALS: readonly string[] = [
  "Récupération de l'équipement après résiliation",
  'Retrait du modem et du terminal, compte fermé',
]

/** A received optical power a technician would note, e.g. "-19,4 dBm" (French decimal comma). */
export const dbm = (rng: Rng): string => `-${rng.int(16, 23)},${rng.int(0, 9)} dBm`

export function completionNote(rng: Rng, jobType: string): string {
  switch (jobType) {
    case 'Installation':
      return rng.pick([
        `Installation terminée, ${dbm(rng)} à l'ONT, client satisfait.`,
        `Branchement aérien fait, ${dbm(rng)}. Wi-Fi configuré avec le client.`,
        `Entrée souterraine, ${dbm(rng)}. Modem installé au sous-sol.`,
      ])
    case 'Repair':
      return rng.pick([
        `Connecteur SC/APC nettoyé, signal à ${dbm(rng)}.`,
        `Épissure refaite au boîtier, ${dbm(rng)} à l'ONT.`,
        'ONT remplacé (défectueux), service rétabli.',
        'Borne Deco déplacée au rez-de-chaussée, couverture correcte.',
        'Mise à jour du micrologiciel et redémarrage; tout fonctionne.',
        'Cordon de raccordement remplacé.',
      ])
    case 'Removal':
      return rng.pick(['Modem et ONT récupérés.', 'Équipement récupéré, terminal télé manquant.'])
    default:
      return rng.pick([`Niveau optique ${dbm(rng)}, conforme.`, 'Travaux terminés, rien à signaler.'])
  }
}

export const CANCELLATION_NOTES: readonly string[] = [
  'Client absent, avis de passage laissé.',
  'Annulé par le client.',
  'Reporté: accès impossible (chien en liberté).',
  'Problème réglé à distance avant la visite.',
]

export interface Message {
  medium: 'SMS' | 'Phone'
  direction: 'Sent' | 'Received'
  text: string
  delayMinutes: number
}

export interface ThreadContext {
  firstName: string
  city: string
  english: boolean
  amount: string
  date: string
  window: string
}

/** Short conversations as they appear on a customer's timeline. */
export function conversation(rng: Rng, c: ThreadContext): Message[] {
  const sms = (direction: Message['direction'], text: string, delayMinutes = 0): Message => ({
    medium: 'SMS',
    direction,
    text,
    delayMinutes,
  })
  const call = (direction: Message['direction'], text: string): Message => ({
    medium: 'Phone',
    direction,
    text,
    delayMinutes: 0,
  })
  switch (rng.int(0, 6)) {
    case 0:
      return [
        sms(
          'Sent',
          c.english
            ? `Hi ${c.firstName}, Gigafibre confirms your appointment on ${c.date} between ${c.window}. Reply YES to confirm.`
            : `Bonjour ${c.firstName}, Gigafibre confirme votre rendez-vous le ${c.date} entre ${c.window}. Répondez OUI pour confirmer.`,
        ),
        rng.chance(0.75)
          ? sms(
              'Received',
              c.english ? rng.pick(['Yes', 'YES thanks']) : rng.pick(['Oui', 'OUI merci', "oui c'est beau"]),
              rng.int(2, 90),
            )
          : sms(
              'Received',
              c.english ? 'Could it be in the afternoon instead?' : 'Est-ce possible en après-midi plutôt?',
              rng.int(5, 120),
            ),
      ]
    case 1:
      return [
        sms(
          'Sent',
          `Gigafibre: une panne touche présentement votre secteur (${c.city}). Nos équipes sont sur place. Merci de votre patience.`,
        ),
        sms(
          'Sent',
          'Gigafibre: le service est rétabli dans votre secteur. Redémarrez votre modem au besoin.',
          rng.int(60, 300),
        ),
      ]
    case 2:
      return [
        sms(
          'Sent',
          c.english
            ? `Gigafibre: your bill of $${c.amount} is past due. Pay online or call us to avoid an interruption.`
            : `Gigafibre: votre facture de ${c.amount} $ est échue. Payez en ligne ou appelez-nous pour éviter une interruption.`,
        ),
        sms(
          'Received',
          c.english
            ? 'I will pay on Friday'
            : rng.pick(['Je vais payer vendredi', "C'est pas déjà payé?", "Ok je m'en occupe"]),
          rng.int(10, 600),
        ),
      ]
    case 3:
      return [
        call(
          'Received',
          rng.pick([
            'Appel entrant: Internet lent le soir. Redémarrage du modem, test à 940 Mb/s en filaire. Conseillé de déplacer la borne.',
            "Appel entrant: question sur la facture, frais d'installation expliqués.",
            'Appel entrant: demande de changement de forfait vers Giga 1000, transféré aux ventes.',
          ]),
        ),
      ]
    case 4:
      return [
        call(
          'Sent',
          rng.pick([
            'Appel sortant: suivi après intervention, client satisfait.',
            "Appel sortant: message laissé pour fixer le rendez-vous d'installation.",
          ]),
        ),
      ]
    case 5:
      return [
        sms(
          'Received',
          c.english
            ? 'Hi, my internet stopped working this morning'
            : 'Bonjour, mon Internet ne fonctionne plus depuis ce matin',
        ),
        sms(
          'Sent',
          c.english
            ? `Hi ${c.firstName}, sorry about that. Could you restart the modem? If it persists we will send a technician.`
            : `Bonjour ${c.firstName}, désolés de l'inconvénient. Pouvez-vous redémarrer le modem? Sinon nous enverrons un technicien.`,
          rng.int(3, 40),
        ),
        sms('Received', c.english ? 'Works now, thanks!' : 'Ça fonctionne maintenant, merci!', rng.int(5, 60)),
      ]
    default:
      return [
        sms(
          'Sent',
          c.english
            ? 'Thank you for choosing Gigafibre! From 1 to 10, how would you rate your installation?'
            : "Merci d'avoir choisi Gigafibre! Sur une échelle de 1 à 10, comment évaluez-vous l'installation?",
        ),
        sms('Received', rng.pick(['10', '9, technicien très professionnel', '8', '10!! merci']), rng.int(10, 900)),
      ]
  }
}
