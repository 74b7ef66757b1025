/**
 * POST|DELETE /ops/api/_test/hub-faults: lets an end-to-end test or the scan benchmark make the
 * embedded hub slow or failing (its `/_test/faults`, see server/embedded/hub/faults.ts), since
 * the hub listens on a loopback port the browser cannot reach. Mounted only in demo mode with
 * HUB_TEST_HOOKS=1, and only for an administrator (`users:manage`).
 */
import type { H3, H3Event } from 'h3'
import type { AppContext } from '../app'
import { readBodyLimited } from '../errors'
import { requireCapability } from '../guard'

export function techTestHookRoutes(app: H3, ctx: AppContext): void {
  if (!ctx.config.hubTestHooks) return
  const forward = (method: 'POST' | 'DELETE') => async (event: H3Event) => {
    requireCapability(ctx, event, 'users:manage')
    const body = method === 'POST' ? await readBodyLimited(event.req, 4096) : undefined
    const answer = await ctx.hub.send(method, '/_test/faults', {
      body,
      contentType: 'application/json',
      timeoutMs: 5_000,
    })
    return new Response(answer.body, {
      status: answer.status,
      headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
    })
  }
  app.post('/ops/api/_test/hub-faults', forward('POST'))
  app.delete('/ops/api/_test/hub-faults', forward('DELETE'))
}
