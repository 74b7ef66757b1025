/**
 * What the fiber signal of one PON interface means. The verdict itself is the hub's contract
 * (src/contracts/optical.ts); the SPA applies it again so a reading kept from an earlier diagnosis,
 * or one from a hub that omits `status`, reads the same.
 */
import { opticalVerdict, OPTICAL_THRESHOLDS } from 'src/contracts/optical'

export { opticalVerdict, OPTICAL_THRESHOLDS, type OpticalVerdict } from 'src/contracts/optical'

/** Which side of the range a critical reading is on: the two call for different fixes. */
export function opticalProblem(rxDbm: number, linkUp: boolean): 'ok' | 'weak' | 'too_weak' | 'overload' | 'los' {
  const verdict = opticalVerdict(rxDbm, linkUp)
  if (verdict === 'critical') return rxDbm > OPTICAL_THRESHOLDS.overloadAboveDbm ? 'overload' : 'too_weak'
  if (verdict === 'warning') return 'weak'
  return verdict
}
