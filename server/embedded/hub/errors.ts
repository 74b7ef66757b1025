import { HTTPError } from 'h3'

/**
 * Every failure the hub answers is `{"error": {"code", "message"}}` (HUB.md). Handlers throw a
 * HubError; the app's onError turns it into that body, so no route formats errors by hand.
 */
export class HubError extends HTTPError {
  readonly code: string

  constructor(status: number, code: string, message: string) {
    super(message, { status })
    this.code = code
  }
}

export const badRequest = (code: string, message: string) => new HubError(400, code, message)
export const notFound = (code: string, message: string) => new HubError(404, code, message)

export function errorResponse(status: number, code: string, message: string, headers?: HeadersInit): Response {
  const h = new Headers(headers)
  h.set('content-type', 'application/json; charset=utf-8')
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: h })
}

/** Code used when the error did not come from our own code (h3's 404/405, a bug…). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST'
    case 401:
      return 'UNAUTHORIZED'
    case 404:
      return 'NOT_FOUND'
    case 405:
      return 'METHOD_NOT_ALLOWED'
    case 413:
      return 'PAYLOAD_TOO_LARGE'
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE'
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'ERROR'
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A JSON object body, or a 400 — handlers never see arrays, strings or malformed JSON. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown>> {
  const text = await req.text()
  if (!text.trim()) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw badRequest('INVALID_JSON', 'The request body is not valid JSON')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw badRequest('INVALID_JSON', 'The request body must be a JSON object')
  }
  return parsed as Record<string, unknown>
}
