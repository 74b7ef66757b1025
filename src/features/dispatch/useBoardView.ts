/**
 * The board's view (day, day or week, filters, search, zoom) as the address holds it, so a
 * dispatcher can share it and a reload keeps it; and the site's day today.
 */
import { computed, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import { addDays, toFrappeDate } from 'src/contracts/frappeTime'
import { viewFromQuery, viewToQuery, type BoardView, type Query } from './filters'

export function useBoardView(now: Ref<number>) {
  const route = useRoute()
  const router = useRouter()
  const today = computed(() => toFrappeDate(new Date(now.value)))

  /**
   * The view from the address. Lists that did not change keep their identity, so a change of one
   * filter re-renders only what depends on that filter (one select, not the whole toolbar).
   */
  const view = computed<BoardView>((previous) => {
    const next = viewFromQuery(route.query as Query, today.value)
    if (!previous) return next
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])
    for (const key of ['status', 'tag', 'type', 'priority', 'tech'] as const)
      if (same(next[key], previous[key])) next[key] = previous[key]
    return next
  })

  /**
   * The view the dispatcher asked for last. A change made while the previous one is still on its
   * way to the address (a filter picked, then a search typed at once) builds on it, not on the
   * address, so no change overwrites another.
   */
  let wanted: BoardView | null = null
  function setView(patch: Partial<BoardView>) {
    const next: BoardView = { ...(wanted ?? view.value), ...patch }
    wanted = next
    void router.replace({ query: viewToQuery(next) }).finally(() => {
      if (wanted === next) wanted = null
    })
  }

  /** The previous or next day (a week in the week view), or today. */
  function step(direction: -1 | 0 | 1) {
    if (direction === 0) setView({ day: today.value })
    else setView({ day: addDays(view.value.day, direction * (view.value.view === 'week' ? 7 : 1)) })
  }

  return { today, view, setView, step }
}
