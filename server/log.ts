/**
 * Structured JSON logs (pino), one object a line: what happened, to which request, for whom. A
 * line written while serving a request comes from `requestLog`, which carries the request's id and
 * staff member; the upstream clients are handed the same id to send on as X-Request-Id.
 *
 * The id is passed by hand rather than through async context: on Node 20, AsyncLocalStorage turns
 * on promise hooks for every promise in the process, which measured +0.6 ms on each proxied call.
 *
 * Secrets never reach a line: fields named like credentials are censored (`censored`), and the
 * service tokens (and anything else registered with `redactSecret`) are replaced wherever they
 * appear, even inside an error message.
 */
import { pino, type DestinationStream, type Logger } from 'pino'

const CENSOR = '[redacted]'
const secrets = new Set<string>()
let secretPattern: RegExp | null = null

/** A value that must never appear in a log line: a service token, a password. */
export function redactSecret(value: string | null | undefined): void {
  if (!value || value.length < 6) return
  secrets.add(value)
  // An ERPNext token is "key:secret"; either half alone is a secret too.
  for (const part of value.split(':')) if (part.length >= 6) secrets.add(part)
  const escaped = [...secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  secretPattern = new RegExp(escaped.join('|'), 'g')
}

/** Credentials in the shapes they travel in, whatever their value. */
const CREDENTIAL_SHAPES = /\b(token|bearer|basic)\s+[\w.~+/=-]+(:[\w.~+/=-]+)?/gi

function scrub(line: string): string {
  let out = line.replace(CREDENTIAL_SHAPES, `$1 ${CENSOR}`)
  if (secretPattern) out = out.replace(secretPattern, CENSOR)
  return out
}

/** Fields whose value is a credential, whatever it holds (compared in lower case). */
const CREDENTIAL_FIELDS = new Set([
  'authorization',
  'cookie',
  'password',
  'new_password',
  'token',
  'temporary_password',
  'temp_password',
  'api_secret',
])
/** How deep into a line's fields credentials are looked for: deeper than any line nests, and a bound on a cycle. */
const CENSOR_DEPTH = 6

const isPlain = (value: object) => {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/**
 * `value` with every credential field censored, copied only where one was found (the caller's
 * objects are never changed); plain objects, arrays and errors are walked, nothing else. A line without
 * credentials costs a key lookup per field, where pino's path-based redaction with wildcards cost
 * ~23 µs a line — on every request.
 */
export function censored<T>(value: T, depth = 0): T {
  if (depth >= CENSOR_DEPTH || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let i = 0; i < value.length; i++) {
      const next = censored<unknown>(value[i], depth + 1)
      if (next !== value[i]) (copy ??= value.slice())[i] = next
    }
    return (copy ?? value) as T
  }
  const error = value instanceof Error
  if (!error && !isPlain(value)) return value
  const fields = value as Record<string, unknown>
  let copy: Record<string, unknown> | null = null
  for (const key of Object.keys(fields)) copy = censoredField(fields, key, depth, copy)
  // What an error wraps is not enumerable but is logged all the same (pino writes an
  // AggregateError's errors whole): a credential there is censored like any other.
  if (error)
    for (const key of ERROR_WRAPPED) if (Object.hasOwn(value, key)) copy = censoredField(fields, key, depth, copy)
  if (!copy) return value
  return (error ? errorWith(value, copy) : copy) as T
}

/** `fields[key]` censored: into `copy` (made from `fields` when first needed) if it changed. */
function censoredField(
  fields: Record<string, unknown>,
  key: string,
  depth: number,
  copy: Record<string, unknown> | null,
): Record<string, unknown> | null {
  const field = fields[key]
  const next = CREDENTIAL_FIELDS.has(key.toLowerCase()) ? CENSOR : censored(field, depth + 1)
  if (next === field) return copy
  const out = copy ?? { ...fields }
  out[key] = next
  return out
}

/**
 * A copy of `error` with `fields` in place of its own: the same class, message, stack and what it
 * wraps, so it is logged as the error was, its credentials censored.
 */
function errorWith(error: Error, fields: Record<string, unknown>): Error {
  const descriptors = Object.getOwnPropertyDescriptors(error)
  for (const key of Object.keys(fields)) {
    const held = descriptors[key]
    descriptors[key] =
      held && 'value' in held
        ? { ...held, value: fields[key] }
        : { value: fields[key], enumerable: true, configurable: true, writable: true }
  }
  return Object.create(Object.getPrototypeOf(error) as object, descriptors) as Error
}

/** The non-enumerable fields through which an error carries others. */
const ERROR_WRAPPED = ['cause', 'errors'] as const

/**
 * How many bytes of lines may wait for standard output before lines are dropped
 * (`LOG_BUFFER_BYTES`). Read here, as the logger is made before the configuration; a value out of
 * these bounds stops the start there (server/config.ts).
 */
export const LOG_BUFFER = { fallback: 16 * 1024 * 1024, min: 64 * 1024, max: 1024 * 1024 * 1024 } as const
function bufferBytes(): number {
  const given = Number(process.env.LOG_BUFFER_BYTES)
  return Number.isInteger(given) && given >= LOG_BUFFER.min && given <= LOG_BUFFER.max ? given : LOG_BUFFER.fallback
}

/**
 * Standard output, written without blocking: lines gather in memory and go out by 4 KB, or every
 * quarter of a second when fewer come (under load, one write for many answers instead of one
 * each), and a
 * reader that stops reading (a stalled log collector) makes lines be dropped past
 * `LOG_BUFFER_BYTES` (16 MB) instead of stopping the server. What is waiting is written out when
 * the process exits.
 */
export function stdoutDestination(): DestinationStream {
  const out = pino.destination({ dest: 1, sync: false, minLength: 4096, periodicFlush: 250, maxLength: bufferBytes() })
  let dropped = 0
  out.on('drop', () => {
    if (dropped++ === 0) process.stderr.write('log: standard output is not being read; lines are being dropped\n')
  })
  return out
}

let stampedSecond = -1
let secondPrefix = ''
/**
 * pino's ISO time, its date part made once a second: `new Date().toISOString()` on every line was
 * a sixth of a line's cost.
 */
export function isoTime(now = Date.now()): string {
  const second = Math.floor(now / 1000)
  if (second !== stampedSecond) {
    stampedSecond = second
    secondPrefix = new Date(second * 1000).toISOString().slice(0, 19)
  }
  return `,"time":"${secondPrefix}.${String(now - second * 1000).padStart(3, '0')}Z"`
}

export function createLogger(destination: DestinationStream = stdoutDestination(), level?: string): Logger {
  logDestination = destination
  return pino(
    {
      level: level ?? process.env.LOG_LEVEL ?? (process.env.VITEST ? 'warn' : 'info'),
      base: { pid: process.pid },
      timestamp: () => isoTime(),
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => censored(bindings),
        log: (fields) => censored(fields),
      },
      hooks: { streamWrite: scrub },
    },
    destination,
  )
}

/** Where the process's logger writes (`createLogger`): the answers' lines go there too. */
let logDestination: DestinationStream

/** The process's logger. Tests may point it elsewhere with `useLogDestination`. */
export let log: Logger = createLogger()

export function useLogDestination(destination: DestinationStream, level = 'info'): void {
  log = createLogger(destination, level)
}

/** The fields of the line written for every answer (server/app.ts). */
export interface AnswerLine {
  req_id: string
  /** The staff member's e-mail; absent when no one is signed in. */
  staff?: string
  method: string
  /** The route's pattern, never the raw URL. */
  route: string
  path: string
  status: number
  /** Duration in milliseconds. */
  ms: number
}

/**
 * The line for one answer, the busiest line there is: the JSON pino writes for
 * `log[level](line, 'request')` (level, time, pid, the fields, msg), composed here and written to
 * the logger's own destination, scrubbed like every other line. Through pino's per-line path
 * (formatters, the walk for credential fields, serialisation) it cost ~11 µs of a proxied read
 * (docs/PERFORMANCE.md, the hop); its fields are known and none is a credential field.
 */
export function logAnswer(level: 'debug' | 'info' | 'warn', line: AnswerLine): void {
  if (!log.isLevelEnabled(level)) return
  const staff = line.staff === undefined ? '' : `,"staff":${JSON.stringify(line.staff)}`
  logDestination.write(
    scrub(
      `{"level":"${level}"${isoTime()},"pid":${process.pid},"req_id":${JSON.stringify(line.req_id)}${staff}` +
        `,"method":${JSON.stringify(line.method)},"route":${JSON.stringify(line.route)},"path":${JSON.stringify(line.path)}` +
        `,"status":${line.status},"ms":${Number.isFinite(line.ms) ? line.ms : null},"msg":"request"}\n`,
    ),
  )
}

/** The logger for lines written while serving a request: each carries its id and staff member. */
export function requestLog(requestId: string, staff?: string): Logger {
  return log.child(staff ? { req_id: requestId, staff } : { req_id: requestId })
}

/** An error as a log field: its message and stack, never its other properties (they may hold a request). */
export const errorField = (err: unknown) =>
  err instanceof Error ? { message: err.message, stack: err.stack } : { message: String(err) }
