import type { Redis } from 'ioredis'
import { ACCESS_TOKEN_TTL_SECONDS, closedAccountsKey, eventsOutdated, fail, isWithdrawn, roleWithdrawnKey, STAFF_EVENTS_FIELD, tokenVerifier, type AuthConfig } from '@easypass/kit'
import { withinStoreDeadline, type RateLimits } from '../ratelimit'
import type { Principal } from '@easypass/contracts'

const BEARER = /^Bearer[ \t]+(\S*)[ \t]*$/i

/**
 * Checks the bearer token at the door so that a forged, tampered, expired or `alg: none` token is
 * refused before it costs any service anything. It is only an early refusal: the Authorization header
 * is forwarded unchanged and every service verifies it again (kit `authPlugin`), because reaching a
 * service must never be proof of identity.
 *
 * Returns the principal for a valid token, undefined when there is no bearer token at all (guests;
 * other schemes pass through untouched and services ignore them), and throws 401 otherwise. Service
 * tokens (kit `serviceTokens`) are for calls between services on the internal network, never from
 * outside: one arriving here is refused.
 */
export function createIdentity(config: AuthConfig & { REDIS_PREFIX: string }, redis?: Redis) {
  // The public key only: the gateway can check a user's token, never make one.
  const verifier = tokenVerifier({ JWT_PUBLIC_KEY: config.JWT_PUBLIC_KEY, JWT_ISSUER: config.JWT_ISSUER })
  // Accounts closed while their tokens may still live: read from Redis every second (one read per
  // replica, none per request), so a closed account's tokens stop within a second of its closing. While
  // Redis is away the last list stands.
  let closed = new Set<string>()
  const learnClosed = async () => {
    if (redis?.status !== 'ready') return
    const since = Math.floor(Date.now() / 1000) - ACCESS_TOKEN_TTL_SECONDS - 60
    const ids = await withinStoreDeadline(redis.zrangebyscore(closedAccountsKey(config.REDIS_PREFIX), since, '+inf')).catch(() => null)
    if (ids) closed = new Set(ids)
  }
  void learnClosed()
  setInterval(() => void learnClosed(), 1_000).unref()
  return async function identify(authorization: string | null): Promise<Principal | undefined> {
    if (!authorization) return undefined
    const bearer = BEARER.exec(authorization.trim())
    if (!bearer) {
      if (/^Bearer\b/i.test(authorization.trim())) throw fail('UNAUTHENTICATED', 'malformed bearer token')
      return undefined
    }
    const principal = bearer[1] ? await verifier.verify(bearer[1]) : null
    if (!principal) throw fail('UNAUTHENTICATED', 'the access token is invalid or expired')
    if (principal.role === 'service') throw fail('UNAUTHENTICATED', 'service tokens are not accepted from outside')
    if (closed.has(principal.id)) throw fail('UNAUTHENTICATED', 'this account is closed')
    // An admin or door worker whose role was lowered since this token was signed has that role no more:
    // the client refreshes and gets a token with the role as it is. Only those tokens are looked up (one
    // read each; a customer's token has nothing to lose). While Redis is away or slow they are refused
    // (503, try again): a demoted admin must not keep the role for the token's life because Redis was
    // down (buying needs Redis anyway); customers go on, as the rate limits do.
    if (principal.role !== 'customer') {
      const unchecked = () => fail('UNAVAILABLE', "this token's role could not be checked just now; try again in a moment", { retryAfterSeconds: 2 })
      if (redis?.status !== 'ready') throw unchecked()
      // Door staff: also when their events were last set (a token with older ones has doors no longer theirs).
      const read = await withinStoreDeadline(redis.hmget(roleWithdrawnKey(config.REDIS_PREFIX, principal.id), principal.role, STAFF_EVENTS_FIELD)).catch(() => null)
      if (!read) throw unchecked()
      const [withdrawnAt, eventsSetAt] = read
      if (isWithdrawn(principal, withdrawnAt)) throw fail('UNAUTHENTICATED', 'your role changed since this token was signed: refresh it or sign in again')
      if (eventsOutdated(principal, eventsSetAt)) throw fail('UNAUTHENTICATED', 'the events whose door you work changed since this token was signed: refresh it or sign in again')
    }
    return principal
  }
}

export type Identify = ReturnType<typeof createIdentity>

/**
 * The caller, with the request counted against them (their account, or the address for a guest or a
 * refused token: refusing a token must not be a free loop); throws the refusal after counting it.
 */
export async function identifiedAndCounted(identify: Identify, rateLimits: RateLimits, authorization: string | null, ip: string): Promise<Principal | undefined> {
  let principal: Principal | undefined
  let refusal: unknown
  try {
    principal = await identify(authorization)
  } catch (error) {
    refusal = error
  }
  await rateLimits.consume({ userId: principal?.id, ip })
  if (refusal) throw refusal
  return principal
}
