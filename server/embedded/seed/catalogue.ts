/** What Gigafibre sells (plans, monthly prices before tax) and installs (equipment models). */
import type { Rng } from './random'

export const INTERNET_PLANS = [
  { plan: 'Giga 1000', price: 95, weight: 30 },
  { plan: 'Fibre 500', price: 75, weight: 45 },
  { plan: 'Fibre 100', price: 55, weight: 25 },
] as const
export const TV_PLAN = { plan: 'Télé de base', price: 30 } as const
export const PHONE_PLAN = { plan: 'Téléphonie résidentielle', price: 25 } as const

export const PLAN_PRICES: ReadonlyMap<string, number> = new Map<string, number>([
  ...INTERNET_PLANS.map((p) => [p.plan, p.price] as [string, number]),
  [TV_PLAN.plan, TV_PLAN.price],
  [PHONE_PLAN.plan, PHONE_PLAN.price],
])

/** Québec sales taxes on telecom services: GST 5 % + QST 9.975 %. */
export const TAX_RATE = 0.14975

export interface PlanLine {
  plan: string
  qty: number
}

export type EquipmentKind = 'ONT' | 'Router' | 'Mesh Node' | 'Set-top Box'

export interface EquipmentModel {
  kind: EquipmentKind
  brand: string
  model: string
  serial: (rng: Rng) => string
  /** OUI prefixes (first three bytes) the vendor's MACs start with; none when we do not record one. */
  ouis: readonly string[]
  weight: number
}

const digits = (rng: Rng, n: number) => String(rng.int(0, 10 ** n - 1)).padStart(n, '0')
// TP-Link prints serials like 22A3B9C00123: production year, a hex batch, a running number.
const tpLinkSerial = (rng: Rng) => `2${rng.int(1, 5)}${rng.hex(5)}${digits(rng, 5)}`
const TP_LINK_OUIS = ['9C:A2:F4', '50:C7:BF', 'B0:BE:76', '54:AF:97', '60:32:B1', '98:DA:C4']

// GPON ONTs report a vendor id (4 letters) and 8 hex digits; we track them by serial only.
export const ONT_MODELS: readonly EquipmentModel[] = [
  { kind: 'ONT', brand: 'TP-Link', model: 'XZ000-G3', serial: (r) => `TPLG${r.hex(8)}`, ouis: [], weight: 35 },
  { kind: 'ONT', brand: 'TP-Link', model: 'XZ000-G3', serial: (r) => `GPON${r.hex(8)}`, ouis: [], weight: 20 },
  { kind: 'ONT', brand: 'ZTE', model: 'F601', serial: (r) => `ZTEG${r.hex(8)}`, ouis: [], weight: 30 },
  { kind: 'ONT', brand: 'Nokia', model: 'G-010G-Q', serial: (r) => `ALCL${r.hex(8)}`, ouis: [], weight: 15 },
]

export const ROUTER_MODELS: readonly EquipmentModel[] = [
  { kind: 'Router', brand: 'TP-Link', model: 'XX230v', serial: tpLinkSerial, ouis: TP_LINK_OUIS, weight: 45 },
  { kind: 'Router', brand: 'TP-Link', model: 'Archer AX55', serial: tpLinkSerial, ouis: TP_LINK_OUIS, weight: 35 },
  { kind: 'Router', brand: 'TP-Link', model: 'Archer AX73', serial: tpLinkSerial, ouis: TP_LINK_OUIS, weight: 20 },
]
/** Installed before Wi-Fi 6 routers were standard. */
export const OLD_ROUTER: EquipmentModel = {
  kind: 'Router',
  brand: 'TP-Link',
  model: 'Archer C6',
  serial: tpLinkSerial,
  ouis: TP_LINK_OUIS,
  weight: 1,
}

export const MESH_NODE: EquipmentModel = {
  kind: 'Mesh Node',
  brand: 'TP-Link',
  model: 'Deco X50',
  serial: tpLinkSerial,
  ouis: TP_LINK_OUIS,
  weight: 1,
}

export const SET_TOP_BOX: EquipmentModel = {
  kind: 'Set-top Box',
  brand: 'Amino',
  model: 'Amigo 7X',
  serial: (r) => `AMN${digits(r, 9)}`,
  ouis: ['00:02:02'],
  weight: 1,
}
