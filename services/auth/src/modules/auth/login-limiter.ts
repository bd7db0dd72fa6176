import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { addressKey, fail } from '@easypass/kit'

export interface LoginLimits {
  /** Failed sign-ins of one account from one address. */
  maxFailuresPerEmail: number
  /** Sign-in attempts of one account from every address together (a spread-out guesser); successes are given back. */
  maxFailuresPerAccount: number
  maxFailuresPerIp: number
  windowSeconds: number
  /** Accounts created from one address per `registrationWindowSeconds`. */
  maxRegistrationsPerIp: number
  registrationWindowSeconds: number
  /** Password reset links asked for per address and per email, per `resetWindowSeconds`. */
  maxResetsPerIp: number
  maxResetsPerEmail: number
  resetWindowSeconds: number
}

/** How long an address where an account signed in stays known to it (see the account-wide limit). */
const KNOWN_ADDRESS_SECONDS = 30 * 86_400

/**
 * Brute-force protection for login, in Redis so every replica shares it. Over a limit → 429 with
 * Retry-After. Addresses are counted as `addressKey` does (IPv6 by its /64).
 * - Per account and address, every attempt takes a point before the password is checked (Redis INCR,
 *   atomic, so concurrent guesses cannot slip past the limit); a successful login clears it. Someone
 *   guessing from elsewhere therefore cannot lock the owner out: the owner's address has its own count.
 * - Per account from every address together, every attempt takes a point too (given back when it
 *   succeeds): guesses spread over many addresses stop at the limit, also when sent all at once. An
 *   address where the account signed in before (within 30 days) is not held to it, so such a spread
 *   cannot lock the owner out at home either.
 * - Per address, only failures count: an address over its limit is refused before the check, and a
 *   failed check takes a point. Many people behind one address (or a load test) signing in at once with
 *   the right passwords are never refused; concurrent guesses from one address can pass the limit by
 *   at most the number in flight, each still bound by its account's limits.
 * Registration takes a point per address before the password is hashed: hashing (argon2id) is what
 * an attacker would make us spend, and accounts are what they would multiply.
 */
export function loginLimiter(redis: Redis, prefix: string, limits: LoginLimits) {
  const limiter = (name: string, points: number, duration = limits.windowSeconds) => new RateLimiterRedis({ storeClient: redis, keyPrefix: `${prefix}:auth:${name}`, points, duration })
  const perAccountAndIp = limiter('login-attempts:email-ip', limits.maxFailuresPerEmail)
  const perAccount = limiter('login-attempts:email', limits.maxFailuresPerAccount)
  const perIp = limiter('login-failures:ip', limits.maxFailuresPerIp)
  const registrations = limiter('registrations:ip', limits.maxRegistrationsPerIp, limits.registrationWindowSeconds)
  const resetsPerIp = limiter('password-resets:ip', limits.maxResetsPerIp, limits.resetWindowSeconds)
  const resetsPerEmail = limiter('password-resets:email', limits.maxResetsPerEmail, limits.resetWindowSeconds)

  const refusal = (msBeforeNext: number, message = 'too many failed login attempts, try again later') =>
    fail('RATE_LIMITED', message, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) })
  const unavailable = () => fail('UNAVAILABLE', 'login is temporarily unavailable')
  const pair = (email: string, ip: string) => `${addressKey(ip)}|${email}`
  const knownKey = (email: string, ip: string) => `${prefix}:auth:known-address:${pair(email, ip)}`
  const giveBack = (rl: RateLimiterRedis, key: string) => rl.reward(key, 1).catch(() => {})

  return {
    /** Call before checking the password; throws 429 when the account or the address is over a limit. */
    async attempt(email: string, ip: string) {
      let fromIp: RateLimiterRes | null
      try {
        fromIp = await perIp.get(addressKey(ip))
      } catch {
        throw unavailable()
      }
      if (fromIp && fromIp.consumedPoints >= limits.maxFailuresPerIp) throw refusal(fromIp.msBeforeNext)
      try {
        await perAccountAndIp.consume(pair(email, ip))
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext)
        throw unavailable()
      }
      try {
        await perAccount.consume(email)
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) {
          await giveBack(perAccountAndIp, pair(email, ip))
          throw unavailable()
        }
        const known = await redis.exists(knownKey(email, ip)).catch(() => 0)
        if (!known) {
          await giveBack(perAccountAndIp, pair(email, ip))
          throw refusal(rejection.msBeforeNext)
        }
      }
    },
    /** The password was wrong (or the account unknown): the address takes a point. */
    async failed(_email: string, ip: string) {
      await perIp.consume(addressKey(ip)).catch(() => {})
    },
    /** Signed in: this address is known to the account, its count is cleared and the account's point given back. */
    async succeeded(email: string, ip: string) {
      await Promise.all([
        perAccountAndIp.delete(pair(email, ip)).catch(() => {}),
        giveBack(perAccount, email),
        redis.set(knownKey(email, ip), '1', 'EX', KNOWN_ADDRESS_SECONDS).catch(() => {}),
      ])
    },
    /** The password was never checked (we were too busy): the attempt does not count. */
    async notChecked(email: string, ip: string) {
      await Promise.all([giveBack(perAccountAndIp, pair(email, ip)), giveBack(perAccount, email)])
    },
    /**
     * Call before anything else of a sign-up; throws 429 when the address tried too many. A sign-up
     * refused because the email is taken counts too: the limit also bounds probing which emails have
     * accounts (the 409 tells).
     */
    async registering(ip: string) {
      try {
        await registrations.consume(addressKey(ip))
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext, 'too many sign-ups from this address, try again later')
        throw fail('UNAVAILABLE', 'registration is temporarily unavailable')
      }
    },
    /**
     * Call before a reset link is sent. Over the address's limit → 429. Over the email's limit (asked
     * from anywhere) → false: the request is answered as usual and nothing is sent, so nobody can keep
     * an owner from asking, and the answer never differs between emails with and without an account.
     */
    async resetRequested(email: string, ip: string): Promise<boolean> {
      try {
        await resetsPerIp.consume(addressKey(ip))
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(rejection.msBeforeNext, 'too many password reset requests from this address, try again later')
        throw fail('UNAVAILABLE', 'password reset is temporarily unavailable')
      }
      try {
        await resetsPerEmail.consume(email)
        return true
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return false
        await giveBack(resetsPerIp, addressKey(ip))
        throw fail('UNAVAILABLE', 'password reset is temporarily unavailable')
      }
    },
    /** The account was not created because we were too busy to hash its password: the address keeps its point. */
    async notRegistered(ip: string) {
      await giveBack(registrations, addressKey(ip))
    },
  }
}
export type LoginLimiter = ReturnType<typeof loginLimiter>
