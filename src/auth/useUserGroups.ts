/**
 * The signed-in staff member as the BFF sees them. Capabilities come from /ops/api/me only; the
 * SPA uses them to decide what to show, never to decide what is allowed.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Capability, Me } from 'src/contracts/capabilities'
import { api, ApiError } from 'src/api/http'

export type SessionState = 'loading' | 'signed-in' | 'signed-out' | 'error'

/** The session asked for as the app starts, before the first screen's code queues its requests. */
let early: Promise<Me> | null = null

/**
 * Asks for the session at once (from main.ts): on HTTP/1.1 the first screen's scripts take the
 * browser's few connections to the server, and a /me asked for after them waits for them all.
 */
export function fetchSessionEarly(): void {
  early ??= api<Me>('/me')
  // Read by the first load(); a failure is handled there.
  early.catch(() => undefined)
}

export const useUserGroups = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const state = ref<SessionState>('loading')
  const error = ref<ApiError | null>(null)
  const demo = ref(false)

  async function load(): Promise<void> {
    state.value = 'loading'
    error.value = null
    try {
      const pending = early ?? api<Me>('/me')
      early = null
      me.value = await pending
      demo.value = me.value.demo
      state.value = 'signed-in'
    } catch (err) {
      me.value = null
      const apiError = err instanceof ApiError ? err : null
      error.value = apiError
      if (apiError?.status === 401) {
        state.value = 'signed-out'
        demo.value = await api<{ demo: boolean }>('/config')
          .then((c) => c.demo)
          .catch(() => false)
      } else {
        state.value = 'error'
      }
    }
  }

  async function choosePersona(id: string): Promise<void> {
    await api('/demo/persona', { method: 'POST', body: { id } })
    await load()
  }

  async function leavePersona(): Promise<void> {
    await api('/demo/persona', { method: 'DELETE' })
    await load()
  }

  const capabilities = computed<readonly Capability[]>(() => me.value?.capabilities ?? [])
  const can = (cap: Capability) => capabilities.value.includes(cap)
  const canAny = (caps: readonly Capability[]) => caps.some(can)

  return { me, state, error, demo, capabilities, can, canAny, load, choosePersona, leavePersona }
})
