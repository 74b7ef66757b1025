/**
 * Carries the hub's events (SMS, job changes made outside the app, device alarms) into the BFF's
 * bus. It keeps the last id it saw and resumes with Last-Event-ID after any break, so a hub
 * restart or a network blip loses nothing the hub still retains.
 */
import type { EventBus } from './bus'
import type { HubClient } from '../upstream/hub'
import { log as logger } from '../log'

export interface Bridge {
  stop(): void
}

export interface BridgeOptions {
  log?: (msg: string) => void
  /** Called each time the hub's stream is open (first connection and every resumption). */
  onConnected?: () => void
}

export function bridgeHubEvents(hub: HubClient, bus: EventBus, options: BridgeOptions = {}): Bridge {
  const log = options.log ?? ((msg: string) => logger.warn(msg))
  let lastId: string | null = null
  let stopped = false
  let controller: AbortController | null = null
  let delay = 500

  async function connectOnce(): Promise<void> {
    controller = new AbortController()
    const headers: Record<string, string> = { authorization: `Bearer ${hub.token}`, accept: 'text/event-stream' }
    if (lastId) headers['last-event-id'] = lastId
    const res = await fetch(`${hub.baseUrl}/sse?topics=sms,jobs,devices`, { headers, signal: controller.signal })
    if (!res.ok || !res.body) throw new Error(`hub SSE answered ${res.status}`)
    delay = 500
    options.onConnected?.()
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
    let buffer = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += value
      let cut: number
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        let id: string | null = null
        let type = 'message'
        const data: string[] = []
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) id = line.slice(3).trim()
          else if (line.startsWith('event:')) type = line.slice(6).trim()
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
        }
        if (id) lastId = id
        if (!data.length || type === 'message') continue
        try {
          bus.publish(type, JSON.parse(data.join('\n')))
        } catch {
          log(`hub event ${type} had unreadable data; skipped`)
        }
      }
    }
  }

  void (async () => {
    while (!stopped) {
      try {
        await connectOnce()
      } catch (err) {
        if (stopped) return
        log(`hub events: ${(err as Error).message}; reconnecting in ${delay} ms`)
      }
      if (stopped) return
      await new Promise((r) => setTimeout(r, delay))
      delay = Math.min(delay * 2, 15_000)
    }
  })()

  return {
    stop() {
      stopped = true
      controller?.abort()
    },
  }
}
