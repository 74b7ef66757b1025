/**
 * POST|DELETE /ops/api/_test/hub-faults: lets an end-to-end test or the scan benchmark make the
 * embedded hub slow or failing (its `/_test/faults`, see server/embedded/hub/faults.ts), since
 * the hub listens on a loopback port the browser cannot reach. Mounted only in demo mode with
 * HUB_TEST_HOOKS=1, and only for an administrator (`users:manage`).
 */
import type { H3, H3Event } from 'h3'
import type { AppContext } from '../app'
import { bffError, readBodyLimited, SENTENCES } from '../errors'

export function techTestHookRoutes(env: Record<string, string | undefined> = process.env) {
  return (app: H3, ctx: AppContext): void => {
    if (!ctx.config.demo || env.HUB_TEST_HOOKS !== '1') return
    const forward = (method: 'POST' | 'DELETE') => async (event: H3Event) => {
      const user = ctx.user(event)
      if (!user) return bffError(event.req, 401, 'UNAUTHENTICATED', SENTENCES.unauthenticated)
      if (!user.capabilities.includes('users:manage')) return bffError(event.req, 403, 'FORBIDDEN', SENTENCES.forbidden)
      const body = method === 'POST' ? await readBodyLimited(event.req, 4096) : undefined
      const answer = await ctx.hub.send(method, '/_test/faults', { body, contentType: 'application/json', timeoutMs: 5_000 })
      return new Response(answer.body, { status: answer.status, headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' } })
    }
    app.post('/ops/api/_test/hub-faults', forward('POST'))
    app.delete('/ops/api/_test/hub-faults', forward('DELETE'))
  }
}
