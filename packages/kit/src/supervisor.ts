/**
 * Under the local launcher or the test harness (`EASYPASS_SUPERVISOR_PID`): when the supervisor
 * dies without stopping us (killed, crashed), call `stop` instead of lingering as an orphan that
 * holds ports and CPU. No dependencies, so the web process can use it too (and `drain`, below).
 */
export function stopWithSupervisor(stop: () => void) {
  const parent = Number(process.env.EASYPASS_SUPERVISOR_PID)
  if (!(parent > 1)) return
  setInterval(() => {
    try {
      process.kill(parent, 0)
    } catch {
      stop()
    }
  }, 1000).unref()
}

let drainingSince = 0

/** True once the process began to drain: its /live answers 503 so that Traefik stops sending to it. */
export const isDraining = () => drainingSince > 0

/**
 * The first step of stopping a process behind Traefik: for `ms` it goes on serving while its /live
 * answers 503, so that Traefik's health check (every 5 s in the stack) takes the replica out of
 * rotation before it stops listening; stopping at once refused the requests Traefik still sent it.
 */
export function drain(ms: number): () => Promise<void> {
  return async () => {
    drainingSince = Date.now()
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
  }
}
