/**
 * What checks and actions share: who performs them (the rep, with their own capabilities), on
 * which run and step, and how a failure reads — a sentence saying what to do next, and whether
 * trying again may help. Nothing gathered in the run is lost on a failure: the run stays on the step.
 */
import type { Capability } from '../../src/contracts/capabilities'
import type { OperationSpec } from '../../src/contracts/flows/catalogue'
import type { FlowCustomer, Localized } from '../../src/contracts/flows/types'
import type { AppContext } from '../app'
import type { Sentence } from '../errors'
import type { RequestUser } from '../session'
import { erpForRequest, ErpRefused, UpstreamUnreachable } from '../upstream/erp'
import { hubForRequest, UpstreamTimeout } from '../upstream/hub'
import { errorField, requestLog } from '../log'
import { docUpdate, type EventSource } from '../events/docEvents'

/** The parts of the app a check or an action uses. */
export type FlowServices = Pick<AppContext, 'erp' | 'hub' | 'bus' | 'audit' | 'limiter' | 'config'>

/** The services as one request uses them: every upstream call carries its id (X-Request-Id). */
export const servicesFor = (services: FlowServices, requestId: string): FlowServices => ({
  ...services,
  erp: erpForRequest(services.erp, requestId),
  hub: hubForRequest(services.hub, requestId),
})

export interface Performer {
  user: RequestUser
  requestId: string
  run: string
  step: string
  /** The flow's title, for the notes written in the customer's file. */
  flowTitle: Localized
  customer: FlowCustomer | null
  /** `<run>:<step>`: the action is done once under this key. */
  idempotencyKey: string
  now: number
}

/** A check or an action that did not happen; `retryable` when trying again may succeed. */
export class OperationFailed extends Error {
  constructor(
    readonly sentence: Sentence,
    readonly retryable: boolean,
    /** 403 when the rep lacks the capability: nothing was attempted. */
    readonly status = 200,
  ) {
    super(sentence.en)
  }
}

export const hasAny = (user: RequestUser, capabilities: readonly Capability[]) =>
  capabilities.some((c) => user.capabilities.includes(c))

/** The rep may not do this: which capability it takes and whom to ask, nothing attempted. */
export function missingCapability(spec: OperationSpec): OperationFailed {
  const caps = spec.capabilities.join(' ou ')
  const capsEn = spec.capabilities.join(' or ')
  return new OperationFailed(
    {
      fr: `Vous n’avez pas la capacité « ${spec.label.fr} » (${caps}) : demandez à un administrateur de vous l’accorder, ou passez l’appel à un collègue qui l’a. Rien n’a été fait ; ce que vous avez noté est gardé.`,
      en: `You do not have the “${spec.label.en}” capability (${capsEn}): ask an administrator to grant it, or hand the call to a colleague who has it. Nothing was done; what you noted is kept.`,
    },
    false,
    403,
  )
}

export const NO_CUSTOMER: Sentence = {
  fr: 'Ce parcours n’a pas encore de client : créez-le d’abord.',
  en: 'This flow has no customer yet: create one first.',
}

/** An upstream's failure as the rep reads it; anything unexpected is logged and reads as retryable. */
export function failureOf(err: unknown, what: Sentence, p: Pick<Performer, 'requestId' | 'user'>): OperationFailed {
  if (err instanceof OperationFailed) return err
  if (err instanceof UpstreamTimeout)
    return new OperationFailed(
      {
        fr: `${what.fr} : le hub n’a pas répondu à temps. Réessayez ; ce que vous avez noté est gardé.`,
        en: `${what.en}: the hub did not answer in time. Try again; what you noted is kept.`,
      },
      true,
    )
  if (err instanceof UpstreamUnreachable)
    return new OperationFailed(
      {
        fr: `${what.fr} : ERPNext ou le hub ne répond pas pour le moment. Réessayez dans un instant ; ce que vous avez noté est gardé.`,
        en: `${what.en}: ERPNext or the hub is not answering right now. Try again in a moment; what you noted is kept.`,
      },
      true,
    )
  if (err instanceof ErpRefused) {
    const stale = err.excType === 'TimestampMismatchError'
    return new OperationFailed(
      stale
        ? {
            fr: `${what.fr} : le dossier a été modifié entre-temps. Réessayez.`,
            en: `${what.en}: the record was changed meanwhile. Try again.`,
          }
        : {
            fr: `${what.fr} : ERPNext a refusé l’opération (${err.excType}). Vérifiez ce qui a été saisi (Retour), ou signalez-le si cela persiste.`,
            en: `${what.en}: ERPNext refused the operation (${err.excType}). Check what was entered (Back), or report it if it persists.`,
          },
      stale,
    )
  }
  requestLog(p.requestId, p.user.email).error({ err: errorField(err) }, 'flow operation failed')
  return new OperationFailed(
    {
      fr: `${what.fr} : une erreur inattendue est survenue. Réessayez ; si cela persiste, signalez-le.`,
      en: `${what.en}: an unexpected error occurred. Try again; if it persists, report it.`,
    },
    true,
  )
}

/** Tells every open page that a document changed, as the BFF's other writes do. */
export function published(services: FlowServices, doc: EventSource, doctype: string, action: 'create' | 'update') {
  services.bus.publish('doc_update', docUpdate(doctype, doc, action))
}
