/**
 * Promised arrival windows as the staff pick them: a half day (AM 8–12, PM 12–17), any other
 * range, or none; stored on a Dispatch Job as two site-local datetimes on the job's day.
 */
export type WindowPreset = 'none' | 'am' | 'pm' | 'custom'

export interface WindowChoice {
  preset: WindowPreset
  /** "HH:MM", site-local; used when the preset is custom. */
  from: string
  to: string
}

const PRESETS: Record<'am' | 'pm', [string, string]> = { am: ['08:00', '12:00'], pm: ['12:00', '17:00'] }

/** The range a choice stands for, or null for none (or an invalid custom range). */
export function rangeOf(choice: WindowChoice): [string, string] | null {
  if (choice.preset === 'none') return null
  if (choice.preset !== 'custom') return PRESETS[choice.preset]
  return /^\d{2}:\d{2}$/.test(choice.from) && /^\d{2}:\d{2}$/.test(choice.to) && choice.to > choice.from
    ? [choice.from, choice.to]
    : null
}

export const isValidChoice = (choice: WindowChoice) => choice.preset !== 'custom' || rangeOf(choice) !== null

/** The fields to store for a choice on `day` ("YYYY-MM-DD"): both datetimes, or both cleared. */
export function windowFields(
  choice: WindowChoice,
  day: string,
): { arrival_window_start: string | null; arrival_window_end: string | null } {
  const range = rangeOf(choice)
  return range
    ? { arrival_window_start: `${day} ${range[0]}:00`, arrival_window_end: `${day} ${range[1]}:00` }
    : { arrival_window_start: null, arrival_window_end: null }
}

/** A job's stored window as a choice (the preset when it is one, else custom). */
export function choiceOf(start?: string | null, end?: string | null): WindowChoice {
  const from = start?.slice(11, 16) ?? ''
  const to = end?.slice(11, 16) ?? ''
  if (!from || !to) return { preset: 'none', from: '08:00', to: '10:00' }
  for (const key of ['am', 'pm'] as const)
    if (PRESETS[key][0] === from && PRESETS[key][1] === to) return { preset: key, from, to }
  return { preset: 'custom', from, to }
}

/** "8 h–12 h" in French, "8:00–12:00" in English. */
export function windowText(start: string, end: string, locale: string): { from: string; to: string } {
  const fmt = (s: string) => {
    const h = Number(s.slice(11, 13))
    const m = s.slice(14, 16)
    return locale.startsWith('en') ? `${h}:${m}` : `${h} h${m === '00' ? '' : m}`
  }
  return { from: fmt(start), to: fmt(end) }
}
