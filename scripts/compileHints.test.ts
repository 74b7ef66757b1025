import { describe, expect, it } from 'vitest'
import type { Rolldown } from 'vite'
import { COMPILE_HINT, addCompileHints } from './compileHints'
import { OPENING_SCREENS } from './routePreloads'
import { fakeBundle, ROOT } from './fakeBundle'

const opening = [...new Set(OPENING_SCREENS.flatMap(([, , modules]) => modules))]
const fileOf = (module: string) => `assets/${module.replace(/^.*\//, '').replace('.vue', '')}.js`
const built = () =>
  fakeBundle([
    { file: 'assets/index.js', module: 'src/main.ts', imports: ['assets/vue.js'], entry: true },
    { file: 'assets/vue.js' },
    { file: 'assets/QBtn.js', imports: ['assets/vue.js'] },
    { file: 'assets/QTable.js', imports: ['assets/vue.js'] },
    ...opening.map((module) => ({ file: fileOf(module), module, imports: ['assets/QBtn.js'] })),
    { file: 'assets/UsersPage.js', module: 'src/features/settings/UsersPage.vue', imports: ['assets/QTable.js'] },
  ])
const code = (b: Rolldown.OutputBundle, file: string) => (b[file] as Rolldown.OutputChunk).code

describe('compile hints on the files the app opens with', () => {
  it("marks the entry, each opening screen's layout and page, and what they import statically", () => {
    const b = built()
    const marked = addCompileHints(b, ROOT)
    for (const file of ['assets/index.js', 'assets/vue.js', 'assets/QBtn.js', ...opening.map(fileOf)]) {
      expect(marked).toContain(file)
      expect(code(b, file).startsWith(COMPILE_HINT)).toBe(true)
      expect(code(b, file)).toContain(`export const file = "${file}"`)
    }
  })

  it('leaves the files of screens fetched later lazy', () => {
    const b = built()
    const marked = addCompileHints(b, ROOT)
    for (const file of ['assets/UsersPage.js', 'assets/QTable.js']) {
      expect(marked).not.toContain(file)
      expect(code(b, file)).not.toContain('allFunctionsCalledOnLoad')
    }
  })

  it('marks a file once however often it is reached or the hook runs', () => {
    const b = built()
    addCompileHints(b, ROOT)
    addCompileHints(b, ROOT)
    expect(code(b, 'assets/QBtn.js').split('allFunctionsCalledOnLoad')).toHaveLength(2)
  })

  it('stops the build when an opening screen is no longer a chunk', () => {
    const b = built()
    delete b[fileOf('src/features/tech/TechDayPage.vue')]
    expect(() => addCompileHints(b, ROOT)).toThrow(/TechDayPage\.vue/)
  })
})
