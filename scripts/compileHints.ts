/**
 * V8's explicit compile hint on the files the app opens with. V8 compiles a function lazily, on
 * the main thread, the first time it is called; the opening screen calls most of what its files
 * hold (the framework starting, the layout and the page mounting), so on a slow phone those
 * compilations land in the tasks that keep a first tap waiting. A file that begins with
 * `//# allFunctionsCalledOnLoad` is compiled whole while it streams in, on a background thread
 * (Chrome 136 and later; to other browsers it is a comment). Only the entry's files and those of
 * the screens one opens the app on (OPENING_SCREENS in ./routePreloads.ts) carry it: the other
 * screens' files, fetched later, keep the lazy default.
 */
import type { Plugin, Rolldown } from 'vite'
import { openingChunks } from './routePreloads'

export const COMPILE_HINT = '//# allFunctionsCalledOnLoad\n'

/** Puts the hint at the head of each opening chunk (once); returns the files it marked. */
export function addCompileHints(bundle: Rolldown.OutputBundle, root: string): string[] {
  const marked: string[] = []
  for (const chunk of openingChunks(bundle, root)) {
    if (!chunk.code.startsWith(COMPILE_HINT)) chunk.code = COMPILE_HINT + chunk.code
    marked.push(chunk.fileName)
  }
  return marked
}

export function compileHints(): Plugin {
  let root = ''
  return {
    name: 'gigafibre:compile-hints',
    apply: 'build',
    configResolved(config) {
      root = config.root
    },
    // After the bundler's own last rewrites of the chunks (the preload lists of dynamic imports).
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        addCompileHints(bundle, root)
      },
    },
  }
}
