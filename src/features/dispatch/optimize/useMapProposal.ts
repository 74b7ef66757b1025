/**
 * The proposal drawn on the map: for each technician whose day would change, the proposed route
 * (home, the jobs in their new order, home) as a dashed line in the technician's colour, and a
 * ring around each job that would move. Cleared when the proposal is accepted or discarded.
 */
import L from 'leaflet'
import { watch } from 'vue'
import type { BoardTechnician } from 'src/contracts/dispatch'
import { useDispatchBoard } from '../useDispatchBoard'
import { useOptimize } from './useOptimize'

export function useMapProposal(technicians: () => ReadonlyMap<string, BoardTechnician>) {
  const opt = useOptimize()
  const board = useDispatchBoard()
  let layer: L.LayerGroup | null = null

  function draw() {
    if (!layer) return
    layer.clearLayers()
    const preview = opt.preview
    const moved = new Set(opt.ghosts.map((g) => g.job))
    if (!preview || moved.size === 0) return
    const movedCoords = new Map(
      preview.moves
        .filter((m) => m.latitude !== undefined && m.longitude !== undefined)
        .map((m) => [m.job, [m.latitude!, m.longitude!] as L.LatLngTuple]),
    )
    for (const plan of preview.technicians) {
      if (!plan.proposedStops.some((s) => moved.has(s.job))) continue
      const tech = technicians().get(plan.technician) ?? board.technician(plan.technician)
      const home: L.LatLngTuple[] =
        tech?.home_latitude != null && tech.home_longitude != null ? [[tech.home_latitude, tech.home_longitude]] : []
      const points: L.LatLngTuple[] = []
      for (const stop of plan.proposedStops) {
        const held = board.job(stop.job)
        const at =
          movedCoords.get(stop.job) ??
          (held?.latitude != null && held.longitude != null ? ([held.latitude, held.longitude] as L.LatLngTuple) : null)
        if (!at) continue
        points.push(at)
        if (moved.has(stop.job))
          L.circleMarker(at, { radius: 9, weight: 3, color: '#6a1b9a', fill: false, interactive: false }).addTo(layer)
      }
      if (points.length === 0) continue
      L.polyline([...home, ...points, ...home], {
        color: tech?.color ?? '#6a1b9a',
        weight: 3,
        opacity: 0.85,
        dashArray: '6 6',
        interactive: false,
      }).addTo(layer)
    }
  }

  watch(() => [opt.preview, opt.ghosts] as const, draw)

  return {
    attach(map: L.Map) {
      layer = L.layerGroup().addTo(map)
      draw()
    },
    detach() {
      layer?.remove()
      layer = null
    },
  }
}
