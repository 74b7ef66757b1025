/**
 * POST|DELETE /ops/api/_test/hub-faults: lets an end-to-end test or the scan benchmark make the
 * embedded hub slow or failing (its `/_test/faults`, see server/embedded/hub/faults.ts), since
 * the hub listens on a loopback port the browser cannot reach.
 * POST /ops/api/_test/hub-events: makes the outside world speak through the hub (its
 * `/_test/events`): `{"type": "sms.inbound", "data": {"customer": …, "body": …}}` is a customer's reply.
 * POST /ops/api/_test/upstreams/{erpnext|hub}/{pause|resume}: takes an embedded upstream off the
 * network mid-session (connections refused) and brings it back (server/embedded/outage.ts).
 * Mounted only in demo mode with HUB_TEST_HOOKS=1, and only for an administrator (`users:manage`).
 */
import { FastResponse } from 'srvx'
import { getRouterParam, type H3, type H3Event } from 'h3'
import type { AppContext } from '../app'
import { outageSwitch, type EmbeddedUpstream } from '../embedded/outage'
import { json, readBodyLimited, Refusal } from '../errors'
import { requireCapability } from '../guard'

export function techTestHookRoutes(app: H3, ctx: AppContext): void {
  if (!ctx.config.hubTestHooks) return
  const forward =
    (method: 'POST' | 'DELETE', path = '/_test/faults') =>
    async (event: H3Event) => {
      requireCapability(ctx, event, 'users:manage')
      const body = method === 'POST' ? await readBodyLimited(event.req, 4096) : undefined
      const answer = await ctx.forRequest(event).hub.send(method, path, {
        body,
        contentType: 'application/json',
        timeoutMs: 5_000,
      })
      return new FastResponse(answer.body, {
        status: answer.status,
        headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' },
      })
    }
  app.post('/ops/api/_test/hub-faults', forward('POST'))
  app.delete('/ops/api/_test/hub-faults', forward('DELETE'))
  app.post('/ops/api/_test/hub-events', forward('POST', '/_test/events'))

  app.post('/ops/api/_test/upstreams/:name/:action', async (event) => {
    requireCapability(ctx, event, 'users:manage')
    const name = getRouterParam(event, 'name')
    const action = getRouterParam(event, 'action')
    const sw = name === 'erpnext' || name === 'hub' ? outageSwitch(name satisfies EmbeddedUpstream) : null
    if (!sw || (action !== 'pause' && action !== 'resume')) {
      throw new Refusal(404, 'NOT_FOUND', {
        fr: 'Aucun service embarqué à suspendre ou reprendre à cette adresse.',
        en: 'No embedded upstream to pause or resume at this address.',
      })
    }
    await (action === 'pause' ? sw.pause() : sw.resume())
    return json(200, { upstream: name, paused: sw.paused })
  })
}
