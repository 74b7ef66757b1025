/**
 * Who has a row on the board, and which jobs the filters leave lit. One row per active
 * technician, an inactive one only while they still hold jobs in the range; the technician, tag
 * and search filters narrow the rows, a status or type filter only dims jobs.
 */
import { computed, type Ref } from 'vue'
import { filtersJobs, jobMatcher, technicianMatcher, type BoardView } from './filters'
import { useDispatchBoard } from './useDispatchBoard'

export function useBoardRows(view: Ref<BoardView>) {
  const store = useDispatchBoard()

  /** The jobs the filters keep; null when no job filter is on. */
  const matcher = computed(() => (filtersJobs(view.value) ? jobMatcher(view.value) : null))
  const tagCategory = computed(() => new Map(store.tags.map((tag) => [tag.name, tag.category])))

  // Rows change only when who is shown changes: these keys are strings, so a patch that leaves
  // them equal does not re-render the board's row list.
  const inactiveWithJobs = computed(() => {
    const rows = store.rows
    return store.technicians
      .filter((x) => x.status === 'Inactive' && (rows.get(x.name)?.length ?? 0) > 0)
      .map((x) => x.name)
      .join('|')
  })
  const needsJobs = computed(() => view.value.q.trim() !== '' || view.value.tag.length > 0)
  const withMatchingJobs = computed(() => {
    const m = matcher.value
    if (!needsJobs.value || !m) return ''
    const out: string[] = []
    for (const [tech, jobs] of store.rows) if (jobs.some(m)) out.push(tech)
    return out.join('|')
  })

  // The filters that decide who is shown; the object keeps its identity while they are unchanged
  // (the view's lists keep theirs), so a status or type filter leaves the rows as they are.
  const rowFilters = computed((previous?: Pick<BoardView, 'tech' | 'tag' | 'q'>) => {
    const { tech, tag, q } = view.value
    return previous && previous.tech === tech && previous.tag === tag && previous.q === q ? previous : { tech, tag, q }
  })

  const rowTechnicians = computed(() => {
    const v = rowFilters.value
    const shownInactive = new Set(inactiveWithJobs.value.split('|'))
    const base = store.technicians.filter((x) => x.status !== 'Inactive' || shownInactive.has(x.name))
    if (!needsJobs.value && v.tech.length === 0) return base
    const withMatch = new Set(withMatchingJobs.value.split('|'))
    return base.filter(technicianMatcher(v, tagCategory.value, (name) => withMatch.has(name)))
  })

  return { matcher, rowTechnicians }
}
