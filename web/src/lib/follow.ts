// Following an order whose hold or payment is still being decided (answered 202, or `pending`).
import { api, isTransient } from './api'
import type { Order } from './types'

/** A pending order is looked at again after this long at first, then less often, never more than POLL_MAX_MS apart. */
const POLL_FIRST_MS = 1000
const POLL_MAX_MS = 10_000

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}

/**
 * Follows a pending order (202: its hold or payment is being decided) until it is final, however long
 * that takes; a lost answer is asked again. Undefined when `signal` stopped it first.
 */
export async function settle(id: string, signal: AbortSignal): Promise<Order | undefined> {
  for (let wait = POLL_FIRST_MS; !signal.aborted; wait = Math.min(POLL_MAX_MS, Math.round(wait * 1.5))) {
    await pause(wait, signal)
    if (signal.aborted) break
    try {
      const order = await api<Order>(`/orders/${id}`, { signal })
      if (order.status !== 'pending') return order
    } catch (error) {
      if (signal.aborted) break
      if (!isTransient(error)) throw error
    }
  }
  return undefined
}
