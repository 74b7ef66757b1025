/**
 * The board's keyboard shortcuts: N / P next or previous day, T today, / search, A assign the
 * selected job, U put it back in the queue, Escape clear the selection, + / - zoom. Ignored while typing in a field, in a
 * dialog or menu, while dragging, or with Ctrl, Cmd or Alt held (the browser's own shortcuts).
 */
import { onBeforeUnmount, onMounted } from 'vue'

export interface BoardShortcuts {
  /** True while the shortcuts must not fire (a dialog open, a drag under way). */
  paused: () => boolean
  step: (direction: -1 | 0 | 1) => void
  focusSearch: () => void
  assign: () => void
  unassign: () => void
  clearSelection: () => void
  zoom: (by: -1 | 1) => void
}

export function useBoardShortcuts(keys: BoardShortcuts) {
  function onKeydown(event: KeyboardEvent) {
    if (event.ctrlKey || event.metaKey || event.altKey || keys.paused()) return
    const target = event.target as HTMLElement | null
    if (
      target &&
      (target.closest('input, textarea, select, [contenteditable="true"]') || target.closest('.q-dialog, .q-menu'))
    )
      return
    switch (event.key) {
      case 'n':
      case 'N':
        keys.step(1)
        break
      case 'p':
      case 'P':
        keys.step(-1)
        break
      case 't':
      case 'T':
        keys.step(0)
        break
      case '/':
        keys.focusSearch()
        break
      case 'a':
      case 'A':
        keys.assign()
        break
      case 'u':
      case 'U':
        keys.unassign()
        break
      case 'Escape':
        keys.clearSelection()
        break
      case '+':
      case '=':
        keys.zoom(1)
        break
      case '-':
        keys.zoom(-1)
        break
      default:
        return
    }
    event.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
