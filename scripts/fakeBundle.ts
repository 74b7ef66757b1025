/**
 * A bundler's output for the build plugins' tests: chunks with their file, module(s), static
 * imports and CSS, each chunk's code naming its file.
 */
import type { Rolldown } from 'vite'

export const ROOT = '/app'

export interface FakeChunk {
  file: string
  module?: string
  modules?: string[]
  imports?: string[]
  css?: string[]
  entry?: boolean
}

export function fakeBundle(chunks: FakeChunk[]): Rolldown.OutputBundle {
  return Object.fromEntries(
    chunks.map((c) => [
      c.file,
      {
        type: 'chunk',
        fileName: c.file,
        code: `export const file = ${JSON.stringify(c.file)}\n`,
        facadeModuleId: c.module ? `${ROOT}/${c.module}` : null,
        moduleIds: [...(c.module ? [c.module] : []), ...(c.modules ?? [])].map((m) => `${ROOT}/${m}`),
        imports: c.imports ?? [],
        isEntry: c.entry ?? false,
        viteMetadata: { importedCss: new Set(c.css ?? []), importedAssets: new Set() },
      } as unknown as Rolldown.OutputChunk,
    ]),
  )
}
