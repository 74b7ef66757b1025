/** The hub's verdict is the contract's (HUB.md thresholds), under the hub's own name. */
export {
  opticalVerdict as opticalStatus,
  OPTICAL_THRESHOLDS,
  type OpticalVerdict,
} from '../../../../src/contracts/optical'
