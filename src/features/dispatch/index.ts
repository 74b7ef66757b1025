/**
 * What Répartition offers other features: the promised arrival window picker and its helpers,
 * so booking a technician (Clients) promises windows the way the board shows them.
 */
export { default as ArrivalWindowPicker } from './optimize/ArrivalWindowPicker.vue'
export { isValidChoice, rangeOf, windowFields, type WindowChoice } from './optimize/arrivalWindow'
