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
 * attempts per account and per client address within a window. Over the limit → 429 with Retry-After.
 * - Per account, every attempt takes a point before the password is checked (Redis INCR, atomic, so
 *   concurrent guesses cannot slip past the limit); a successful login clears the account's count.
 * - Per address, only failures count: an address over its limit is refused before the check, and a
 *   failed check takes a point. Many people behind one address (or a load test) signing in at once with
 *   the right passwords are never refused; concurrent guesses from one address can pass the limit by
 *   at most the number in flight, each still bound by its account's limit.
 */
export function loginLimiter(redis: Redis, prefix: string, limits: LoginLimits) {
  const perEmail = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:login-failures:email`, points: limits.maxFailuresPerEmail, duration: limits.windowSeconds })
  const perIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:login-failures:ip`, points: limits.maxFailuresPerIp, duration: limits.windowSeconds })

  const refusal = (msBeforeNext: number) => fail('RATE_LIMITED', 'too many failed login attempts, try again later', { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) })

  return {
    /** Call before checking the password; throws 429 when the account or the address is over its limit. */
    async attempt(email: string, ip: string) {
      let failures: RateLimiterRes | null
      try {
        failures = await perIp.get(ip)
      } catch {
        throw fail('UNAVAILABLE', 'login is temporarily unavailable')
      }
      if (failures && failures.consumedPoints >= limits.maxFailuresPerIp) throw refusal(failures.msBeforeNext)
      try {
        await perEmail.consume(email)
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext)
        throw fail('UNAVAILABLE', 'login is temporarily unavailable')
      }
    },
    /** The password was wrong (or the account unknown): the address takes a point. */
    async failed(ip: string) {
      await perIp.consume(ip).catch(() => {})
    },
    async succeeded(email: string) {
      await perEmail.delete(email).catch(() => {})
    },
  }
}
export type LoginLimiter = ReturnType<typeof loginLimiter>
