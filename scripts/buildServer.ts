/**
 * Compiles the BFF for production: server/main.ts and the optimizer's worker, each bundled with
 * the shared src/ modules it imports into one ES module under dist/server/, packages left to
 * node_modules. Production runs `node dist/server/main.js`: no TypeScript transform at start-up.
 * Development and the unit tests run the sources through tsx.
 */
import { build, type Metafile } from 'esbuild'
import { pathToFileURL } from 'node:url'

export const SERVER_OUT_DIR = 'dist/server'

/** Builds into `outdir`; returns the packages the bundle imports (each must ship in the image). */
export async function buildServer(outdir = SERVER_OUT_DIR): Promise<{ packages: string[]; metafile: Metafile }> {
  const { metafile } = await build({
    entryPoints: { main: 'server/main.ts', 'optimizer-worker': 'server/optimizer/worker.ts' },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  })
  const packages = new Set<string>()
  for (const output of Object.values(metafile.outputs))
    for (const { path, external } of output.imports) {
      if (!external || path.startsWith('node:') || path.startsWith('.')) continue
      packages.add(
        path
          .split('/')
          .slice(0, path.startsWith('@') ? 2 : 1)
          .join('/'),
      )
    }
  return { packages: [...packages].sort(), metafile }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildServer()
