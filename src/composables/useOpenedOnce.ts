/**
 * For a dialog whose code is loaded on demand: true from the first time `open` is true, so the
 * dialog is mounted when first asked for and stays mounted after, open or closed.
 */
import { ref, watch, type Ref } from 'vue'

export function useOpenedOnce(open: Readonly<Ref<boolean>>): Readonly<Ref<boolean>> {
  const opened = ref(open.value)
  if (!opened.value) {
    const stop = watch(open, (now) => {
      if (!now) return
      opened.value = true
      stop()
    })
  }
  return opened
}
