/**
 * Frappe's errors as values. Every failure the embedded ERPNext reports is a FrappeError carrying
 * the `exc_type` clients switch on; `errorResponse` turns it into the body Frappe sends, and turns
 * anything else into an opaque 500 so no SQL or stack trace ever reaches a client.
 */

export type ExcType =
  | 'DoesNotExistError'
  | 'PermissionError'
  | 'AuthenticationError'
  | 'MandatoryError'
  | 'LinkValidationError'
  | 'LinkExistsError'
  | 'TimestampMismatchError'
  | 'DuplicateEntryError'
  | 'ValidationError'
  | 'DataError'

const STATUS: Record<ExcType, number> = {
  DoesNotExistError: 404,
  PermissionError: 403,
  AuthenticationError: 401,
  MandatoryError: 417,
  LinkValidationError: 417,
  LinkExistsError: 417,
  TimestampMismatchError: 417,
  DuplicateEntryError: 409,
  ValidationError: 417,
  DataError: 417,
}

export class FrappeError extends Error {
  readonly status: number
  constructor(
    readonly excType: ExcType,
    message: string,
    status?: number,
  ) {
    super(message)
    this.status = status ?? STATUS[excType]
  }
}

export const validationError = (message: string) => new FrappeError('ValidationError', message)
export const dataError = (message: string) => new FrappeError('DataError', message)
export const notFound = (doctype: string, name: string) =>
  new FrappeError('DoesNotExistError', `${doctype} ${name} not found`)

/** Frappe's error body: clients read `exc_type`; desk-style clients show `_server_messages`. */
export function frappeErrorBody(excType: string, message: string): Record<string, string> {
  return {
    exc_type: excType,
    exception: `frappe.exceptions.${excType}: ${message}`,
    _server_messages: JSON.stringify([JSON.stringify({ message })]),
  }
}

export function errorResponse(err: unknown): Response {
  if (err instanceof FrappeError) {
    return Response.json(frappeErrorBody(err.excType, err.message), { status: err.status })
  }
  // Unexpected: log it here, answer without details (they may contain SQL or paths).
  console.error('[embedded erpnext] unexpected error', err)
  return Response.json(frappeErrorBody('Exception', 'Internal Server Error'), { status: 500 })
}
