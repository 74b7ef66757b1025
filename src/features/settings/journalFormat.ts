/** How a journal time reads to staff: site time (America/Toronto), 24-hour, in their locale. */
export function journalTime(at: string, intlLocale: string): string {
  const d = new Date(at)
  if (Number.isNaN(d.getTime())) return at
  return new Intl.DateTimeFormat(intlLocale, {
    timeZone: 'America/Toronto', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).format(d)
}
