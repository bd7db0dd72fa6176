/**
 * Under the local launcher or the test harness (`EASYPASS_SUPERVISOR_PID`): when the supervisor
 * dies without stopping us (killed, crashed), call `stop` instead of lingering as an orphan that
 * holds ports and CPU. No dependencies, so the web process can use it too.
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
