/**
 * The BFF's authority: which groups grant which capabilities, and which capability allows each
 * doctype × verb and each Frappe method. Anything not in these tables is refused.
 */
import { CAPABILITIES, type Capability } from '../src/contracts/capabilities'

export type CapabilityMap = Readonly<Record<string, readonly Capability[]>>

/**
 * Default groups. Override with CAPABILITY_MAP='{"group": ["capability", ...]}' (the whole table
 * is replaced, so a deployment states exactly what each of its groups may do).
 */
export const DEFAULT_CAPABILITY_MAP: CapabilityMap = {
  'ops-admin': CAPABILITIES,
  'ops-dispatch': ['dispatch:view', 'dispatch:plan', 'clients:view', 'sms:send', 'devices:diagnose'],
  'ops-csr': ['clients:view', 'clients:edit', 'sms:send', 'devices:diagnose', 'dispatch:view', 'flows:run'],
  'ops-tech': ['tech:self'],
}

export function parseCapabilityMap(raw: string): { map: CapabilityMap } | { problem: string } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { problem: 'is not valid JSON (expected {"group": ["capability", ...]})' }
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { problem: 'must be a JSON object of group → capability list' }
  const map: Record<string, Capability[]> = {}
  for (const [group, caps] of Object.entries(value)) {
    if (!Array.isArray(caps)) return { problem: `group "${group}" must map to a list of capabilities` }
    for (const cap of caps) {
      if (!(CAPABILITIES as readonly string[]).includes(cap))
        return { problem: `unknown capability "${String(cap)}" for group "${group}"` }
    }
    map[group] = caps as Capability[]
  }
  return { map }
}

export function capabilitiesOf(groups: readonly string[], map: CapabilityMap): Capability[] {
  const granted = new Set<Capability>()
  for (const g of groups) for (const c of map[g] ?? []) granted.add(c)
  return CAPABILITIES.filter((c) => granted.has(c))
}

export type Verb = 'read' | 'create' | 'update' | 'delete'

/**
 * `tech:self` is scoped: a technician reaches a document only through their own jobs. The ERP
 * route applies that scope (filters lists, checks single documents) wherever it is listed here.
 */
type Rule = Partial<Record<Verb, readonly Capability[]>>

export const ERP_POLICY: Readonly<Record<string, Rule>> = {
  'Dispatch Job': {
    read: ['dispatch:view', 'clients:view', 'tech:self'],
    create: ['dispatch:plan', 'clients:edit'],
    update: ['dispatch:plan', 'tech:self'],
    delete: ['dispatch:plan'],
  },
  Technician: {
    read: ['dispatch:view', 'clients:view', 'technicians:manage'],
    create: ['technicians:manage'],
    update: ['technicians:manage'],
  },
  Tag: {
    read: ['dispatch:view', 'clients:view', 'technicians:manage', 'tags:manage', 'tech:self'],
    create: ['tags:manage'],
    update: ['tags:manage'],
    delete: ['tags:manage'],
  },
  Customer: {
    read: ['clients:view', 'dispatch:view', 'tech:self'],
    create: ['clients:edit'],
    update: ['clients:edit'],
  },
  'Service Location': {
    read: ['clients:view', 'dispatch:view', 'tech:self'],
    create: ['clients:edit'],
    update: ['clients:edit'],
  },
  Subscription: { read: ['clients:view'] },
  'Service Equipment': {
    read: ['clients:view', 'dispatch:view', 'tech:self'],
    create: ['clients:edit', 'tech:self'],
    update: ['clients:edit', 'tech:self'],
  },
  Issue: { read: ['clients:view', 'dispatch:view'], create: ['clients:edit'], update: ['clients:edit'] },
  'Sales Invoice': { read: ['clients:view'] },
  Communication: { read: ['clients:view'] },
  User: { read: ['users:manage'] },
}

/** Frappe methods reachable through the BFF; each reads one doctype named in its arguments. */
export const READ_METHODS = new Set([
  'frappe.client.get_list',
  'frappe.client.get_count',
  'frappe.client.get_value',
  'frappe.client.get',
])

/** Fields a technician may change on their own job (status buttons and completion notes). */
export const TECHNICIAN_JOB_FIELDS = new Set(['status', 'completion_notes', 'modified'])

export interface Decision {
  allowed: boolean
  /** True when the only capability that allows it is tech:self, so the technician scope applies. */
  scoped: boolean
}

export function decide(doctype: string, verb: Verb, caps: readonly Capability[]): Decision {
  const allowedBy = ERP_POLICY[doctype]?.[verb] ?? []
  const granting = allowedBy.filter((c) => caps.includes(c))
  if (granting.length === 0) return { allowed: false, scoped: false }
  return { allowed: true, scoped: granting.every((c) => c === 'tech:self') }
}
