import { describe, expect, it } from 'vitest'
import { FIELD_SCREENS } from '../src/contracts/openingScreen'
import { fakeBundle, ROOT } from './fakeBundle'
import { OPENING_SCREENS, openingScreens, withScriptBeforeStylesheets, withStylesheetsAfterBody } from './routePreloads'

const pages = Object.fromEntries(OPENING_SCREENS.flatMap(([, , modules]) => modules).map((m) => [m, m]))
const built = fakeBundle([
  {
    file: 'assets/index.js',
    module: 'src/main.ts',
    imports: ['assets/vue.js'],
    css: ['assets/index.css'],
    entry: true,
  },
  { file: 'assets/vue.js' },
  { file: 'assets/french-1.js', module: 'src/i18n/french.ts' },
  { file: 'assets/frenchField-3.js', module: 'src/i18n/frenchField.ts' },
  { file: 'assets/english-2.js', module: 'src/i18n/english.ts' },
  { file: 'assets/QBtn.js', imports: ['assets/vue.js'] },
  { file: 'assets/MainLayout.js', module: 'src/layouts/MainLayout.vue', imports: ['assets/QBtn.js', 'assets/vue.js'] },
  ...Object.keys(pages)
    .filter((m) => m !== 'src/layouts/MainLayout.vue')
    .map((module) => ({
      file: `assets/${module.replace(/^.*\//, '').replace('.vue', '')}.js`,
      module,
      imports: ['assets/QBtn.js'],
      css: [`assets/${module.replace(/^.*\//, '').replace('.vue', '')}.css`],
    })),
])

describe('the opening screens written into index.html', () => {
  const table = openingScreens(built, ROOT, '/ops/')
  const filesOf = (name: string) => table.screens.find(([n]) => n === name)?.[2].map((i) => table.files[i])

  it("lists each screen's layout, page, their static imports and CSS, without what the entry already loads", () => {
    expect(filesOf('tech')).toEqual([
      'assets/MainLayout.js',
      'assets/QBtn.js',
      'assets/TechDayPage.js',
      'assets/TechDayPage.css',
    ])
    expect(table.files).not.toContain('assets/vue.js')
    expect(table.files).not.toContain('assets/index.css')
  })

  it('names each shared file once', () => {
    expect(table.files.filter((f) => f === 'assets/MainLayout.js')).toHaveLength(1)
    expect(filesOf('dispatch')).toContain('assets/MainLayout.js')
  })

  it('keeps the screens in order of precedence, with the patterns the page tests', () => {
    expect(table.screens.map(([name]) => name)).toEqual(OPENING_SCREENS.map(([name]) => name))
    const tech = new RegExp(table.screens.find(([n]) => n === 'tech')![1])
    expect(tech.test('#/tech')).toBe(true)
    expect(tech.test('#/tech?x=1')).toBe(true)
    expect(tech.test('#/technicians')).toBe(false)
  })

  it('names the files of the words in each language, and where the language is remembered', () => {
    expect(table.words).toEqual({
      office: 'assets/french-1.js',
      field: 'assets/frenchField-3.js',
      en: 'assets/english-2.js',
      localeKey: 'ops.locale',
    })
    expect(table.fieldScreens).toEqual(FIELD_SCREENS)
    const without = { ...built }
    delete without['assets/english-2.js']
    expect(() => openingScreens(without, ROOT, '/ops/')).toThrow(/src\/i18n\/english\.ts/)
  })

  it('finds a module the build put in a group file rather than a file of its own', () => {
    const grouped = { ...built }
    delete grouped['assets/MainLayout.js']
    const group = fakeBundle([
      {
        file: 'assets/MainLayout-group.js',
        modules: ['src/layouts/MainLayout.vue', 'src/features/scans/ScanBadge.vue'],
      },
    ])
    const table = openingScreens({ ...grouped, ...group }, ROOT, '/ops/')
    const tech = table.screens.find(([n]) => n === 'tech')?.[2].map((i) => table.files[i])
    expect(tech).toContain('assets/MainLayout-group.js')
    expect(tech).toContain('assets/TechDayPage.js')
  })

  it('stops the build when a screen names a module that is no longer a chunk', () => {
    const without = { ...built }
    delete without['assets/TechDayPage.js']
    expect(() => openingScreens(without, ROOT, '/ops/')).toThrow(/"tech" names src\/features\/tech\/TechDayPage\.vue/)
  })
})

describe("where the opening screen's script goes in index.html", () => {
  const head = (links: string) =>
    `<!doctype html><html><head><meta charset="utf-8" /><script type="module" src="/ops/assets/index.js"></script>${links}</head><body></body></html>`

  it('stands before the first stylesheet, so it does not wait for the CSS to download', () => {
    const html = withScriptBeforeStylesheets(
      head(
        '<link rel="modulepreload" href="/a.js"><link rel="stylesheet" crossorigin href="/ops/assets/index.css"><link rel="stylesheet" href="/b.css">',
      ),
      'run()',
    )
    const script = html.indexOf('<script>run()</script>')
    expect(script).toBeGreaterThan(html.indexOf('<meta charset'))
    expect(script).toBeGreaterThan(html.indexOf('rel="modulepreload"'))
    expect(script).toBeLessThan(html.indexOf('rel="stylesheet"'))
    expect(html.match(/<script>run\(\)<\/script>/g)).toHaveLength(1)
  })

  it('ends the head when there is no stylesheet', () => {
    const html = withScriptBeforeStylesheets(head(''), 'run()')
    expect(html.indexOf('<script>run()</script>')).toBeLessThan(html.indexOf('</head>'))
    expect(html.indexOf('<script>run()</script>')).toBeGreaterThan(html.indexOf('type="module"'))
  })

  it('refuses a page without a head rather than dropping the script', () => {
    expect(() => withScriptBeforeStylesheets('<p>nothing</p>', 'run()')).toThrow(/no <\/head>/)
  })
})

describe("where the app's stylesheets go in index.html", () => {
  const page = (head: string, body: string) =>
    `<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8" />\n${head}  </head>\n  <body>\n${body}  </body>\n</html>`
  const BOOT = '    <div id="app"><div class="boot-bar">Gigafibre Ops</div></div>\n'

  it('moves them from the head to the end of the body, after the loading screen, in their order', () => {
    const html = withStylesheetsAfterBody(
      page(
        '    <link rel="icon" href="/ops/icons/icon.svg" />\n    <script type="module" src="/ops/assets/index.js"></script>\n    <script>run()</script>\n    <link rel="stylesheet" crossorigin href="/ops/assets/index.css">\n    <link rel=stylesheet href="/b.css">\n',
        BOOT,
      ),
    )
    const head = html.slice(0, html.indexOf('</head>'))
    expect(head).not.toMatch(/stylesheet/)
    expect(head).toContain('rel="icon"')
    expect(head).toContain('<script>run()</script>')
    const first = html.indexOf('href="/ops/assets/index.css"')
    const second = html.indexOf('href="/b.css"')
    expect(first).toBeGreaterThan(html.indexOf('</div></div>'))
    expect(second).toBeGreaterThan(first)
    expect(second).toBeLessThan(html.indexOf('</body>'))
    expect(html.match(/rel="?stylesheet/g)).toHaveLength(2)
  })

  it('leaves a page without stylesheets as it is', () => {
    const html = page('    <script>run()</script>\n', BOOT)
    expect(withStylesheetsAfterBody(html)).toBe(html)
  })

  it('refuses a page without a body rather than dropping a stylesheet', () => {
    expect(() => withStylesheetsAfterBody('<html><head><link rel="stylesheet" href="/a.css"></head></html>')).toThrow(
      /no <\/body>/,
    )
  })
})
