// Parts of a page that show the same order hear of each other's changes: a refund made on the order's
// card makes its invoice documents (a new credit note) load again, wherever they are on the page.
import { useEffect } from 'preact/hooks'

const listeners = new Map<string, Set<() => void>>()

/** Something about the order changed here (a refund, of it or of some of its tickets). */
export function orderChanged(orderId: string) {
  for (const listener of listeners.get(orderId) ?? []) listener()
}

/** Calls `then` after each change of the order made on this page. */
export function useOrderChanges(orderId: string, then: () => void) {
  useEffect(() => {
    const set = listeners.get(orderId) ?? new Set()
    listeners.set(orderId, set)
    set.add(then)
    return () => {
      set.delete(then)
      if (!set.size) listeners.delete(orderId)
    }
  }, [orderId, then])
}
