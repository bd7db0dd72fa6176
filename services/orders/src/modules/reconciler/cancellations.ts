// A cancelled event: every paid order is refunded (money and seats, one `orders.order-refunded` fact
// each, which notifications turns into a message to the buyer), every live hold is released. Purchases
// that were already past catalog's check when the event was cancelled may still end paid a little
// later, so the event stays on the list until nothing of it can change any more. A deleted event is
// worked through the same way: catalog deletes one without sales, so what is left are unpaid holds
// and purchases that raced the delete.
import type { Logger } from '@easypass/kit'
import { AppError } from '@easypass/kit'
import type { Models, OrderDoc } from '../../db'
import type { OrdersConfig } from '../../config'
import { reconciled } from '../../metrics'
import type { OrderLocks } from '../coordination'
import { Undecided, type Settlement } from '../orders/settlement'
import { statusOf, type OrderStore } from '../orders/store'
import type { RefundsService } from '../refunds/service'
import { endReason, inParallel } from './service'

export interface CancellationsDeps {
  config: OrdersConfig
  models: Models
  store: OrderStore
  settlement: Settlement
  refunds: RefundsService
  locks: OrderLocks
  log: Logger
}

export function cancellations({ config, models, store, settlement, refunds, locks, log }: CancellationsDeps) {
  /** Long enough for every purchase that passed catalog's check before the cancellation to have ended. */
  const settleTime = config.EVENT_CACHE_MS + config.ORDER_WAIT_MS + config.ORDER_GIVE_UP_MS + config.RECONCILE_AFTER_MS

  /** Returns true when the order can no longer change. */
  async function handle(doc: OrderDoc, reason: string): Promise<boolean> {
    const state = await store.load(doc._id)
    if (!state) return true
    const status = statusOf(state)
    try {
      if (status === 'paid') {
        const answer = await refunds.refund(doc._id, { by: 'system', reason })
        if (answer.status === 200) reconciled.inc({ action: 'event_cancelled_refund' })
        return answer.status === 200
      }
      if (status === 'refunded') {
        if (state.refundDone) return true
        const lock = await locks.tryAcquire(doc._id)
        if (!lock) return false
        try {
          await refunds.finish((await store.load(doc._id))!, Date.now() + 15_000)
          return true
        } finally {
          await lock.release()
        }
      }
      if (status === 'reserved') {
        const lock = await locks.tryAcquire(doc._id)
        if (!lock) return false
        try {
          const fresh = (await store.load(doc._id))!
          if (statusOf(fresh) !== 'reserved') return false
          await settlement.releaseAndSettle(fresh, 'cancelled', Date.now() + 15_000, { by: 'system', reason })
          reconciled.inc({ action: 'event_cancelled_release' })
          return true
        } finally {
          await lock.release()
        }
      }
      // pending: it will end soon (paid → refunded on a later pass); final otherwise.
      return status !== 'pending'
    } catch (error) {
      if (error instanceof Undecided || error instanceof AppError) {
        log.info({ orderId: doc._id, reason: error.message }, 'event cancellation: order not finished yet')
        return false
      }
      throw error
    }
  }

  let running = false
  return {
    /** The facts `catalog.event-cancelled` and `catalog.event-deleted`: remembered (once per event), then worked through. */
    async record(eventId: string, title: string | undefined, at: Date, kind: 'cancelled' | 'deleted' = 'cancelled') {
      try {
        await models.Cancellation.create({ _id: eventId, ...(title ? { title } : {}), ...(kind === 'deleted' ? { kind } : {}), at, done: false })
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error
      }
    },

    async processOpen(): Promise<void> {
      if (running) return
      running = true
      try {
        const open = await models.Cancellation.find({ done: false }).lean()
        for (const c of open) {
          // A purchase still a draft (its payment unknown) that ends paid later is the reconciler's:
          // it refunds any paid order of a cancelled event it finishes.
          // Read before the list: an order that ends paid after this read must be found by a later pass.
          const listedAt = Date.now()
          const orders = await models.Order.find({ eventId: c._id }).lean<OrderDoc[]>()
          let unfinished = 0
          await inParallel(orders, 8, async (doc) => {
            if (!(await handle(doc, endReason(c.kind)))) unfinished++
          })
          // Done only when the list itself was read after every purchase that could still end paid had
          // ended: a pass that takes long (thousands of refunds) must not count its own duration.
          if (unfinished === 0 && listedAt - c.at.getTime() > settleTime) {
            await models.Cancellation.updateOne({ _id: c._id }, { $set: { done: true, doneAt: new Date() } })
            log.info({ eventId: c._id, orders: orders.length }, 'event cancellation finished')
          }
        }
      } finally {
        running = false
      }
    },
  }
}
export type Cancellations = ReturnType<typeof cancellations>
