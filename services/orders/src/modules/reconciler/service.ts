// The worker's side of every order: it looks at an order when the order asked for it (the "dirty"
// set in Redis: when the order should have finished by then; a flow that ends removes its mark) and
// repairs whatever a crash or an unreachable service left unfinished:
//   - a `pending` purchase past RECONCILE_AFTER_MS: paid at payments → confirm + tickets + `paid`
//     (or refund when the hold is gone); not paid → release the hold, `failed`;
//   - a `reserved` order: paid meanwhile → finish it; past its hold → release, `expired`;
//   - a refund recorded but not carried out → carry it out;
//   - an order that ended unpaid but whose charge went through → refund the charge;
//   - the fact of a recently settled order is recorded again (same id: the copy is dropped),
//     in case the process died between the settle and its fact.
//   - a draft that ended but was not written as the order is written now.
// It also writes the queued status projections (`projectSettled`). A slow database sweep finds what
// Redis may have lost.
import { Types } from 'mongoose'
import type { OrderStatus } from '@easypass/contracts/orders'
import { AppError, type Logger, type Outbox } from '@easypass/kit'
import type { Models } from '../../db'
import type { PaymentsClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { dirtyBacklog, reconciled } from '../../metrics'
import type { DirtyOrders, DueOrder, OrderLocks, SettledOrders } from '../coordination'
import { settleFact, SoldMeanwhile, Undecided, type Settlement } from '../orders/settlement'
import { refundDoneId, type OrderState, type OrderStore } from '../orders/store'
import { EXPIRY_MARGIN_MS } from '../purchase/service'
import { EVENT_CANCELLED, type RefundsService } from '../refunds/service'

/** Why its orders end: told to the buyer (the refund's reason, the cancelled order's fact). */
export const endReason = (kind?: 'deleted' | null) => (kind === 'deleted' ? `${EVENT_CANCELLED} (removed by the organizer)` : EVENT_CANCELLED)

/**
 * Facts of settles younger than this are recorded again when the worker looks at their order: a crash
 * between the settle and its fact is repaired however long the order waited for the sweep (a hold of up
 * to a day is looked at when it runs out; a worker may have been down). JetStream drops a copy for 30
 * minutes, and its consumers keep one notification and one email per fact id after that.
 */
const FACT_REPAIR_WINDOW_MS = 48 * 3_600_000
const BATCH = 500
/** Status projections written per database command (see `project`), and per pass of the worker. */
const PROJECT_PER_WRITE = 25
const PROJECT_PER_PASS = 100
const PARALLEL = 8

export interface ReconcilerDeps {
  config: OrdersConfig
  models: Models
  store: OrderStore
  settlement: Settlement
  refunds: RefundsService
  payments: PaymentsClient
  locks: OrderLocks
  dirty: DirtyOrders
  settled: SettledOrders
  outbox: Outbox
  log: Logger
}

type Next = 'done' | number

/** What the projection stores: transitions only (a reserved order past its hold stays `reserved` until its expiry is recorded). */
function projected(state: OrderState): OrderStatus {
  if (state.refund) return 'refunded'
  if (state.settle?.to) return state.settle.to as OrderStatus
  return state.doc.initialStatus
}

const createdAt = (orderId: string) => (Types.ObjectId.isValid(orderId) ? new Types.ObjectId(orderId).getTimestamp().getTime() : 0)

export async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!)
    }),
  )
}

export function reconciler(deps: ReconcilerDeps) {
  const { config, models, store, settlement, refunds, payments, locks, dirty, settled, outbox, log } = deps
  const after = config.RECONCILE_AFTER_MS

  /** An order that ended without being paid must not keep a charge: refund any that went through. */
  async function refundStrayCharge(state: OrderState): Promise<Next> {
    const payment = await payments.orderPayment(state.doc._id)
    if (payment?.status === 'succeeded') {
      await payments.refund(state.doc._id, `the order ended ${state.settle?.to}`)
      reconciled.inc({ action: 'stray_charge_refunded' })
      log.warn({ orderId: state.doc._id, paymentId: payment.paymentId }, 'refunded a charge of an order that was not paid')
    }
    return 'done'
  }

  /**
   * A charge found late made the order paid: it is looked at again at once, and `examine` refunds it
   * if its event was cancelled meanwhile (the cancellation may have finished without seeing it).
   */
  function finishedPaidLate(outcome: 'paid' | 'hold_expired'): Next {
    reconciled.inc({ action: outcome === 'paid' ? 'finished_paid' : 'refunded_late_charge' })
    return outcome === 'paid' ? Date.now() : 'done'
  }

  async function finishPending(state: OrderState): Promise<Next> {
    const deadline = Date.now() + 15_000
    // Sold at the door: the seller took the money when they asked for it. Its flow died after the hold,
    // so it is finished paid (the same request sent again then gets the tickets), as the money is in hand.
    if (state.doc.boxOffice && state.doc.priced) {
      const { outcome } = await settlement.finishPaid(state, undefined, 'reconcile', deadline)
      return finishedPaidLate(outcome)
    }
    const payment = await payments.orderPayment(state.doc._id)
    if (payment?.status === 'succeeded') {
      const { outcome } = await settlement.finishPaid(state, payment.paymentId, 'reconcile', deadline)
      return finishedPaidLate(outcome)
    }
    const refunded = payment?.status === 'refunded'
    const released = await releaseUnlessSoldFree(state, deadline, () =>
      settlement.releaseAndSettle(state, 'failed', deadline, {
        error: { status: 409, code: 'CONFLICT', message: `the purchase could not be completed in time; ${refunded ? 'the charge was refunded' : 'nothing was charged'}` },
        paymentChecked: true,
      }),
    )
    if (released) reconciled.inc({ action: 'released_unfinished' })
    return 'done'
  }

  /**
   * A free order has no payment to find: when its flow died after ticketing confirmed it, the release
   * finds it sold. It is then finished as paid (tickets, `paid`), else the seats stay sold without
   * tickets and the worker retries the release forever.
   */
  async function releaseUnlessSoldFree(state: OrderState, deadline: number, release: () => Promise<unknown>): Promise<boolean> {
    try {
      await release()
      return true
    } catch (error) {
      if (!(error instanceof SoldMeanwhile) || !state.doc.priced || state.doc.totalCents !== 0) throw error
      await settlement.finishPaid(state, undefined, 'reconcile', deadline)
      reconciled.inc({ action: 'finished_paid' })
      return false
    }
  }

  async function finishReserved(state: OrderState): Promise<Next> {
    const expiresAt = state.doc.expiresAt?.getTime() ?? createdAt(state.doc._id)
    const payment = await payments.orderPayment(state.doc._id)
    if (payment?.status === 'succeeded') {
      const { outcome } = await settlement.finishPaid(state, payment.paymentId, 'reconcile', Date.now() + 15_000)
      return finishedPaidLate(outcome)
    }
    if (Date.now() < expiresAt + EXPIRY_MARGIN_MS) return expiresAt + EXPIRY_MARGIN_MS
    // The expiry fact never came: end it here (ticketing's answer says whether it had expired already).
    const deadline = Date.now() + 15_000
    const released = await releaseUnlessSoldFree(state, deadline, () =>
      settlement.releaseAndSettle(state, 'failed', deadline, { reason: 'the hold expired', paymentChecked: true }, { settleAs: 'expired' }),
    )
    if (released) reconciled.inc({ action: 'expired' })
    return 'done'
  }

  /** Returns when to look again, or done; collects the projection update. */
  async function examine(entry: DueOrder, updates: Map<OrderStatus, string[]>): Promise<Next> {
    const orderId = entry.orderId
    const state = await store.load(orderId, true)
    if (!state) {
      // A purchase refused before any order was stored, or one whose runner died first; its hold (if any) runs out by itself.
      return Date.now() - createdAt(orderId) > 4 * after ? 'done' : Date.now() + after
    }
    const target = projected(state)
    // A draft that ended and was not published (its flow died in between) becomes the order now.
    const needsProjection = state.draft ? (state.settle || state.refund) && !(await store.publish(state, target)) : state.doc.status !== target
    if (needsProjection) {
      const list = updates.get(target)
      if (list) list.push(orderId)
      else updates.set(target, [orderId])
    }

    const { settle, refund, refundDone } = state
    // An order that ended unpaid is asked about its payment whenever it is looked at (it is in the sweep
    // because something happened to it: a charge's fact may have come after the order ended, and after
    // Redis forgot how it ended), even when its flow checked the payment when it ended.
    const needsWork = (refund && !refundDone) || !settle || settle.to !== 'paid'
    // Not the paid fact of an order refunded since: its confirmation would come after the refund's.
    if (settle && !(settle.to === 'paid' && refund) && Date.now() - settle.at.getTime() < FACT_REPAIR_WINDOW_MS) {
      const f = settleFact(state.doc, settle)
      if (f) await outbox.record([f])
    }
    const cancellation = settle?.to === 'paid' && !refund ? await models.Cancellation.findOne({ _id: state.doc.eventId }, { kind: 1 }).lean() : null
    if (cancellation) {
      // Paid for an event that was cancelled or deleted (it ended paid after the cancellation looked at it): refunded here.
      const answer = await refunds.refund(orderId, { by: 'system', reason: endReason(cancellation.kind) }).catch((error) => {
        log.info({ orderId, reason: String(error) }, 'refund of an order of a cancelled event not done yet')
        return null
      })
      if (answer?.status === 200) {
        reconciled.inc({ action: 'event_cancelled_refund' })
        return 'done'
      }
      return Date.now() + Math.min(after, 10_000)
    }
    // Tickets given back in a part whose money, seats or fact were not all done (a crash, an outage).
    if (settle?.to === 'paid' && !refund && (await refunds.partsOf(orderId)).some((p) => !p.doneAt)) {
      const lock = await locks.tryAcquire(orderId)
      if (!lock) return Date.now() + Math.min(after, 10_000)
      try {
        const finished = await refunds.finishParts(orderId, Date.now() + 15_000)
        if (finished) reconciled.inc({ action: 'refund_finished' })
        return 'done'
      } catch (error) {
        // Away, or refused (a part payments will not take: looked at again, and logged, never dropped).
        if (error instanceof AppError && error.status < 500) log.error({ orderId, err: error.message }, 'a refund of tickets was refused; will look again')
        if (error instanceof Undecided || error instanceof AppError) return Date.now() + Math.min(after, 10_000)
        throw error
      } finally {
        await lock.release()
      }
    }
    if (!needsWork) return 'done'
    if (!settle) {
      const age = Date.now() - state.doc.createdAt.getTime()
      if (state.doc.initialStatus === 'pending' && age < after) return state.doc.createdAt.getTime() + after
    }

    const lock = await locks.tryAcquire(orderId)
    if (!lock) return Date.now() + Math.min(after, 10_000)
    try {
      const fresh = (await store.load(orderId, true))!
      if (fresh.refund && !fresh.refundDone) {
        await refunds.finish(fresh, Date.now() + 15_000)
        reconciled.inc({ action: 'refund_finished' })
        return 'done'
      }
      if (fresh.refund) return 'done'
      if (fresh.settle) return fresh.settle.to === 'paid' ? 'done' : await refundStrayCharge(fresh)
      return fresh.doc.initialStatus === 'pending' ? await finishPending(fresh) : await finishReserved(fresh)
    } catch (error) {
      if (error instanceof Undecided || error instanceof SoldMeanwhile || (error instanceof AppError && error.status >= 500)) {
        log.info({ orderId, reason: error.message }, 'order still unfinished; will look again')
        return Date.now() + Math.min(after, 10_000)
      }
      throw error
    } finally {
      await lock.release()
    }
  }

  async function project(updates: Map<OrderStatus, string[]>) {
    const now = new Date()
    for (const [status, ids] of updates) {
      // Only forward: a final status never goes back to an earlier one, whatever order updates land in.
      const from = status === 'refunded' ? { $ne: 'refunded' as const } : { $in: ['pending' as const, 'reserved' as const] }
      // A few at a time: on FerretDB each updated document scans the collection inside one write
      // transaction, and the purchases' inserts wait for it.
      for (let i = 0; i < ids.length; i += PROJECT_PER_WRITE)
        await models.Order.updateMany({ _id: { $in: ids.slice(i, i + PROJECT_PER_WRITE) }, status: from }, { $set: { status, statusAt: now } })
    }
  }

  let running = false
  return {
    /** One pass over the orders that are due. Returns how many were looked at. */
    async processDue(): Promise<number> {
      if (running) return 0
      running = true
      try {
        const due = await dirty.due(BATCH)
        if (!due.length) return 0
        const updates = new Map<OrderStatus, string[]>()
        const outcomes = new Map<DueOrder, Next>()
        await inParallel(due, PARALLEL, async (entry) => {
          try {
            outcomes.set(entry, await examine(entry, updates))
          } catch (error) {
            log.error({ orderId: entry.orderId, err: error instanceof Error ? error.message : String(error) }, 'reconciling an order failed')
            outcomes.set(entry, Date.now() + Math.min(after, 10_000))
          }
        })
        await project(updates)
        await Promise.all(due.map((entry) => (outcomes.get(entry) === 'done' ? dirty.done(entry) : dirty.later(entry, outcomes.get(entry) as number))))
        dirtyBacklog.set(await dirty.size())
        return due.length
      } finally {
        running = false
      }
    },

    /** Writes a batch of queued status projections (orders settled by their own flows). Returns how many. */
    async projectSettled(): Promise<number> {
      const oldest = await settled.oldestQueuedAt()
      if (oldest === null) return 0
      // In a rush of sales the projection waits (each update scans on FerretDB), up to its lag limit.
      if ((await dirty.inFlight(after)) > config.PROJECTION_BUSY_IN_FLIGHT && Date.now() - oldest < config.PROJECTION_MAX_LAG_MS) return 0
      const entries = await settled.take(PROJECT_PER_PASS)
      if (!entries.length) return 0
      const updates = new Map<OrderStatus, string[]>()
      for (const { orderId, status } of entries) updates.set(status, [...(updates.get(status) ?? []), orderId])
      try {
        await project(updates)
      } catch (error) {
        await settled.putBack(entries)
        throw error
      }
      return entries.length
    },

    /** The database's view of unfinished orders, for what Redis may have lost. */
    async sweep(withRefunds: boolean) {
      const now = Date.now()
      const [pending, reserved] = await Promise.all([
        models.Order.find({ status: 'pending', createdAt: { $lt: new Date(now - after) } }, { _id: 1 }).limit(1000).lean(),
        models.Order.find({ status: 'reserved', expiresAt: { $lt: new Date(now - EXPIRY_MARGIN_MS) } }, { _id: 1 }).limit(1000).lean(),
      ])
      const ids = [...pending, ...reserved].map((d) => String(d._id))
      if (withRefunds) {
        // Drafts of the last day not known to have ended: their flow died and Redis lost their mark.
        const drafts = await models.OrderDraft.find({ createdAt: { $lt: new Date(now - after), $gt: new Date(now - 86_400_000) } }, { _id: 1 }).limit(1000).lean()
        for (const d of drafts) if (!(await settled.settledAs(String(d._id)))) ids.push(String(d._id))
        const requested = await models.Transition.find({ kind: 'refund', at: { $lt: new Date(now - after), $gt: new Date(now - 7 * 86_400_000) } }, { orderId: 1 }).lean()
        const done = await Promise.all(requested.map((r) => models.Transition.exists({ _id: refundDoneId(r.orderId) })))
        requested.forEach((r, i) => !done[i] && ids.push(r.orderId))
        // Parts of refunds left open (the tickets void, the money not back): their mark was lost, or was
        // taken off by a look at the order that began before the part was recorded.
        const openParts = await models.RefundPart.find({ doneAt: { $exists: false }, at: { $lt: new Date(now - after), $gt: new Date(now - 7 * 86_400_000) } }, { orderId: 1 }).limit(1000).lean()
        for (const p of openParts) ids.push(p.orderId)
      }
      for (const id of ids) await dirty.mark(id, now)
      if (ids.length) log.info({ orders: ids.length }, 'sweep found unfinished orders')
      return ids.length
    },
  }
}
export type Reconciler = ReturnType<typeof reconciler>
