/**
 * The versions of the flows as the admin reads them: one line per flow (its key) with the version
 * reps run now and the draft being written, and the definitions a new draft starts from.
 */
import type { FlowDefinition, FlowVersionView, Localized } from 'src/contracts/flows/types'

export interface FlowLine {
  key: string
  title: Localized
  /** The version reps start today, if any. */
  published: FlowVersionView | null
  draft: FlowVersionView | null
  /** Every version, newest first. */
  versions: FlowVersionView[]
  /** The highest version number of the key (a new draft takes the next one). */
  latest: number
}

/** Versions grouped by key, newest first within a key; keys in title order. */
export function flowLines(versions: readonly FlowVersionView[], locale: 'fr' | 'en'): FlowLine[] {
  const byKey = new Map<string, FlowVersionView[]>()
  for (const v of versions) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v])
  const lines = [...byKey.entries()].map(([key, list]): FlowLine => {
    const sorted = [...list].sort((a, b) => b.version - a.version)
    const published = sorted.find((v) => v.status === 'Published') ?? null
    const draft = sorted.find((v) => v.status === 'Draft') ?? null
    return {
      key,
      title: (published ?? draft ?? sorted[0]).title,
      published,
      draft,
      versions: sorted,
      latest: sorted[0].version,
    }
  })
  return lines.sort((a, b) => a.title[locale].localeCompare(b.title[locale], locale) || a.key.localeCompare(b.key))
}

/** The version the editor opens first: the draft being written, else the one in use, else the newest. */
export function defaultVersion(line: FlowLine): FlowVersionView {
  return line.draft ?? line.published ?? line.versions[0]
}

/** A flow's key: lower-case words joined by hyphens, 2 to 40 characters, as in the shipped flows (`no-internet`). */
export const FLOW_KEY = /^(?=.{2,40}$)[a-z][a-z0-9]*(-[a-z0-9]+)*$/

/** The smallest flow that passes validation: one script to read, then an end. */
export function newFlowDefinition(key: string, title: Localized): FlowDefinition {
  return {
    key,
    version: 1,
    title,
    audience: 'customer',
    start: 'greeting',
    steps: [
      {
        id: 'greeting',
        kind: 'say',
        title: { fr: 'Accueil', en: 'Greeting' },
        text: {
          fr: 'Bonjour {customer.customer_name}, que puis-je faire pour vous ?',
          en: 'Hello {customer.customer_name}, how can I help you?',
        },
        next: 'done',
      },
      { id: 'done', kind: 'end', title: { fr: 'Terminé', en: 'Done' }, outcome: 'resolved' },
    ],
  }
}

/**
 * The definition a new draft starts from: a copy of `from` under the next version number. Copied
 * through JSON, which also takes a reactive (proxied) definition as it is.
 */
export function nextDraftOf(from: FlowDefinition, latest: number): FlowDefinition {
  return { ...(JSON.parse(JSON.stringify(from)) as FlowDefinition), version: latest + 1 }
}
