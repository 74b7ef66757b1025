/**
 * One flow in the editor: its versions, the one shown, the text being written and what is wrong
 * with it (checked a moment after typing stops), and the four things an admin does with a
 * version: save the draft, publish it, archive it, or start a new draft from it.
 */
import { computed, onBeforeUnmount, ref, shallowRef, toValue, watch, type MaybeRefOrGetter } from 'vue'
import { toApiError, type ApiError } from 'src/api/http'
import type { FlowDefinition, FlowProblem, FlowVersionView } from 'src/contracts/flows/types'
import { drawableDefinition, readDefinitionText, type TextReading } from './definitionText'
import { existingDraft, flowsAdminApi, isStale, refusalProblems } from './flowsAdminApi'
import { defaultVersion, flowLines, nextDraftOf } from './flowVersions'

/** How long typing must pause before the text is checked again. */
export const VALIDATION_DELAY_MS = 250

export type EditorAction = 'save' | 'publish' | 'archive' | 'draft'

const textOf = (v: FlowVersionView | null) => (v?.definition ? JSON.stringify(v.definition, null, 2) : '')

export function useFlowEditor(key: MaybeRefOrGetter<string>, locale: MaybeRefOrGetter<string>) {
  const lang = () => (toValue(locale) === 'en' ? 'en' : 'fr')
  const all = ref<FlowVersionView[]>([])
  const loading = ref(true)
  const loadError = ref<ApiError | null>(null)
  const selectedName = ref<string | null>(null)
  const text = ref('')
  const savedText = ref('')
  const reading = shallowRef<TextReading | null>(null)
  const checking = ref(false)
  /** What the BFF refused on the last save or publish, until the text changes. */
  const serverProblems = ref<FlowProblem[]>([])
  const busy = ref<EditorAction | null>(null)
  /** Why the last action failed, as one sentence ('' for none). */
  const refusal = ref('')

  const line = computed(() => flowLines(all.value, lang()).find((l) => l.key === toValue(key)) ?? null)
  const versions = computed(() => line.value?.versions ?? [])
  const selected = computed(() => versions.value.find((v) => v.name === selectedName.value) ?? null)
  const editable = computed(() => selected.value?.status === 'Draft')
  const dirty = computed(() => editable.value && text.value !== savedText.value)

  let timer: ReturnType<typeof setTimeout> | undefined
  let checkedText: string | null = null
  function checkNow() {
    clearTimeout(timer)
    checking.value = false
    checkedText = text.value
    const v = selected.value
    reading.value = v ? readDefinitionText(text.value, { key: v.key, version: v.version }) : null
  }
  watch(text, (now) => {
    if (now === checkedText) return
    serverProblems.value = []
    checking.value = true
    clearTimeout(timer)
    timer = setTimeout(checkNow, VALIDATION_DELAY_MS)
  })
  onBeforeUnmount(() => clearTimeout(timer))

  const problems = computed<FlowProblem[]>(() => {
    if (serverProblems.value.length) return serverProblems.value
    const stored = selected.value?.problems ?? []
    if (!reading.value) return stored
    return reading.value.ok ? [] : reading.value.problems
  })
  const valid = computed(() => !checking.value && !!reading.value?.ok && !serverProblems.value.length)
  /** The definition the preview runs: only one that passes validation. */
  const definition = computed<FlowDefinition | null>(() => (reading.value?.ok ? reading.value.definition : null))

  // The drawing keeps the last readable shape while the JSON is broken halfway through a change.
  const drawable = shallowRef<FlowDefinition | null>(null)
  watch(reading, (r) => {
    if (!r) drawable.value = null
    else if (r.ok) drawable.value = r.definition
    else if (r.raw !== undefined) drawable.value = drawableDefinition(r.raw)
  })

  function show(version: FlowVersionView | null) {
    selectedName.value = version?.name ?? null
    text.value = savedText.value = textOf(version)
    serverProblems.value = []
    refusal.value = ''
    checkNow()
  }

  /** Reads the versions again and shows `name` (else the one shown, else the draft or the one in use). */
  async function load(name?: string) {
    loading.value = true
    loadError.value = null
    try {
      all.value = await flowsAdminApi.versions()
    } catch (err) {
      loadError.value = toApiError(err)
      return
    } finally {
      loading.value = false
    }
    const want = name ?? selectedName.value
    const found = versions.value.find((v) => v.name === want) ?? (line.value ? defaultVersion(line.value) : null)
    show(found)
  }

  /** Replaces one version in the list with the BFF's answer. */
  function put(view: FlowVersionView) {
    all.value = [...all.value.filter((v) => v.name !== view.name), view]
  }

  async function act<T>(action: EditorAction, work: () => Promise<T>, onRefusal?: (e: ApiError) => Promise<string>) {
    busy.value = action
    refusal.value = ''
    try {
      return await work()
    } catch (err) {
      const e = toApiError(err)
      refusal.value = onRefusal ? await onRefusal(e) : e.text(toValue(locale))
      return null
    } finally {
      busy.value = null
    }
  }

  const staleSentence = async (e: ApiError, sentence: string) => {
    if (!isStale(e)) {
      serverProblems.value = refusalProblems(e)
      return e.text(toValue(locale))
    }
    await load(selectedName.value ?? undefined)
    return sentence
  }

  /** Saves the draft; the answer is the saved version, or null (the reason is in `refusal`). */
  async function save(staleMessage: string): Promise<FlowVersionView | null> {
    checkNow()
    const v = selected.value
    const r = reading.value
    if (!v || v.status !== 'Draft' || !r?.ok) return null
    const written = text.value
    const saved = await act(
      'save',
      () => flowsAdminApi.save(v.name, r.definition, v.modified),
      (e) => staleSentence(e, staleMessage),
    )
    if (saved) {
      put(saved)
      savedText.value = written
    }
    return saved
  }

  async function publish(): Promise<FlowVersionView | null> {
    const v = selected.value
    if (!v) return null
    const done = await act(
      'publish',
      () => flowsAdminApi.publish(v.name),
      async (e) => {
        serverProblems.value = refusalProblems(e)
        return e.text(toValue(locale))
      },
    )
    if (done) await load(done.name)
    return done
  }

  async function archive(): Promise<FlowVersionView | null> {
    const v = selected.value
    if (!v) return null
    const done = await act('archive', () => flowsAdminApi.archive(v.name))
    if (done) await load(done.name)
    return done
  }

  /**
   * A new draft copying the version shown. When a draft already exists the BFF names it, and it
   * is opened instead: `existed` says so.
   */
  async function newDraft(): Promise<{ version: FlowVersionView; existed: boolean } | null> {
    const from = selected.value?.definition
    const latest = line.value?.latest
    if (!from || latest === undefined) return null
    const refused = { draft: null as string | null }
    const created = await act(
      'draft',
      () => flowsAdminApi.createDraft(nextDraftOf(from, latest)),
      async (e) => {
        refused.draft = existingDraft(e)
        serverProblems.value = refusalProblems(e)
        return refused.draft ? '' : e.text(toValue(locale))
      },
    )
    const name = created?.name ?? refused.draft
    if (!name) return null
    await load(name)
    return selected.value ? { version: selected.value, existed: !created } : null
  }

  return {
    loading,
    loadError,
    line,
    versions,
    selected,
    selectedName,
    text,
    editable,
    dirty,
    checking,
    problems,
    valid,
    definition,
    drawable,
    busy,
    refusal,
    load,
    show,
    save,
    publish,
    archive,
    newDraft,
  }
}
