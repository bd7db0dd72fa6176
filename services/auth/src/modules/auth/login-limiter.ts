import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { fail } from '@easypass/kit'

export interface LoginLimits {
  maxFailuresPerEmail: number
  maxFailuresPerIp: number
  windowSeconds: number
}

/**
 * Brute-force protection for login, in Redis so every replica shares it: a limited number of failed
 * attempts per account and per client address within a window. Every attempt takes a point before the
 * password is checked (Redis INCR, atomic, so concurrent guesses cannot slip past the limit); a successful
 * login gives its point back and clears the account's count. Over the limit → 429 with Retry-After.
 */
export function loginLimiter(redis: Redis, prefix: string, limits: LoginLimits) {
  const perEmail = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:login-failures:email`, points: limits.maxFailuresPerEmail, duration: limits.windowSeconds })
  const perIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:login-failures:ip`, points: limits.maxFailuresPerIp, duration: limits.windowSeconds })

  async function take(limiter: RateLimiterRedis, key: string) {
    try {
      await limiter.consume(key)
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
        throw fail('RATE_LIMITED', 'too many failed login attempts, try again later', { retryAfterSeconds })
      }
      throw fail('UNAVAILABLE', 'login is temporarily unavailable')
    }
  }

  return {
    /** Call before checking the password; throws 429 when the account or the address is over its limit. */
    async attempt(email: string, ip: string) {
      await take(perIp, ip)
      try {
        await take(perEmail, email)
      } catch (error) {
        await perIp.reward(ip).catch(() => {})
        throw error
      }
    },
    async succeeded(email: string, ip: string) {
      await Promise.all([perEmail.delete(email), perIp.reward(ip)]).catch(() => {})
    },
  }
}
export type LoginLimiter = ReturnType<typeof loginLimiter>
