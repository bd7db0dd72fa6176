// The steps every flow shares (purchase, pay, cancel, the reconciler, event cancellation). Each step is
// safe to repeat: ticketing decides every op once per order, payments charges once per idempotency key
// and refunds once per order, tickets and transitions have deterministic ids. So any flow can be run
// again from the start after a crash, by a retry or by the reconciler, and ends in the same place.
import { errorBody } from '@easypass/contracts'
import type { Fact } from '@easypass/contracts/facts'
import type { OpFailure, SettleResult } from '@easypass/contracts/inventory'
import type { Order } from '@easypass/contracts/orders'
import { AppError, fact, type Logger, type Outbox } from '@easypass/kit'
import type { AnswerError, OrderDoc, SettledStatus, TransitionDoc } from '../../db'
import type { PaymentsClient, TicketingClient } from '../../clients'
import type { DirtyOrders, SettledOrders } from '../coordination'
import { ticketIdsOf, type TicketsService } from '../tickets/service'
import type { HoldLimit } from '../purchase/hold-limit'
import { orderItem, settleId, soldAtTheDoor, statusOf, toldIn, toOrder, type OrderState, type OrderStore } from './store'

export interface Answer {
  status: number
  body: unknown
}

/** The order is left unfinished (a service did not answer in time); the reconciler or a retry finishes it. */
export class Undecided extends Error {}

/** A release found the order sold (a payment confirmed it first). */
export class SoldMeanwhile extends Undecided {
  constructor() {
    super('ticketing says the order was sold')
  }
}

export function errorAnswer(status: number, code: string, message: string, details?: unknown): Answer & { body: ReturnType<typeof errorBody> } {
  return { status, body: errorBody(code as never, message, details) }
}

const answerOfError = (e: AnswerError): Answer => errorAnswer(e.status, e.code, e.message, e.details)

/** Retries a call while the other service is unreachable (503), until `deadline`; then the order stays undecided. */
export async function untilDecided<T>(deadline: number, call: () => Promise<T>): Promise<T> {
  let pause = 100
  for (;;) {
    try {
      return await call()
    } catch (error) {
      if (!(error instanceof AppError) || error.status < 500) throw error
      if (Date.now() + pause >= deadline) throw new Undecided(error.message)
      await Bun.sleep(pause)
      pause = Math.min(2_000, pause * 2)
    }
  }
}

export function settleFact(doc: OrderDoc, settle: TransitionDoc): Fact | null {
  const base = { orderId: doc._id, userId: doc.userId, eventId: doc.eventId }
  const titled = { ...base, ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}), ...toldIn(doc) }
  switch (settle.to) {
    case 'paid':
      return fact(
        'orders.order-paid',
        {
          ...titled,
          ...(doc.userEmail ? { userEmail: doc.userEmail } : {}),
          ...(doc.eventStartsAt ? { eventStartsAt: new Date(doc.eventStartsAt).toISOString() } : {}),
          items: doc.items.map(orderItem),
          totalCents: doc.totalCents,
          currency: doc.currency,
          ...(doc.voucher ? { voucher: { code: doc.voucher.code, discountCents: doc.voucher.discountCents } } : {}),
          paymentId: settle.paymentId ?? '',
          ticketIds: ticketIdsOf(doc),
          ...(doc.complimentary ? { complimentaryFor: doc.complimentary.email } : {}),
          ...soldAtTheDoor(doc),
          ...(doc.addOnTo ? { addOnTo: doc.addOnTo } : {}),
        },
        `order-paid:${doc._id}`,
      )
    case 'cancelled':
      return fact('orders.order-cancelled', { ...titled, ...(settle.by !== doc.userId && settle.reason ? { reason: settle.reason } : {}) }, `order-cancelled:${doc._id}`)
    case 'expired':
      return fact('orders.order-expired', titled, `order-expired:${doc._id}`)
    case 'failed':
      return fact('orders.order-failed', { ...base, reason: settle.error?.message ?? settle.reason ?? 'failed' }, `order-failed:${doc._id}`)
    default:
      return null
  }
}

export type Mode = 'create' | 'pay' | 'reconcile'

export interface SettlementDeps {
  store: OrderStore
  holds: Pick<HoldLimit, 'release'>
  tickets: TicketsService
  ticketing: TicketingClient
  payments: PaymentsClient
  dirty: DirtyOrders
  settled: SettledOrders
  outbox: Outbox
  log: Logger
}

export function settlement({ store, tickets, ticketing, payments, dirty, settled, holds, outbox, log }: SettlementDeps) {
  /**
   * Records how the order ended (at most once: the first settle wins), then its fact. A crash between
   * the two is repaired by the worker, which records the fact of every recently settled order again
   * under the same id (the outbox and JetStream drop the copy).
   */
  async function settle(state: OrderState, to: SettledStatus, extra: Partial<Pick<TransitionDoc, 'paymentId' | 'reason' | 'error' | 'paymentChecked' | 'by'>> = {}): Promise<OrderState> {
    const doc: TransitionDoc = { _id: settleId(state.doc._id), orderId: state.doc._id, kind: 'settle', to, ...extra, at: new Date() }
    const result = await store.insertTransition(doc)
    if (result.won) {
      const f = settleFact(state.doc, result.doc)
      if (f) await outbox.record([f])
    } else if (result.doc.to !== to) {
      log.info({ orderId: doc.orderId, wanted: to, settled: result.doc.to }, 'order was already settled otherwise')
    }
    const ended = result.doc
    const status = ended.to as SettledStatus
    // No longer an unpaid hold: it stops counting against the buyer's limit (it would at its end anyway).
    if (state.doc.initialStatus === 'reserved') await holds.release(state.doc.userId, state.doc.eventId, state.doc._id).catch(() => {})
    // An order document needs its status projection; a draft becomes the order now, written with its
    // final status (unless an order document was there already: then that one needs the projection).
    let project = !state.draft
    let published = false
    if (state.draft) {
      try {
        published = await store.publish(state, status)
        project = !published
      } catch (err) {
        log.warn({ err: String(err), orderId: doc.orderId }, 'could not publish the order: the worker will')
        // (A mark of its own: the purchase's mark, which it removes as it ends, may be due already.)
        await dirty.markAgain(doc.orderId, Date.now() + 5_000).catch(() => {})
      }
    }
    try {
      // Unpaid without a payment check (an expiry from ticketing): the worker makes sure no charge went through.
      if (ended.to !== 'paid' && !ended.paymentChecked) await dirty.markAgain(doc.orderId)
      await settled.record(doc.orderId, status, { project })
    } catch (err) {
      // The worker's sweep finds orders whose projection was not written.
      log.warn({ err: String(err), orderId: doc.orderId }, 'could not queue the status projection')
    }
    return { ...state, ...(published ? { draft: false } : {}), settle: ended }
  }

  /** What a request about this order answers, from what is recorded (for retries and late looks). */
  function answerFromState(state: OrderState, mode: Mode): Answer {
    const order = toOrder(state)
    switch (order.status) {
      case 'paid':
      case 'refunded':
        return { status: mode === 'create' ? 201 : 200, body: order }
      case 'reserved':
        return mode === 'create' ? { status: 201, body: order } : pendingAnswer(state)
      case 'pending':
        return pendingAnswer(state)
      default:
        // Ended: its answer is final. An error recorded as "try again" (5xx) would send a retry under
        // the same key back for ever; the order is over, so it is a conflict with what the request asked.
        if (state.settle?.error) return state.settle.error.status >= 500 ? errorAnswer(409, 'CONFLICT', state.settle.error.message) : answerOfError(state.settle.error)
        return errorAnswer(409, 'CONFLICT', order.status === 'expired' ? 'the hold expired before the order was paid' : `the order is ${order.status}`)
    }
  }

  function pendingAnswer(state: OrderState): Answer {
    const order: Order = { ...toOrder(state), status: 'pending' }
    return { status: 202, body: order }
  }

  /**
   * Releases the hold of an order that will not be paid and records the end. Ticketing's own reason
   * wins (a hold that ran out first is `expired`). Unreachable ticketing: the hold runs out by itself.
   */
  async function releaseAndSettle(
    state: OrderState,
    to: 'failed' | 'cancelled',
    deadline: number,
    extra: Partial<Pick<TransitionDoc, 'reason' | 'error' | 'paymentChecked' | 'by'>> = {},
    opts: { requireRelease?: boolean; settleAs?: SettledStatus } = {},
  ): Promise<OrderState> {
    let end: SettledStatus = opts.settleAs ?? to
    let why = extra
    let result: SettleResult | OpFailure | undefined
    try {
      result = await untilDecided(deadline, () => ticketing.release(state.doc.eventId, state.doc._id, to))
    } catch (error) {
      if (!(error instanceof Undecided)) throw error
      if (opts.requireRelease) throw new AppError('UNAVAILABLE', 'ticketing did not answer; try again', undefined, 503)
      log.warn({ orderId: state.doc._id }, 'ticketing unreachable: the hold will run out by itself')
    }
    if (result && 'outcome' in result) {
      // Sold means a payment confirmed it first: that flow records `paid`, this one must not end it.
      if (result.outcome === 'sold') throw new SoldMeanwhile()
      if (result.reason === 'expired') end = 'expired'
      // Ended before by ticketing itself (its ticket type was removed) or by another cancel.
      else if (result.reason === 'cancelled' && result.repeated && to !== 'cancelled') {
        end = 'cancelled'
        why = { ...extra, by: 'system', reason: 'the hold was cancelled before the order was paid' }
      }
    }
    return settle(state, end, why)
  }

  /**
   * The order is charged (or free): confirm the hold, issue the tickets, record `paid`. When the hold
   * was released first (it expired), the seats are gone: the charge is refunded and the order ends.
   */
  async function finishPaid(state: OrderState, paymentId: string | undefined, mode: Mode, deadline: number): Promise<{ answer: Answer; state: OrderState; outcome: 'paid' | 'hold_expired' }> {
    const orderId = state.doc._id
    const result: SettleResult | OpFailure = await untilDecided(deadline, () => ticketing.confirm(state.doc.eventId, orderId))
    if ('outcome' in result && result.outcome === 'sold') {
      await tickets.issue(state.doc)
      const next = await settle(state, 'paid', { paymentId, paymentChecked: true })
      if (next.settle?.to !== 'paid') log.error({ orderId, settled: next.settle?.to }, 'ticketing sold an order recorded as not paid')
      return { answer: { status: mode === 'create' ? 201 : 200, body: toOrder(next) }, state: next, outcome: 'paid' }
    }
    const to: SettledStatus = 'reason' in result && result.reason === 'cancelled' ? 'cancelled' : 'reason' in result && result.reason === 'failed' ? 'failed' : 'expired'
    const why = `${to === 'cancelled' ? 'the hold was cancelled' : 'the hold expired'} before the payment completed`
    if (paymentId) await untilDecided(deadline, () => payments.refund(orderId, why))
    const message = `${why}${paymentId ? '; the charge was refunded' : ''}`
    const answer = errorAnswer(409, 'CONFLICT', message)
    const next = await settle(state, to, { error: { status: 409, code: 'CONFLICT', message }, paymentChecked: true, by: 'system', reason: message })
    return { answer: next.settle?.to === 'paid' ? { status: mode === 'create' ? 201 : 200, body: toOrder(next) } : answer, state: next, outcome: 'hold_expired' }
  }

  return { settle, answerFromState, pendingAnswer, releaseAndSettle, finishPaid, statusOf }
}
export type Settlement = ReturnType<typeof settlement>
