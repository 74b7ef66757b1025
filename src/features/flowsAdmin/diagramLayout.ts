/**
 * Where each step of a flow is drawn: layer by layer from the start (a step's layer is its
 * distance from the start), each layer one row, ordered so that a step sits under the steps that
 * lead to it. Arrows go down to a later layer, or loop round on the right when they go back
 * ("check again"). A step nothing leads to is drawn in a last row, a goto to a missing step as an
 * arrow to a marked box, so a broken draft shows where it is broken.
 */
import { flowEdges, stepDepths, type FlowEdge } from 'src/contracts/flows/graph'
import type { FlowDefinition, FlowOutcome, Localized, StepKind } from 'src/contracts/flows/types'
import { ruleText } from './ruleText'

export const BOX = { width: 184, height: 60 }
const GAP_X = 40
const GAP_Y = 76
const MARGIN = 24
/** Room on the right for the arrows that go back up (more is added per arrow). */
const LOOP_ROOM = 40

export interface DiagramBox {
  id: string
  kind: StepKind | 'missing'
  title: Localized
  /** The check or action it runs. */
  operation?: string
  outcome?: FlowOutcome
  layer: number
  x: number
  y: number
  start: boolean
  /** No path from the start reaches it. */
  unreachable: boolean
}

export interface DiagramArrow {
  key: string
  from: string
  to: string
  label?: Localized
  /** SVG path. */
  d: string
  labelAt: { x: number; y: number }
  /** Leads to a step that does not exist. */
  missing: boolean
  /** Goes back to an earlier (or the same) layer. */
  back: boolean
}

export interface DiagramLayout {
  boxes: DiagramBox[]
  arrows: DiagramArrow[]
  width: number
  height: number
}

type Point = { x: number; y: number }
const mid = (p0: Point, p1: Point, p2: Point, p3: Point): Point => ({
  x: (p0.x + 3 * p1.x + 3 * p2.x + p3.x) / 8,
  y: (p0.y + 3 * p1.y + 3 * p2.y + p3.y) / 8,
})
const curve = (p0: Point, p1: Point, p2: Point, p3: Point) =>
  `M ${p0.x} ${p0.y} C ${p1.x} ${p1.y}, ${p2.x} ${p2.y}, ${p3.x} ${p3.y}`

/**
 * What each arrow says: an answer's label, the rule of a conditional branch written out
 * ("diag.status = los"), "sinon" for the default; nothing when a step has one way on.
 */
function branchLabels(def: FlowDefinition, edges: FlowEdge[]): (Localized | undefined)[] {
  const index = new Map<string, number>()
  return edges.map((e) => {
    const i = index.get(e.from) ?? 0
    index.set(e.from, i + 1)
    const step = def.steps.find((s) => s.id === e.from)
    if (!step || step.kind === 'ask' || step.kind === 'end' || typeof step.next === 'string') return e.label
    const when = step.next[i]?.when
    return when ? { fr: ruleText(when, 'fr'), en: ruleText(when, 'en') } : e.label
  })
}

/** The id of the box standing for a missing step `to`. */
export const missingBoxId = (to: string) => `missing:${to}`

export function layoutFlow(def: FlowDefinition): DiagramLayout {
  const depths = stepDepths(def)
  const known = new Set(def.steps.map((s) => s.id))
  const edges = flowEdges(def)
  const reachedDepth = Math.max(-1, ...depths.values())

  // Layers: reachable steps by depth, then the unreachable ones, each missing target under its first source.
  const layerOf = new Map<string, number>()
  for (const s of def.steps) layerOf.set(s.id, depths.get(s.id) ?? reachedDepth + 1)
  const boxes = new Map<string, Omit<DiagramBox, 'x' | 'y'>>()
  for (const s of def.steps) {
    if (boxes.has(s.id)) continue // a duplicate id: the validator names it; one box is drawn
    boxes.set(s.id, {
      id: s.id,
      kind: s.kind,
      title: s.title,
      operation: s.kind === 'check' ? s.check : s.kind === 'act' ? s.action : undefined,
      outcome: s.kind === 'end' ? s.outcome : undefined,
      layer: layerOf.get(s.id)!,
      start: s.id === def.start,
      unreachable: !depths.has(s.id),
    })
  }
  for (const e of edges) {
    if (known.has(e.to)) continue
    const id = missingBoxId(e.to)
    if (!boxes.has(id))
      boxes.set(id, {
        id,
        kind: 'missing',
        title: { fr: e.to || '?', en: e.to || '?' },
        layer: layerOf.get(e.from)! + 1,
        start: false,
        unreachable: false,
      })
  }
  const target = (to: string) => (known.has(to) ? to : missingBoxId(to))
  const labels = branchLabels(def, edges)

  // Rows, each ordered under the steps leading to it (the mean position of its parents above).
  const layered: string[][] = []
  for (const b of boxes.values()) (layered[b.layer] ??= []).push(b.id)
  const rows = Array.from(layered, (row) => row ?? [])
  const position = new Map<string, number>()
  const parents = new Map<string, string[]>()
  for (const e of edges) {
    const to = target(e.to)
    parents.set(to, [...(parents.get(to) ?? []), e.from])
  }
  rows.forEach((row, layer) => {
    const order = new Map(row.map((id, i) => [id, i]))
    const weight = (id: string) => {
      const above = (parents.get(id) ?? []).filter((p) => boxes.get(p)!.layer < layer && position.has(p))
      return above.length ? above.reduce((sum, p) => sum + position.get(p)!, 0) / above.length : order.get(id)!
    }
    row.sort((a, b) => weight(a) - weight(b) || order.get(a)! - order.get(b)!)
    const span = row.length
    row.forEach((id, i) => position.set(id, i - (span - 1) / 2))
  })

  const widest = Math.max(1, ...rows.map((r) => r.length))
  const innerWidth = widest * BOX.width + (widest - 1) * GAP_X
  const width = MARGIN * 2 + innerWidth + LOOP_ROOM
  const height = MARGIN * 2 + rows.length * BOX.height + Math.max(0, rows.length - 1) * GAP_Y
  const placed: DiagramBox[] = []
  const at = new Map<string, DiagramBox>()
  rows.forEach((row, layer) => {
    const rowWidth = row.length * BOX.width + (row.length - 1) * GAP_X
    const left = MARGIN + (innerWidth - rowWidth) / 2
    row.forEach((id, i) => {
      const box = { ...boxes.get(id)!, x: left + i * (BOX.width + GAP_X), y: MARGIN + layer * (BOX.height + GAP_Y) }
      placed.push(box)
      at.set(id, box)
    })
  })

  // Arrows leave from the bottom of a box, spread so each can be told apart. One going down
  // enters the top of its target; one going back up (or along its row) travels in the gaps
  // between rows and down the right margin, so it never crosses a box.
  const kinds = edges.map((e) => {
    const from = at.get(e.from)!.layer
    const to = at.get(target(e.to))!.layer
    return e.from === e.to ? 'self' : to > from ? 'down' : to === from ? 'along' : 'up'
  })
  const count = (list: string[]) => {
    const n = new Map<string, number>()
    for (const id of list) n.set(id, (n.get(id) ?? 0) + 1)
    return n
  }
  const outgoing = count(edges.filter((_, i) => kinds[i] !== 'self').map((e) => e.from))
  const incoming = count(edges.filter((_, i) => kinds[i] === 'down' || kinds[i] === 'up').map((e) => target(e.to)))
  const outSeen = new Map<string, number>()
  const inSeen = new Map<string, number>()
  const slot = (seen: Map<string, number>, id: string) => {
    const n = seen.get(id) ?? 0
    seen.set(id, n + 1)
    return n
  }
  const spread = (box: DiagramBox, index: number, count: number) => box.x + (BOX.width * (index + 1)) / (count + 1)
  const right = MARGIN + innerWidth
  let lanes = 0

  const arrows = edges.map((e, i): DiagramArrow => {
    const to = target(e.to)
    const a = at.get(e.from)!
    const b = at.get(to)!
    const base = {
      key: `${e.from}->${to}#${i}`,
      from: e.from,
      to: e.to,
      label: labels[i],
      missing: !known.has(e.to),
      back: kinds[i] !== 'down',
    }
    if (kinds[i] === 'self') {
      const p0 = { x: a.x + BOX.width, y: a.y + 18 }
      const p3 = { x: a.x + BOX.width, y: a.y + BOX.height - 18 }
      const p1 = { x: p0.x + 34, y: p0.y - 6 }
      const p2 = { x: p3.x + 34, y: p3.y + 6 }
      return { ...base, d: curve(p0, p1, p2, p3), labelAt: { x: p0.x + 30, y: a.y + BOX.height / 2 } }
    }
    const start = { x: spread(a, slot(outSeen, e.from), outgoing.get(e.from)!), y: a.y + BOX.height }
    if (kinds[i] === 'down') {
      const end = { x: spread(b, slot(inSeen, to), incoming.get(to)!), y: b.y }
      const bend = Math.max(GAP_Y / 2, (end.y - start.y) / 2)
      const p1 = { x: start.x, y: start.y + bend }
      const p2 = { x: end.x, y: end.y - bend }
      return { ...base, d: curve(start, p1, p2, end), labelAt: mid(start, p1, p2, end) }
    }
    const lane = lanes++
    const below = start.y + 14 + (lane % 4) * 6
    if (kinds[i] === 'along') {
      const end = { x: b.x + BOX.width / 2 + (b.x > a.x ? -12 : 12), y: b.y + BOX.height }
      return {
        ...base,
        d: `M ${start.x} ${start.y} L ${start.x} ${below} L ${end.x} ${below} L ${end.x} ${end.y}`,
        labelAt: { x: (start.x + end.x) / 2, y: below },
      }
    }
    const end = { x: spread(b, slot(inSeen, to), incoming.get(to)!), y: b.y }
    const above = b.y - 14 - (lane % 4) * 6
    const side = right + 18 + lane * 10
    return {
      ...base,
      d: `M ${start.x} ${start.y} L ${start.x} ${below} L ${side} ${below} L ${side} ${above} L ${end.x} ${above} L ${end.x} ${end.y}`,
      labelAt: { x: Math.min(start.x + 56, side - 48), y: below },
    }
  })

  return { boxes: placed, arrows, width: width + lanes * 10, height }
}
