/**
 * What a staff member may do. Groups (from Authentik) grant capabilities through the BFF's table;
 * the SPA only reads the resulting list from /ops/api/me to decide what to show — the BFF is the
 * authority and enforces the same capabilities on every route.
 */
export const CAPABILITIES = [
  'dispatch:view', // see the Répartition board, map and positions
  'dispatch:plan', // assign, reschedule, create and cancel jobs
  'clients:view', // search customers and read their file
  'clients:edit', // open tickets, book a technician, edit customer records
  'sms:send', // text a customer
  'devices:diagnose', // Diagnostiquer and refresh a modem
  'tech:self', // Mes interventions: one's own jobs, status, scans
  'users:manage', // Paramètres → Utilisateurs, invitations
  'technicians:manage', // Paramètres → Techniciens
  'tags:manage', // Paramètres → Étiquettes
  'audit:view', // Paramètres → Journal
  'flows:run', // Parcours: run a guided call script with a customer
  'flows:manage', // Paramètres → Parcours: write, publish and archive flows, see their statistics
] as const

export type Capability = (typeof CAPABILITIES)[number]

export const STAFF_GROUPS = ['ops-admin', 'ops-dispatch', 'ops-csr', 'ops-tech'] as const

/** GET /ops/api/me */
export interface Me {
  email: string
  name: string
  username: string
  groups: string[]
  capabilities: Capability[]
  /** The Technician record whose e-mail is this user's, if any. */
  technician: string | null
  /** True when the BFF runs against the embedded ERPNext (demo personas available). */
  demo: boolean
}

/** Error body of the BFF's own refusals (upstream Frappe errors keep Frappe's shape). */
export interface BffErrorBody {
  error: { code: string; message: string; messages: { fr: string; en: string } }
}
