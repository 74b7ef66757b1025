/**
 * The SMS and call timeline on a customer's page (Communication): appointment reminders before
 * booked visits, and short conversations from the last months.
 */
import { PERSONAS } from '../../../src/contracts/personas'
import { monthlyTotal } from './billing'
import type { Household } from './customers'
import type { CommunicationDoc } from './docs'
import type { FieldWork } from './jobs'
import { conversation, type Message } from './phrases'
import { toE164 } from './quebec'
import type { Rng } from './random'
import { DAY, HOUR, MINUTE, type SiteCalendar } from './time'

export interface TimelineOptions {
  /** Share of customers (with a mobile number) who have a conversation on file. */
  conversationShare: number
  /** Share of upcoming visits preceded by an SMS reminder. */
  reminderShare: number
}

const CSR_EMAIL = PERSONAS.find((p) => p.id === 'csr')?.email ?? 'support@gigafibre.ca'
const frDate = new Intl.DateTimeFormat('fr-CA', {
  timeZone: 'America/Toronto',
  weekday: 'long',
  day: 'numeric',
  month: 'long',
})
const enDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Toronto',
  weekday: 'long',
  month: 'long',
  day: 'numeric',
})

/** "8 h et 10 h": the two-hour arrival window customers are given. */
function arrivalWindow(cal: SiteCalendar, startsAt: number, english: boolean): string {
  const hour = Number(cal.datetime(startsAt).slice(11, 13))
  return english ? `${hour}:00 and ${hour + 2}:00` : `${hour} h et ${hour + 2} h`
}

export function generateTimeline(
  rng: Rng,
  cal: SiteCalendar,
  households: readonly Household[],
  field: FieldWork,
  opts: TimelineOptions,
): CommunicationDoc[] {
  const now = cal.now.getTime()
  const names = new Set<string>()
  const docs: CommunicationDoc[] = []

  const record = (h: Household, msg: Message, at: number) => {
    if (!h.phone || at > now) return
    let name = rng.hex(10).toLowerCase()
    while (names.has(name)) name = rng.hex(10).toLowerCase()
    names.add(name)
    const number = toE164(h.phone)
    const stamp = cal.datetime(at)
    const doc: CommunicationDoc = {
      name,
      creation: stamp,
      modified: stamp,
      communication_medium: msg.medium,
      sent_or_received: msg.direction,
      content: msg.text,
      phone_no: number,
      reference_doctype: 'Customer',
      reference_name: h.customer.name,
      sender: msg.direction === 'Sent' ? CSR_EMAIL : number,
      communication_date: stamp,
    }
    if (msg.medium === 'SMS') {
      // The hub's message id (Twilio-style), so delivery receipts can find the message.
      doc.message_id = `SM${rng.hex(32).toLowerCase()}`
      if (msg.direction === 'Sent') {
        doc.delivery_status = rng.chance(0.97) ? 'delivered' : 'failed'
        doc.modified = cal.datetime(Math.min(now, at + rng.int(2, 30) * 1000))
      }
    }
    docs.push(doc)
  }

  const thread = (h: Household, messages: Message[], startAt: number) => {
    let at = startAt
    for (const m of messages) {
      at += m.delayMinutes * MINUTE + rng.int(0, 59) * 1000
      record(h, m, at)
    }
  }

  const context = (h: Household, startsAt: number) => {
    const english = h.customer.language === 'en'
    return {
      firstName: h.firstName,
      city: h.sites[0]?.city.name ?? '',
      english,
      amount: monthlyTotal(h)
        .toFixed(2)
        .replace('.', english ? '.' : ','),
      date: (english ? enDate : frDate).format(new Date(startsAt)),
      window: arrivalWindow(cal, startsAt, english),
    }
  }

  // Reminders go out at 16:00 the day before a booked visit.
  for (const { job, site, startsAt } of field.visits) {
    if (job.status !== 'Scheduled' && job.status !== 'En Route' && job.status !== 'Completed') continue
    if (!rng.chance(opts.reminderShare)) continue
    const h = site.household
    const c = context(h, startsAt)
    const sentAt = cal.at(cal.date(startsAt - DAY), 16 * 60) + rng.int(0, 30) * MINUTE
    const text = c.english
      ? `Gigafibre reminder: your technician will arrive on ${c.date} between ${c.window}. Reply YES to confirm.`
      : `Rappel Gigafibre: votre technicien arrivera le ${c.date} entre ${c.window}. Répondez OUI pour confirmer.`
    thread(
      h,
      [
        { medium: 'SMS', direction: 'Sent', text, delayMinutes: 0 },
        {
          medium: 'SMS',
          direction: 'Received',
          text: c.english ? 'YES' : rng.pick(['OUI', 'Oui merci', 'oui']),
          delayMinutes: rng.int(1, 120),
        },
      ],
      sentAt,
    )
  }

  for (const h of households) {
    if (!h.phone || !rng.chance(opts.conversationShare)) continue
    for (let n = rng.int(1, 3); n > 0; n--) {
      const startAt = now - rng.next() * 120 * DAY - HOUR
      // Day-time hours: a conversation at 3 a.m. would look wrong on the timeline.
      const local = cal.at(cal.date(startAt), rng.int(8 * 60, 19 * 60))
      thread(h, conversation(rng, context(h, local + 3 * DAY)), Math.min(local, now - HOUR))
    }
  }
  return docs.sort((a, b) => (a.creation < b.creation ? -1 : a.creation > b.creation ? 1 : 0))
}
