// For auth's deletion of guest accounts nobody uses: when the latest event a person has tickets for
// starts, counting their own orders (any status) and the tickets passed on to them. Auth keeps a guest
// until a while after it (GUEST_RETENTION_DAYS), so nobody loses their account before their event.
import type { Event } from '@easypass/contracts/catalog'
import type { Models } from '../../db'

/** Orders one person may have at most for this answer; beyond it they are surely not an unused guest. */
const ENOUGH = 1_000

export interface LastEventDeps {
  models: Pick<Models, 'Order' | 'TicketHolder'>
  /** An order written before it carried its event's date asks catalog (404: null, the event is gone). */
  catalog: { event(id: string): Promise<Event | null> }
}

export function lastEventOf({ models, catalog }: LastEventDeps) {
  return async (userId: string): Promise<{ orders: number; lastEventAt: string | null }> => {
    const own = await models.Order.find({ userId }, { eventId: 1, eventStartsAt: 1 }).limit(ENOUGH).lean()
    const held = await models.TicketHolder.find({ userId }, { orderId: 1 }).limit(ENOUGH).lean()
    const heldOrders = held.length ? await models.Order.find({ _id: { $in: [...new Set(held.map((h) => h.orderId))] } }, { eventId: 1, eventStartsAt: 1 }).lean() : []
    const orders = [...own, ...heldOrders]
    let last: number | undefined
    for (const order of orders) {
      // Catalog away: the call fails (503) and auth keeps the guest this time.
      const startsAt = order.eventStartsAt ?? (await catalog.event(order.eventId))?.startsAt
      const at = startsAt ? new Date(startsAt).getTime() : undefined
      if (at !== undefined && (last === undefined || at > last)) last = at
    }
    return { orders: own.length, lastEventAt: last === undefined ? null : new Date(last).toISOString() }
  }
}
