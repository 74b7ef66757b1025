import { describe, expect, it } from 'vitest'
import type { Technician } from 'src/contracts/doctypes'
import {
  changedFields,
  displayPhone,
  draftOf,
  emptyDraft,
  normalizePhone,
  technicianDoc,
  technicianProblems,
} from './technicianForm'

const valid = { ...emptyDraft(), full_name: 'Luc Gagné', email: 'luc.gagne@gigafibre.ca' }

describe('a technician before saving', () => {
  it('needs a name and a complete e-mail; everything else has sane defaults', () => {
    expect(technicianProblems(valid)).toEqual({})
    expect(technicianProblems(emptyDraft())).toEqual({ full_name: 'fullName', email: 'email' })
  })

  it('accepts a Québec number however it is typed, and stores it in E.164', () => {
    expect(normalizePhone('514 555-1234')).toBe('+15145551234')
    expect(normalizePhone('(450) 555-0000')).toBe('+14505550000')
    expect(normalizePhone('+1 819.555.1234')).toBe('+18195551234')
    expect(normalizePhone('555-1234')).toBeNull()
    expect(normalizePhone('014 555 1234')).toBeNull()
    expect(technicianProblems({ ...valid, mobile_no: '555-1234' })).toEqual({ mobile_no: 'phone' })
    // Lists show every valid number the same way, however it was stored.
    expect(['+15145551234', '+1 514-555-1234', '5145551234', '(514) 555-1234'].map(displayPhone)).toEqual(
      Array(4).fill('514 555-1234'),
    )
    expect(displayPhone('poste 22')).toBe('poste 22')
  })

  it('wants a shift that ends after it starts, in HH:MM, both or neither', () => {
    expect(technicianProblems({ ...valid, shift_start: '16:00', shift_end: '08:00' })).toEqual({
      shift_end: 'shiftOrder',
    })
    expect(technicianProblems({ ...valid, shift_start: '7:30' })).toEqual({ shift_start: 'time' })
    expect(technicianProblems({ ...valid, shift_start: '', shift_end: '16:30' })).toEqual({ shift_start: 'shiftPair' })
    expect(technicianProblems({ ...valid, shift_start: '', shift_end: '' })).toEqual({})
  })

  it('refuses a colour that is not #RRGGBB and a Traccar id that is not a positive whole number', () => {
    expect(technicianProblems({ ...valid, color: 'blue' })).toEqual({ color: 'color' })
    expect(technicianProblems({ ...valid, traccar_device_id: '-3' })).toEqual({ traccar_device_id: 'traccar' })
    expect(technicianProblems({ ...valid, traccar_device_id: '12.5' })).toEqual({ traccar_device_id: 'traccar' })
    expect(technicianProblems({ ...valid, traccar_device_id: '0' })).toEqual({ traccar_device_id: 'traccar' })
    expect(technicianProblems({ ...valid, traccar_device_id: '42' })).toEqual({})
  })

  it('becomes the document ERPNext stores: trimmed, lower-case e-mail, cleared empties, tags as rows', () => {
    expect(
      technicianDoc({
        ...valid,
        email: ' Luc.Gagne@Gigafibre.ca ',
        mobile_no: '514 555-1234',
        color: '#1e88e5',
        traccar_device_id: '42',
        tags: ['Fibre', 'Zone Laval'],
      }),
    ).toEqual({
      full_name: 'Luc Gagné',
      email: 'luc.gagne@gigafibre.ca',
      mobile_no: '+15145551234',
      color: '#1E88E5',
      shift_start: '08:00',
      shift_end: '16:30',
      traccar_device_id: 42,
      tags: [{ tag: 'Fibre' }, { tag: 'Zone Laval' }],
      status: 'Active',
    })
    expect(technicianDoc({ ...valid, shift_start: '', shift_end: '' })).toMatchObject({
      mobile_no: null,
      traccar_device_id: null,
      shift_start: null,
      shift_end: null,
    })
  })
})

describe('a stale save', () => {
  it('names the fields a colleague changed', () => {
    const mine: Technician = {
      name: 'TECH-003',
      full_name: 'Luc',
      email: 'luc@x.ca',
      color: '#111111',
      tags: [{ tag: 'Fibre' }],
      modified: 'a',
    }
    const theirs: Technician = { ...mine, color: '#222222', tags: [{ tag: 'Fibre' }, { tag: 'Wi-Fi' }], modified: 'b' }
    expect(changedFields(mine, theirs)).toEqual(['color', 'tags'])
    expect(draftOf(theirs).tags).toEqual(['Fibre', 'Wi-Fi'])
  })
})
