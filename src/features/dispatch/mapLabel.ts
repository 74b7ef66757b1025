/**
 * Labels on the dispatch map. Leaflet reads a string tooltip as HTML; a technician's name is text
 * typed by staff, so it goes in as a text node and can never become markup.
 */
export function textLabel(text: string): HTMLElement {
  const label = document.createElement('span')
  label.textContent = text
  return label
}
