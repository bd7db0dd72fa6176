// Failed guesses of a secret that is only as strong as its length (a voucher code, say), counted in
// Redis so that every replica shares them: past the limit, the guesser is refused before the next try.
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible'
import type { Redis } from 'ioredis'
import { fail } from './errors'

export interface GuessLimit {
  /** Refuses (429 RATE_LIMITED with `retryAfterSeconds`) a key whose failed guesses reached the limit. */
  check(key: string): Promise<void>
  /**
   * Counts one failed guess of the key: true for the one that used up the key's last guess (exactly one
   * failure per key and window, also of several at once, since Redis counts them one by one).
   */
  failed(key: string): Promise<boolean>
  /**
   * Takes a guess before it is tried (429 past the limit), so that guesses sent at once cannot pass it by
   * the number in flight; `giveBack` returns it when the guess was right. False: not taken (Redis away).
   */
  take(key: string): Promise<boolean>
  giveBack(key: string): Promise<void>
}

/**
 * `points` failed guesses per key and `windowSeconds`. Only failures count in the end: someone who types
 * a right code is never slowed. With `check` then `failed`, guesses sent at once can pass the limit by
 * the number in flight; with `take` then `giveBack`, a guess counts while it is tried (a right one too,
 * until it is given back), so they cannot. While Redis does not answer, guesses are let through (as the gateway's
 * limits are): refusing every buyer's voucher would be worse than a short unguarded while.
 */
export function guessLimit(redis: Redis, keyPrefix: string, points: number, windowSeconds: number, what: string): GuessLimit {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: windowSeconds })
  return {
    async check(key) {
      let state: RateLimiterRes | null
      try {
        state = await limiter.get(key)
      } catch {
        return
      }
      if (state && state.consumedPoints >= points)
        throw fail('RATE_LIMITED', `too many wrong ${what}, try again later`, { retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) })
    },
    async failed(key) {
      const state = await limiter.penalty(key, 1).catch(() => null)
      return state?.consumedPoints === points
    },
    async take(key) {
      try {
        await limiter.consume(key, 1)
        return true
      } catch (error) {
        if (error instanceof RateLimiterRes) throw fail('RATE_LIMITED', `too many wrong ${what}, try again later`, { retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) })
        return false
      }
    },
    async giveBack(key) {
      await limiter.reward(key, 1).catch(() => {})
    },
  }
}

/**
 * At most `points` of an action per key and `windowSeconds` (each an email sent on someone's word, say):
 * `take` counts one and refuses (429 RATE_LIMITED with `retryAfterSeconds`) beyond the limit. While Redis
 * does not answer, the caller hears 503 (its own Redis work would fail too).
 */
export function actionLimit(redis: Redis, keyPrefix: string, points: number, windowSeconds: number, refusal: string) {
  const limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points, duration: windowSeconds })
  return {
    async take(key: string): Promise<void> {
      try {
        await limiter.consume(key)
      } catch (error) {
        if (error instanceof RateLimiterRes) throw fail('RATE_LIMITED', refusal, { retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) })
        throw fail('UNAVAILABLE', 'a store this depends on did not answer; try again', { retryAfterSeconds: 2 })
      }
    },
    /** One taken for an action that did not happen after all (it failed, or a retry found it done): counted no more. */
    async giveBack(key: string): Promise<void> {
      await limiter.reward(key, 1).catch(() => {})
    },
  }
}
