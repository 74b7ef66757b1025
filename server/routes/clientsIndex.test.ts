import { describe, expect, it } from 'vitest'
import { ClientIndex, type CustomerRow, type EquipmentRow, type LocationRow } from './clientsIndex'

const customer = (n: number, customer_name: string, mobile_no: string | null = null): CustomerRow => ({
  name: `CUST-${String(n).padStart(5, '0')}`,
  customer_name,
  mobile_no,
  disabled: 0,
})
const location = (n: number, customer: number, address_line: string, city: string): LocationRow => ({
  name: `LOC-${String(n).padStart(5, '0')}`,
  customer: `CUST-${String(customer).padStart(5, '0')}`,
  address_line,
  city,
  postal_code: 'J7E 1A1',
})

function indexOf(customers: CustomerRow[], locations: LocationRow[] = [], equipment: EquipmentRow[] = []) {
  const index = new ClientIndex()
  index.upsertMany('Customer', customers)
  index.upsertMany('Service Location', locations)
  index.upsertMany('Service Equipment', equipment)
  return index
}

/** The customers found, best first. */
const found = (index: ClientIndex, q: string) => index.search(q).results.map((r) => r.customer)
/** What the result line of `customer` highlights. */
function highlighted(index: ClientIndex, q: string, customer: string): string[] {
  const r = index.search(q).results.find((x) => x.customer === customer)
  if (!r) throw new Error(`${customer} not found for "${q}"`)
  return r.match.ranges.map(([a, b]) => r.match.text.slice(a, b))
}

describe('Québec abbreviations, both ways', () => {
  const index = indexOf(
    [
      customer(1, 'Julie Fortin'),
      customer(2, 'Marc St-Onge'),
      customer(3, 'Luc Bélanger'),
      customer(4, 'Anne Roy'),
      customer(5, 'Paul Gagné'),
      customer(6, 'Lise Côté'),
      customer(7, 'Yves Nadeau'),
      customer(8, 'Éric Poirier'),
      customer(9, 'Nadia Ouellet'),
    ],
    [
      location(1, 1, '12, rue Blainville Est', 'Sainte-Thérèse'),
      location(2, 2, '40, rue Principale', 'St-Jérôme'),
      location(3, 3, '3, boul. des Laurentides', 'Saint-Jérôme'),
      location(4, 4, '18, chemin du Lac-Écho', 'Prévost'),
      location(5, 5, '7, av. Wilfrid-Laurier', 'Mt-Tremblant'),
      location(6, 6, '90, rue Turgeon, app. 12', 'Ste-Thérèse'),
      location(7, 7, '2, rte 117', 'Mont-Tremblant'),
      location(8, 8, '5, ch. de la Grande-Côte', 'Rosemère'),
      location(9, 9, '66, avenue de la Gare', 'Saint-Sauveur'),
    ],
  )
  const both = (a: string, b: string) => expect(found(index, a).sort()).toEqual(found(index, b).sort())

  it('St and Saint', () => {
    expect(found(index, 'st jerome').sort()).toEqual(['CUST-00002', 'CUST-00003'])
    both('st jerome', 'Saint-Jérôme')
    both('saint-jerome', 'St-Jérôme')
    expect(highlighted(index, 'saint jerome', 'CUST-00002')).toEqual(['Jérôme', 'St'])
    expect(highlighted(index, 'st jerome', 'CUST-00003')).toEqual(['Jérôme', 'Saint'])
  })

  it('Ste and Sainte, without accents or hyphens', () => {
    expect(found(index, 'ste-therese').sort()).toEqual(['CUST-00001', 'CUST-00006'])
    both('ste therese', 'Sainte-Thérèse')
    both('sainte therese', 'STE-THÉRÈSE')
    expect(highlighted(index, 'ste-therese', 'CUST-00001')).toEqual(['Thérèse', 'Sainte'])
  })

  it('a surname written St- is found as Saint- and the other way', () => {
    expect(found(index, 'saint-onge')).toEqual(['CUST-00002'])
    expect(found(index, 'st onge')).toEqual(['CUST-00002'])
    expect(highlighted(index, 'saint onge', 'CUST-00002').sort()).toEqual(['Onge', 'St'])
  })

  it('Mt and Mont', () => {
    expect(found(index, 'mt tremblant').sort()).toEqual(['CUST-00005', 'CUST-00007'])
    both('mt tremblant', 'mont-tremblant')
  })

  it('boul. and boulevard', () => {
    expect(found(index, 'boulevard des laurentides')).toEqual(['CUST-00003'])
    expect(found(index, 'boul. des laurentides')).toEqual(['CUST-00003'])
    expect(highlighted(index, 'boulevard laurentides', 'CUST-00003')).toEqual(['Laurentides', 'boul'])
  })

  it('ch. and chemin', () => {
    expect(found(index, 'ch. du lac echo')).toEqual(['CUST-00004'])
    expect(found(index, 'chemin grande-cote')).toEqual(['CUST-00008'])
  })

  it('av. and avenue', () => {
    expect(found(index, 'avenue wilfrid-laurier')).toEqual(['CUST-00005'])
    expect(found(index, 'av. de la gare')).toEqual(['CUST-00009'])
  })

  it('app. and appartement', () => {
    expect(found(index, 'turgeon appartement 12')).toEqual(['CUST-00006'])
    expect(found(index, 'app 12 turgeon')).toEqual(['CUST-00006'])
  })

  it('rte and route', () => {
    expect(found(index, 'route 117')).toEqual(['CUST-00007'])
    expect(found(index, 'rte 117')).toEqual(['CUST-00007'])
  })

  it('the word being typed is also what it begins: "st" finds Stéphane as well as the saints', () => {
    const people = indexOf([customer(1, 'Stéphane Roy'), customer(2, 'Marc St-Onge'), customer(3, 'Anne Leblanc')])
    expect(found(people, 'st').sort()).toEqual(['CUST-00001', 'CUST-00002'])
    expect(found(people, 'boul')).toEqual([])
  })
})

describe('one typo forgiven in words of five letters or more', () => {
  const index = indexOf([
    customer(1, 'Jean Tremblay'),
    customer(2, 'Marie Tremblay'),
    customer(3, 'Luc Gagnon'),
    customer(4, 'Anne Côté'),
    customer(5, 'Paul Tremblai'),
    customer(6, 'Éric Roy'),
  ])

  it('finds "Tremblya" as Tremblay, a swap of two letters, and marks it approximate', () => {
    const answer = index.search('Tremblya')
    expect(answer.results.map((r) => r.customer)).toContain('CUST-00001')
    const jean = answer.results.find((r) => r.customer === 'CUST-00001')!
    expect(jean.match.approximate).toBe(true)
    expect(jean.match.text.slice(...jean.match.ranges[0])).toBe('Tremblay')
  })

  it('finds a letter missing, added or wrong, with the other words exact', () => {
    expect(found(index, 'gagon')).toEqual(['CUST-00003'])
    expect(found(index, 'gaggnon')).toEqual(['CUST-00003'])
    expect(found(index, 'jean tremblat')).toEqual(['CUST-00001'])
  })

  it('does not forgive two typos in one word', () => {
    expect(found(index, 'trembyal')).toEqual([])
    expect(found(index, 'gagnnno')).toEqual([])
  })

  it('does not forgive a typo in a word of four letters', () => {
    expect(found(index, 'cote')).toEqual(['CUST-00004'])
    expect(found(index, 'cotr')).toEqual([])
    expect(found(index, 'eric rpy')).toEqual([])
  })

  it('lists exact matches before approximate ones', () => {
    const answer = index.search('tremblai')
    expect(answer.results.map((r) => [r.customer, r.match.approximate])).toEqual([
      ['CUST-00005', false],
      ['CUST-00001', true],
      ['CUST-00002', true],
    ])
  })
})

describe('ranking and upkeep', () => {
  it('puts a match at the start of the name before one inside it', () => {
    const index = indexOf([customer(1, 'Martin Côté'), customer(2, 'Côté Martin')])
    expect(found(index, 'cote')).toEqual(['CUST-00002', 'CUST-00001'])
  })

  it('follows a customer who changes name, and forgets one removed', () => {
    const index = indexOf([customer(1, 'Luc Gagnon')])
    index.upsert('Customer', customer(1, 'Luc Bergeron'))
    expect(found(index, 'gagnon')).toEqual([])
    expect(found(index, 'bergeron')).toEqual(['CUST-00001'])
    expect(found(index, 'bergeorn')).toEqual(['CUST-00001']) // the new name's words are known for typos
    index.remove('Customer', 'CUST-00001')
    expect(found(index, 'bergeron')).toEqual([])
    expect(found(index, 'bergeorn')).toEqual([])
  })

  it('keeps finding everyone after many changes (segments rebuilt)', () => {
    const many = Array.from({ length: 3_000 }, (_, i) => customer(i + 1, `Client ${i + 1} Lavoie`))
    const index = indexOf(many)
    for (let i = 0; i < 2_000; i++) index.upsert('Customer', customer(i + 1, `Client ${i + 1} Ouellette`))
    expect(found(index, 'client 1999 ouellette')).toEqual(['CUST-01999'])
    expect(found(index, 'client 2999 lavoie')).toEqual(['CUST-02999'])
    expect(found(index, 'client 1999 lavoie')).toEqual([])
    expect(index.search('ouellette').truncated).toBe(true)
  })

  it('gives unowned equipment to whoever is served at its location, even when the location comes later', () => {
    const index = indexOf([customer(1, 'Luc Gagnon'), customer(2, 'Anne Roy')])
    const router = { name: 'EQ-1', customer: null, service_location: 'LOC-00001', serial_no: 'RTR12345' }
    index.upsert('Service Equipment', router)
    expect(found(index, 'rtr12345')).toEqual([])
    index.upsert('Service Location', location(1, 1, '1, rue A', 'Blainville'))
    expect(found(index, 'rtr12345')).toEqual(['CUST-00001'])
    index.upsert('Service Location', location(1, 2, '1, rue A', 'Blainville'))
    expect(found(index, 'rtr12345')).toEqual(['CUST-00002'])
    expect(index.search('anne').results[0].address).toBe('1, rue A, Blainville J7E 1A1')
  })
})
