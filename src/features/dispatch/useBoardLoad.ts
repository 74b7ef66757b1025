/**
 * The range on the board: the view's day, or its week, loaded when the view asks for another and
 * kept on screen until the new one is there. The working day is brought into view on arrival
 * (coming back to a board kept while away too): from 6:00, or from an hour and a half ago on
 * today; moving the day within a week already loaded only scrolls.
 */
import { computed, nextTick, watch, type Ref } from 'vue'
import { markBoardPainted } from './boardTimings'
import type { BoardView } from './filters'
import { MINUTE, siteInstant, viewRange } from './timeAxis'
import { useDispatchBoard } from './useDispatchBoard'

export function useBoardLoad(opts: {
  view: Ref<BoardView>
  today: Ref<string>
  now: Ref<number>
  scrollToTime: (instant: number) => void
}) {
  const store = useDispatchBoard()
  const { view, today, now } = opts

  function scrollToStart() {
    const day = view.value.day
    opts.scrollToTime(
      day === today.value ? Math.max(siteInstant(day, 6 * 60), now.value - 90 * MINUTE) : siteInstant(day, 6 * 60 + 30),
    )
  }

  let arriving = true
  /** Loads the view's range; `force` reads it again even when it is the one shown. */
  async function load(force = false): Promise<void> {
    const before = store.range
    // Back on the board with its range kept while away: shown at once, at the working day too.
    const back = arriving && before !== null
    arriving = false
    await store.load(view.value.day, view.value.view, force)
    if (store.state !== 'ready') return
    if (store.range !== before) {
      markBoardPainted()
      void nextTick(() => scrollToStart())
    } else if (back) void nextTick(() => scrollToStart())
  }

  watch(
    () => [view.value.day, view.value.view] as const,
    () => void load(),
    { immediate: true },
  )
  watch(
    () => view.value.day,
    (day, previous) => {
      if (previous && store.range && day >= store.range.from && day <= store.range.to)
        void nextTick(() => scrollToStart())
    },
  )

  /** What the board lays out: the loaded range, or the one on its way before the first data. */
  const range = computed(() => store.range ?? viewRange(view.value.day, view.value.view))

  return { range, load }
}
