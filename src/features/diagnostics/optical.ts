/**
 * What the fiber signal of one PON interface means (HUB.md; GPON class B+, ITU-T G.984.2
 * receive range −8 to −27 dBm). The hub computes the same verdict; the SPA computes it again so a
 * reading kept from an earlier diagnosis, or one from a hub that omits `status`, reads the same.
 * Boundaries belong to the better band: −8 and −25 are ok, −27 is a warning, −40 is already
 * loss of signal.
 *
 *   rx ≤ −40, or exactly 0 with the link down → los (the ONT sees no light)
 *   −40 < rx < −27 → critical (too weak)      −27 ≤ rx < −25 → warning
 *   −25 ≤ rx ≤ −8 → ok                        rx > −8 → critical (overload)
 */
export type OpticalVerdict = 'ok' | 'warning' | 'critical' | 'los'

export const OPTICAL_THRESHOLDS = {
  overloadAboveDbm: -8,
  okDownToDbm: -25,
  warningDownToDbm: -27,
  losAtOrBelowDbm: -40,
} as const

/** Readings travel in thousandths of a dBm: compare at that resolution, so −25.0000001 is −25. */
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

/** Which side of the range a critical reading is on: the two call for different fixes. */
export function opticalProblem(rxDbm: number, linkUp: boolean): 'ok' | 'weak' | 'too_weak' | 'overload' | 'los' {
  const verdict = opticalVerdict(rxDbm, linkUp)
  if (verdict === 'critical') return rxDbm > OPTICAL_THRESHOLDS.overloadAboveDbm ? 'overload' : 'too_weak'
  if (verdict === 'warning') return 'weak'
  return verdict
}
