import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { addressKey, fail } from '@easypass/kit'

export interface LoginLimits {
  /** Failed sign-ins of one account from one address. */
  maxFailuresPerEmail: number
  /** Failed sign-ins of one account from every address together (a spread-out guesser). */
  maxFailuresPerAccount: number
  maxFailuresPerIp: number
  windowSeconds: number
  /** Accounts created from one address per `registrationWindowSeconds`. */
  maxRegistrationsPerIp: number
  registrationWindowSeconds: number
}

/**
 * Brute-force protection for login, in Redis so every replica shares it. Over a limit → 429 with
 * Retry-After.
 * - Per account and address, every attempt takes a point before the password is checked (Redis INCR,
 *   atomic, so concurrent guesses cannot slip past the limit); a successful login clears it. Someone
 *   guessing from elsewhere therefore cannot lock the owner out: the owner's address has its own count.
 * - Per account from every address together, failures count against a higher limit: guesses spread
 *   over many addresses still stop.
 * - Per address, only failures count: an address over its limit is refused before the check, and a
 *   failed check takes a point. Many people behind one address (or a load test) signing in at once with
 *   the right passwords are never refused; concurrent guesses from one address can pass the limit by
 *   at most the number in flight, each still bound by its account's limit.
 * Addresses are counted as `addressKey` does (IPv6 by its /64).
 * Registration takes a point per address before the password is hashed: hashing (argon2id) is what
 * an attacker would make us spend, and accounts are what they would multiply.
 */
export function loginLimiter(redis: Redis, prefix: string, limits: LoginLimits) {
  const limiter = (name: string, points: number, duration = limits.windowSeconds) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:${name}`, points, duration })
  const perAccountAndIp = limiter('login-attempts:email-ip', limits.maxFailuresPerEmail)
  const perAccount = limiter('login-failures:email', limits.maxFailuresPerAccount)
  const perIp = limiter('login-failures:ip', limits.maxFailuresPerIp)
  const registrations = limiter('registrations:ip', limits.maxRegistrationsPerIp, limits.registrationWindowSeconds)

  const refusal = (msBeforeNext: number, message = 'too many failed login attempts, try again later') =>
    fail('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) })
  const unavailable = () => fail('UNAVAILABLE', 'login is temporarily unavailable')
  const pair = (email: string, ip: string) => `${addressKey(ip)}|${email}`

  return {
    /** Call before checking the password; throws 429 when the account or the address is over its limit. */
    async attempt(email: string, ip: string) {
      let failures: Array<RateLimiterRes | null>
      try {
        failures = await Promise.all([perIp.get(addressKey(ip)), perAccount.get(email)])
      } catch {
        throw unavailable()
      }
      const [fromIp, ofAccount] = failures
      if (fromIp && fromIp.consumedPoints >= limits.maxFailuresPerIp) throw refusal(fromIp.msBeforeNext)
      if (ofAccount && ofAccount.consumedPoints >= limits.maxFailuresPerAccount) throw refusal(ofAccount.msBeforeNext)
      try {
        await perAccountAndIp.consume(pair(email, ip))
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext)
        throw unavailable()
      }
    },
    /** The password was wrong (or the account unknown): the address and the account take a point. */
    async failed(email: string, ip: string) {
      await Promise.all([perIp.consume(addressKey(ip)).catch(() => {}), perAccount.consume(email).catch(() => {})])
    },
    async succeeded(email: string, ip: string) {
      await perAccountAndIp.delete(pair(email, ip)).catch(() => {})
    },
    /** Call before hashing a new account's password; throws 429 when the address made too many. */
    async registering(ip: string) {
      try {
        await registrations.consume(addressKey(ip))
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext, 'too many accounts created from this address, try again later')
        throw fail('UNAVAILABLE', 'registration is temporarily unavailable')
      }
    },
  }
}
export type LoginLimiter = ReturnType<typeof loginLimiter>
