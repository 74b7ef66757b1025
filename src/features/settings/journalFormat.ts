/**
 * How a journal time reads to staff: site time (America/Toronto) whatever the browser's zone,
 * 24-hour, as "2026-11-27 15:21:34" — sortable at a glance and the same in French and English.
 */
const SITE_TIME = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Toronto',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export function journalTime(at: string): string {
  const d = new Date(at)
  if (Number.isNaN(d.getTime())) return at
  const p = Object.fromEntries(SITE_TIME.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`
}
