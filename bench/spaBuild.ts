/**
 * The SPA as it is now, built once per bench run into a directory of the bench's own
 * (BENCH_REUSE_SPA=1 serves the last build there as it is).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..')
const built = new Map<string, string>()

export function buildSpa(name: string): string {
  const dir = join(ROOT, 'dist', name)
  if (built.has(dir)) return dir
  if (process.env.BENCH_REUSE_SPA !== '1' || !existsSync(join(dir, '.vite/manifest.json'))) {
    const result = spawnSync('npx', ['vite', 'build', '--outDir', `dist/${name}`, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    if (result.status !== 0) throw new Error('could not build the SPA')
  }
  built.set(dir, dir)
  return dir
}
