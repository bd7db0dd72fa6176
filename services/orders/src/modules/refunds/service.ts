// Refunds, each at most once: `<orderId>:refund` is inserted first (a second request loses the insert
// and is answered 409 without touching money or stock), then payments returns the money, ticketing
// returns the seats, the fact is recorded, and `<orderId>:refund-done` closes it. A crash in between
// leaves a refund without its done marker: the worker finishes it (every step is idempotent).
import type { Principal } from '@easypass/contracts'
import { fact, fail, isAdmin, type Logger, type Outbox } from '@easypass/kit'
import type { CatalogClient, PaymentsClient, TicketingClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { refundsTotal } from '../../metrics'
import type { DirtyOrders, OrderLocks } from '../coordination'
import { hashBody, hashKey, type Idempotency } from '../idempotency/service'
import { errorAnswer, Undecided, untilDecided, type Answer } from '../orders/settlement'
import { refundDoneId, refundId, statusOf, toOrder, type OrderState, type OrderStore } from '../orders/store'
import type { TicketsService } from '../tickets/service'

export interface RefundsDeps {
  config: OrdersConfig
  store: OrderStore
  tickets: Pick<TicketsService, 'checkedIn' | 'holdersElsewhere'>
  catalog: CatalogClient
  ticketing: TicketingClient
  payments: PaymentsClient
  locks: OrderLocks
  dirty: DirtyOrders
  outbox: Outbox
  idem: Idempotency
  log: Logger
}

export interface RefundRequest {
  by: string
  reason?: string
  keyHash?: string
  /**
   * The buyer's own refund: refused (403) once the event has started (unless it was cancelled) or a
   * ticket of the order was used at the door. Check-in takes the same order lock, so a scan cannot
   * come between that look and the refund's record.
   */
  byBuyer?: boolean
}

/** The reason of every refund made because the event was cancelled or deleted (it starts with this). */
export const EVENT_CANCELLED = 'the event was cancelled'

const usedAtTheDoor = () => fail('FORBIDDEN', 'a ticket of this order was used at the door: only an admin can refund it now')

export function refundsService({ config, store, tickets, catalog, ticketing, payments, locks, dirty, outbox, idem, log }: RefundsDeps) {
  /** Money back, seats back, fact, done marker. Safe to run again at any point. */
  async function finish(state: OrderState, deadline: number): Promise<OrderState> {
    const { doc } = state
    const refund = state.refund!
    let refundIdValue: string | undefined
    let amountCents = doc.totalCents
    // A payment on record counts, whatever the document's total says (a placeholder answered 202 may
    // never have been priced if its flow died after the payment).
    if (doc.totalCents > 0 || state.settle?.paymentId) {
      const money = await untilDecided(deadline, () => payments.refund(doc._id, refund.reason))
      if (!money) log.warn({ orderId: doc._id }, 'refund: payments knows no succeeded payment of this order')
      refundIdValue = money?.refundId
      // What went back to the card, as payments did it.
      if (money) amountCents = money.amountCents
    }
    const seats = await untilDecided(deadline, () => ticketing.refund(doc.eventId, doc._id))
    if (!seats.ok) log.warn({ orderId: doc._id, code: seats.code, message: seats.message }, 'refund: ticketing returned no seats')
    // Said by the system itself, never read from a reason someone typed ("cancelled my trip").
    const eventCancelled = refund.by === 'system' && !!refund.reason?.startsWith(EVENT_CANCELLED)
    // Whoever holds a ticket of it passed on to them is told too: their ticket is no longer valid.
    const holders = await tickets.holdersElsewhere(doc)
    await outbox.record([
      ...holders.map((h) =>
        fact(
          'orders.held-ticket-refunded',
          { ticketId: h._id, orderId: doc._id, userId: h.userId, eventId: doc.eventId, ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}), ...(h.email ? { userEmail: h.email } : {}), eventCancelled },
          `held-ticket-refunded:${h._id}`,
        ),
      ),
      fact(
        'orders.order-refunded',
        {
          orderId: doc._id,
          userId: doc.userId,
          eventId: doc.eventId,
          ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
          ...(doc.userEmail ? { userEmail: doc.userEmail } : {}),
          amountCents,
          currency: doc.currency,
          ...(refund.reason ? { reason: refund.reason } : {}),
          eventCancelled,
        },
        `order-refunded:${doc._id}`,
      ),
    ])
    const done = await store.insertTransition({ _id: refundDoneId(doc._id), orderId: doc._id, kind: 'refund-done', ...(refundIdValue ? { refundId: refundIdValue } : {}), at: new Date() })
    if (done.won) refundsTotal.inc({ by: refund.by === 'system' ? 'system' : refund.by === doc.userId ? 'buyer' : 'admin' })
    await dirty.mark(doc._id).catch(() => {})
    return { ...state, refundDone: done.doc }
  }

  /**
   * Refunds a paid order once. `keyHash` lets a retry of the very request that asked for it finish
   * it (200) instead of being told it was already refunded (409).
   */
  async function refund(orderId: string, request: RefundRequest): Promise<Answer> {
    const lock = await locks.acquire(orderId, 10_000)
    try {
      let state = await store.load(orderId)
      if (!state) throw fail('NOT_FOUND', 'order not found')
      const ours = (s: OrderState) => !!request.keyHash && s.refund?.keyHash === request.keyHash
      if (state.refund && !ours(state)) throw fail('CONFLICT', 'the order was already refunded')
      if (!state.refund) {
        const status = statusOf(state)
        if (status !== 'paid') throw fail('CONFLICT', `only a paid order can be refunded (this one is ${status})`)
        // Asked only when this request has not recorded its refund yet: a retry of one recorded before
        // the start (answered 202, or its answer lost) finishes it after the start too, as keys promise.
        if (request.byBuyer) {
          const event = await catalog.event(state.doc.eventId, true)
          if (event && event.status !== 'cancelled' && new Date(event.startsAt).getTime() <= Date.now())
            throw fail('FORBIDDEN', 'the event has started: only an admin can refund this order now')
        }
        // Doors open before the start: a buyer who got in does not also get the money back by themselves.
        if (request.byBuyer && (await tickets.checkedIn(state.doc))) throw usedAtTheDoor()
        // Someone else holds a ticket of it now (and may have paid its buyer for it): an admin decides.
        if (request.byBuyer && (await tickets.holdersElsewhere(state.doc)).length) throw fail('FORBIDDEN', 'a ticket of this order was passed on to someone else: only an admin can refund it now')
        await dirty.mark(orderId, Date.now() + config.RECONCILE_AFTER_MS)
        const inserted = await store.insertTransition({
          _id: refundId(orderId),
          orderId,
          kind: 'refund',
          to: 'refunded',
          by: request.by,
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.keyHash ? { keyHash: request.keyHash } : {}),
          at: new Date(),
        })
        state = { ...state, refund: inserted.doc }
        if (!inserted.won && !ours(state)) throw fail('CONFLICT', 'the order was already refunded')
      }
      if (state.refundDone) return { status: 200, body: toOrder(state) }
      try {
        state = await finish(state, Date.now() + config.ORDER_WAIT_MS)
      } catch (error) {
        if (!(error instanceof Undecided)) throw error
        // Recorded, not yet carried out: the worker completes it.
        log.warn({ orderId, reason: error.message }, 'refund left to the reconciler')
        return { status: 202, body: toOrder(state) }
      }
      return { status: 200, body: toOrder(state) }
    } finally {
      await lock.release()
    }
  }

  return {
    finish,
    refund,

    /** POST /api/orders/:id/refund: the buyer before the event starts and before any ticket was used, an admin any time. */
    async requestByUser(principal: Principal, orderId: string, reason: string | undefined, idempotencyKey: string | undefined, startedAt = Date.now()): Promise<Answer> {
      const state = await store.visible(orderId, principal)
      const request: RefundRequest = {
        by: principal.id,
        ...(reason ? { reason } : {}),
        ...(idempotencyKey ? { keyHash: hashKey(`${principal.id}:${idempotencyKey}`) } : {}),
        ...(isAdmin(principal) ? {} : { byBuyer: true }),
      }
      const run = async () => {
        const answer = await refund(orderId, request)
        // A 202 is not kept: a retry of this request finishes the refund (or finds it finished).
        return { now: answer, final: Promise.resolve(answer.status === 202 ? undefined : answer) }
      }
      if (!idempotencyKey) return (await run()).now
      return idem.run(
        { userId: principal.id, route: `refund:${orderId}`, key: idempotencyKey, bodyHash: hashBody({ reason }), orderId, deadline: startedAt + config.ORDER_WAIT_MS },
        {
          execute: run,
          async whileRunning() {
            if (!(await locks.isHeld(orderId))) return 'takeover'
            const now = await store.load(orderId)
            return now ? { status: 202, body: toOrder(now) } : errorAnswer(404, 'NOT_FOUND', 'order not found')
          },
        },
      )
    },
  }
}
export type RefundsService = ReturnType<typeof refundsService>
