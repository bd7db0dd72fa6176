// "Email my tickets again": the order confirmation sent once more, through the same email consumer as
// the first (the fact `orders.tickets-resent` carries what `orders.order-paid` carried). At most one
// request per order every few minutes: each one is an email. Notifications checks the order is still
// paid when it renders the email (a refund may land while the fact waits).
import type { Redis } from 'ioredis'
import type { Principal } from '@easypass/contracts'
import type { FactData } from '@easypass/contracts/facts'
import { fact, fail, type Outbox } from '@easypass/kit'
import { viaRedis } from '../coordination'
import { settleFact } from '../orders/settlement'
import { statusOf, type OrderStore } from '../orders/store'
import { ticketIdsOf, type TicketsService } from './service'

export const RESEND_EVERY_SECONDS = 300

/** Deletes the key only while it still holds this request's token. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export function ticketResender(deps: { store: OrderStore; tickets: Pick<TicketsService, 'holdersElsewhere'>; outbox: Outbox; redis: Redis; prefix: string }) {
  const { store, tickets, outbox, redis, prefix } = deps
  return async function resend(orderId: string, principal: Principal): Promise<{ message: string; to: string }> {
    const state = await store.visible(orderId, principal)
    const paid = statusOf(state) === 'paid' && state.settle ? settleFact(state.doc, state.settle) : null
    if (!paid || paid.subject !== 'orders.order-paid') throw fail('CONFLICT', 'only the tickets of a paid order can be emailed')
    const data = paid.data as FactData['orders.order-paid']
    // The address the order was bought with; an older order without one goes to its owner's address now.
    // Sold at the door without an address: the seller's own address is not the buyer's.
    const to = data.userEmail ?? (principal.id === state.doc.userId && !state.doc.boxOffice ? principal.email : undefined)
    if (!to) throw fail('CONFLICT', 'no email address is known for this order')
    // The email carries the codes its buyer holds: none left, nothing to send.
    if ((await tickets.holdersElsewhere(state.doc)).length === ticketIdsOf(state.doc).length)
      throw fail('CONFLICT', 'every ticket of this order was passed on to someone else: their codes are theirs')
    const key = `${prefix}:orders:tickets-resent:${orderId}`
    const token = crypto.randomUUID()
    if ((await viaRedis(() => redis.set(key, token, 'EX', RESEND_EVERY_SECONDS, 'NX'))) !== 'OK') {
      const wait = Math.max(1, await viaRedis(() => redis.ttl(key)))
      throw fail('RATE_LIMITED', 'the tickets of this order were emailed a moment ago: check the inbox (and spam folder) first', { retryAfterSeconds: wait })
    }
    try {
      await outbox.record([fact('orders.tickets-resent', { ...data, userEmail: to }, `tickets-resent:${orderId}:${Date.now()}`)])
    } catch {
      // Nothing was queued: the limit is given back, so that asking again works at once.
      await redis.eval(RELEASE, 1, key, token).catch(() => {})
      throw fail('UNAVAILABLE', 'the email could not be queued right now, try again in a moment', { retryAfterSeconds: 2 })
    }
    return { message: `The tickets are on their way to ${to}.`, to }
  }
}
export type TicketResender = ReturnType<typeof ticketResender>
