// At most a few unpaid holds per buyer and event at once (MAX_HOLDS_PER_EVENT): one account cannot
// park an event's stock in reservations it never pays. A Redis sorted set per buyer and event holds
// the reserved orders, each scored by when its hold ends, so a hold whose end was never reported
// (a crash) stops counting by itself. Taking a place is one script: concurrent requests cannot pass
// the limit together. Purchases paid in the same request do not count (their hold ends with it).
import type { Redis } from 'ioredis'

const TAKE = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zscore', KEYS[1], ARGV[3]) then return 1 end
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('zadd', KEYS[1], ARGV[4], ARGV[3])
redis.call('pexpireat', KEYS[1], ARGV[4])
return 1`

export function holdLimit(redis: Redis, prefix: string, max: number) {
  const key = (userId: string, eventId: string) => `${prefix}:orders:holds:${userId}:${eventId}`
  return {
    max,
    /** A place for this order until `until` (ms); false when the buyer already holds `max` unpaid orders of the event. */
    async take(userId: string, eventId: string, orderId: string, until: number): Promise<boolean> {
      return (await redis.eval(TAKE, 1, key(userId, eventId), String(Date.now()), String(max), orderId, String(Math.round(until)))) === 1
    },
    /** The hold's real end, once ticketing has decided it. */
    async until(userId: string, eventId: string, orderId: string, until: number) {
      await redis.zadd(key(userId, eventId), 'XX', Math.round(until), orderId)
    },
    /** The order is no longer an unpaid hold (paid, cancelled, expired, failed, or never held). */
    async release(userId: string, eventId: string, orderId: string) {
      await redis.zrem(key(userId, eventId), orderId)
    },
  }
}
export type HoldLimit = ReturnType<typeof holdLimit>
