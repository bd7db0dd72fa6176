import type { Logger } from './log'

/**
 * Runs `task` now and then `intervalMs` after each run ends (never two at once); a failure is logged as
 * `failure` and the next run tries again. Returns the function that stops it.
 */
export function repeatEvery(intervalMs: number, task: () => Promise<unknown>, log: Logger, failure: string): () => void {
  let stopped = false
  let timer: Timer | undefined
  const run = async () => {
    try {
      await task()
    } catch (error) {
      log.warn({ err: String(error instanceof Error ? error.message : error) }, failure)
    }
    if (!stopped) timer = setTimeout(run, intervalMs)
  }
  void run()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
  }
}
