/**
 * The equipment at each served location (an ONT, a router, sometimes Deco mesh nodes and TV
 * boxes) and a stock of spares in the warehouse, with serials and MACs unique across the fleet.
 */
import {
  MESH_NODE,
  OLD_ROUTER,
  ONT_MODELS,
  ROUTER_MODELS,
  SET_TOP_BOX,
  TV_PLAN,
  type EquipmentModel,
} from './catalogue'
import type { Site } from './customers'
import { nameInCreationOrder, type EquipmentDoc } from './docs'
import { weighted, type Rng } from './random'
import { DAY, MINUTE, type SiteCalendar } from './time'

export interface EquipmentOptions {
  /** Spares in the warehouse, not yet at a customer. */
  inStock: number
}

/** Keeps serials and MACs unique; a repeat is simply drawn again. */
class Fleet {
  private readonly serials = new Set<string>()
  private readonly macs = new Set<string>()
  constructor(private readonly rng: Rng) {}

  serial(model: EquipmentModel): string {
    let s = model.serial(this.rng)
    while (this.serials.has(s)) s = model.serial(this.rng)
    this.serials.add(s)
    return s
  }

  mac(model: EquipmentModel): string | undefined {
    if (model.ouis.length === 0) return undefined
    let m = this.drawMac(model)
    while (this.macs.has(m)) m = this.drawMac(model)
    this.macs.add(m)
    return m
  }

  private drawMac(model: EquipmentModel): string {
    const low = this.rng.hex(6)
    return `${this.rng.pick(model.ouis)}:${low.slice(0, 2)}:${low.slice(2, 4)}:${low.slice(4, 6)}`
  }
}

export function generateEquipment(
  rng: Rng,
  cal: SiteCalendar,
  sites: readonly Site[],
  opts: EquipmentOptions,
): EquipmentDoc[] {
  const fleet = new Fleet(rng)
  const pickOnt = weighted(ONT_MODELS.map((m) => [m, m.weight] as const))
  const pickRouter = weighted(ROUTER_MODELS.map((m) => [m, m.weight] as const))
  const docs: EquipmentDoc[] = []
  const now = cal.now.getTime()

  const add = (
    model: EquipmentModel,
    site: Site | undefined,
    installedOn: string | undefined,
    status: NonNullable<EquipmentDoc['status']>,
    createdAt: number,
  ) => {
    const creation = cal.datetime(Math.min(createdAt, now))
    const doc: EquipmentDoc = {
      name: '',
      creation,
      modified: creation,
      equipment_type: model.kind,
      brand: model.brand,
      model: model.model,
      serial_no: fleet.serial(model),
      status,
    }
    const mac = fleet.mac(model)
    if (mac) doc.mac_address = mac
    if (site) {
      doc.customer = site.household.customer.name
      doc.service_location = site.location.name
    }
    if (installedOn) doc.installed_on = installedOn
    docs.push(doc)
    return doc
  }

  for (const site of sites) {
    const status = site.location.status
    if (status === 'Pending') continue // installed during the installation visit
    // Equipment is recorded when the technician scans it, mid-morning of the installation day.
    const installedAt = cal.at(site.activatedOn, rng.int(9 * 4, 15 * 4) * 15)
    const fate = status === 'Inactive' ? (rng.chance(0.6) ? 'Returned' : 'In Service') : 'In Service'
    const router = site.activatedOn < '2022-01-01' && rng.chance(0.5) ? OLD_ROUTER : pickRouter(rng)
    const placed = [
      add(pickOnt(rng), site, site.activatedOn, fate, installedAt),
      add(router, site, site.activatedOn, fate, installedAt + MINUTE),
    ]
    if (status === 'Active' && rng.chance(0.18)) {
      // Mesh nodes are often added later, after a "Wi-Fi faible au sous-sol" call.
      const addedAt = rng.chance(0.5) ? installedAt : installedAt + rng.next() * Math.max(0, now - installedAt)
      for (let n = rng.int(1, 3); n > 0; n--)
        placed.push(add(MESH_NODE, site, cal.date(addedAt), 'In Service', addedAt + n * MINUTE))
    }
    if (site.plans.some((p) => p.plan === TV_PLAN.plan)) {
      for (let n = rng.chance(0.3) ? 2 : 1; n > 0; n--)
        placed.push(add(SET_TOP_BOX, site, site.activatedOn, fate, installedAt + (2 + n) * MINUTE))
    }
    if (fate === 'Returned') {
      const returned = cal.datetime(
        Math.min(now, Date.parse(`${site.subscription.end_date ?? cal.today}T12:00:00Z`) + 10 * DAY),
      )
      for (const doc of placed) if (returned > doc.creation) doc.modified = returned
    } else if (status === 'Active' && rng.chance(0.01)) {
      placed[0].status = 'Defective'
    }
  }

  for (let i = 0; i < opts.inStock; i++) {
    const model = rng.chance(0.55) ? pickOnt(rng) : rng.chance(0.8) ? pickRouter(rng) : MESH_NODE
    add(model, undefined, undefined, 'In Stock', now - rng.int(1, 60) * DAY - rng.int(0, 600) * MINUTE)
  }

  return nameInCreationOrder(docs, () => 'EQ-')
}
