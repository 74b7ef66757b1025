import { createHash, timingSafeEqual } from 'node:crypto'
import type { Middleware } from 'h3'
import { HubError } from './errors'

/**
 * Every hub route needs `Authorization: Bearer <hubToken>` — the BFF's service token. Compared in
 * constant time (on digests, so the token's length does not leak either).
 */
export function bearerAuth(hubToken: string): Middleware {
  const expected = createHash('sha256').update(hubToken).digest()
  return (event, next) => {
    const header = event.req.headers.get('authorization') ?? ''
    const m = /^Bearer\s+(.+)$/i.exec(header.trim())
    const given = m ? createHash('sha256').update(m[1].trim()).digest() : null
    if (!given || !timingSafeEqual(given, expected)) {
      throw new HubError(
        401,
        'UNAUTHORIZED',
        m ? 'Invalid bearer token' : 'Missing Authorization: Bearer <token> header',
      )
    }
    return next()
  }
}
