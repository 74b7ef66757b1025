/**
 * The optimizer's worker thread: solves each request it receives, one at a time, posting
 * progress now and then and the plan at the end (see optimizeInWorker in ./index). The thread
 * stays up between requests so the next one does not pay its start-up.
 */
import { parentPort } from 'node:worker_threads'
import { solve } from './solver'
import type { VrpProblem, VrpSolution, VrpSummary } from './types'

export interface WorkerRequest {
  problem: VrpProblem
  timeBudgetMs: number
  /** Epoch ms by which the plan is due: the thread's start-up counts against the budget. */
  deadline: number
  seed?: number
  iterations?: number
}

export type WorkerMessage =
  | { type: 'progress'; fraction: number; best: VrpSummary }
  | { type: 'done'; solution: VrpSolution }
  | { type: 'failed'; message: string }

const port = parentPort
port?.on('message', (request: WorkerRequest) => {
  const post = (message: WorkerMessage): void => port.postMessage(message)
  try {
    const solution = solve(request.problem, {
      timeBudgetMs: Math.max(0, Math.min(request.timeBudgetMs, request.deadline - Date.now())),
      seed: request.seed,
      iterations: request.iterations,
      onProgress: (p) => post({ type: 'progress', fraction: p.fraction, best: p.best }),
    })
    post({ type: 'done', solution })
  } catch (error) {
    post({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
  }
})
