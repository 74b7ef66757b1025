// Builds the SPA when dist/spa is missing or older than the sources, so `npm start` works on a
// fresh clone and after a pull without a separate build step.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execSync } from 'node:child_process'

const built = 'dist/spa/index.html'
function newest(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(info.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}
const sources = ['src', 'public', 'index.html', 'vite.config.ts', 'scripts', 'package-lock.json'].filter(existsSync)
if (!existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs) {
  console.log('Building the SPA (dist/spa)…')
  execSync('npx vite build', { stdio: 'inherit' })
}
