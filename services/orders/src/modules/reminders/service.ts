// Reminders: a buyer who reserved tickets without paying is told shortly before the hold runs out
// (fact `orders.hold-expiring`, which notifications turns into a notification). The API schedules
// one per reserved order in Redis; the worker takes those that are due, each in one process only,
// and tells the buyer only if the order is still reserved and not yet run out.
import type { Redis } from 'ioredis'
import { fact, type Logger, type Outbox } from '@easypass/kit'
import type { OrdersConfig } from '../../config'
import type { Models } from '../../db'
import { statusOf, type OrderStore } from '../orders/store'
import { toldIn } from '../orders/store'
import { inParallel } from '../reconciler/service'

/** Takes a due reminder for a while (its time moves to the lease's end), if nobody took it first. */
const TAKE = `local s = redis.call('zscore', KEYS[1], ARGV[1])
if s and tonumber(s) <= tonumber(ARGV[2]) then redis.call('zadd', KEYS[1], ARGV[3], ARGV[1]) return 1 end
return 0`
/** Removes a reminder that is still the one taken (not scheduled again meanwhile). */
const DONE = `if redis.call('zscore', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('zrem', KEYS[1], ARGV[1]) end
return 0`

/** A reminder taken but not done by then (its process died) is due again: the fact's id makes a repeat harmless. */
export const REMINDER_LEASE_MS = 60_000

export interface TakenReminder {
  orderId: string
  lease: number
}

export function holdReminders(redis: Redis, prefix: string) {
  const key = `${prefix}:orders:reminders`
  return {
    /** Remind the buyer of this order at `at` (ms). */
    async schedule(orderId: string, at: number) {
      await redis.zadd(key, Math.round(at), orderId)
    },
    /** Up to `limit` reminders due by `now`, each taken by one process only, until it is done or its lease ends. */
    async takeDue(limit: number, now = Date.now()): Promise<TakenReminder[]> {
      const due = await redis.zrangebyscore(key, '-inf', now, 'LIMIT', 0, limit)
      if (!due.length) return []
      const lease = now + REMINDER_LEASE_MS
      const taken = await Promise.all(due.map((orderId) => redis.eval(TAKE, 1, key, orderId, String(now), String(lease))))
      return due.flatMap((orderId, i) => (taken[i] === 1 ? [{ orderId, lease }] : []))
    },
    /** The reminder was sent (or is not needed): gone, unless it was scheduled again meanwhile. */
    async done(taken: TakenReminder) {
      await redis.eval(DONE, 1, key, taken.orderId, String(taken.lease))
    },
  }
}
export type HoldReminders = ReturnType<typeof holdReminders>

/** When to remind: the configured time before the end, but never in the first half of the hold. */
export function reminderAt(config: Pick<OrdersConfig, 'HOLD_REMINDER_SECONDS'>, expiresAt: number, now = Date.now()): number | null {
  if (config.HOLD_REMINDER_SECONDS <= 0 || expiresAt <= now) return null
  return expiresAt - Math.min(config.HOLD_REMINDER_SECONDS * 1000, (expiresAt - now) / 2)
}

export function reminderSender({ reminders, store, outbox, models, log }: { reminders: HoldReminders; store: OrderStore; outbox: Outbox; models: Pick<Models, 'Cancellation'>; log: Logger }) {
  async function remind({ orderId, lease }: TakenReminder) {
    try {
      const state = await store.load(orderId)
      const expiresAt = state?.doc.expiresAt
      if (!state || statusOf(state) !== 'reserved' || !expiresAt) return await reminders.done({ orderId, lease })
      // An event cancelled (or deleted) since: its holds are being ended, paying one would be refused.
      if (await models.Cancellation.exists({ _id: state.doc.eventId })) return await reminders.done({ orderId, lease })
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
            ...toldIn(doc),
          },
          `hold-expiring:${orderId}`,
        ),
      ])
      // Recorded: only now is it let go (a crash before this leaves it due again when its lease ends).
      await reminders.done({ orderId, lease })
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
