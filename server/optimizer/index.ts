/**
 * The route optimizer. `optimizeInWorker` runs a solve on a worker thread so the BFF keeps
 * serving meanwhile; `solve` runs in the calling thread (CLI, tests, benchmarks).
 */
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { SolveAbortedError } from './solver'
import type { VrpProblem, VrpSolution, VrpSummary } from './types'
import type { WorkerMessage, WorkerRequest } from './worker'

export { solve, SolveAbortedError } from './solver'
export { geoTravel, haversineM, DEFAULT_GEO_METRIC, DEFAULT_DETOUR_FACTOR, DEFAULT_SPEED_KMH } from './travel'
export type * from './types'

export interface WorkerOptions {
  timeBudgetMs: number
  seed?: number
  /** See VrpOptions.iterations. */
  iterations?: number
  onProgress?: (progress: { fraction: number; best: VrpSummary }) => void
  signal?: AbortSignal
  /** Time allowed past the budget (start-up, the last round, sending the plan) before giving up. */
  graceMs?: number
  /** Memory cap for the worker's heap, in MB (a runaway solve then fails alone, on its own thread). */
  maxHeapMb?: number
}

/**
 * The worker's code. Compiled (dist/server/, as production runs), it is the bundle's
 * optimizer-worker.js beside this one, started as it is. From the TypeScript sources (under
 * `node --import tsx`, `tsx` and vitest), a small script registers tsx's loader in the new thread,
 * then loads ./worker.ts.
 */
const COMPILED = !import.meta.url.endsWith('.ts')
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads')
import(workerData.tsxApi).then((api) => { api.register(); return import(workerData.entry) })
`

/** tsx's ESM API ("import" condition of tsx/esm/api), located from its CommonJS twin beside it. */
const tsxEsmApi = () =>
  pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs')

function startWorker(maxHeapMb?: number): Worker {
  const resourceLimits = maxHeapMb ? { maxOldGenerationSizeMb: maxHeapMb } : undefined
  const worker = COMPILED
    ? new Worker(new URL('./optimizer-worker.js', import.meta.url), { execArgv: [], resourceLimits })
    : new Worker(BOOTSTRAP, {
        eval: true,
        execArgv: [],
        workerData: { tsxApi: tsxEsmApi(), entry: new URL('./worker.ts', import.meta.url).href },
        resourceLimits,
      })
  worker.on('exit', () => {
    if (idle === worker) idle = null
  })
  // Without listeners an idle worker's failure would be thrown in this thread.
  worker.on('error', () => undefined)
  return worker
}

/** One warm worker kept between solves (unreferenced, so it never keeps the process alive). */
let idle: Worker | null = null

/** Solves on a worker thread within the time budget; rejects on cancel, crash or overrun. */
export function optimizeInWorker(problem: VrpProblem, options: WorkerOptions): Promise<VrpSolution> {
  return new Promise<VrpSolution>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new SolveAbortedError())
      return
    }
    const request: WorkerRequest = {
      problem,
      timeBudgetMs: options.timeBudgetMs,
      deadline: Date.now() + options.timeBudgetMs,
      seed: options.seed,
      iterations: options.iterations,
    }
    const pooled = options.maxHeapMb === undefined
    let worker: Worker
    if (pooled && idle) {
      worker = idle
      idle = null
    } else worker = startWorker(options.maxHeapMb)
    worker.ref()

    let settled = false
    const grace = options.graceMs ?? Math.max(3000, options.timeBudgetMs * 0.25)
    const onMessage = (message: WorkerMessage): void => {
      if (message.type === 'progress') options.onProgress?.({ fraction: message.fraction, best: message.best })
      else if (message.type === 'done') finish(null, message.solution)
      else finish(new Error(`The optimization failed: ${message.message}`))
    }
    const onError = (error: unknown): void =>
      finish(new Error(`The optimization worker crashed: ${error instanceof Error ? error.message : String(error)}`))
    const onExit = (code: number): void =>
      finish(new Error(`The optimization worker stopped unexpectedly (exit code ${code}).`))
    const onAbort = (): void => finish(new SolveAbortedError())
    const finish = (error: Error | null, solution?: VrpSolution): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
      if (solution && pooled && idle === null) {
        worker.unref()
        idle = worker
      } else void worker.terminate()
      if (error) reject(error)
      else if (solution) resolve(solution)
    }
    const timer = setTimeout(
      () =>
        finish(
          new Error(
            `The optimization did not finish within its budget (${options.timeBudgetMs} ms plus ${Math.round(grace)} ms): it was stopped.`,
          ),
        ),
      options.timeBudgetMs + grace,
    )
    options.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', onMessage)
    worker.on('error', onError)
    worker.on('exit', onExit)
    worker.postMessage(request)
  })
}
