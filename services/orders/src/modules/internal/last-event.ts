// For auth's deletion of guest accounts nobody uses: when the latest event a person has tickets for
// starts, counting their own orders (any status) and the tickets passed on to them, each event at the
// later of its date at the sale and its date now. Auth keeps a guest
// until a while after it (GUEST_RETENTION_DAYS), so nobody loses their account before their event; and
// the language of their newest order, which auth tells a guest in before deleting the account.
import type { Event } from '@easypass/contracts/catalog'
import { isLanguage, type Language } from '@easypass/contracts/languages'
import type { Models } from '../../db'

/** Orders one person may have at most for this answer; beyond it they are surely not an unused guest. */
const ENOUGH = 1_000

export interface LastEventDeps {
  models: Pick<Models, 'Order' | 'TicketHolder'>
  /** The event as it is now (404: null, the event is gone): an event moved to a later date after the sale counts at its new date. */
  catalog: { event(id: string): Promise<Event | null> }
}

export function lastEventOf({ models, catalog }: LastEventDeps) {
  return async (userId: string): Promise<{ orders: number; lastEventAt: string | null; language?: Language }> => {
    const own = await models.Order.find({ userId }, { eventId: 1, eventStartsAt: 1, language: 1, createdAt: 1 }).limit(ENOUGH).lean()
    // The newest order placed in a language we speak (an order without one, or an unknown one, says nothing).
    const newest = own.filter((o) => isLanguage(o.language)).reduce<(typeof own)[number] | undefined>((a, b) => (!a || new Date(b.createdAt).getTime() > new Date(a.createdAt).getTime() ? b : a), undefined)
    const held = await models.TicketHolder.find({ userId }, { orderId: 1 }).limit(ENOUGH).lean()
    const heldOrders = held.length ? await models.Order.find({ _id: { $in: [...new Set(held.map((h) => h.orderId))] } }, { eventId: 1, eventStartsAt: 1 }).lean() : []
    // Each event once: the date the order kept from its sale, and the one catalog has now (catalog away: 503, and auth keeps the guest this time).
    const events = new Map<string, number | undefined>()
    for (const order of [...own, ...heldOrders]) {
      const kept = order.eventStartsAt ? new Date(order.eventStartsAt).getTime() : undefined
      events.set(order.eventId, Math.max(events.get(order.eventId) ?? -Infinity, kept ?? -Infinity))
    }
    let last = -Infinity
    for (const [eventId, kept] of events) {
      const now = (await catalog.event(eventId))?.startsAt
      last = Math.max(last, kept ?? -Infinity, now ? new Date(now).getTime() : -Infinity)
    }
    return { orders: own.length, lastEventAt: Number.isFinite(last) ? new Date(last).toISOString() : null, ...(newest && isLanguage(newest.language) ? { language: newest.language } : {}) }
  }
}
