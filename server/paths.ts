/**
 * Where the app's files are, whether the server runs from its TypeScript sources (server/…, under
 * tsx) or compiled into one file (dist/server/main.js, as production runs it): the app's root is
 * the nearest directory above this module that holds package.json.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export function appRootFrom(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl))
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir
    const up = dirname(dir)
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`)
    dir = up
  }
}

/** The app's root: package.json, dist/, flows/ and node_modules/ are there. */
export const APP_ROOT = appRootFrom(import.meta.url)

/** A path under the app's root. */
export const fromRoot = (...parts: string[]) => resolve(APP_ROOT, ...parts)
