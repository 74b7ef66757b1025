// @vitest-environment happy-dom
import L from 'leaflet'
import { describe, expect, it } from 'vitest'
import { textLabel } from './mapLabel'

describe('a technician’s name on the map', () => {
  it('shows markup typed into a name as text, never as elements', () => {
    document.body.innerHTML = '<div id="map" style="width:400px;height:300px"></div>'
    const map = L.map('map').setView([45.5, -73.6], 10)
    const name = 'Marc <img src=x onerror="window.pwned=1"> Tremblay'
    const marker = L.circleMarker([45.5, -73.6]).addTo(map)
    marker.bindTooltip(textLabel(name)).openTooltip()
    const tooltip = document.querySelector('.leaflet-tooltip')!
    expect(tooltip.textContent).toBe(name)
    expect(tooltip.querySelector('img')).toBeNull()
    map.remove()
  })
})
