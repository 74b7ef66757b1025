/**
 * The app's words, compiled when the SPA is built. The messages stay TypeScript objects
 * (src/i18n/fr.ts, en.ts and each feature's i18n.ts); in a production build every string in them
 * becomes what vue-i18n would have compiled it into at run time — a function returning the text
 * when the message is plain text, the message's syntax tree (AST) when it has placeholders,
 * plurals or linked messages — so the browser never needs vue-i18n's message compiler (and the
 * CSP forbids the `new Function` it would use anyway). A message that does not compile, or a value
 * that is not a literal string, stops the build with the file and the key.
 */
import { baseCompile, type CompileError } from '@intlify/message-compiler'
import MagicString from 'magic-string'
import { parseAst, type Plugin } from 'vite'

/** The message modules: src/i18n/fr.ts, src/i18n/en.ts and every i18n.ts under src/features. */
export const MESSAGE_MODULE = /\/src\/(?:i18n\/(?:fr|en)|features\/.+\/i18n)\.ts$/
/** An import of another message module, e.g. `./optimize/i18n` (its words are compiled there). */
const MESSAGE_IMPORT = /^\.{1,2}\/(?:.+\/)?i18n(?:\.ts)?$/

/** Minified AST node, as @intlify/message-compiler emits it with `minify`. */
interface MessageNode {
  t: number
  b?: MessageNode
  s?: string
}
const RESOURCE = 0
const PLURAL = 1

/** A message as the browser gets it: plain text (served by a function) or the AST vue-i18n evaluates. */
export type CompiledMessage = { text: string } | { ast: object }

export function compileToValue(message: string, where: string): CompiledMessage {
  const errors: string[] = []
  const { ast } = baseCompile(message, {
    jit: true,
    location: false,
    minify: true,
    onError: (err: CompileError) => errors.push(err.message),
  })
  if (errors.length) throw new Error(`${where}: the message ${JSON.stringify(message)} does not compile: ${errors[0]}`)
  const node = ast as unknown as MessageNode
  const body = node.t === RESOURCE ? node.b : undefined
  if (body && body.t !== PLURAL && typeof body.s === 'string') return { text: body.s }
  return { ast }
}

/** Code for one message: a function returning plain text, or the AST. */
export function compileMessage(message: string, where: string): string {
  const value = compileToValue(message, where)
  return 'text' in value ? `()=>${JSON.stringify(value.text)}` : JSON.stringify(value.ast)
}

// The few ESTree shapes a message module is made of (the rest is left as it is).
interface Node {
  type: string
  start: number
  end: number
}
interface Literal extends Node {
  type: 'Literal'
  value: unknown
}
interface TemplateLiteral extends Node {
  type: 'TemplateLiteral'
  expressions: Node[]
  quasis: { value: { cooked: string | null } }[]
}
interface Property extends Node {
  type: 'Property'
  key: Node & { name?: string; value?: unknown }
  value: Node
  computed: boolean
}
interface ObjectExpression extends Node {
  type: 'ObjectExpression'
  properties: (Property | Node)[]
}
interface ImportDeclaration extends Node {
  type: 'ImportDeclaration'
  source: Literal & { value: string }
  specifiers: { local: { name: string } }[]
}

const isObject = (n: Node | null | undefined): n is ObjectExpression => n?.type === 'ObjectExpression'

/**
 * Replaces every message of `code` (a message module, TypeScript already stripped) by its compiled
 * form. A value may also name the words of another message module it imports; with a `query`
 * (`?locale=en`), those imports carry it too, so one language's chunk holds that language only.
 */
export function precompileModule(code: string, file: string, query = ''): MagicString | null {
  const program = parseAst(code) as unknown as { body: (Node & Record<string, unknown>)[] }
  const out = new MagicString(code)
  const imported = new Set<string>()
  const roots: ObjectExpression[] = []
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration') {
      const { source, specifiers } = statement as unknown as ImportDeclaration
      if (!MESSAGE_IMPORT.test(source.value)) continue
      for (const s of specifiers) imported.add(s.local.name)
      if (query) out.overwrite(source.start, source.end, JSON.stringify(source.value + query))
      continue
    }
    const declaration =
      statement.type === 'ExportNamedDeclaration' || statement.type === 'ExportDefaultDeclaration'
        ? (statement.declaration as (Node & Record<string, unknown>) | null)
        : statement
    if (isObject(declaration)) roots.push(declaration)
    else if (declaration?.type === 'VariableDeclaration')
      for (const d of declaration.declarations as { init: Node | null }[])
        if (isObject(d.init)) roots.push(d.init as ObjectExpression)
  }
  if (roots.length === 0) return null
  const walk = (object: ObjectExpression, path: string[]) => {
    for (const p of object.properties) {
      if (p.type !== 'Property')
        throw new Error(`${file}: ${path.join('.') || '(root)'} holds a ${p.type}; write the messages out`)
      const prop = p as Property
      const key = prop.computed
        ? undefined
        : (prop.key.name ?? (typeof prop.key.value === 'string' ? prop.key.value : undefined))
      if (key === undefined) throw new Error(`${file}: a key under ${path.join('.') || '(root)'} is not a plain name`)
      const where = `${file}: ${[...path, key].join('.')}`
      const value = prop.value
      if (isObject(value)) walk(value, [...path, key])
      else if (value.type === 'Literal' && typeof (value as Literal).value === 'string')
        out.overwrite(value.start, value.end, compileMessage((value as Literal).value as string, where))
      else if (value.type === 'TemplateLiteral' && (value as TemplateLiteral).expressions.length === 0)
        out.overwrite(
          value.start,
          value.end,
          compileMessage((value as TemplateLiteral).quasis[0].value.cooked ?? '', where),
        )
      else if (value.type === 'Identifier' && imported.has((value as Node & { name: string }).name)) continue
      else
        throw new Error(
          `${where} is neither a literal string nor the words of another i18n.ts: a message must be written out to be compiled`,
        )
    }
  }
  for (const root of roots) walk(root, [])
  return out
}

/**
 * The Vite plugin (production builds only): compiles the message modules, and builds vue-i18n
 * without its message compiler, its legacy API and its global components (the app uses none).
 */
export function precompileMessages(): Plugin {
  let root = ''
  return {
    name: 'ops:precompile-messages',
    apply: 'build',
    enforce: 'post',
    config: () => ({
      define: {
        __INTLIFY_DROP_MESSAGE_COMPILER__: 'true',
        __VUE_I18N_LEGACY_API__: 'false',
        __VUE_I18N_FULL_INSTALL__: 'false',
        __INTLIFY_PROD_DEVTOOLS__: 'false',
      },
    }),
    configResolved(config) {
      root = config.root
    },
    transform(code, id) {
      const [file, search = ''] = id.split('?')
      if (!MESSAGE_MODULE.test(file)) return null
      const locale = new URLSearchParams(search).get('locale')
      const name = file.startsWith(root) ? file.slice(root.length + 1) : file
      const out = precompileModule(code, name, locale ? `?locale=${locale}` : '')
      return out && { code: out.toString(), map: out.generateMap({ hires: true, source: file }) }
    },
  }
}
