/**
 * A form's save, as every dialog does it: `saving` while it runs, and when it fails one sentence
 * in the user's language to show in the form, cleared by the next try. A dialog that has its own
 * answer to a refusal (a stale edit replaced by the newer version, a duplicate named) gives it in
 * `onRefusal`; the sentence stays the server's otherwise.
 */
import { ref, toValue, type MaybeRefOrGetter } from 'vue'
import { toApiError, type ApiError } from 'src/api/http'

/**
 * Acts on a refusal (may reload, while `saving` still holds) and returns the sentence to show
 * instead of the server's: '' shows none, undefined keeps the server's. If it fails itself (the
 * reload is refused too), that failure's sentence is shown.
 */
export type RefusalHandler = (error: ApiError) => string | undefined | Promise<string | undefined>

export function useSubmit(locale: MaybeRefOrGetter<string>) {
  const saving = ref(false)
  const problem = ref('')

  /** Runs `work`; its result, or null when it failed (the sentence is then in `problem`). */
  async function run<T>(work: () => Promise<T>, onRefusal?: RefusalHandler): Promise<T | null> {
    saving.value = true
    problem.value = ''
    try {
      return await work()
    } catch (err) {
      problem.value = await sentenceFor(toApiError(err), onRefusal)
      return null
    } finally {
      saving.value = false
    }
  }

  async function sentenceFor(error: ApiError, onRefusal?: RefusalHandler): Promise<string> {
    try {
      return (await onRefusal?.(error)) ?? error.text(toValue(locale))
    } catch (err) {
      return toApiError(err).text(toValue(locale))
    }
  }

  return { saving, problem, run }
}
