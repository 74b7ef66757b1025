// Builds the SPA (dist/spa) and compiles the server (dist/server) when either is missing or older
// than its sources, so `npm start`, the journeys and the benches run the current code on a fresh
// clone and after a pull without a separate build step. `node scripts/build-if-needed.mjs server`
// looks at the server alone (the benches build the SPA they measure themselves).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execSync } from 'node:child_process'

function newest(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(info.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}
const stale = (built, sources) =>
  !existsSync(built) || Math.max(...sources.filter(existsSync).map(newest)) > statSync(built).mtimeMs

const serverOnly = process.argv[2] === 'server'
if (
  !serverOnly &&
  stale('dist/spa/index.html', ['src', 'public', 'index.html', 'vite.config.ts', 'scripts', 'package-lock.json'])
) {
  console.log('Building the SPA (dist/spa)…')
  execSync('npx vite build', { stdio: 'inherit' })
}
if (stale('dist/server/main.js', ['server', 'src', 'scripts/buildServer.ts', 'package-lock.json'])) {
  console.log('Compiling the server (dist/server)…')
  execSync('npm run build:server', { stdio: 'inherit' })
}
