/**
 * Demo identities. In demo mode (no ERP_URL) the SPA offers these in a persona picker and the BFF
 * trusts loopback as the proxy, so a browser or a test can act as each staff role. The technician
 * persona is the seeded technician TECH-001, so "Mes interventions" has real jobs.
 */
export interface Persona {
  id: 'admin' | 'dispatcher' | 'csr' | 'technician'
  email: string
  username: string
  name: string
  groups: string[]
}

export const PERSONAS: readonly Persona[] = [
  {
    id: 'admin',
    email: 'sophie.lavoie@gigafibre.ca',
    username: 'sophie.lavoie',
    name: 'Sophie Lavoie',
    groups: ['ops-admin'],
  },
  {
    id: 'dispatcher',
    email: 'marc.bouchard@gigafibre.ca',
    username: 'marc.bouchard',
    name: 'Marc Bouchard',
    groups: ['ops-dispatch'],
  },
  {
    id: 'csr',
    email: 'isabelle.roy@gigafibre.ca',
    username: 'isabelle.roy',
    name: 'Isabelle Roy',
    groups: ['ops-csr'],
  },
  {
    id: 'technician',
    email: 'julien.gagnon@gigafibre.ca',
    username: 'julien.gagnon',
    name: 'Julien Gagnon',
    groups: ['ops-tech'],
  },
]

/** The seeded technician record the technician persona signs in as. */
export const TECHNICIAN_PERSONA_ID = 'TECH-001'
