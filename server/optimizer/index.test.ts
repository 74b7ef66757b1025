import { describe, expect, it } from 'vitest'
import { optimizeInWorker } from './index'
import { syntheticDay } from './synthetic'
import { validatePlan } from './validate'

describe('optimizeInWorker', () => {
  it('solves on a worker thread, relaying progress, while this thread keeps running', async () => {
    const problem = syntheticDay({ technicians: 6, jobs: 30, seed: 1 })
    const fractions: number[] = []
    let ticks = 0
    const timer = setInterval(() => ticks++, 20)
    const solution = await optimizeInWorker(problem, {
      timeBudgetMs: 3000,
      seed: 1,
      onProgress: (p) => fractions.push(p.fraction),
    })
    clearInterval(timer)
    expect(validatePlan(problem, solution).problems).toEqual([])
    expect(fractions.length).toBeGreaterThan(0)
    expect(ticks).toBeGreaterThan(10)
  })

  it('gives the same plan as in-process for the same seed and rounds', async () => {
    const problem = syntheticDay({ technicians: 4, jobs: 20, seed: 2 })
    const { solve } = await import('./solver')
    const here = solve(problem, { timeBudgetMs: 30_000, seed: 4, iterations: 300 })
    const there = await optimizeInWorker(problem, { timeBudgetMs: 30_000, seed: 4, iterations: 300 })
    expect(there.routes).toEqual(here.routes)
  })

  it('rejects with an AbortError when cancelled', async () => {
    const controller = new AbortController()
    const problem = syntheticDay({ technicians: 10, jobs: 60, seed: 3 })
    const pending = optimizeInWorker(problem, { timeBudgetMs: 20_000, signal: controller.signal })
    setTimeout(() => controller.abort(), 300)
    await expect(pending).rejects.toMatchObject({ name: 'AbortError', message: 'The optimization was cancelled.' })
    // The cancelled thread is gone; the next solve gets a new one.
    const next = await optimizeInWorker(problem, { timeBudgetMs: 20_000, seed: 2, iterations: 50 })
    expect(validatePlan(problem, next).problems).toEqual([])
  })

  it('rejects clearly when the worker runs out of memory', async () => {
    const problem = syntheticDay({ technicians: 50, jobs: 3000, seed: 4 })
    await expect(optimizeInWorker(problem, { timeBudgetMs: 5000, maxHeapMb: 4 })).rejects.toThrow(
      /The optimization worker (crashed|stopped unexpectedly)/,
    )
  })

  it('keeps a warm thread between solves: the second starts without paying the start-up again', async () => {
    const problem = syntheticDay({ technicians: 3, jobs: 10, seed: 6 })
    await optimizeInWorker(problem, { timeBudgetMs: 20_000, iterations: 10 })
    const t0 = performance.now()
    const again = await optimizeInWorker(problem, { timeBudgetMs: 20_000, iterations: 10 })
    expect(validatePlan(problem, again).problems).toEqual([])
    expect(performance.now() - t0).toBeLessThan(1000)
  })

  it('rejects clearly when the budget is overrun', async () => {
    // A fresh thread (a heap cap is never pooled): its start-up alone outlasts 1 ms with no grace.
    const problem = syntheticDay({ technicians: 4, jobs: 20, seed: 5 })
    await expect(optimizeInWorker(problem, { timeBudgetMs: 1, graceMs: 0, maxHeapMb: 256 })).rejects.toThrow(
      /did not finish within its budget \(1 ms plus 0 ms\)/,
    )
  })
})
