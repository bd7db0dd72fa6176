import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { addressKey, counter, fail, type Logger } from '@easypass/kit'
import type { GatewayConfig } from '../../config'

const limited = counter('gateway_rate_limited_total', 'Requests refused with 429, by what was limited', ['kind'])
const storeErrors = counter('gateway_rate_limit_store_errors_total', 'Rate limit checks let through because Redis did not answer')

/** Who a request is counted against: its verified user when it has one, else its client address. */
export interface RateLimitSubject {
  userId?: string
  ip: string
}

export interface RateLimits {
  /** Counts one request; throws 429 RATE_LIMITED (with `retryAfterSeconds`) when the subject is over its limit. */
  consume(subject: RateLimitSubject): Promise<void>
}

/** A Redis that is slow rather than down must not slow every request: past this, the request goes through. */
const STORE_DEADLINE_MS = 500

/** `work`, or a rejection once it took longer than the store deadline (what the gateway asks Redis on a request's way). */
export async function withinStoreDeadline<T>(work: Promise<T>): Promise<T> {
  let deadline: Timer | undefined
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (deadline = setTimeout(() => reject(new Error('store timed out')), STORE_DEADLINE_MS)))])
  } finally {
    clearTimeout(deadline)
  }
}

/**
 * Fixed windows in Redis (shared by every gateway replica): per client address for guests and per user
 * for signed-in callers, so one busy office behind a NAT is not limited by its neighbours' anonymous
 * traffic. When Redis is down or slow the limits fail open, logged: losing rate limiting for a while is
 * better than refusing every request.
 */
export function createRateLimits(config: GatewayConfig, redis: Redis, log: Logger): RateLimits {
  if (config.RATE_LIMIT_DISABLED) {
    log.warn('rate limits are disabled (RATE_LIMIT_DISABLED=true)')
    return { consume: async () => {} }
  }
  const limiter = (kind: string, points: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${config.REDIS_PREFIX}:gateway:ratelimit:${kind}`,
      points,
      duration: config.RATE_LIMIT_WINDOW_SECONDS,
      // Once a key is over its limit, the rest of its window is refused from memory without asking Redis.
      inMemoryBlockOnConsumed: points,
      rejectIfRedisNotReady: true,
    })
  const byIp = limiter('ip', config.RATE_LIMIT_IP_POINTS)
  const byUser = limiter('user', config.RATE_LIMIT_USER_POINTS)
  let lastWarning = 0

  return {
    async consume(subject) {
      const [kind, limiter, key] = subject.userId ? ['user', byUser, subject.userId] as const : ['ip', byIp, addressKey(subject.ip)] as const
      try {
        await withinStoreDeadline(limiter.consume(key))
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          limited.inc({ kind })
          const retryAfterSeconds = Math.max(1, Math.ceil(outcome.msBeforeNext / 1000))
          throw fail('RATE_LIMITED', 'too many requests, slow down', { retryAfterSeconds, limit: kind })
        }
        storeErrors.inc()
        if (Date.now() - lastWarning > 10_000) {
          lastWarning = Date.now()
          log.warn({ err: outcome instanceof Error ? outcome.message : String(outcome) }, 'rate limit store unavailable, letting requests through')
        }
      }
    },
  }
}
