// Every message of the app, precompiled as a production build does, says the same as vue-i18n
// compiling it at run time: in French and English, with named values and plurals.
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { transformWithOxc } from 'vite'
import fr from './fr'
import en from './en'
import { compileMessage, compileToValue, precompileModule } from '../../scripts/precompileMessages'

interface Tree {
  [key: string]: Tree | string
}
const features = import.meta.glob<{ fr: Tree; en: Tree }>('../features/*/i18n.ts', { eager: true })
const sources = import.meta.glob<string>('../**/i18n.ts', { eager: true, query: '?raw', import: 'default' })

function tree(locale: 'fr' | 'en'): Tree {
  const all: Tree = { ...(locale === 'fr' ? fr : en) }
  for (const [path, mod] of Object.entries(features)) all[/features\/([^/]+)\//.exec(path)![1]] = mod[locale]
  return all
}

/** The same tree with each string as the build leaves it: a function for text, an AST otherwise. */
function precompiled(words: Tree, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(words)) {
    if (typeof value !== 'string') out[key] = precompiled(value, `${path}${key}.`)
    else {
      const compiled = compileToValue(value, path + key)
      out[key] = 'text' in compiled ? () => compiled.text : compiled.ast
    }
  }
  return out
}

function leaves(words: Tree, path = ''): [string, string][] {
  return Object.entries(words).flatMap(([key, value]) =>
    typeof value === 'string' ? [[path + key, value] as [string, string]] : leaves(value, `${path}${key}.`),
  )
}

describe('precompiled messages', () => {
  for (const locale of ['fr', 'en'] as const) {
    it(`render as vue-i18n renders them at run time (${locale})`, () => {
      const words = tree(locale)
      const runtime = createI18n({ legacy: false, locale, messages: { [locale]: words } }).global
      const built = createI18n({
        legacy: false,
        locale,
        // The build's forms: message functions and ASTs, which vue-i18n takes as messages.
        messages: { [locale]: precompiled(words) as Tree },
      }).global
      const all = leaves(words)
      expect(all.length).toBeGreaterThan(500)
      let plurals = 0
      for (const [key, source] of all) {
        const names = [...source.matchAll(/\{\s*([A-Za-z_][\w]*)\s*\}/g)].map((m) => m[1])
        const named = Object.fromEntries(names.map((n) => [n, `‹${n}›`]))
        expect(built.t(key, named), key).toBe(runtime.t(key, named))
        if (source.includes('|')) {
          plurals++
          for (const n of [0, 1, 2, 7])
            expect(built.t(key, { ...named, n }, n), `${key} (${n})`).toBe(runtime.t(key, { ...named, n }, n))
        }
        expect(built.te(key), key).toBe(true)
      }
      expect(plurals).toBeGreaterThan(5)
    })
  }

  it('keeps plain text as a function of the text, and turns placeholders into an AST', () => {
    expect(compileMessage('Mes interventions', 'k')).toBe('()=>"Mes interventions"')
    expect(compileMessage("prenom.nom{'@'}gigafibre.ca", 'k')).toBe('()=>"prenom.nom@gigafibre.ca"')
    expect(compileMessage('{n} job | {n} jobs', 'k')).toMatch(/^\{"t":0/)
    expect(() => compileMessage('Ouvrir {address', 'tech.openMaps')).toThrow(/tech\.openMaps.*does not compile/)
  })

  it('compiles every i18n.ts of the app, leaving no message as a string', async () => {
    expect(Object.keys(sources).length).toBeGreaterThan(7)
    for (const [path, source] of Object.entries(sources)) {
      const js = (await transformWithOxc(source, path, { lang: 'ts' })).code
      const out = precompileModule(js, path)
      expect(out, path).not.toBeNull()
      // What is left between the keys are functions and ASTs: no quoted message after a key.
      expect(out!.toString(), path).not.toMatch(/^\s*("[^"]+"|[A-Za-z_]\w*): ['"`]/m)
    }
  })

  it('refuses a message that is not written out', async () => {
    const js = (await transformWithOxc("const x = 'a'\nexport const fr = { a: x }", 'f.ts', { lang: 'ts' })).code
    expect(() => precompileModule(js, 'f.ts')).toThrow(/f\.ts: a is neither a literal string/)
  })

  it('carries the language query to the message modules it imports', async () => {
    const js = "import { fr as o } from './optimize/i18n'\nexport const fr = { optimize: o, title: 'T' }\n"
    expect(precompileModule(js, 'f.ts', '?locale=fr')!.toString()).toContain('"./optimize/i18n?locale=fr"')
  })
})
