import { appendFile, mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { PERSONAS } from '../../../../src/contracts/personas'

/**
 * The embedded stand-in for Authentik's user directory: a JSON file in the data directory
 * (`hub-users.json`), seeded with the demo personas, rewritten atomically (temp file + rename) so a
 * crash mid-write never leaves half a file. With no data directory everything stays in memory.
 */

export const STAFF_GROUPS = ['ops-admin', 'ops-dispatch', 'ops-csr', 'ops-tech'] as const
export type StaffGroup = (typeof STAFF_GROUPS)[number]

export interface StoredUser {
  username: string
  email: string
  name: string
  first_name: string
  last_name: string
  groups: string[]
  active: boolean
  /** scrypt hash of the temporary password; null for users who never got one from the hub. */
  password_hash: string | null
  created_at: string
}

export interface PublicUser {
  username: string
  email: string
  name: string
  groups: string[]
  active: boolean
}

export const USERS_FILE = 'hub-users.json'
export const OUTBOX_FILE = 'outbox.jsonl'

function seedUsers(now: Date): StoredUser[] {
  return PERSONAS.map((p) => {
    const [first, ...rest] = p.name.split(' ')
    return {
      username: p.username,
      email: p.email,
      name: p.name,
      first_name: first,
      last_name: rest.join(' '),
      groups: [...p.groups],
      active: true,
      password_hash: null,
      created_at: now.toISOString(),
    }
  })
}

export class UserStore {
  private users: StoredUser[] = []
  /** Writes are chained so two quick invitations can't rename an older snapshot over a newer one. */
  private writing: Promise<void> = Promise.resolve()
  /** The outbox when there is no data directory (and what tests read). */
  readonly memoryOutbox: string[] = []

  private constructor(private readonly dataDir: string | null) {}

  static async open(dataDir: string | null, now: Date): Promise<UserStore> {
    const store = new UserStore(dataDir)
    if (!dataDir) {
      store.users = seedUsers(now)
      return store
    }
    await mkdir(dataDir, { recursive: true })
    try {
      const parsed = JSON.parse(await readFile(join(dataDir, USERS_FILE), 'utf8')) as unknown
      if (!Array.isArray(parsed)) throw new Error(`${USERS_FILE} is not a JSON array`)
      store.users = parsed as StoredUser[]
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      store.users = seedUsers(now)
      await store.persist()
    }
    return store
  }

  list(): PublicUser[] {
    return this.users.map(({ username, email, name, groups, active }) => ({
      username,
      email,
      name,
      groups: [...groups],
      active,
    }))
  }

  findByEmail(email: string): StoredUser | undefined {
    const wanted = email.toLowerCase()
    return this.users.find((u) => u.email.toLowerCase() === wanted)
  }

  usernames(): Set<string> {
    return new Set(this.users.map((u) => u.username.toLowerCase()))
  }

  /** Holds the user in memory at once, so a concurrent invitation for the same e-mail sees it. */
  reserve(user: StoredUser): void {
    this.users.push(user)
  }

  release(user: StoredUser): void {
    this.users = this.users.filter((u) => u !== user)
  }

  persist(): Promise<void> {
    const dir = this.dataDir
    if (!dir) return Promise.resolve()
    const snapshot = JSON.stringify(this.users, null, 2) + '\n'
    const next = this.writing
      .catch(() => {})
      .then(async () => {
        const target = join(dir, USERS_FILE)
        const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
        try {
          await writeFile(temp, snapshot, { mode: 0o600 })
          await rename(temp, target)
        } catch (err) {
          await unlink(temp).catch(() => {})
          throw err
        }
      })
    this.writing = next
    return next
  }

  /** "Sends" an e-mail: one JSON line in the outbox. Resolves false when it could not be written. */
  async sendMail(message: Record<string, unknown>): Promise<boolean> {
    const line = JSON.stringify(message) + '\n'
    if (!this.dataDir) {
      this.memoryOutbox.push(line)
      return true
    }
    try {
      await appendFile(join(this.dataDir, OUTBOX_FILE), line, { mode: 0o600 })
      return true
    } catch (err) {
      console.error('[hub] outbox write failed:', err instanceof Error ? err.message : err)
      return false
    }
  }
}
