/**
 * Parcours: guided call scripts the BFF runs with the rep's own capabilities.
 *
 * The rep (flows:run)
 *   GET  /ops/api/flows?customer=          the flows that fit the customer, and their runs to resume
 *                                          (without customer: the flows for a new customer)
 *   POST /ops/api/flows/runs               {key, customer?} → RunView, pinned to the latest published version
 *   GET  /ops/api/flows/runs/:name         → RunView with the version the run started on
 *   POST /ops/api/flows/runs/:name/events  {event, expect?} → RunView (failure: the sentence, retry = same event)
 * The admins (flows:manage)
 *   GET  /ops/api/flows/definitions        every version of every flow
 *   POST /ops/api/flows/definitions        {definition} → a new Draft (version = newest + 1)
 *   PUT  /ops/api/flows/definitions/:name  {definition, modified} → a Draft changed (a published one never is)
 *   POST /ops/api/flows/definitions/:name/publish | /archive
 *   GET  /ops/api/flows/stats?key=         → FlowStats over every version's runs
 */
import { getRouterParam, type H3, type H3Event } from 'h3'
import type { AgentFlowDoc, AgentFlowRunDoc } from '../../src/contracts/doctypes'
import { stepOf, fitsCustomer } from '../../src/contracts/flows/interpreter'
import type {
  FlowDefinition,
  FlowEvent,
  FlowProblem,
  FlowSummary,
  FlowVersionView,
  Localized,
} from '../../src/contracts/flows/types'
import { validateDefinition } from '../../src/contracts/flows/validate'
import { parseJsonOr } from '../../src/contracts/json'
import type { AppContext, FeatureRoutes } from '../app'
import { json, prefersEnglish, readBodyLimited, Refusal, type Sentence } from '../errors'
import { requireCapability } from '../guard'
import type { RequestUser } from '../session'
import { ErpRefused } from '../upstream/erp'
import { loadFlowCustomer } from '../flows/customer'
import { FlowProblems, FlowRunner, type Actor } from '../flows/runner'
import { shippedLoader, SHIPPED_DIR } from '../flows/shipped'
import { RunFactsCache } from '../flows/stats'
import { FLOW, flowFields, FlowStore, RUN, versionView, type StoredFlow } from '../flows/store'
import { idleCutoff, idleSweeper } from '../flows/sweep'
import { DOC_NAME } from './techDay'
import { errorField, log } from '../log'

const FLOW_KEY = /^[a-z][a-z0-9-]{1,39}$/
const STEP_ID = /^[a-z][a-z0-9-]{0,47}$/
const EVENT_BODY_LIMIT = 64 * 1024
const DEFINITION_BODY_LIMIT = 512 * 1024
/** Production sweeps idle runs this often (and before every statistics). */
const SWEEP_EVERY_MS = 5 * 60_000

/** GET /ops/api/flows: the menu of flows for a customer (or a new one), and the runs to resume. */
export interface FlowMenu {
  flows: FlowSummary[]
  open: { name: string; title: Localized; step: string; stepTitle: Localized; started_at: string }[]
}

const SENTENCES = {
  badCustomer: { fr: 'Indiquez le client (ex. CUST-00012).', en: 'Give the customer (e.g. CUST-00012).' },
  badKey: { fr: 'Indiquez le parcours (ex. no-internet).', en: 'Give the flow (e.g. no-internet).' },
  badBody: { fr: 'La demande est illisible : rechargez la page.', en: 'The request cannot be read: reload the page.' },
  badEvent: {
    fr: 'Cette étape n’a pas été comprise : rechargez le parcours.',
    en: 'This step was not understood: reload the flow.',
  },
  unknownCustomer: {
    fr: 'Ce client est introuvable. Vérifiez le numéro du client.',
    en: 'This customer cannot be found. Check the customer number.',
  },
  flowNotFound: { fr: 'Cette version de parcours n’existe pas.', en: 'This flow version does not exist.' },
  invalid: {
    fr: 'Ce parcours a des problèmes : corrigez-les avant d’enregistrer.',
    en: 'This flow has problems: fix them before saving.',
  },
  draftExists: {
    fr: 'Un brouillon de ce parcours existe déjà : ouvrez-le plutôt que d’en créer un autre.',
    en: 'A draft of this flow already exists: open it rather than making another.',
  },
  published: {
    fr: 'Une version publiée ne se modifie pas : créez un brouillon (il prendra le numéro de version suivant).',
    en: 'A published version is never edited: create a draft (it takes the next version number).',
  },
  archived: {
    fr: 'Une version archivée ne se modifie pas : créez un brouillon.',
    en: 'An archived version is never edited: create a draft.',
  },
  keyChanged: {
    fr: 'La clé d’un parcours ne change pas : pour un autre parcours, créez-en un nouveau.',
    en: 'A flow’s key does not change: for another flow, create a new one.',
  },
  draftChanged: {
    fr: 'Ce brouillon a été modifié ailleurs entre-temps : rechargez-le, puis refaites vos changements.',
    en: 'This draft was changed elsewhere meanwhile: reload it, then make your changes again.',
  },
} satisfies Record<string, Sentence>

async function readJson(event: H3Event, limit: number): Promise<Record<string, unknown>> {
  const value = parseJsonOr(new TextDecoder().decode(await readBodyLimited(event.req, limit)), null)
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Refusal(400, 'BAD_BODY', SENTENCES.badBody)
  return value as Record<string, unknown>
}

/** A refusal with more than the sentence in its body (the problems of a definition, the draft to open). */
function refusalWith(event: H3Event, status: number, code: string, sentence: Sentence, extra: object): Response {
  const body = { error: { code, message: prefersEnglish(event.req) ? sentence.en : sentence.fr, messages: sentence } }
  return json(status, { ...body, ...extra })
}

const invalidDefinition = (event: H3Event, problems: FlowProblem[]) =>
  refusalWith(event, 422, 'INVALID_DEFINITION', SENTENCES.invalid, { problems })

function parseEvent(raw: unknown): FlowEvent {
  const e = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  if (e.type === 'abandon') return { type: 'abandon' }
  if ((e.type === 'submit' || e.type === 'back') && typeof e.step === 'string' && STEP_ID.test(e.step))
    return e.type === 'back' ? { type: 'back', step: e.step } : { type: 'submit', step: e.step, value: e.value }
  throw new Refusal(400, 'BAD_EVENT', SENTENCES.badEvent)
}

function nameParam(event: H3Event): string {
  const name = getRouterParam(event, 'name', { decode: true }) ?? ''
  if (!DOC_NAME.test(name)) throw new Refusal(404, 'NOT_FOUND', SENTENCES.flowNotFound)
  return name
}

const summaryOf = (flow: StoredFlow, def: FlowDefinition): FlowSummary => ({
  key: def.key,
  version: def.version,
  flow: flow.name,
  title: def.title,
  ...(def.description ? { description: def.description } : {}),
  audience: def.audience,
})

export function createFlowsRoutes(options: { shippedDir?: string } = {}): FeatureRoutes {
  return (app: H3, ctx: AppContext) => {
    const store = new FlowStore(ctx.erp)
    const runner = new FlowRunner(ctx, store)
    const ensureShipped = shippedLoader(ctx.erp, options.shippedDir ?? SHIPPED_DIR)
    const sweep = idleSweeper(ctx.erp, ctx.config.flowIdleMinutes)
    const facts = new RunFactsCache(ctx.erp)

    // A served BFF sweeps idle runs now and then and reads the runs' facts once early, so the
    // first statistics of the day do not wait for them; apps built by tests do neither.
    if (process.env.NODE_ENV !== 'test') {
      setInterval(() => void sweep(), SWEEP_EVERY_MS).unref()
      setTimeout(() => {
        const started = performance.now()
        void facts
          .warm()
          .then(() => log.info({ ms: Math.round(performance.now() - started) }, 'flows: statistics ready'))
          .catch((err: unknown) => log.warn({ err: errorField(err) }, 'flows: statistics warm-up failed'))
      }, 5_000).unref()
    }

    const actorOf = (event: H3Event, user: RequestUser): Actor => ({ user, requestId: ctx.requestId(event) })

    const journal = (event: H3Event, user: RequestUser, action: string, target: string, detail?: string) =>
      ctx.audit.record({
        requestId: ctx.requestId(event),
        actor: user.email,
        action,
        target: `${FLOW}/${target}`,
        outcome: 'ok',
        status: 200,
        ...(detail ? { detail } : {}),
      })

    const changed = (doc: { name: string; modified?: string }, action: 'create' | 'update') =>
      ctx.bus.publish('doc_update', { doctype: FLOW, name: doc.name, modified: doc.modified, action })

    // ---- The rep ------------------------------------------------------------------------

    /** A run reads and writes a customer's file: the rep needs flows:run and clients:view both. */
    const requireRep = (event: H3Event) => {
      const user = requireCapability(ctx, event, 'flows:run')
      return requireCapability(ctx, event, 'clients:view') && user
    }

    app.get('/ops/api/flows', async (event) => {
      const user = requireRep(event)
      await ensureShipped()
      const customerName = event.url.searchParams.get('customer')
      if (customerName !== null && !DOC_NAME.test(customerName))
        throw new Refusal(400, 'INVALID_CUSTOMER', SENTENCES.badCustomer)
      const [flows, customer] = await Promise.all([
        store.published(),
        customerName ? loadFlowCustomer(ctx.forRequest(event).erp, customerName) : Promise.resolve(null),
      ])
      if (customerName && !customer) throw new Refusal(404, 'CUSTOMER_NOT_FOUND', SENTENCES.unknownCustomer)
      const fitting = flows.flatMap((f) => (f.definition && fitsCustomer(f.definition, customer) ? [f] : []))

      // Runs to resume: the customer's, or this rep's own runs not yet tied to a customer.
      const runs = await ctx.forRequest(event).erp.list<AgentFlowRunDoc>(RUN, {
        fields: ['name', 'flow', 'current_step', 'started_at'],
        filters: [
          ['status', '=', 'In Progress'],
          ['modified', '>=', idleCutoff(Date.now(), ctx.config.flowIdleMinutes)],
          ...(customerName
            ? [['customer', '=', customerName]]
            : [
                ['customer', 'is', 'not set'],
                ['agent', '=', user.email],
              ]),
        ],
        orderBy: 'started_at desc',
        limit: 20,
      })
      const open: FlowMenu['open'] = []
      for (const r of runs) {
        const def = (await store.pinned(r.flow))?.definition
        const step = def && r.current_step ? stepOf(def, r.current_step) : undefined
        if (!def || !step) continue
        open.push({
          name: r.name,
          title: def.title,
          step: step.id,
          stepTitle: step.title,
          started_at: r.started_at ?? '',
        })
      }
      const answer: FlowMenu = { flows: fitting.map((f) => summaryOf(f, f.definition!)), open }
      return json(200, answer)
    })

    app.post('/ops/api/flows/runs', async (event) => {
      const user = requireRep(event)
      const body = await readJson(event, EVENT_BODY_LIMIT)
      if (typeof body.key !== 'string' || !FLOW_KEY.test(body.key))
        throw new Refusal(400, 'INVALID_FLOW', SENTENCES.badKey)
      const customer = body.customer === undefined || body.customer === null ? null : body.customer
      if (customer !== null && (typeof customer !== 'string' || !DOC_NAME.test(customer)))
        throw new Refusal(400, 'INVALID_CUSTOMER', SENTENCES.badCustomer)
      await ensureShipped()
      return json(201, await runner.start(actorOf(event, user), body.key, customer))
    })

    app.get('/ops/api/flows/runs/:name', async (event) => {
      requireRep(event)
      return json(200, await runner.get(nameParam(event)))
    })

    app.post('/ops/api/flows/runs/:name/events', async (event) => {
      const user = requireRep(event)
      const name = nameParam(event)
      const body = await readJson(event, EVENT_BODY_LIMIT)
      const flowEvent = parseEvent(body.event)
      const expect = typeof body.expect === 'string' && STEP_ID.test(body.expect) ? body.expect : undefined
      try {
        return json(200, await runner.apply(actorOf(event, user), name, flowEvent, expect))
      } catch (err) {
        if (err instanceof FlowProblems)
          return refusalWith(event, 422, err.code, err.sentence, { problems: err.problems })
        throw err
      }
    })

    // ---- The admins ---------------------------------------------------------------------

    app.get('/ops/api/flows/definitions', async (event) => {
      requireCapability(ctx, event, 'flows:manage')
      await ensureShipped()
      const all = (await store.list()).sort((a, b) => a.key.localeCompare(b.key) || b.version - a.version)
      return json(200, all.map(versionView) satisfies FlowVersionView[])
    })

    app.post('/ops/api/flows/definitions', async (event) => {
      const user = requireCapability(ctx, event, 'flows:manage')
      const body = await readJson(event, DEFINITION_BODY_LIMIT)
      const checked = validateDefinition(body.definition)
      if (!checked.ok) return invalidDefinition(event, checked.problems)
      const versions = await store.versions(checked.definition.key)
      const draft = versions.find((v) => v.status === 'Draft')
      if (draft) return refusalWith(event, 409, 'DRAFT_EXISTS', SENTENCES.draftExists, { draft: draft.name })
      const version = Math.max(0, ...versions.map((v) => v.version)) + 1
      const definition: FlowDefinition = { ...checked.definition, version }
      const doc = await ctx
        .forRequest(event)
        .erp.insert<AgentFlowDoc>(FLOW, { ...flowFields(definition), status: 'Draft' })
      journal(event, user, 'flow.save', doc.name, `new draft v${version}`)
      changed(doc, 'create')
      return json(201, versionView(store.read(doc)))
    })

    app.put('/ops/api/flows/definitions/:name', async (event) => {
      const user = requireCapability(ctx, event, 'flows:manage')
      const name = nameParam(event)
      const body = await readJson(event, DEFINITION_BODY_LIMIT)
      const flow = await store.get(name)
      if (!flow) throw new Refusal(404, 'FLOW_NOT_FOUND', SENTENCES.flowNotFound)
      if (flow.status !== 'Draft')
        throw new Refusal(409, 'FLOW_IS_FINAL', flow.status === 'Published' ? SENTENCES.published : SENTENCES.archived)
      const checked = validateDefinition(body.definition)
      if (!checked.ok) return invalidDefinition(event, checked.problems)
      if (checked.definition.key !== flow.key)
        return invalidDefinition(event, [{ path: 'key', message: SENTENCES.keyChanged }])
      const definition: FlowDefinition = { ...checked.definition, version: flow.version }
      let doc: AgentFlowDoc
      try {
        doc = await ctx.forRequest(event).erp.update<AgentFlowDoc>(FLOW, name, {
          ...flowFields(definition),
          ...(typeof body.modified === 'string' ? { modified: body.modified } : {}),
        })
      } catch (err) {
        if (err instanceof ErpRefused && err.excType === 'TimestampMismatchError')
          throw new Refusal(409, 'DRAFT_CHANGED', SENTENCES.draftChanged)
        throw err
      }
      journal(event, user, 'flow.save', name)
      changed(doc, 'update')
      return json(200, versionView(store.read(doc)))
    })

    app.post('/ops/api/flows/definitions/:name/publish', async (event) => {
      const user = requireCapability(ctx, event, 'flows:manage')
      const name = nameParam(event)
      const flow = await store.get(name)
      if (!flow) throw new Refusal(404, 'FLOW_NOT_FOUND', SENTENCES.flowNotFound)
      if (!flow.definition) return invalidDefinition(event, flow.problems ?? [])
      let view = versionView(flow)
      if (flow.status !== 'Published') {
        const doc = await ctx
          .forRequest(event)
          .erp.update<AgentFlowDoc>(FLOW, name, { status: 'Published', modified: flow.modified })
        changed(doc, 'update')
        view = versionView(store.read(doc))
      }
      // The version published before becomes Archived; its runs finish on it (they are pinned).
      const others = (await store.versions(flow.key)).filter((v) => v.status === 'Published' && v.name !== name)
      for (const older of others) {
        const doc = await ctx.forRequest(event).erp.update<AgentFlowDoc>(FLOW, older.name, { status: 'Archived' })
        changed(doc, 'update')
      }
      journal(
        event,
        user,
        'flow.publish',
        name,
        others.length ? `archived ${others.map((o) => o.name).join(', ')}` : undefined,
      )
      return json(200, view)
    })

    app.post('/ops/api/flows/definitions/:name/archive', async (event) => {
      const user = requireCapability(ctx, event, 'flows:manage')
      const name = nameParam(event)
      const flow = await store.get(name)
      if (!flow) throw new Refusal(404, 'FLOW_NOT_FOUND', SENTENCES.flowNotFound)
      if (flow.status === 'Archived') return json(200, versionView(flow))
      const doc = await ctx
        .forRequest(event)
        .erp.update<AgentFlowDoc>(FLOW, name, { status: 'Archived', modified: flow.modified })
      journal(event, user, 'flow.archive', name)
      changed(doc, 'update')
      return json(200, versionView(store.read(doc)))
    })

    app.get('/ops/api/flows/stats', async (event) => {
      requireCapability(ctx, event, 'flows:manage')
      const key = event.url.searchParams.get('key') ?? ''
      if (!FLOW_KEY.test(key)) throw new Refusal(400, 'INVALID_FLOW', SENTENCES.badKey)
      await sweep()
      return json(200, await facts.stats(key))
    })
  }
}

export const flowsRoutes: FeatureRoutes = createFlowsRoutes()
