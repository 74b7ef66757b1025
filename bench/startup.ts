/**
 * The start-up work a BFF does in the background once it answers (its SPA files compressed, its
 * customer search index built, the week's board and the flows' statistics read once), read from
 * the lines it logs when done. The benches measure a server that has settled, as staff meet it; a
 * visit in the first seconds after a start shares the CPU with that work, and with the embedded
 * ERPNext, which answers those reads on the BFF's own event loop (production's runs apart).
 */
import type { ChildProcess } from 'node:child_process'

/** The BFF's start command as production runs it (Dockerfile): node's arguments, from the app's root. */
export const SERVER_ARGS = ['--enable-source-maps', 'dist/server/main.js']

const STARTUP_LOGS = [
  /"msg":"SPA files ready to serve"/,
  /"msg":"client search: (index built|first build failed)"/,
  /"msg":"dispatch board: (ready|warm-up failed)"/,
  /"msg":"flows: statistics (ready|warm-up failed)"/,
]
export const STARTUP_WAIT_MS = 120_000

/**
 * Resolves true once the BFF (started with LOG_LEVEL=info and its stdout piped) has logged the end
 * of its start-up work, false after STARTUP_WAIT_MS. The BFF's log keeps being read (and dropped)
 * after that.
 */
export function startupSettled(child: ChildProcess): Promise<boolean> {
  const waiting = new Set(STARTUP_LOGS)
  let tail = ''
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), STARTUP_WAIT_MS)
    child.stdout?.on('data', (chunk: Buffer) => {
      if (waiting.size === 0) return
      const lines = (tail + chunk.toString('utf8')).split('\n')
      tail = lines.pop() ?? ''
      for (const line of lines) for (const done of waiting) if (done.test(line)) waiting.delete(done)
      if (waiting.size === 0) {
        clearTimeout(timer)
        resolve(true)
      }
    })
  })
}
