/**
 * Every refusal the BFF makes itself reads as a sentence in the user's language, with English
 * alongside, and a stable code for programs. ERP routes answer in Frappe's error shape so a Frappe
 * client understands them too.
 */
import { FastResponse } from 'srvx'
import { promisify } from 'node:util'
import { constants as zlibConstants, gzip } from 'node:zlib'
import { HTTPError } from 'h3'
import type { BffErrorBody } from '../src/contracts/capabilities'

const gzipAsync = promisify(gzip)

export interface Sentence {
  fr: string
  en: string
}

/**
 * The one way the BFF says no: a route throws a Refusal (status, stable code, sentence in both
 * languages) and the app's onError writes the body. `headers` go on the answer (e.g. Retry-After).
 */
export class Refusal extends HTTPError {
  constructor(
    status: number,
    readonly code: string,
    readonly sentence: Sentence,
    headers?: Record<string, string>,
  ) {
    super({ status, message: sentence.en, headers })
  }
}

/** A refusal on the ERPNext pass-through, written in Frappe's error shape (exc_type) for Frappe clients. */
export class FrappeRefusal extends Refusal {
  constructor(
    status: number,
    readonly excType: string,
    sentence: Sentence,
  ) {
    super(status, excType, sentence)
  }
}

export function prefersEnglish(req: Request): boolean {
  const lang = req.headers.get('accept-language') ?? ''
  const first = lang.split(',')[0]?.trim().toLowerCase() ?? ''
  return first.startsWith('en')
}

const json = (status: number, body: unknown, headers: HeadersInit = {}) =>
  new FastResponse(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })

export function bffError(req: Request, status: number, code: string, text: Sentence): Response {
  const body: BffErrorBody = {
    error: { code, message: prefersEnglish(req) ? text.en : text.fr, messages: text },
  }
  return json(status, body)
}

/** Frappe's error body: clients read exc_type; _server_messages carries the sentence. */
export function frappeError(req: Request, status: number, excType: string, text: Sentence): Response {
  const message = prefersEnglish(req) ? text.en : text.fr
  return json(status, {
    exc_type: excType,
    exception: `frappe.exceptions.${excType}: ${text.en}`,
    _server_messages: JSON.stringify([JSON.stringify({ message })]),
    messages: text,
  })
}

export { json }

/** Below this, compressing costs more than it saves. */
const COMPRESS_FROM_BYTES = 32 * 1024

/**
 * JSON for the large answers (a week's board is ~9 MB): gzip at its fastest level when the
 * browser accepts it, ~15× smaller for ~30 ms of work off the event loop.
 */
export async function largeJson(req: Request, status: number, body: unknown): Promise<Response> {
  const text = JSON.stringify(body)
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    vary: 'accept-encoding',
  }
  if (text.length < COMPRESS_FROM_BYTES || !/\bgzip\b/.test(req.headers.get('accept-encoding') ?? ''))
    return new FastResponse(text, { status, headers })
  const zipped = await gzipAsync(Buffer.from(text), { level: zlibConstants.Z_BEST_SPEED })
  return new FastResponse(new Uint8Array(zipped.buffer, zipped.byteOffset, zipped.byteLength), {
    status,
    headers: { ...headers, 'content-encoding': 'gzip' },
  })
}

export const SENTENCES = {
  unauthenticated: {
    fr: 'Vous n’êtes pas connecté. Rechargez la page pour vous reconnecter.',
    en: 'You are not signed in. Reload the page to sign in again.',
  },
  forbidden: {
    fr: 'Votre rôle ne permet pas cette action. Demandez à un administrateur si vous en avez besoin.',
    en: 'Your role does not allow this. Ask an administrator if you need it.',
  },
  tooLarge: {
    fr: 'Le contenu envoyé est trop volumineux.',
    en: 'What was sent is too large.',
  },
  erpDown: {
    fr: 'ERPNext ne répond pas pour le moment. Réessayez dans un instant.',
    en: 'ERPNext is not answering right now. Try again in a moment.',
  },
  hubDown: {
    fr: 'Le service hub ne répond pas pour le moment. Réessayez dans un instant.',
    en: 'The hub service is not answering right now. Try again in a moment.',
  },
  notFound: { fr: 'Cette adresse n’existe pas.', en: 'There is nothing at this address.' },
  methodNotAllowed: { fr: 'Méthode non permise ici.', en: 'Method not allowed here.' },
  hubTimeout: { fr: 'Le hub n’a pas répondu à temps. Réessayez.', en: 'The hub did not answer in time. Try again.' },
} satisfies Record<string, Sentence>

export const unauthenticated = () => new Refusal(401, 'UNAUTHENTICATED', SENTENCES.unauthenticated)
export const forbidden = () => new Refusal(403, 'FORBIDDEN', SENTENCES.forbidden)

export class BodyTooLargeError extends Error {}

/** Reads a request body, refusing it as soon as it exceeds `limit` bytes. */
export async function readBodyLimited(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(req.headers.get('content-length') ?? 'NaN')
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError()
  if (!req.body) return new Uint8Array(new ArrayBuffer(0))
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => undefined)
      throw new BodyTooLargeError()
    }
    chunks.push(value)
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const c of chunks) {
    out.set(c, offset)
    offset += c.byteLength
  }
  return out
}
