/**
 * What the app fetches or starts for later — the dialogs' code, the scan sheet's, the service
 * worker (whose install downloads the whole app for offline use) — waits until the first screen
 * is up, then a second more: on weak LTE none of it competes with that screen's code and data.
 * Each piece then runs in a task of its own, so a tap is never kept waiting behind all of them.
 */
import { nextTask } from './nextTask'

/** After the router has shown its first screen. */
export const AFTER_FIRST_SCREEN_MS = 1000

const waiting: (() => void)[] = []
let started = false
let due = false

/** Called once the router has settled its first navigation (shown, or failed). */
export function firstScreenShown(): void {
  if (started) return
  started = true
  setTimeout(() => void runWaiting(), AFTER_FIRST_SCREEN_MS)
}

async function runWaiting(): Promise<void> {
  due = true
  for (const [i, task] of waiting.splice(0).entries()) {
    if (i > 0) await nextTask()
    run(task)
  }
}

/** Runs `task` once the first screen has been up a moment (at once if it already has). */
export function afterFirstScreen(task: () => void): void {
  if (due) run(task)
  else waiting.push(task)
}

/** One task failing does not keep the others (the service worker among them) from starting. */
function run(task: () => void): void {
  try {
    task()
  } catch (err) {
    console.warn('work held for after the first screen failed:', err)
  }
}
