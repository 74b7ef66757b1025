/**
 * The field crew: Tags (skills, zones, job types) and Technicians. TECH-001 is the technician
 * persona, so "Mes interventions" shows real jobs when the SPA signs in as them.
 */
import type { JobType } from '../../../src/contracts/doctypes'
import { PERSONAS, TECHNICIAN_PERSONA_ID } from '../../../src/contracts/personas'
import type { TagDoc, TechnicianDoc } from './docs'
import {
  CITIES,
  FEMALE_FIRST_NAMES,
  LAST_NAMES,
  MALE_FIRST_NAMES,
  ZONES,
  ZONE_LIST,
  emailLocalPart,
  formatPhoneAsTyped,
  offsetPoint,
  type City,
  type PhoneBook,
  type Zone,
} from './quebec'
import { weighted, type Rng } from './random'
import { DAY, type SiteCalendar } from './time'

export const SKILLS = {
  fibre: 'Fibre',
  splicing: 'Épissure',
  wifi: 'Wi-Fi',
  phone: 'Téléphonie',
  tv: 'Télévision',
  bucketTruck: 'Nacelle',
} as const
export type Skill = (typeof SKILLS)[keyof typeof SKILLS]

/** The Job Type tag put on each job, in the staff's words. */
export const JOB_TYPE_TAGS: Readonly<Record<JobType, string>> = {
  Installation: 'Installation',
  Repair: 'Réparation',
  Move: 'Déménagement',
  Removal: 'Retrait',
  Inspection: 'Inspection',
}

const SKILL_COLORS: Readonly<Record<Skill, string>> = {
  Fibre: '#1E88E5',
  Épissure: '#8E24AA',
  'Wi-Fi': '#00897B',
  Téléphonie: '#6D4C41',
  Télévision: '#F4511E',
  Nacelle: '#F9A825',
}
const ZONE_COLORS = ['#43A047', '#5E35B1', '#039BE5', '#E53935']
const JOB_TYPE_COLORS = ['#2E7D32', '#C62828', '#6A1B9A', '#616161', '#0277BD']

export function generateTags(cal: SiteCalendar): TagDoc[] {
  // Configured once when the app went live, two years ago.
  const stamp = cal.datetime(cal.now.getTime() - 730 * DAY)
  const tag = (tag_name: string, category: NonNullable<TagDoc['category']>, color: string): TagDoc => ({
    name: tag_name,
    creation: stamp,
    modified: stamp,
    tag_name,
    category,
    color,
  })
  return [
    ...Object.values(SKILLS).map((s) => tag(s, 'Skill', SKILL_COLORS[s])),
    ...ZONE_LIST.map((z, i) => tag(z.tag, 'Zone', ZONE_COLORS[i % ZONE_COLORS.length])),
    ...Object.values(JOB_TYPE_TAGS).map((t, i) => tag(t, 'Job Type', JOB_TYPE_COLORS[i])),
  ]
}

/** What the job generator needs to know about a technician, besides the document. */
export interface CrewMember {
  doc: TechnicianDoc
  skills: ReadonlySet<string>
  zones: readonly Zone[]
  /** Minutes after midnight, site-local. */
  shiftStart: number
  shiftEnd: number
  active: boolean
}

export interface TechnicianOptions {
  technicians: number
  inactive: number
}

const SHIFTS: readonly (readonly [readonly [string, string], number])[] = [
  [['07:00', '15:30'], 40],
  [['08:00', '16:30'], 40],
  [['12:00', '20:00'], 12],
  [['06:30', '15:00'], 8],
]

const SKILL_SHARES: readonly (readonly [Skill, number])[] = [
  [SKILLS.fibre, 0.92],
  [SKILLS.splicing, 0.3],
  [SKILLS.wifi, 0.6],
  [SKILLS.phone, 0.4],
  [SKILLS.tv, 0.4],
  [SKILLS.bucketTruck, 0.25],
]

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/**
 * Readable, distinct colours for the board: hues walk the golden angle so neighbours differ,
 * lightness stays dark enough for white text.
 */
function crewColor(i: number, used: Set<string>): string {
  for (let k = 0; ; k++) {
    const hue = ((i + k * 7) * 137.508) % 360
    const lightness = 34 + (((i + k) * 7) % 4) * 5
    const hex = hslToHex(hue, 62 + ((i + k) % 3) * 8, lightness)
    if (!used.has(hex)) {
      used.add(hex)
      return hex
    }
  }
}

function hslToHex(h: number, s: number, l: number): string {
  const a = (s / 100) * Math.min(l / 100, 1 - l / 100)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    const c = l / 100 - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0')
      .toUpperCase()
  }
  return `#${f(0)}${f(8)}${f(4)}`
}

export function generateTechnicians(
  rng: Rng,
  cal: SiteCalendar,
  phones: PhoneBook,
  opts: TechnicianOptions,
): CrewMember[] {
  const persona = PERSONAS.find((p) => p.id === 'technician')
  if (!persona) throw new Error('personas.ts has no technician persona')
  // Other personas are office staff: no technician may take their e-mail.
  const emails = new Set(PERSONAS.map((p) => p.email))
  const colors = new Set<string>()
  const pickShift = weighted(SHIFTS)
  const pickZone = weighted(
    ZONE_LIST.map((z) => [z, CITIES.filter((c) => c.zone === z).reduce((n, c) => n + c.weight, 0)] as const),
  )
  const citiesByZone = new Map(ZONE_LIST.map((z) => [z, CITIES.filter((c) => c.zone === z)]))
  const now = cal.now.getTime()

  // Spread the inactive ones through the list, never on TECH-001.
  const inactive = new Set<number>()
  for (let k = 1; k <= opts.inactive; k++)
    inactive.add(Math.floor((k * (opts.technicians - 1)) / (opts.inactive + 1)) + 1)

  const crew: CrewMember[] = []
  for (let i = 0; i < opts.technicians; i++) {
    const isPersona = i === 0
    let fullName: string, email: string
    if (isPersona) {
      fullName = persona.name
      email = persona.email
    } else {
      const first = rng.pick(rng.chance(0.82) ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES)
      const last = rng.pick(LAST_NAMES)
      fullName = `${first} ${last}`
      const local = emailLocalPart(first, last)
      email = `${local}@gigafibre.ca`
      for (let n = 2; emails.has(email); n++) email = `${local}${n}@gigafibre.ca`
    }
    emails.add(email)

    const zones: Zone[] = isPersona ? [ZONES.riviereDuNord] : [pickZone(rng)]
    if (!isPersona && rng.chance(0.25)) {
      const second = pickZone(rng)
      if (second !== zones[0]) zones.push(second)
    }
    const skills: Skill[] = isPersona
      ? [SKILLS.fibre, SKILLS.splicing, SKILLS.wifi, SKILLS.phone]
      : SKILL_SHARES.filter(([, share]) => rng.chance(share)).map(([s]) => s)
    if (skills.length === 0) skills.push(SKILLS.wifi)
    const [shiftStart, shiftEnd] = isPersona ? ['08:00', '16:30'] : pickShift(rng)
    const homeCity: City = isPersona ? CITIES[0] : rng.pick(citiesByZone.get(zones[0]) ?? CITIES)
    const [home_latitude, home_longitude] = offsetPoint(
      homeCity.latitude,
      homeCity.longitude,
      rng.gauss() * homeCity.radiusKm * 0.6,
      rng.gauss() * homeCity.radiusKm * 0.6,
    )
    const hired = now - (opts.technicians - i) * (1400 / opts.technicians) * DAY - rng.int(0, 3600) * 1000
    const creation = cal.datetime(hired)
    const active = !inactive.has(i)

    const doc: TechnicianDoc = {
      name: isPersona ? TECHNICIAN_PERSONA_ID : `TECH-${String(i + 1).padStart(3, '0')}`,
      creation,
      modified: active ? creation : cal.datetime(Math.max(hired, now - rng.int(5, 90) * DAY)),
      full_name: fullName,
      email,
      mobile_no: formatPhoneAsTyped(rng, phones.draw()),
      status: active ? 'Active' : 'Inactive',
      color: crewColor(i, colors),
      traccar_device_id: 1001 + i,
      home_latitude,
      home_longitude,
      shift_start: shiftStart,
      shift_end: shiftEnd,
      tags: [...skills.map((tag) => ({ tag })), ...zones.map((z) => ({ tag: z.tag }))],
    }
    crew.push({
      doc,
      skills: new Set(skills),
      zones,
      active,
      shiftStart: minutesOf(shiftStart),
      shiftEnd: minutesOf(shiftEnd),
    })
  }
  return crew
}
