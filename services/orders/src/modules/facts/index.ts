// Facts orders reacts to (durable JetStream consumer `orders`; every handler is idempotent):
//   ticketing.hold-expired      → the order ends `expired` (fact `orders.order-expired`)
//   ticketing.hold-withdrawn    → the order ends `cancelled`: its ticket type was removed (`orders.order-cancelled`)
//   catalog.event-cancelled     → refund every paid order of the event, release every hold
//   catalog.event-deleted       → the same, for what a delete found none of (holds) or raced with
//   payments.payment-succeeded  → a charge must end as a paid order or be refunded: look at the order
//   auth.account-closed         → forget the person's address and saved billing details (`forgetAccount`)
import type { Fact } from '@easypass/contracts/facts'
import { isObjectId, type Bus, type Logger } from '@easypass/kit'
import type { CatalogClient, PaymentsClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import type { DirtyOrders, OrderLocks, SettledOrders } from '../coordination'
import type { Settlement } from '../orders/settlement'
import type { OrderStore } from '../orders/store'
import type { Cancellations } from '../reconciler/cancellations'
import type { Models } from '../../db'

export interface FactsDeps {
  config: OrdersConfig
  models: Pick<Models, 'Order' | 'OrderDraft' | 'TicketHolder' | 'Transfer' | 'BillingProfile' | 'Billing' | 'OrderAnswer'>
  bus: Bus
  store: OrderStore
  settlement: Settlement
  payments: PaymentsClient
  catalog: CatalogClient
  locks: OrderLocks
  dirty: DirtyOrders
  settled: SettledOrders
  cancellations: Cancellations
  onCancellation: () => void
  log: Logger
}

/** How long a withdrawal's fact comes again while its order is not stored yet or busy (a hold made without an order never is). */
const WITHDRAWAL_RETRY_MS = 5 * 60_000

export function factHandlers({ config, store, settlement, payments, catalog, locks, dirty, settled, cancellations, onCancellation, log }: Omit<FactsDeps, 'bus'>) {
  return {
    /**
     * Ticketing ended the hold by itself: it ran out, or its ticket type was removed. The worker
     * finds either at the hold's end; a withdrawal must not wait that long, so while its order is not
     * stored yet (the purchase is still writing it) or is busy, its fact comes again a little later.
     */
    async holdEnded(orderId: string, to: 'expired' | 'cancelled', occurredAt?: string) {
      const young = to === 'cancelled' && Date.now() - Date.parse(occurredAt ?? '') < WITHDRAWAL_RETRY_MS
      const state = await store.load(orderId)
      if (!state) {
        if (young) throw new Error(`order ${orderId} not stored yet`)
        return
      }
      if (state.settle || state.refund) return
      const lock = await locks.tryAcquire(orderId)
      // Someone is working on it (a payment racing the expiry): that flow learns of the expiry from
      // ticketing itself; the worker looks again later anyway.
      if (!lock) {
        await dirty.mark(orderId, Date.now() + 5_000)
        if (young) throw new Error(`order ${orderId} busy`)
        return
      }
      try {
        const fresh = await store.load(orderId)
        if (!fresh || fresh.settle || fresh.refund) return
        // paymentChecked stays false: the worker then makes sure no charge of this order went through.
        const reason = to === 'expired' ? 'the hold expired before the order was paid' : 'the organizer withdrew the tickets it held'
        await settlement.settle(fresh, to, { reason, by: 'system' })
      } finally {
        await lock.release()
      }
    },

    async paymentSucceeded(orderId: string) {
      const ended = await settled.settledAs(orderId)
      if (ended === 'paid' || ended === 'refunded') return
      if (ended === null) {
        // Usually its purchase is still deciding (the charge's fact outruns the order's settle): no
        // database read now. If that flow dies, the reconciler finishes the order from this mark.
        await dirty.mark(orderId, Date.now() + config.RECONCILE_AFTER_MS)
        return
      }
      // It ended unpaid, yet a charge went through: refund it.
      const state = await store.load(orderId)
      if (!state?.settle || state.settle.to === 'paid') return
      const payment = await payments.orderPayment(orderId)
      if (payment?.status === 'succeeded') {
        log.warn({ orderId, paymentId: payment.paymentId, settled: state.settle.to }, 'a charge went through for an order that ended unpaid: refunding it')
        await payments.refund(orderId, `the order ended ${state.settle.to}`)
      }
    },

    async eventCancelled(eventId: string, title: string | undefined, occurredAt: string, kind: 'cancelled' | 'deleted' = 'cancelled') {
      // Refunding every buyer is asked of catalog, which records the cancellation (or the delete) before
      // its fact: an event it shows as neither is not refunded on the word of a message alone. Catalog
      // away: the fact comes again later.
      const event = await catalog.event(eventId, true)
      if (event && event.status !== 'cancelled') {
        log.error({ eventId, kind, status: event.status }, 'a cancellation fact for an event catalog shows as not cancelled: ignored')
        return
      }
      const at = new Date(occurredAt)
      await cancellations.record(eventId, title, Number.isNaN(at.getTime()) ? new Date() : at, kind)
      onCancellation()
    },
  }
}

/**
 * An account was closed: what orders keeps of the person and need not keep goes. Their address leaves
 * their orders (and unfinished drafts), the tickets passed on to them and the offers they made; their
 * saved billing details go, and the billing details and answers of orders that ended unpaid. What stays,
 * as accounting and the door need it: the orders themselves, their tickets and codes (still valid), the
 * billing details an invoice was made out to, the names on tickets and the answers an organiser asked for. Each write may run again (a redelivered fact changes nothing).
 */
export async function forgetAccount(models: FactsDeps['models'], userId: unknown, log: Logger) {
  // Never a filter without the account in it: that would forget everyone.
  if (!isObjectId(userId)) {
    log.error({ userId }, 'an account-closed fact without a usable account id: ignored')
    return
  }
  // (Orders sold at the door or given away are under the seller's or giver's id, with the buyer's or
  // guest's address: theirs, kept for their refund notices and messages.)
  const own = { userId, userEmail: { $exists: true }, boxOffice: { $exists: false }, complimentary: { $exists: false } }
  const [orders, drafts, held, offered] = await Promise.all([
    models.Order.updateMany(own, { $unset: { userEmail: 1 } }),
    models.OrderDraft.updateMany(own, { $unset: { userEmail: 1 } }),
    models.TicketHolder.updateMany({ userId, email: { $exists: true } }, { $unset: { email: 1 } }),
    models.Transfer.updateMany({ fromUserId: userId, fromEmail: { $exists: true } }, { $unset: { fromEmail: 1 } }),
    models.BillingProfile.deleteOne({ _id: userId }),
  ])
  // Orders that ended unpaid (their end is final): no invoice will be made out to their billing details,
  // and no organiser needs their answers. (As the projection says: one it has not caught up with stays.)
  const ended = (await models.Order.find({ userId, status: { $in: ['cancelled', 'expired', 'failed'] } }, { _id: 1 }).lean<Array<{ _id: string }>>()).map((o) => o._id)
  const [billing, answers] = ended.length
    ? await Promise.all([models.Billing.deleteMany({ _id: { $in: ended } }), models.OrderAnswer.deleteMany({ _id: { $in: ended } })])
    : [{ deletedCount: 0 }, { deletedCount: 0 }]
  log.info({ userId, orders: orders.modifiedCount, drafts: drafts.modifiedCount, held: held.modifiedCount, offered: offered.modifiedCount, billing: billing.deletedCount, answers: answers.deletedCount }, 'a closed account was forgotten')
}

/** The facts orders follows, with its durable consumer `orders` (NATS allows its user these consumers only: stack/nats/users.conf). */
export const ORDERS_CONSUMER = 'orders'
export const CONSUMED = ['ticketing.hold-expired', 'ticketing.hold-withdrawn', 'catalog.event-cancelled', 'catalog.event-deleted', 'payments.payment-succeeded', 'auth.account-closed'] as const

export async function consumeFacts(deps: FactsDeps): Promise<() => Promise<void>> {
  const handlers = factHandlers(deps)
  return deps.bus.consume(ORDERS_CONSUMER, [...CONSUMED], async (f: Fact) => {
    switch (f.subject) {
      case 'auth.account-closed':
        return forgetAccount(deps.models, (f as Fact<'auth.account-closed'>).data.userId, deps.log)
      case 'ticketing.hold-expired':
        return handlers.holdEnded((f as Fact<'ticketing.hold-expired'>).data.orderId, 'expired')
      case 'ticketing.hold-withdrawn':
        return handlers.holdEnded((f as Fact<'ticketing.hold-withdrawn'>).data.orderId, 'cancelled', f.occurredAt)
      case 'catalog.event-deleted': {
        const data = (f as Fact<'catalog.event-deleted'>).data
        return handlers.eventCancelled(data.eventId, data.title, f.occurredAt, 'deleted')
      }
      case 'payments.payment-succeeded':
        return handlers.paymentSucceeded((f as Fact<'payments.payment-succeeded'>).data.orderId)
      case 'catalog.event-cancelled': {
        const data = (f as Fact<'catalog.event-cancelled'>).data
        return handlers.eventCancelled(data.eventId, data.title, f.occurredAt)
      }
    }
  })
}
