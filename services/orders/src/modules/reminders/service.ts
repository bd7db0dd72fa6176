// Reminders: a buyer who reserved tickets without paying is told shortly before the hold runs out
// (fact `orders.hold-expiring`, which notifications turns into a notification). The API schedules
// one per reserved order in Redis; the worker takes those that are due, each in one process only,
// and tells the buyer only if the order is still reserved and not yet run out.
import type { Redis } from 'ioredis'
import { fact, type Logger, type Outbox } from '@easypass/kit'
import type { OrdersConfig } from '../../config'
import { statusOf, type OrderStore } from '../orders/store'
import { inParallel } from '../reconciler/service'

export function holdReminders(redis: Redis, prefix: string) {
  const key = `${prefix}:orders:reminders`
  return {
    /** Remind the buyer of this order at `at` (ms). */
    async schedule(orderId: string, at: number) {
      await redis.zadd(key, Math.round(at), orderId)
    },
    /** Up to `limit` reminders due by `now`, each taken by one process only. */
    async takeDue(limit: number, now = Date.now()): Promise<string[]> {
      const due = await redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit)
      if (!due.length) return []
      const taken = await Promise.all(due.map((orderId) => redis.zrem(key, orderId)))
      return due.filter((_, i) => taken[i] === 1)
    },
  }
}
export type HoldReminders = ReturnType<typeof holdReminders>

/** When to remind: the configured time before the end, but never in the first half of the hold. */
export function reminderAt(config: Pick<OrdersConfig, 'HOLD_REMINDER_SECONDS'>, expiresAt: number, now = Date.now()): number | null {
  if (config.HOLD_REMINDER_SECONDS <= 0 || expiresAt <= now) return null
  return expiresAt - Math.min(config.HOLD_REMINDER_SECONDS * 1000, (expiresAt - now) / 2)
}

export function reminderSender({ reminders, store, outbox, log }: { reminders: HoldReminders; store: OrderStore; outbox: Outbox; log: Logger }) {
  async function remind(orderId: string) {
    try {
      const state = await store.load(orderId)
      const expiresAt = state?.doc.expiresAt
      if (!state || statusOf(state) !== 'reserved' || !expiresAt) return
      const { doc } = state
      await outbox.record([
        fact(
          'orders.hold-expiring',
          {
            orderId,
            userId: doc.userId,
            eventId: doc.eventId,
            ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
            expiresAt: expiresAt.toISOString(),
            totalCents: doc.totalCents,
            currency: doc.currency,
          },
          `hold-expiring:${orderId}`,
        ),
      ])
    } catch (error) {
      // The database did not answer: try again shortly (the fact's id makes a repeat harmless).
      log.warn({ orderId, err: String(error) }, 'hold reminder not sent yet')
      await reminders.schedule(orderId, Date.now() + 5_000).catch(() => {})
    }
  }

  return {
    /** Sends every reminder that is due; returns how many were taken. */
    async sendDue(): Promise<number> {
      let total = 0
      for (;;) {
        const due = await reminders.takeDue(100)
        if (!due.length) return total
        total += due.length
        await inParallel(due, 8, remind)
      }
    },
  }
}
