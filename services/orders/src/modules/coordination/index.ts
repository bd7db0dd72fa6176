// Redis coordination between the orders processes (every API replica and the worker):
// - a lock per order, so at most one flow (purchase, pay, cancel, refund, reconcile) works on an order
//   at a time; it is refreshed while held and expires by itself when its holder dies;
// - the "dirty" set: order ids with the time they must be looked at again by the worker (the
//   reconciler, when an order should have finished by then);
// - settled orders: how each order ended (kept a day, so a late fact about it needs no database read)
//   and the queue of status projections the worker writes in batches.
import type { Redis } from 'ioredis'
import type { SettledStatus } from '../../db'
import { AppError, fail, type Logger } from '@easypass/kit'

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`
const REFRESH = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`
/** Removes a member only if nobody re-marked it since it was read (its score is unchanged). */
const REMOVE_IF = `if redis.call('zscore', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('zrem', KEYS[1], ARGV[1]) else return 0 end`
const RESCHEDULE_IF = `if redis.call('zscore', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('zadd', KEYS[1], ARGV[3], ARGV[1]) else return 0 end`

/** Redis not answering is a 503 for the caller (try again), never a 500. */
export async function viaRedis<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof AppError) throw error
    throw new AppError('UNAVAILABLE', 'a store orders depends on did not answer; try again', undefined, 503)
  }
}

export interface OrderLock {
  release(): Promise<void>
}

export function orderLocks(redis: Redis, prefix: string, log: Logger, ttlMs = 15_000) {
  const key = (orderId: string) => `${prefix}:orders:lock:${orderId}`

  async function tryAcquire(orderId: string): Promise<OrderLock | null> {
    const token = crypto.randomUUID()
    const ok = await viaRedis(() => redis.set(key(orderId), token, 'PX', ttlMs, 'NX'))
    if (ok !== 'OK') return null
    const timer = setInterval(() => {
      redis.eval(REFRESH, 1, key(orderId), token, String(ttlMs)).catch((err) => log.warn({ err: String(err), orderId }, 'order lock refresh failed'))
    }, Math.floor(ttlMs / 3))
    let released = false
    return {
      async release() {
        if (released) return
        released = true
        clearInterval(timer)
        await redis.eval(RELEASE, 1, key(orderId), token).catch((err) => log.warn({ err: String(err), orderId }, 'order lock release failed'))
      },
    }
  }

  return {
    tryAcquire,
    /**
     * Waits up to `waitMs` for the order to be free; then 503 with a wait: another operation on it is
     * still running. Not a 409: a clash is no decision on the request, and an Idempotency-Key must not
     * keep it as its answer (a retry under the key runs again).
     */
    async acquire(orderId: string, waitMs = 5_000): Promise<OrderLock> {
      const deadline = Date.now() + waitMs
      let pause = 20
      for (;;) {
        const lock = await tryAcquire(orderId)
        if (lock) return lock
        if (Date.now() >= deadline) throw fail('UNAVAILABLE', 'another operation on this order is in progress; try again shortly', { retryAfterSeconds: 1 })
        await Bun.sleep(pause)
        pause = Math.min(200, pause * 2)
      }
    },
    /**
     * A run on the order begun at `startedAt` that nobody works on: its lock is free, and the run had its
     * whole `budgetMs` to take it (its first steps come before the lock: a duplicate that waited elsewhere
     * must not take over a run about to take it).
     */
    async abandoned(orderId: string, startedAt: number, budgetMs: number): Promise<boolean> {
      return Date.now() - startedAt >= budgetMs && (await viaRedis(() => redis.exists(key(orderId)))) === 0
    },
  }
}
export type OrderLocks = ReturnType<typeof orderLocks>

export interface DueOrder {
  orderId: string
  /** The score as Redis holds it (a string), for compare-and-remove. */
  score: string
}

export function dirtyOrders(redis: Redis, prefix: string) {
  const key = `${prefix}:orders:dirty`
  return {
    /** Look at this order no later than `at` (an earlier mark wins). Returns the mark, for `done`. */
    async mark(orderId: string, at = Date.now()): Promise<DueOrder> {
      const score = Math.round(at)
      await redis.zadd(key, 'LT', score, orderId)
      return { orderId, score: String(score) }
    },
    /**
     * Look at this order at `at`, whatever mark it has: the mark changes, so that a `done` of an earlier
     * mark (the purchase that is finishing) no longer removes it. For what was found left to do.
     */
    async markAgain(orderId: string, at = Date.now()): Promise<void> {
      await redis.zadd(key, Math.round(at), orderId)
    },
    async due(limit: number, now = Date.now()): Promise<DueOrder[]> {
      const flat = await redis.zrangebyscore(key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
      const out: DueOrder[] = []
      for (let i = 0; i < flat.length; i += 2) out.push({ orderId: flat[i]!, score: flat[i + 1]! })
      return out
    },
    async done(entry: DueOrder) {
      await redis.eval(REMOVE_IF, 1, key, entry.orderId, entry.score)
    },
    async later(entry: DueOrder, at: number) {
      await redis.eval(RESCHEDULE_IF, 1, key, entry.orderId, entry.score, String(Math.round(at)))
    },
    size: () => redis.zcard(key),
    /** Orders marked for a look within `withinMs`: purchases in flight (their flow removes the mark when it ends). */
    inFlight: (withinMs: number, now = Date.now()) => redis.zcount(key, `(${now}`, String(now + withinMs)),
  }
}
export type DirtyOrders = ReturnType<typeof dirtyOrders>

/** How an order can end: its settle, or a refund after it. */
export type ProjectedStatus = SettledStatus | 'refunded'
export interface QueuedProjection {
  orderId: string
  status: ProjectedStatus
  /** When it was queued (ms). */
  at: number
}

export function settledOrders(redis: Redis, prefix: string, keepSeconds = 86_400) {
  const queue = `${prefix}:orders:projection`
  const settledKey = (orderId: string) => `${prefix}:orders:settled:${orderId}`
  return {
    /** The order ended `status`: remembered, and (unless `project: false`) queued for the projection, with the time for its lag. */
    async record(orderId: string, status: ProjectedStatus, opts: { project?: boolean } = {}) {
      // Commands of one tick: one write on an auto-pipelined connection (no MULTI: neither needs the other).
      await Promise.all([
        ...(opts.project === false ? [] : [redis.rpush(queue, `${orderId} ${status} ${Date.now()}`)]),
        redis.set(settledKey(orderId), status, 'EX', keepSeconds),
      ])
    },
    /** When the oldest queued projection was queued; null when none waits. */
    async oldestQueuedAt(): Promise<number | null> {
      const first = await redis.lindex(queue, 0)
      return first ? Number(first.split(' ')[2] ?? 0) : null
    },
    /** How the order ended, as recorded here in the last day; null when unknown (not ended, or older). */
    settledAs: (orderId: string) => redis.get(settledKey(orderId)) as Promise<ProjectedStatus | null>,
    /** Takes up to `limit` queued projections (each taken once, whichever worker takes it). */
    async take(limit: number): Promise<QueuedProjection[]> {
      const items = (await redis.lpop(queue, limit)) ?? []
      return items.map((item) => {
        const [orderId, status, at] = item.split(' ')
        return { orderId: orderId!, status: status as ProjectedStatus, at: Number(at ?? 0) }
      })
    },
    async putBack(entries: QueuedProjection[]) {
      if (entries.length) await redis.lpush(queue, ...entries.reverse().map((e) => `${e.orderId} ${e.status} ${e.at}`))
    },
  }
}
export type SettledOrders = ReturnType<typeof settledOrders>
