/**
 * The optical verdict for one PON interface, as HUB.md defines it: the hub answers it with each
 * reading and the SPA applies the same rule to readings it kept (HUB.md; GPON class B+, ITU-T G.984.2 receive range
 * −8 to −27 dBm). Boundaries belong to the better band: −8 and −25 are ok, −27 is a warning,
 * −40 is already loss of signal.
 *
 *   rx ≤ −40, or exactly 0 with the link down → los (the ONT sees no light)
 *   −40 < rx < −27 → critical (too weak)      −27 ≤ rx < −25 → warning
 *   −25 ≤ rx ≤ −8 → ok                        rx > −8 → critical (overload, e.g. no attenuator)
 */
export type OpticalVerdict = 'ok' | 'warning' | 'critical' | 'los'

export const OPTICAL_THRESHOLDS = {
  overloadAboveDbm: -8,
  okDownToDbm: -25,
  warningDownToDbm: -27,
  losAtOrBelowDbm: -40,
} as const

/**
 * Readings arrive in thousandths of a dBm (TR-181) and go through float conversions; comparing
 * at that resolution keeps −25.0000000001 on the same side as −25.
 */
const atReadingResolution = (dbm: number) => Math.round(dbm * 1000) / 1000

export function opticalVerdict(rxDbm: number, linkUp: boolean): OpticalVerdict {
  if (!Number.isFinite(rxDbm)) return 'los'
  const rx = atReadingResolution(rxDbm)
  if (rx === 0 && !linkUp) return 'los'
  if (rx <= OPTICAL_THRESHOLDS.losAtOrBelowDbm) return 'los'
  if (rx > OPTICAL_THRESHOLDS.overloadAboveDbm) return 'critical'
  if (rx >= OPTICAL_THRESHOLDS.okDownToDbm) return 'ok'
  if (rx >= OPTICAL_THRESHOLDS.warningDownToDbm) return 'warning'
  return 'critical'
}
