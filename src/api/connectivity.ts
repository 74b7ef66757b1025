/**
 * Whether the app can reach its server: the browser's own signal (navigator.onLine) is not enough
 * — a tablet on a captive Wi-Fi, or a page served by the service worker with no network, still
 * says "online". So every answer from the BFF marks the server reachable, every request that gets
 * no answer at all marks it unreachable, and while it is unreachable a light probe of
 * /ops/healthz finds out when it comes back.
 */
import { computed, ref, type ComputedRef } from 'vue'
import { useOnline } from '@vueuse/core'

const PROBE_EVERY_MS = 15_000
const reachable = ref(true)
let probe: ReturnType<typeof setInterval> | null = null

async function probeOnce(): Promise<void> {
  try {
    const res = await fetch('/ops/healthz', { cache: 'no-store', credentials: 'same-origin' })
    if (res.ok) noteServerAnswer(true)
  } catch {
    // still unreachable
  }
}

/** Called by the HTTP client: `true` for any answer from the server, `false` for none. */
export function noteServerAnswer(answered: boolean): void {
  reachable.value = answered
  if (!answered && probe === null && typeof window !== 'undefined') {
    probe = setInterval(() => void probeOnce(), PROBE_EVERY_MS)
    window.addEventListener('online', () => void probeOnce(), { once: true })
  }
  if (answered && probe !== null) {
    clearInterval(probe)
    probe = null
  }
}

/** True when the browser has a network and the server last answered. */
export function useConnectivity(): ComputedRef<boolean> {
  const online = useOnline()
  return computed(() => online.value && reachable.value)
}
