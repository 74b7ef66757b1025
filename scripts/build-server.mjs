// Compiles the BFF for production: server/main.ts and the optimizer's worker, each bundled with
// the shared src/ modules it imports into one ES module under dist/server/, packages left to
// node_modules. Production runs `node dist/server/main.js`: no TypeScript transform at start-up
// or per request (tsx keeps every function's name by wrapping it, a cost each time a closure is
// made). Development and the unit tests run the sources through tsx.
import { build } from 'esbuild'

await build({
  entryPoints: { main: 'server/main.ts', 'optimizer-worker': 'server/optimizer/worker.ts' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
