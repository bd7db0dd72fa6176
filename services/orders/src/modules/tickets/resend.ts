// "Email my tickets again": the order confirmation sent once more, through the same email consumer as
// the first (the fact `orders.tickets-resent` carries what `orders.order-paid` carried). At most one
// request per order every few minutes: each one is an email.
import type { Redis } from 'ioredis'
import type { Principal } from '@easypass/contracts'
import type { FactData } from '@easypass/contracts/facts'
import { fact, fail, type Outbox } from '@easypass/kit'
import { settleFact } from '../orders/settlement'
import { statusOf, type OrderStore } from '../orders/store'

export const RESEND_EVERY_SECONDS = 300

export function ticketResender(deps: { store: OrderStore; outbox: Outbox; redis: Redis; prefix: string }) {
  const { store, outbox, redis, prefix } = deps
  return async function resend(orderId: string, principal: Principal): Promise<{ message: string; to: string }> {
    const state = await store.visible(orderId, principal)
    if (statusOf(state) !== 'paid') throw fail('CONFLICT', 'only the tickets of a paid order can be emailed')
    const paid = state.settle ? settleFact(state.doc, state.settle) : null
    if (!paid || paid.subject !== 'orders.order-paid') throw fail('CONFLICT', 'only the tickets of a paid order can be emailed')
    const data = paid.data as FactData['orders.order-paid']
    // The address the order was bought with; an older order without one goes to its owner's address now.
    const to = data.userEmail ?? (principal.id === state.doc.userId ? principal.email : undefined)
    if (!to) throw fail('CONFLICT', 'no email address is known for this order')
    const key = `${prefix}:orders:tickets-resent:${orderId}`
    if ((await redis.set(key, '1', 'EX', RESEND_EVERY_SECONDS, 'NX')) !== 'OK') {
      const wait = Math.max(1, await redis.ttl(key))
      throw fail('RATE_LIMITED', 'the tickets of this order were emailed a moment ago: check the inbox (and spam folder) first', { retryAfterSeconds: wait })
    }
    const at = Date.now()
    await outbox.record([fact('orders.tickets-resent', { ...data, userEmail: to }, `tickets-resent:${orderId}:${at}`)])
    return { message: `The tickets are on their way to ${to}.`, to }
  }
}
export type TicketResender = ReturnType<typeof ticketResender>
