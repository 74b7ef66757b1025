/**
 * The territory and the people of a Laurentides / Lanaudière fiber operator: cities with their
 * real postal prefixes (FSA) and approximate centres, Québec first and last names, street names.
 * Phone numbers use the fictional 555 exchange so the demo never texts a real person.
 */
import type { Rng } from './random'

export interface Zone {
  /** Also the Zone tag's name: the MRC the crews are organised by. */
  tag: string
  region: 'Laurentides' | 'Lanaudière'
}

export const ZONES = {
  riviereDuNord: { tag: 'Rivière-du-Nord', region: 'Laurentides' },
  mirabel: { tag: 'Mirabel', region: 'Laurentides' },
  blainville: { tag: 'Thérèse-De Blainville', region: 'Laurentides' },
  moulins: { tag: 'Les Moulins', region: 'Lanaudière' },
} as const satisfies Record<string, Zone>

export const ZONE_LIST: readonly Zone[] = Object.values(ZONES)

export interface City {
  name: string
  zone: Zone
  /** Short code used in OLT names: OLT-STJ-01. */
  oltCode: string
  latitude: number
  longitude: number
  /** How far homes spread from the centre, in km. */
  radiusKm: number
  /** Relative share of subscribers (roughly the population, in thousands). */
  weight: number
  /** Forward sortation areas: the first half of the postal code. */
  fsa: readonly string[]
  /** Main roads, mixed in with the common street names. */
  mainStreets: readonly string[]
}

const Z = ZONES
export const CITIES: readonly City[] = [
  {
    name: 'Saint-Jérôme',
    zone: Z.riviereDuNord,
    oltCode: 'STJ',
    latitude: 45.7804,
    longitude: -74.0036,
    radiusKm: 5.5,
    weight: 80,
    fsa: ['J7Y', 'J7Z', 'J5L'],
    mainStreets: [
      'boulevard des Laurentides',
      'rue Labelle',
      'boulevard Monseigneur-Dubois',
      'rue De Martigny Ouest',
      'rue Saint-Georges',
    ],
  },
  {
    name: 'Prévost',
    zone: Z.riviereDuNord,
    oltCode: 'PRV',
    latitude: 45.867,
    longitude: -74.082,
    radiusKm: 3.5,
    weight: 14,
    fsa: ['J0R'],
    mainStreets: ['montée Sainte-Thérèse', 'rue Principale', 'chemin du Lac-Écho', 'boulevard du Curé-Labelle'],
  },
  {
    name: 'Saint-Colomban',
    zone: Z.riviereDuNord,
    oltCode: 'SCB',
    latitude: 45.73,
    longitude: -74.13,
    radiusKm: 5,
    weight: 20,
    fsa: ['J5K'],
    mainStreets: ["montée de l'Église", 'côte Saint-Nicholas', 'rue des Cèdres'],
  },
  {
    name: 'Sainte-Sophie',
    zone: Z.riviereDuNord,
    oltCode: 'SSO',
    latitude: 45.82,
    longitude: -73.9,
    radiusKm: 5,
    weight: 18,
    fsa: ['J5J'],
    mainStreets: ['montée Morel', 'rue de la Gare', 'rue Godard'],
  },
  {
    name: 'Mirabel',
    zone: Z.mirabel,
    oltCode: 'MIR',
    latitude: 45.68,
    longitude: -74.02,
    radiusKm: 8,
    weight: 60,
    fsa: ['J7J', 'J7N'],
    mainStreets: [
      'boulevard de Saint-Canut',
      'rue Victor',
      'rang Saint-Vincent',
      'montée Sainte-Marianne',
      'rue Saint-Jacques',
    ],
  },
  {
    name: 'Blainville',
    zone: Z.blainville,
    oltCode: 'BLV',
    latitude: 45.67,
    longitude: -73.88,
    radiusKm: 4,
    weight: 60,
    fsa: ['J7B', 'J7C'],
    mainStreets: [
      'boulevard du Curé-Labelle',
      'boulevard de Fontainebleau',
      'chemin de la Côte-Saint-Louis',
      'boulevard Michèle-Bohec',
    ],
  },
  {
    name: 'Sainte-Thérèse',
    zone: Z.blainville,
    oltCode: 'STH',
    latitude: 45.639,
    longitude: -73.828,
    radiusKm: 2.5,
    weight: 27,
    fsa: ['J7E'],
    mainStreets: ['rue Blainville Est', 'rue Turgeon', 'boulevard du Curé-Labelle', 'rue Saint-Charles'],
  },
  {
    name: 'Boisbriand',
    zone: Z.blainville,
    oltCode: 'BBD',
    latitude: 45.619,
    longitude: -73.838,
    radiusKm: 3,
    weight: 28,
    fsa: ['J7G', 'J7H'],
    mainStreets: ['chemin de la Grande-Côte', 'boulevard de la Grande-Allée', 'avenue Wilfrid-Laurier'],
  },
  {
    name: 'Rosemère',
    zone: Z.blainville,
    oltCode: 'RSM',
    latitude: 45.637,
    longitude: -73.8,
    radiusKm: 2,
    weight: 14,
    fsa: ['J7A'],
    mainStreets: ['chemin de la Grande-Côte', 'boulevard Labelle', 'rue Northcote'],
  },
  {
    name: 'Lorraine',
    zone: Z.blainville,
    oltCode: 'LOR',
    latitude: 45.683,
    longitude: -73.782,
    radiusKm: 2,
    weight: 9,
    fsa: ['J6Z'],
    mainStreets: ['boulevard De Gaulle', 'place de Dieppe', 'rue de Chambord'],
  },
  {
    name: 'Bois-des-Filion',
    zone: Z.blainville,
    oltCode: 'BDF',
    latitude: 45.667,
    longitude: -73.757,
    radiusKm: 1.5,
    weight: 10,
    fsa: ['J6Z'],
    mainStreets: ['boulevard Adolphe-Chapleau', 'avenue Garden'],
  },
  {
    name: 'Sainte-Anne-des-Plaines',
    zone: Z.blainville,
    oltCode: 'SAP',
    latitude: 45.764,
    longitude: -73.811,
    radiusKm: 4,
    weight: 15,
    fsa: ['J0N'],
    mainStreets: ['boulevard Sainte-Anne', 'rang Lepage', 'montée Gagnon'],
  },
  {
    name: 'Terrebonne',
    zone: Z.moulins,
    oltCode: 'TRB',
    latitude: 45.7,
    longitude: -73.647,
    radiusKm: 6,
    weight: 120,
    fsa: ['J6W', 'J6X', 'J6Y', 'J7M'],
    mainStreets: [
      'boulevard des Seigneurs',
      'rue Saint-Louis',
      'montée Masson',
      'boulevard Moody',
      'chemin Gascon',
      'boulevard de la Pinière',
    ],
  },
  {
    name: 'Mascouche',
    zone: Z.moulins,
    oltCode: 'MSC',
    latitude: 45.746,
    longitude: -73.6,
    radiusKm: 4,
    weight: 50,
    fsa: ['J7K', 'J7L'],
    mainStreets: ['montée Masson', 'chemin Sainte-Marie', 'avenue de la Gare', 'chemin Saint-Henri'],
  },
]

/** Common street names across Québec towns; a street type is put in front of each. */
export const STREET_NAMES: readonly string[] = [
  'Principale',
  'Saint-Georges',
  'Labelle',
  'Saint-Joseph',
  'Sainte-Marie',
  'des Érables',
  'des Pins',
  'des Bouleaux',
  'des Cèdres',
  'des Lilas',
  'des Pommiers',
  'des Merisiers',
  'du Boisé',
  'de la Rivière',
  'du Lac',
  'de la Gare',
  "de l'Église",
  'du Moulin',
  'des Patriotes',
  'Laurier',
  'Papineau',
  'Notre-Dame',
  'Saint-Louis',
  'Saint-Pierre',
  'Sainte-Anne',
  'Dubois',
  'Lapointe',
  'des Sittelles',
  'des Mésanges',
  'des Hirondelles',
  'des Geais-Bleus',
  'du Cardinal',
  'de la Seigneurie',
  'des Tilleuls',
  'des Ormes',
  'Chomedey',
  'Jacques-Cartier',
  'Champlain',
  'des Lacs',
  'de la Montagne',
  'des Sapins',
  'des Noyers',
  'Gilles-Vigneault',
  'Félix-Leclerc',
  'Émile-Nelligan',
  'Gabrielle-Roy',
  'des Perdrix',
  'du Ruisseau',
  'des Trembles',
  'de la Fabrique',
  'Beauchemin',
  'Bélanger',
  'Lachapelle',
  'des Pionniers',
  'du Domaine',
  'des Chênes',
  'des Peupliers',
  'de Provence',
  'de Bretagne',
  'de Normandie',
  'des Jonquilles',
  'des Tulipes',
]

export const STREET_TYPES: readonly (readonly [string, number])[] = [
  ['rue', 60],
  ['avenue', 10],
  ['chemin', 8],
  ['boulevard', 4],
  ['montée', 4],
  ['place', 5],
  ['croissant', 5],
  ['terrasse', 2],
  ['rang', 2],
]

export const FEMALE_FIRST_NAMES: readonly string[] = [
  'Marie',
  'Julie',
  'Isabelle',
  'Nathalie',
  'Sophie',
  'Catherine',
  'Geneviève',
  'Mélanie',
  'Valérie',
  'Stéphanie',
  'Émilie',
  'Audrey',
  'Camille',
  'Léa',
  'Chloé',
  'Sarah',
  'Marie-Ève',
  'Annie',
  'Karine',
  'Josée',
  'Lise',
  'Sylvie',
  'Johanne',
  'Chantal',
  'Diane',
  'Louise',
  'Manon',
  'Caroline',
  'Véronique',
  'Amélie',
  'Maude',
  'Noémie',
  'Florence',
  'Rosalie',
  'Jessica',
  'Andréanne',
  'Mylène',
  'Vanessa',
  'Francine',
  'Nicole',
  'Marie-Claude',
  'Anne-Marie',
  'Joanie',
  'Kim',
  'Laurence',
  'Gabrielle',
]

export const MALE_FIRST_NAMES: readonly string[] = [
  'Jean',
  'Pierre',
  'Michel',
  'André',
  'Luc',
  'Marc',
  'Martin',
  'Éric',
  'Patrick',
  'Stéphane',
  'Sébastien',
  'Mathieu',
  'Maxime',
  'Alexandre',
  'Simon',
  'Vincent',
  'François',
  'Philippe',
  'Nicolas',
  'Olivier',
  'Guillaume',
  'Jonathan',
  'Kevin',
  'Samuel',
  'Gabriel',
  'William',
  'Félix',
  'Antoine',
  'Louis',
  'Jacques',
  'Gilles',
  'Réjean',
  'Daniel',
  'Denis',
  'Yves',
  'Alain',
  'Benoît',
  'Dominic',
  'Frédéric',
  'Hugo',
  'Jérôme',
  'Mario',
  'Sylvain',
  'Steve',
  'Jean-François',
  'Marc-André',
  'Pier-Luc',
  'Jean-Philippe',
]

export const LAST_NAMES: readonly string[] = [
  'Tremblay',
  'Gagnon',
  'Roy',
  'Côté',
  'Bouchard',
  'Gauthier',
  'Morin',
  'Lavoie',
  'Fortin',
  'Gagné',
  'Ouellet',
  'Pelletier',
  'Bélanger',
  'Lévesque',
  'Bergeron',
  'Leblanc',
  'Paquette',
  'Girard',
  'Simard',
  'Boucher',
  'Caron',
  'Beaulieu',
  'Cloutier',
  'Dubé',
  'Poirier',
  'Fournier',
  'Lapointe',
  'Leclerc',
  'Lefebvre',
  'Poulin',
  'Thibault',
  'St-Pierre',
  'Nadeau',
  'Martin',
  'Landry',
  'Martel',
  'Bédard',
  'Grenier',
  'Lessard',
  'Bernier',
  'Richard',
  'Michaud',
  'Hébert',
  'Desjardins',
  'Couture',
  'Turcotte',
  'Lachance',
  'Parent',
  'Blais',
  'Gosselin',
  'Savard',
  'Proulx',
  'Beaudoin',
  'Demers',
  'Perreault',
  'Boudreau',
  'Lemieux',
  'Cyr',
  'Perron',
  'Dufour',
  'Dion',
  'Mercier',
  'Bolduc',
  'Bérubé',
  'Boisvert',
  'Langlois',
  'Ménard',
  'Labelle',
  'Giroux',
  'Charbonneau',
  'Lalonde',
  'Lemay',
  'Vachon',
  'Rousseau',
  'Allard',
  'Dupuis',
  'Brassard',
  'Deschênes',
  "D'Amours",
  'Laflamme',
  'Thériault',
  'Vaillancourt',
]

/** Anglophone and newer Quebecers: the ones who often prefer English. */
export const OTHER_FIRST_NAMES: readonly string[] = [
  'David',
  'Michael',
  'Jennifer',
  'Emily',
  'James',
  'Mohamed',
  'Fatima',
  'Karim',
  'Nadia',
  'Wei',
  'Linh',
  'Carlos',
  'Maria',
  'Ahmed',
  'Sarah',
  'Daniel',
  'Rachel',
  'Omar',
]
export const OTHER_LAST_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Brown',
  'Wilson',
  'Nguyen',
  'Tran',
  'Haddad',
  'Khoury',
  'Benali',
  'Rodriguez',
  'Silva',
  'Pereira',
  'Chen',
  'Wong',
  "O'Brien",
  'MacDonald',
  'Campbell',
  'Diallo',
]

export const BUSINESS_KINDS: readonly string[] = [
  'Boulangerie',
  'Garage',
  'Quincaillerie',
  'Clinique dentaire',
  'Salon de coiffure',
  'Dépanneur',
  'Restaurant',
  'Cabinet comptable',
  'Érablière',
  'Pharmacie',
  'Fromagerie',
  'Toitures',
  'Excavation',
  'Clinique vétérinaire',
  'Pâtisserie',
  'Entrepôt',
  'Transport',
  'Notaires',
]
export const BUSINESS_SUFFIXES: readonly string[] = ['', ' inc.', ' et fils', ' enr.', ' ltée']

export const EMAIL_DOMAINS: readonly (readonly [string, number])[] = [
  ['gmail.com', 35],
  ['videotron.ca', 25],
  ['hotmail.com', 20],
  ['outlook.com', 8],
  ['yahoo.ca', 5],
  ['icloud.com', 5],
  ['sympatico.ca', 2],
]

/** "Marie-Ève St-Pierre" → "marie-eve.st-pierre": the local part of an e-mail address. */
export function emailLocalPart(first: string, last: string): string {
  return `${asciiWord(first)}.${asciiWord(last)}`
}

const asciiCache = new Map<string, string>()
function asciiWord(s: string): string {
  let a = asciiCache.get(s)
  if (a === undefined) {
    a = s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/['\s]/g, '')
    asciiCache.set(s, a)
  }
  return a
}

// Canada Post never uses D, F, I, O, Q or U in postal codes.
const POSTAL_LETTERS = 'ABCEGHJKLMNPRSTVWXYZ'

export function postalCode(rng: Rng, city: City): string {
  return `${rng.pick(city.fsa)} ${rng.int(0, 9)}${POSTAL_LETTERS[rng.int(0, POSTAL_LETTERS.length - 1)]}${rng.int(0, 9)}`
}

/** Kilometres per degree, close enough at 45.7° N. */
const KM_PER_DEG_LAT = 111.2
const KM_PER_DEG_LON = 77.7

/** The point `kmNorth` / `kmEast` away from (lat, lon), rounded to the 6 decimals GPS reports. */
export function offsetPoint(lat: number, lon: number, kmNorth: number, kmEast: number): [number, number] {
  return [round6(lat + kmNorth / KM_PER_DEG_LAT), round6(lon + kmEast / KM_PER_DEG_LON)]
}

export const round6 = (x: number): number => Math.round(x * 1e6) / 1e6

/** Local area codes: 450 and its overlay 579, plus 514 for people who kept their Montréal number. */
const AREA_CODES: readonly (readonly [string, number])[] = [
  ['450', 60],
  ['579', 25],
  ['514', 15],
]

/**
 * Hands out phone numbers on the fictional 555 exchange, unique while the space lasts (the large
 * profile has more customers than 555 numbers, so a few repeat there, as shared lines do).
 */
export class PhoneBook {
  private readonly used = new Set<string>()
  constructor(private readonly rng: Rng) {}

  /** Ten digits, e.g. "4505550123". */
  draw(): string {
    let digits = ''
    // Once the space is mostly used, retrying costs more than an occasional shared number.
    const attempts = this.used.size < 20_000 ? 6 : 1
    for (let attempt = 0; attempt < attempts; attempt++) {
      const area = pickWeighted(this.rng, AREA_CODES)
      digits = `${area}555${String(this.rng.int(0, 9999)).padStart(4, '0')}`
      if (!this.used.has(digits)) break
    }
    this.used.add(digits)
    return digits
  }
}

/** As staff typed them into ERPNext over the years: several formats for the same kind of number. */
export function formatPhoneAsTyped(rng: Rng, digits: string): string {
  const a = digits.slice(0, 3),
    b = digits.slice(3, 6),
    c = digits.slice(6)
  const x = rng.next()
  if (x < 0.35) return `+1 ${a}-${b}-${c}`
  if (x < 0.7) return `${a}-${b}-${c}`
  if (x < 0.85) return `(${a}) ${b}-${c}`
  if (x < 0.95) return digits
  return `${a} ${b}-${c}`
}

/** "+14505550123": how the SMS hub addresses a number. */
export const toE164 = (digits: string): string => `+1${digits}`

export function pickWeighted<T>(rng: Rng, entries: readonly (readonly [T, number])[]): T {
  let total = 0
  for (const [, w] of entries) total += w
  let x = rng.next() * total
  for (const [v, w] of entries) if ((x -= w) < 0) return v
  return entries[entries.length - 1][0]
}
