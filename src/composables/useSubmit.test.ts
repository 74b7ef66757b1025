import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import { ApiError } from 'src/api/http'
import { useSubmit } from './useSubmit'

const stale = new ApiError(417, 'TimestampMismatchError', {
  fr: 'Quelqu’un a modifié ce document.',
  en: 'Someone changed this document.',
})
const forbidden = new ApiError(403, 'FORBIDDEN', {
  fr: 'Votre rôle ne permet pas cette action.',
  en: 'Your role does not allow this.',
})

/** A save the test answers when it chooses, so what shows while it runs can be read. */
function pending<T>() {
  let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void }
  const promise = new Promise<T>((resolve, reject) => {
    settle = { resolve, reject }
  })
  return { promise, ...settle }
}

describe('useSubmit', () => {
  it('shows saving while the save runs and hands back what was saved', async () => {
    const { saving, problem, run } = useSubmit('fr')
    const save = pending<{ name: string }>()
    const running = run(() => save.promise)
    expect(saving.value).toBe(true)
    save.resolve({ name: 'TAG-1' })
    expect(await running).toEqual({ name: 'TAG-1' })
    expect(saving.value).toBe(false)
    expect(problem.value).toBe('')
  })

  it('says why a refused save failed, in the user’s language, and gives nothing back', async () => {
    const locale = ref('fr')
    const { saving, problem, run } = useSubmit(locale)
    expect(await run(() => Promise.reject(forbidden))).toBeNull()
    expect(problem.value).toBe('Votre rôle ne permet pas cette action.')
    expect(saving.value).toBe(false)

    locale.value = 'en'
    await run(() => Promise.reject(forbidden))
    expect(problem.value).toBe('Your role does not allow this.')
  })

  it('leaves no sentence once a later try succeeds', async () => {
    const { problem, run } = useSubmit('fr')
    await run(() => Promise.reject(forbidden))
    expect(problem.value).not.toBe('')
    const save = pending<string>()
    const retry = run(() => save.promise)
    expect(problem.value).toBe('') // gone as soon as the user tries again
    save.resolve('ok')
    await retry
    expect(problem.value).toBe('')
  })

  it('lets the dialog answer a stale edit itself, still saving while it reloads', async () => {
    const { saving, problem, run } = useSubmit('fr')
    const asked = pending<string>()
    const reload = pending<void>()
    const running = run(
      () => Promise.reject(stale),
      async (error) => {
        asked.resolve(error.code)
        await reload.promise
        return '' // the newer version is on screen; no red sentence
      },
    )
    expect(await asked.promise).toBe('TimestampMismatchError')
    expect(saving.value).toBe(true)
    reload.resolve()
    expect(await running).toBeNull()
    expect(saving.value).toBe(false)
    expect(problem.value).toBe('')
  })

  it('shows the dialog’s own words for a code it knows, and the server’s for the rest', async () => {
    const { problem, run } = useSubmit('fr')
    const duplicate = new ApiError(409, 'DuplicateEntryError', {
      fr: 'Cet élément existe déjà.',
      en: 'This already exists.',
    })
    const words = (e: ApiError) =>
      e.code === 'DuplicateEntryError' ? 'Une étiquette « Fibre » existe déjà.' : undefined
    await run(() => Promise.reject(duplicate), words)
    expect(problem.value).toBe('Une étiquette « Fibre » existe déjà.')
    await run(() => Promise.reject(forbidden), words)
    expect(problem.value).toBe('Votre rôle ne permet pas cette action.')
  })

  it('says why the reload failed when the newer version cannot be read', async () => {
    const { problem, run } = useSubmit('fr')
    const gone = new ApiError(404, 'DoesNotExistError', { fr: 'Introuvable.', en: 'Not found.' })
    await run(
      () => Promise.reject(stale),
      () => Promise.reject(gone),
    )
    expect(problem.value).toBe('Introuvable.')
  })
})
