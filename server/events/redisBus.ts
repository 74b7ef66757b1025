/**
 * Event fan-out across BFF replicas through one Redis stream. Every replica appends what it
 * publishes and tails the stream, so each browser sees every write whichever replica made it,
 * and stream ids let a browser resume on any replica with Last-Event-ID.
 */
import { Redis } from 'ioredis'
import { compareEventIds, deliver, isEventId, type BusEvent, type BusListener, type EventBus } from './bus'
import { parseJsonOr } from '../../src/contracts/json'
import { log as logger } from '../log'

const STREAM = 'ops:events'
const RETAIN = 5_000

type StreamEntry = [id: string, fields: string[]]

function toEvent([id, fields]: StreamEntry): BusEvent {
  const get = (k: string) => fields[fields.indexOf(k) + 1]
  return { id, type: get('type') ?? 'message', data: parseJsonOr(get('data') ?? 'null', null) }
}

/**
 * XREAD answers [[key, entries]] per stream; some client versions flatten a single stream to
 * [key, entries]. Both are accepted.
 */
function readEntries(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply) || reply.length === 0) return []
  if (typeof reply[0] === 'string') return (reply[1] ?? []) as StreamEntry[]
  return (reply as [string, StreamEntry[]][]).flatMap(([, entries]) => entries)
}

export async function createRedisBus(
  url: string,
  log: (msg: string) => void = (msg) => logger.warn(msg),
): Promise<EventBus> {
  const writer = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: true })
  const reader = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true })
  await writer.connect()
  await reader.connect()
  const listeners = new Set<BusListener>()
  let closed = false

  async function newestId(): Promise<string> {
    const last = (await writer.call('XREVRANGE', STREAM, '+', '-', 'COUNT', '1')) as StreamEntry[]
    return last[0]?.[0] ?? '0-0'
  }

  // Tail the stream from now on; every replica, including this one, delivers from here.
  let cursor = await newestId()
  void (async () => {
    while (!closed) {
      try {
        const reply = await reader.call('XREAD', 'BLOCK', '5000', 'COUNT', '500', 'STREAMS', STREAM, cursor)
        for (const entry of readEntries(reply)) {
          cursor = entry[0]
          deliver(listeners, toEvent(entry))
        }
      } catch (err) {
        if (closed) return
        log(`redis events: ${(err as Error).message}; retrying`)
        await new Promise((r) => setTimeout(r, 1_000))
      }
    }
  })()

  return {
    publish(type, data) {
      writer
        .call('XADD', STREAM, 'MAXLEN', '~', String(RETAIN), '*', 'type', type, 'data', JSON.stringify(data))
        .catch((err: Error) => log(`redis events: could not publish ${type}: ${err.message}`))
    },
    async since(id) {
      if (!isEventId(id)) return null
      const first = (await writer.call('XRANGE', STREAM, '-', '+', 'COUNT', '1')) as StreamEntry[]
      const newest = await newestId()
      if (compareEventIds(id, newest) > 0) return null
      if (first[0] && compareEventIds(first[0][0], id) > 0 && compareEventIds(id, '0-0') > 0) return null
      const entries = (await writer.call(
        'XRANGE',
        STREAM,
        `(${id.includes('-') ? id : `${id}-0`}`,
        '+',
      )) as StreamEntry[]
      return entries.map(toEvent)
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    lastId: newestId,
    async close() {
      closed = true
      listeners.clear()
      reader.disconnect()
      await writer.quit().catch(() => undefined)
    },
  }
}
