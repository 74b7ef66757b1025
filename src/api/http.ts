/**
 * The one HTTP client of the SPA. Every failure becomes an ApiError carrying the server's code or
 * Frappe exc_type and a sentence in both languages, so pages show what happened and what to do
 * instead of a status code.
 */
import { ofetch, FetchError, type FetchOptions } from 'ofetch'
import { parseJsonObject, parseJsonOr } from '../contracts/json'
import { noteServerAnswer } from './connectivity'
import { fetchTakingEarly } from './earlyReads'
import { noteUpstreamDown, upstreamDownOf, type Upstream } from './health'

export interface Sentence {
  fr: string
  en: string
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** BFF code (e.g. FORBIDDEN) or Frappe exc_type (e.g. TimestampMismatchError), or NETWORK. */
    readonly code: string,
    readonly sentence: Sentence,
    readonly body: unknown = null,
    /** Seconds the server asked to wait before trying again (Retry-After), when it said. */
    readonly retryAfterS: number | null = null,
  ) {
    super(sentence.en)
  }
  get offline(): boolean {
    return this.code === 'NETWORK' || this.code === 'TIMEOUT'
  }
  /** The upstream (ERPNext, the hub or one of its parts) this answer says is down, or null. */
  get upstreamDown(): Upstream | null {
    return upstreamDownOf(this.status, this.code, this.body)
  }
  text(locale: string): string {
    return locale.startsWith('en') ? this.sentence.en : this.sentence.fr
  }
}

const GENERIC: Record<number, Sentence> = {
  401: {
    fr: 'Votre session a expiré. Rechargez la page pour vous reconnecter.',
    en: 'Your session has expired. Reload the page to sign in again.',
  },
  403: { fr: 'Votre rôle ne permet pas cette action.', en: 'Your role does not allow this.' },
  404: {
    fr: 'Introuvable : ce document n’existe pas ou plus.',
    en: 'Not found: this document does not exist (any more).',
  },
  409: { fr: 'Cet élément existe déjà.', en: 'This already exists.' },
  413: { fr: 'Le contenu envoyé est trop volumineux.', en: 'What was sent is too large.' },
  417: { fr: 'ERPNext a refusé la modification.', en: 'ERPNext refused the change.' },
  502: {
    fr: 'Un service ne répond pas. Réessayez dans un instant.',
    en: 'A service is not answering. Try again in a moment.',
  },
  503: {
    fr: 'Un service est momentanément indisponible. Réessayez dans un instant.',
    en: 'A service is unavailable for a moment. Try again shortly.',
  },
  504: {
    fr: 'Le service a mis trop de temps à répondre. Réessayez.',
    en: 'The service took too long to answer. Try again.',
  },
}

const EXC_SENTENCES: Record<string, Sentence> = {
  TimestampMismatchError: {
    fr: 'Quelqu’un a modifié ce document entre-temps. La version la plus récente est affichée ; refaites votre changement si besoin.',
    en: 'Someone changed this document in the meantime. The newest version is shown; make your change again if needed.',
  },
  DuplicateEntryError: { fr: 'Cet élément existe déjà.', en: 'This already exists.' },
  PermissionError: GENERIC[403],
  DoesNotExistError: GENERIC[404],
  LinkExistsError: {
    fr: 'Cet élément est encore utilisé ailleurs et ne peut pas être supprimé.',
    en: 'This is still used elsewhere and cannot be deleted.',
  },
}

/** Reads the sentence out of a BFF error body or a Frappe error body. */
function sentenceOf(status: number, body: unknown): { code: string; sentence: Sentence } {
  const b = (body ?? {}) as Record<string, unknown>
  const error = b.error as { code?: string; messages?: Sentence; message?: string } | undefined
  // An upstream down: { message, message_en, upstream, retry_after_s }.
  if (typeof b.upstream === 'string' && typeof b.message === 'string') {
    return {
      code: error?.code ?? (typeof b.exc_type === 'string' ? b.exc_type : 'UPSTREAM_UNAVAILABLE'),
      sentence: { fr: b.message, en: typeof b.message_en === 'string' ? b.message_en : b.message },
    }
  }
  if (error?.code) {
    return {
      code: error.code,
      sentence:
        error.messages ??
        (error.message ? { fr: error.message, en: error.message } : (GENERIC[status] ?? GENERIC[502])),
    }
  }
  if (typeof b.exc_type === 'string') {
    const known = EXC_SENTENCES[b.exc_type]
    if (known) return { code: b.exc_type, sentence: known }
    if (b.messages && typeof b.messages === 'object') return { code: b.exc_type, sentence: b.messages as Sentence }
    const list = parseJsonOr(String(b._server_messages ?? '[]'), [])
    const message = (Array.isArray(list) ? list : [])
      .map((m) => {
        const o = parseJsonObject(String(m))
        return typeof o?.message === 'string' ? o.message : ''
      })
      .join(' ')
    const fallback = GENERIC[status] ?? GENERIC[417]
    return {
      code: b.exc_type,
      sentence: message ? { fr: `${fallback.fr} ${message}`, en: `${fallback.en} ${message}` } : fallback,
    }
  }
  return {
    code: `HTTP_${status}`,
    sentence: GENERIC[status] ?? {
      fr: `Erreur inattendue (${status}). Réessayez.`,
      en: `Unexpected error (${status}). Try again.`,
    },
  }
}

/** Retry-After in seconds, from the body's `retry_after_s` or the header (seconds only). */
function retryAfterOf(err: FetchError): number | null {
  const fromBody = (err.data as { retry_after_s?: unknown } | undefined)?.retry_after_s
  if (typeof fromBody === 'number' && Number.isFinite(fromBody)) return fromBody
  const header = Number(err.response?.headers.get('retry-after') ?? NaN)
  return Number.isFinite(header) ? header : null
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  if (err instanceof FetchError) {
    const status = err.response?.status
    if (!status) {
      const timeout = err.cause instanceof DOMException && err.cause.name === 'TimeoutError'
      return new ApiError(
        0,
        timeout ? 'TIMEOUT' : 'NETWORK',
        timeout
          ? {
              fr: 'Le serveur a mis trop de temps à répondre. Réessayez.',
              en: 'The server took too long to answer. Try again.',
            }
          : {
              fr: 'Pas de connexion au serveur. Vérifiez le réseau puis réessayez.',
              en: 'No connection to the server. Check the network, then try again.',
            },
      )
    }
    const { code, sentence } = sentenceOf(status, err.data)
    return new ApiError(status, code, sentence, err.data, retryAfterOf(err))
  }
  return new ApiError(0, 'NETWORK', { fr: 'Pas de connexion au serveur.', en: 'No connection to the server.' })
}

const client = ofetch.create(
  {
    baseURL: '/ops/api',
    retry: 0,
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
  },
  // The first reads of the session and the opening screen's data were started by index.html.
  { fetch: fetchTakingEarly },
)

export async function api<T>(path: string, options: FetchOptions<'json'> = {}): Promise<T> {
  try {
    const answer = await client<T>(path, options)
    noteServerAnswer(true)
    return answer
  } catch (err) {
    const error = toApiError(err)
    if (error.code === 'NETWORK') noteServerAnswer(false)
    else if (error.status > 0) noteServerAnswer(true)
    const down = error.upstreamDown
    if (down) noteUpstreamDown(down, error.sentence, error.retryAfterS ?? undefined)
    throw error
  }
}
