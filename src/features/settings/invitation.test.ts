import { describe, expect, it } from 'vitest'
import { ApiError } from '../../api/http'
import { invitationBody, invitationProblems, invitationRefusal, readInvitationResult } from './invitation'

const draft = { email: 'nadia.tremblay@gigafibre.ca', firstName: 'Nadia', lastName: 'Tremblay', groups: ['ops-csr'] }
const hubError = (status: number, code: string, message: string) =>
  new ApiError(status, code, { fr: message, en: message }, { error: { code, message } })

describe('an invitation before it is sent', () => {
  it('asks for a complete e-mail and at least one group', () => {
    expect(invitationProblems(draft)).toEqual({})
    expect(invitationProblems({ ...draft, email: 'nadia' })).toEqual({ email: 'badEmail' })
    expect(invitationProblems({ ...draft, email: 'nadia @gigafibre.ca' }).email).toBe('badEmail')
    expect(invitationProblems({ ...draft, email: 'nadia@gigafibre' }).email).toBe('badEmail')
    expect(invitationProblems({ ...draft, groups: [] })).toEqual({ groups: 'noGroup' })
  })

  it('sends trimmed values in the hub’s field names', () => {
    expect(invitationBody({ ...draft, email: '  nadia.tremblay@gigafibre.ca ', firstName: ' Nadia ' })).toEqual({
      email: 'nadia.tremblay@gigafibre.ca',
      first_name: 'Nadia',
      last_name: 'Tremblay',
      groups: ['ops-csr'],
    })
  })
})

describe('the hub’s answer', () => {
  it('gives the password, whether the e-mail went out, and whether the ERPNext user exists', () => {
    const ok = readInvitationResult({
      username: 'nadia.tremblay',
      email: draft.email,
      groups: ['ops-csr'],
      temp_password: 'Kx7mPq4RtW9zNa',
      emailed: true,
      erpnext: { created: true, name: draft.email },
    })
    expect(ok).toEqual({
      username: 'nadia.tremblay',
      email: draft.email,
      groups: ['ops-csr'],
      tempPassword: 'Kx7mPq4RtW9zNa',
      emailed: true,
      erpnext: { created: true },
    })
    const halfMade = readInvitationResult({
      username: 'n',
      temp_password: 'x',
      emailed: false,
      erpnext: { created: false, error: 'ERPNext is down' },
    })
    expect(halfMade?.erpnext).toEqual({ created: false, error: 'ERPNext is down' })
    expect(halfMade?.emailed).toBe(false)
    expect(readInvitationResult({ username: 'n', temp_password: 'x' })?.erpnext).toBeNull()
  })

  it('is not a success without a temporary password', () => {
    expect(readInvitationResult({ username: 'n', emailed: true })).toBeNull()
    expect(readInvitationResult('oops')).toBeNull()
  })
})

describe('a refused invitation reads as a sentence', () => {
  it('409 says the e-mail already exists', () => {
    expect(
      invitationRefusal(hubError(409, 'USER_EXISTS', 'A user with e-mail x already exists'), ' nadia@x.ca', 'fr'),
    ).toEqual({ key: 'settings.invite.exists', params: { email: 'nadia@x.ca' } })
  })

  it('names an unknown group or a refused address with the hub’s detail', () => {
    expect(invitationRefusal(hubError(400, 'UNKNOWN_GROUP', 'Unknown group(s): "ops-x"'), 'a@b.ca', 'fr')).toEqual({
      key: 'settings.invite.unknownGroup',
      params: { detail: 'Unknown group(s): "ops-x"' },
    })
    expect(invitationRefusal(hubError(400, 'INVALID_EMAIL', 'bad'), 'a@b.ca', 'fr')).toMatchObject({
      key: 'settings.invite.refusedEmail',
    })
  })

  it('keeps the BFF’s own bilingual sentences (forbidden, hub down)', () => {
    const forbidden = new ApiError(
      403,
      'FORBIDDEN',
      { fr: 'Votre rôle ne permet pas cette action.', en: 'Your role does not allow this.' },
      {
        error: {
          code: 'FORBIDDEN',
          message: 'x',
          messages: { fr: 'Votre rôle ne permet pas cette action.', en: 'Your role does not allow this.' },
        },
      },
    )
    expect(invitationRefusal(forbidden, 'a@b.ca', 'en')).toEqual({ text: 'Your role does not allow this.' })
    const offline = new ApiError(0, 'NETWORK', {
      fr: 'Pas de connexion au serveur.',
      en: 'No connection to the server.',
    })
    expect(invitationRefusal(offline, 'a@b.ca', 'fr')).toEqual({ text: 'Pas de connexion au serveur.' })
  })

  it('wraps any other hub failure in a sentence that says the invitation did not go through', () => {
    expect(
      invitationRefusal(hubError(500, 'USER_STORE_ERROR', 'The user could not be saved: disk full'), 'a@b.ca', 'fr'),
    ).toEqual({ key: 'settings.invite.failed', params: { detail: 'The user could not be saved: disk full' } })
  })
})
