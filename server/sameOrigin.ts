/**
 * Writes only from our own pages. Authentik's session cookie rides on every same-site request, so
 * a page on a sibling subdomain could otherwise drive a signed-in admin's browser. A state-changing
 * request passes only when the browser says it is same-origin (Sec-Fetch-Site), or, from a client
 * that does not send that header, when its Origin is the app's own; and only with a body a plain
 * HTML form cannot send (JSON, or multipart for photos).
 */
import type { Sentence } from './errors'

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Whether a request of this method may change something (and so must come from our own pages). */
export const isWrite = (method: string): boolean => WRITES.has(method)
const ACCEPTED_BODIES = /^(application\/json|multipart\/form-data)\s*(;|$)/i

export interface WriteRefusal {
  status: 403 | 415
  code: string
  sentence: Sentence
}

export const CROSS_SITE: WriteRefusal = {
  status: 403,
  code: 'CROSS_SITE_REFUSED',
  sentence: {
    fr: 'Modification refusée : elle ne vient pas de l’application Gigafibre Ops elle-même. Rouvrez l’application et refaites-la.',
    en: 'Change refused: it did not come from the Gigafibre Ops app itself. Reopen the app and make it again.',
  },
}

export const UNSUPPORTED_BODY: WriteRefusal = {
  status: 415,
  code: 'UNSUPPORTED_BODY',
  sentence: {
    fr: 'Modification refusée : le contenu doit être envoyé en JSON (ou en multipart pour une photo).',
    en: 'Change refused: the content must be sent as JSON (or multipart for a photo).',
  },
}

function hasBody(headers: Headers): boolean {
  const length = headers.get('content-length')
  return (length !== null && length.trim() !== '0') || headers.has('transfer-encoding')
}

/**
 * Why a request may not change anything, or null when it may. `ownOrigin` is PUBLIC_ORIGIN, else
 * the origin of the request's own address.
 */
export function writeRefusal(req: Request, ownOrigin: string): WriteRefusal | null {
  if (!isWrite(req.method)) return null
  const site = req.headers.get('sec-fetch-site')
  if (site !== null) {
    if (site !== 'same-origin') return CROSS_SITE
  } else if (req.headers.get('origin') !== ownOrigin) {
    return CROSS_SITE
  }
  const type = req.headers.get('content-type')
  if (type === null ? hasBody(req.headers) : !ACCEPTED_BODIES.test(type.trim())) return UNSUPPORTED_BODY
  return null
}
