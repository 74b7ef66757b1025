import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PERSONAS } from '../../../src/contracts/personas'
import { verifyPassword } from './users/credentials'
import { OUTBOX_FILE, USERS_FILE, type StoredUser } from './users/store'
import { startTestHub, type TestHub } from './testing/harness'

let dir: string
let t: TestHub
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hub-users-'))
  t = await startTestHub({ dataDir: dir })
  // The store seeds its file on first open; let that finish before a test can delete the directory.
  await t.call('GET', '/auth/users')
})
afterEach(async () => {
  await t.close()
  await rm(dir, { recursive: true, force: true })
})

interface Invited {
  username: string
  email: string
  groups: string[]
  temp_password: string
  emailed: boolean
  erpnext: { created: boolean; name?: string; error?: string }
}
const invite = (body: unknown) => t.call('POST', '/auth/users', { body })
const jeanne = { email: 'Jeanne.Doe@gigafibre.ca', first_name: 'Jeanne', last_name: 'Doe', groups: ['ops-csr'] }

describe('GET /auth/users', () => {
  it('starts with the four demo personas', async () => {
    const res = await t.call('GET', '/auth/users')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(
      PERSONAS.map((p) => ({ username: p.username, email: p.email, name: p.name, groups: p.groups, active: true })),
    )
  })
})

describe('POST /auth/users — inviting a staff member', () => {
  it('creates the user with a readable temporary password, e-mails it and creates the ERPNext User', async () => {
    const res = await invite(jeanne)
    expect(res.status).toBe(201)
    const body = (await res.json()) as Invited
    expect(body).toMatchObject({
      username: 'jeanne.doe',
      email: 'Jeanne.Doe@gigafibre.ca',
      groups: ['ops-csr'],
      emailed: true,
      erpnext: { created: true, name: 'Jeanne.Doe@gigafibre.ca' },
    })
    expect(body.temp_password).toMatch(/^[A-Za-z2-9]{14}$/)
    expect(body.temp_password).not.toMatch(/[0Oo1lI]/)

    const [user] = t.erp.docs('User')
    expect(user).toMatchObject({
      email: 'Jeanne.Doe@gigafibre.ca',
      first_name: 'Jeanne',
      last_name: 'Doe',
      user_type: 'System User',
      enabled: 1,
      social_logins: [{ provider: 'authentik', userid: 'Jeanne.Doe@gigafibre.ca' }],
    })

    const listed = (await (await t.call('GET', '/auth/users')).json()) as { username: string }[]
    expect(listed.map((u) => u.username)).toContain('jeanne.doe')

    const outbox = (await readFile(join(dir, OUTBOX_FILE), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(outbox).toHaveLength(1)
    expect(outbox[0]).toMatchObject({ to: 'Jeanne.Doe@gigafibre.ca', username: 'jeanne.doe' })
  })

  it('keeps only a scrypt hash: the password is nowhere on disk', async () => {
    const { temp_password } = (await (await invite(jeanne)).json()) as Invited
    for (const file of await readdir(dir)) {
      expect(await readFile(join(dir, file), 'utf8'), file).not.toContain(temp_password)
    }
    const stored = (JSON.parse(await readFile(join(dir, USERS_FILE), 'utf8')) as StoredUser[]).find(
      (u) => u.username === 'jeanne.doe',
    )!
    expect(stored.password_hash).toMatch(/^scrypt\$/)
    expect(await verifyPassword(temp_password, stored.password_hash!)).toBe(true)
    expect(Object.keys(stored)).not.toContain('temp_password')
  })

  it('survives a restart: the store is a file in the data directory', async () => {
    await invite(jeanne)
    const again = await startTestHub({ dataDir: dir })
    try {
      const users = (await (await again.call('GET', '/auth/users')).json()) as { email: string }[]
      expect(users.map((u) => u.email)).toContain('Jeanne.Doe@gigafibre.ca')
      expect(users).toHaveLength(PERSONAS.length + 1)
    } finally {
      await again.close()
    }
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('answers 409 USER_EXISTS for an e-mail already there, whatever its case', async () => {
    expect((await invite(jeanne)).status).toBe(201)
    const again = await invite({ ...jeanne, email: 'jeanne.doe@GIGAFIBRE.ca' })
    expect(again.status).toBe(409)
    expect((await again.json()).error.code).toBe('USER_EXISTS')
    const persona = await invite({ ...jeanne, email: PERSONAS[0].email })
    expect(persona.status).toBe(409)
  })

  it('refuses two simultaneous invitations of the same person', async () => {
    const statuses = (await Promise.all([invite(jeanne), invite(jeanne)])).map((r) => r.status).sort()
    expect(statuses).toEqual([201, 409])
  })

  it('makes usernames unique: jdoe, jdoe2', async () => {
    const a = (await (await invite({ ...jeanne, email: 'jdoe@gigafibre.ca' })).json()) as Invited
    const b = (await (await invite({ ...jeanne, email: 'JDoe@autre.ca' })).json()) as Invited
    expect([a.username, b.username]).toEqual(['jdoe', 'jdoe2'])
  })

  it.each([
    [{ ...jeanne, email: 'not-an-email' }, 'INVALID_EMAIL'],
    [{ ...jeanne, email: 'a b@c.ca' }, 'INVALID_EMAIL'],
    [{ ...jeanne, email: undefined }, 'INVALID_EMAIL'],
    [{ ...jeanne, groups: [] }, 'GROUPS_REQUIRED'],
    [{ ...jeanne, groups: undefined }, 'GROUPS_REQUIRED'],
    [{ ...jeanne, groups: ['ops-csr', 'superuser'] }, 'UNKNOWN_GROUP'],
  ])('refuses %j with 400 %s', async (body, code) => {
    const res = await invite(body)
    expect(res.status).toBe(400)
    const { error } = (await res.json()) as { error: { code: string; message: string } }
    expect(error.code).toBe(code)
    expect(error.message.length).toBeGreaterThan(5)
    expect(t.erp.docs('User')).toHaveLength(0)
  })

  it('reports an ERPNext refusal instead of hiding it: the Authentik-side user exists anyway', async () => {
    t.erp.failNext({ method: 'POST', doctype: 'User' }, 417, 'ValidationError', 'Email domain not allowed')
    const res = await invite(jeanne)
    expect(res.status).toBe(201)
    const body = (await res.json()) as Invited
    expect(body.erpnext).toEqual({ created: false, error: expect.stringContaining('Email domain not allowed') })
    const listed = (await (await t.call('GET', '/auth/users')).json()) as { email: string }[]
    expect(listed.map((u) => u.email)).toContain('Jeanne.Doe@gigafibre.ca')
  })

  it('says emailed: false when the outbox cannot be written, and still creates the user', async () => {
    await mkdir(join(dir, OUTBOX_FILE)) // a directory where the file should be: appending fails, even as root
    const res = await invite(jeanne)
    expect(res.status).toBe(201)
    expect((await res.json()) as Invited).toMatchObject({ emailed: false, erpnext: { created: true } })
  })
})
