/**
 * A per-upstream circuit breaker: after `threshold` consecutive failures (refused connections,
 * timeouts) the upstream is not tried for `openMs`; then one request probes it (half-open) and
 * its outcome closes or reopens the circuit. A dead service then costs callers nothing.
 */
export class CircuitBreaker {
  private failures = 0
  private openUntil = 0
  private probing = false

  constructor(
    private readonly threshold: number,
    private readonly openMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.failures < this.threshold) return 'closed'
    return this.now() < this.openUntil ? 'open' : 'half-open'
  }

  /**
   * Whether a call may go ahead. Every allowed call must end in exactly one of `succeeded`, `failed`
   * or `abandoned`, or a half-open circuit would wait for its probe forever.
   */
  tryAcquire(): boolean {
    const state = this.state
    if (state === 'closed') return true
    if (state === 'open' || this.probing) return false
    this.probing = true
    return true
  }

  succeeded() {
    this.failures = 0
    this.probing = false
  }

  failed() {
    this.failures++
    this.probing = false
    if (this.failures >= this.threshold) this.openUntil = this.now() + this.openMs
  }

  /** The call ended without saying anything about the upstream (the client went away). */
  abandoned() {
    this.probing = false
  }
}
