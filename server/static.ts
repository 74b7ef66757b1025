/**
 * Serves the built SPA under /ops/. Hashed assets are cached for a year; index.html, the service
 * worker and the manifest are revalidated on every load so a new version is always found.
 * Text is compressed (brotli or gzip) once, off the event loop, and kept in memory; the served BFF
 * prepares every file as it starts (warmStatic), so the first visit after a restart does not wait
 * for it. Nothing outside the SPA directory can be reached.
 */
import { FastResponse } from 'srvx'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, gzip, constants as zlib } from 'node:zlib'

const brotliAsync = promisify(brotliCompress)
const gzipAsync = promisify(gzip)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.wasm', '.ttf'])

interface Entry {
  raw: Buffer
  br?: Buffer
  gzip?: Buffer
  type: string
  etag: string
}

/** Files read and compressed (or being), by absolute path: shared by every handler of the process. */
const cache = new Map<string, Promise<Entry | null>>()

async function read(file: string): Promise<Entry | null> {
  try {
    const info = await stat(file)
    if (!info.isFile()) return null
    const raw = await readFile(file)
    const ext = extname(file)
    const entry: Entry = {
      raw,
      type: TYPES[ext] ?? 'application/octet-stream',
      etag: `"${info.size.toString(16)}-${info.mtimeMs.toString(16)}"`,
    }
    if (COMPRESSIBLE.has(ext) && raw.byteLength > 1024) {
      // In libuv's threads: requests keep being answered while a large chunk is compressed.
      ;[entry.br, entry.gzip] = await Promise.all([
        brotliAsync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } }),
        gzipAsync(raw, { level: 9 }),
      ])
    }
    return entry
  } catch {
    return null
  }
}

/** A file ready to serve, read once; a missing file is looked for again next time. */
async function load(file: string): Promise<Entry | null> {
  const hit = cache.get(file)
  if (hit) return hit
  const reading = read(file).then((entry) => {
    if (!entry) cache.delete(file)
    return entry
  })
  cache.set(file, reading)
  return reading
}

/**
 * The CSP sources that let index.html's own inline scripts run (the opening screen's preloads, see
 * scripts/routePreloads.ts): each by the SHA-256 of its text, so no other inline script can. None
 * when the build has no index.html (the BFF without its SPA).
 */
export function inlineScriptSources(rootDir: string): string[] {
  let html: string
  try {
    html = readFileSync(join(rootDir, 'index.html'), 'utf8')
  } catch {
    return []
  }
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
  )
}

/**
 * Reads and compresses every file of the SPA ahead of the first visit, two at a time (requests
 * for a file not yet ready start it at once). Resolves with the number of files prepared.
 */
export async function warmStatic(rootDir: string): Promise<number> {
  const root = resolve(rootDir)
  let files: string[]
  try {
    files = (await readdir(root, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
  } catch {
    return 0
  }
  // index.html first: it is what every visit asks for before anything else.
  files.sort((a, b) => Number(b.endsWith('index.html')) - Number(a.endsWith('index.html')))
  let next = 0
  let ready = 0
  const worker = async () => {
    while (next < files.length) if (await load(files[next++])) ready++
  }
  await Promise.all([worker(), worker()])
  return ready
}

export function createStaticHandler(rootDir: string) {
  const root = resolve(rootDir)

  /** `subpath` is what follows /ops/ in the URL, still percent-encoded. */
  return async function serveSpa(req: Request, subpath: string): Promise<Response | null> {
    let decoded: string
    try {
      decoded = decodeURIComponent(subpath)
    } catch {
      return null
    }
    if (decoded.includes('\0') || decoded.split(/[/\\]/).includes('..')) return null
    const rel = decoded === '' ? 'index.html' : decoded
    const file = resolve(join(root, rel))
    if (file !== root && !file.startsWith(root + sep)) return null
    const entry = await load(file)
    if (!entry) return null

    const immutable = rel.startsWith('assets/') && /[-.][\w-]{8,}\.\w+$/.test(rel)
    const headers = new Headers({
      'content-type': entry.type,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag: entry.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    })
    if (req.headers.get('if-none-match') === entry.etag) return new FastResponse(null, { status: 304, headers })
    const accepts = req.headers.get('accept-encoding') ?? ''
    let body: Buffer = entry.raw
    if (entry.br && /\bbr\b/.test(accepts)) {
      body = entry.br
      headers.set('content-encoding', 'br')
    } else if (entry.gzip && /\bgzip\b/.test(accepts)) {
      body = entry.gzip
      headers.set('content-encoding', 'gzip')
    }
    headers.set('content-length', String(body.byteLength))
    return new FastResponse(req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers })
  }
}
