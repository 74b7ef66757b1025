/**
 * The shape of a flow as a graph: which step leads where. The validator uses it to refuse a branch
 * to nowhere, an unreachable step or a path that never ends; the admin's drawing lays it out.
 */
import type { FlowDefinition, FlowStep, Localized, Transition } from './types'

export interface FlowEdge {
  from: string
  to: string
  label?: Localized
}

const transitionTargets = (t: Transition): { to: string; conditional: boolean }[] =>
  typeof t === 'string' ? [{ to: t, conditional: false }] : t.map((b) => ({ to: b.goto, conditional: !!b.when }))

const OTHERWISE: Localized = { fr: 'sinon', en: 'otherwise' }
const IF: Localized = { fr: 'si', en: 'if' }

/** The steps a step leads to, in order, with the option or condition that leads there. */
export function edgesOf(step: FlowStep): FlowEdge[] {
  switch (step.kind) {
    case 'end':
      return []
    case 'ask':
      return (step.options ?? []).map((o) => ({ from: step.id, to: o.goto, label: o.label }))
    default: {
      const targets = transitionTargets(step.next)
      const branching = targets.length > 1
      return targets.map(({ to, conditional }) => ({
        from: step.id,
        to,
        label: branching ? (conditional ? IF : OTHERWISE) : undefined,
      }))
    }
  }
}

export function flowEdges(def: FlowDefinition): FlowEdge[] {
  return def.steps.flatMap(edgesOf)
}

/** Each reachable step's layer: its distance from the start (breadth first). */
export function stepDepths(def: FlowDefinition): Map<string, number> {
  const byId = new Map(def.steps.map((s) => [s.id, s]))
  const depth = new Map<string, number>()
  if (!byId.has(def.start)) return depth
  depth.set(def.start, 0)
  const queue = [def.start]
  while (queue.length) {
    const id = queue.shift()!
    const step = byId.get(id)
    if (!step) continue
    for (const e of edgesOf(step)) {
      if (!depth.has(e.to) && byId.has(e.to)) {
        depth.set(e.to, depth.get(id)! + 1)
        queue.push(e.to)
      }
    }
  }
  return depth
}

/** Steps from which no `end` can be reached (a loop without a way out, or a dead end). */
export function stepsThatNeverEnd(def: FlowDefinition): string[] {
  const byId = new Map(def.steps.map((s) => [s.id, s]))
  const ends = new Set(def.steps.filter((s) => s.kind === 'end').map((s) => s.id))
  // Walk backwards from the ends.
  const incoming = new Map<string, string[]>()
  for (const e of flowEdges(def)) {
    if (!byId.has(e.to)) continue
    incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from])
  }
  const canEnd = new Set(ends)
  const queue = [...ends]
  while (queue.length) {
    const id = queue.shift()!
    for (const from of incoming.get(id) ?? []) {
      if (!canEnd.has(from)) {
        canEnd.add(from)
        queue.push(from)
      }
    }
  }
  return def.steps.filter((s) => !canEnd.has(s.id)).map((s) => s.id)
}

/**
 * Every path from the start, each step visited at most `maxVisits` times on one path (a loop such
 * as "check again" is walked once more, then the path is cut). A path that is cut, or that stops
 * on a step with nowhere to go, ends on a step that is not an `end`.
 */
export function allPaths(def: FlowDefinition, maxVisits = 2, limit = 100_000): string[][] {
  const byId = new Map(def.steps.map((s) => [s.id, s]))
  const paths: string[][] = []
  const visits = new Map<string, number>()
  const walk = (id: string, path: string[]) => {
    if (paths.length >= limit) return
    const step = byId.get(id)
    const seen = visits.get(id) ?? 0
    if (!step || seen >= maxVisits) {
      paths.push(path)
      return
    }
    visits.set(id, seen + 1)
    path.push(id)
    const next = edgesOf(step)
    if (!next.length) paths.push([...path])
    for (const e of next) walk(e.to, [...path])
    path.pop()
    visits.set(id, seen)
  }
  walk(def.start, [])
  return paths
}
