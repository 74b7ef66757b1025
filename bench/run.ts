/**
 * npm run bench: runs every bench/*.bench.ts (or those named on the command line, e.g.
 * `npm run bench -- dispatch`) one after the other and prints their tables.
 */
import { execSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()

if (files.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ') || '(all)'}`)
  process.exit(1)
}
// The benches run the BFF compiled, as production does: compiled first when missing or stale.
execSync('node scripts/build-if-needed.mjs server', { cwd: join(here, '..'), stdio: 'inherit' })
for (const file of files) {
  console.log(`\n=== ${file} ===`)
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { run(): Promise<void> }
  await mod.run()
}
