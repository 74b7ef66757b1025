import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Temporary passwords and usernames for invited staff. Pure functions (the randomness is a
 * parameter), so their rules are tested directly.
 */

/** Letters and digits a person can read back over the phone: no 0/O/o, 1/l/I. */
export const PASSWORD_ALPHABET = {
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  lower: 'abcdefghijkmnpqrstuvwxyz',
  digits: '23456789',
} as const
const ALL = PASSWORD_ALPHABET.upper + PASSWORD_ALPHABET.lower + PASSWORD_ALPHABET.digits

/** `random(max)` returns an integer in [0, max) — crypto.randomInt by default. */
export type RandomInt = (max: number) => number

/**
 * A readable temporary password containing at least one upper-case letter, one lower-case letter
 * and one digit (what Authentik's default policy asks for), in random positions.
 */
export function generateTempPassword(length = 14, random: RandomInt = randomInt): string {
  if (!Number.isInteger(length) || length < 12) throw new RangeError('A temporary password has at least 12 characters')
  const chars = [
    PASSWORD_ALPHABET.upper[random(PASSWORD_ALPHABET.upper.length)],
    PASSWORD_ALPHABET.lower[random(PASSWORD_ALPHABET.lower.length)],
    PASSWORD_ALPHABET.digits[random(PASSWORD_ALPHABET.digits.length)],
  ]
  while (chars.length < length) chars.push(ALL[random(ALL.length)])
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random(i + 1)
    ;[chars[i], chars[j]] = [chars[j], chars[i]]
  }
  return chars.join('')
}

/**
 * The username for an e-mail: its local part, lower-cased, accents and `+tags` dropped, only
 * `a-z 0-9 . _ -`; then `jdoe`, `jdoe2`, `jdoe3`… until it is free. `taken` holds lower-case names.
 */
export function uniqueUsername(email: string, taken: Set<string>): string {
  const local = email.split('@')[0].split('+')[0]
  const base =
    local
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '')
      .replace(/^[._-]+|[._-]+$/g, '') || 'user'
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) {
    const candidate = `${base}${n}`
    if (!taken.has(candidate)) return candidate
  }
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 }

function scryptAsync(
  password: string,
  salt: Buffer,
  keylen: number,
  cost: { N: number; r: number; p: number } = SCRYPT,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, { N: cost.N, r: cost.r, p: cost.p }, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>` — only this is ever stored, never the password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await scryptAsync(password, salt, SCRYPT.keylen)
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, saltB64, hashB64] = stored.split('$')
  if (scheme !== 'scrypt' || !saltB64 || !hashB64) return false
  const expected = Buffer.from(hashB64, 'base64')
  // The cost parameters travel with the hash, so raising them later keeps old hashes valid.
  const key = await scryptAsync(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(N),
    r: Number(r),
    p: Number(p),
  })
  return timingSafeEqual(key, expected)
}
