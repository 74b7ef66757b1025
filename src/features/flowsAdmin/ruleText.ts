/**
 * A branch's JSON Logic rule, written out for the drawing: `{"==": [{"var": "values.diag.status"},
 * "los"]}` reads "diag.status = los". The usual comparisons, `in`, `and`, `or` and `!` read as
 * words and signs; anything else keeps its operator name.
 */
type Lang = 'fr' | 'en'

const WORDS: Record<Lang, { and: string; or: string; not: string; in: string }> = {
  fr: { and: 'et', or: 'ou', not: 'non', in: 'dans' },
  en: { and: 'and', or: 'or', not: 'not', in: 'in' },
}
const SIGNS: Record<string, string> = {
  '==': '=',
  '===': '=',
  '!=': '≠',
  '!==': '≠',
  '>': '>',
  '>=': '≥',
  '<': '<',
  '<=': '≤',
}

const isRule = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1

export function ruleText(rule: unknown, lang: Lang): string {
  const w = WORDS[lang]
  const text = (v: unknown): string => ruleText(v, lang)
  if (Array.isArray(rule)) return rule.map(text).join(', ')
  if (!isRule(rule)) return typeof rule === 'string' ? rule : JSON.stringify(rule)
  const [op, raw] = Object.entries(rule)[0]
  const args = Array.isArray(raw) ? raw : [raw]
  if (op === 'var') {
    const name = String(args[0] ?? '')
    return name.startsWith('values.') ? name.slice('values.'.length) : name
  }
  if (op in SIGNS && args.length === 2) return `${text(args[0])} ${SIGNS[op]} ${text(args[1])}`
  if (op === 'in' && args.length === 2)
    return `${text(args[0])} ${w.in} ${Array.isArray(args[1]) ? `{${text(args[1])}}` : text(args[1])}`
  if (op === 'and' || op === 'or')
    return args.map((a) => (isRule(a) && ('and' in a || 'or' in a) ? `(${text(a)})` : text(a))).join(` ${w[op]} `)
  if (op === '!') return `${w.not} (${text(args[0])})`
  if (op === '!!') return text(args[0])
  return `${op}(${args.map(text).join(', ')})`
}
