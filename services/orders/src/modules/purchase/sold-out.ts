// Requests that cannot fit whatever becomes of the holds in flight (capacity − sold < quantity, of a
// type or of a pool of capacity its types share) are
// answered SOLD_OUT from the availability ticketing publishes after every change, without a trip
// through the inventory queue. After a sell-out that is every request, and each would otherwise
// cost a hold op in a batch of the event's queue. Only a refund or a capacity change makes room
// again, and its own availability update follows within milliseconds; an update older than
// `maxAgeMs` is not trusted (missed messages), and anything else is left to ticketing to decide.
import { MAX_ORDER_TOTAL_CENTS, poolSoldOutRefusal, soldOutRefusal, type Availability } from '@easypass/contracts/inventory'
import { errorAnswer, type Answer } from '../orders/settlement'

type Published = Availability['ticketTypes'][number]
type PublishedPool = NonNullable<Availability['pools']>[number]

interface Snapshot {
  seq: number
  at: number
  types: Map<string, Published>
  /** Shared capacity: a request asking a pool for more than its capacity less what its types sold cannot fit either. */
  pools: PublishedPool[]
}

export function soldOutBoard(maxAgeMs = 10_000) {
  const events = new Map<string, Snapshot>()

  return {
    /** An availability update from ticketing; older ones (a lower seq) than what is known are ignored. */
    update(view: Availability) {
      if (!view?.eventId || !Array.isArray(view.ticketTypes)) return
      const known = events.get(view.eventId)
      const seq = typeof view.seq === 'number' ? view.seq : 0
      if (known && seq < known.seq) return
      const pools = Array.isArray(view.pools) ? view.pools.map((p) => ({ ...p, ticketTypeIds: p.ticketTypeIds.map((id) => id.toLowerCase()) })) : []
      events.set(view.eventId, { seq, at: Date.now(), types: new Map(view.ticketTypes.map((t) => [t.id.toLowerCase(), t])), pools })
      if (events.size > 10_000) for (const [id, s] of events) if (Date.now() - s.at > maxAgeMs) events.delete(id)
    },

    /** Forgets every update (some were missed): ticketing decides until the next ones come. */
    clear() {
      events.clear()
    },

    /**
     * The SOLD_OUT answer ticketing would give, when the last update proves it; null when ticketing
     * must decide (unknown or stale event, any line ticketing would refuse for another reason first).
     */
    refusal(eventId: string, lines: Array<{ ticketTypeId: string; quantity: number }>, now = Date.now()): Answer | null {
      const snapshot = events.get(eventId)
      if (!snapshot || now - snapshot.at > maxAgeMs) return null
      const typed = lines.map((l) => ({ line: l, type: snapshot.types.get(l.ticketTypeId) }))
      for (const { line, type } of typed) {
        if (!type || line.quantity > type.maxPerOrder) return null
        if ((type.salesStart && now < Date.parse(type.salesStart)) || (type.salesEnd && now >= Date.parse(type.salesEnd))) return null
      }
      if (new Set(typed.map((t) => t.type!.currency)).size > 1) return null
      // Above what one charge may take: ticketing refuses that first (400), whatever is left.
      if (typed.reduce((sum, { line, type }) => sum + line.quantity * type!.priceCents, 0) > MAX_ORDER_TOTAL_CENTS) return null
      const cannotFit = typed.filter(({ line, type }) => type!.capacity - type!.sold < line.quantity)
      if (cannotFit.length) {
        const refusal = soldOutRefusal(cannotFit.map(({ line, type }) => ({ ticketTypeId: type!.id, name: type!.name, requested: line.quantity, available: Math.max(0, type!.available) })))
        return errorAnswer(409, 'SOLD_OUT', refusal.message, refusal.details)
      }
      for (const pool of snapshot.pools) {
        const inPool = typed.filter(({ type }) => pool.ticketTypeIds.includes(type!.id.toLowerCase()))
        const asked = inPool.reduce((sum, { line }) => sum + line.quantity, 0)
        if (!asked || pool.capacity - pool.sold >= asked) continue
        const refusal = poolSoldOutRefusal(pool, Math.max(0, pool.available), inPool.map(({ line, type }) => ({ ticketTypeId: type!.id, name: type!.name, requested: line.quantity, available: Math.max(0, type!.available) })))
        return errorAnswer(409, 'SOLD_OUT', refusal.message, refusal.details)
      }
      return null
    },
  }
}
export type SoldOutBoard = ReturnType<typeof soldOutBoard>
