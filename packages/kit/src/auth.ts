import { Elysia } from 'elysia'
import { jwt } from '@elysiajs/jwt'
import type { Principal, Role } from '@easypass/contracts'
import { fail } from './errors'

export interface AuthConfig {
  JWT_SECRET: string
  JWT_ISSUER: string
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60

/** Admins, and services acting for the system: they see drafts and everyone's orders. */
export const isAdmin = (principal?: Principal | null) => principal?.role === 'admin' || principal?.role === 'service'

type Level = 'optional' | 'user' | 'admin' | 'service'

/**
 * Every service verifies the bearer token itself (signature, HS256 only, issuer, expiry): reaching a
 * service is never proof of identity. The gateway checks the same token first to refuse early.
 * Levels: `user` any signed-in principal, `admin` admins (and services acting for the system),
 * `service` calls between services only, `optional` guests allowed.
 */
export function authPlugin(config: AuthConfig) {
  return new Elysia({ name: 'kit.auth' })
    .use(jwt({ name: 'jwt', secret: config.JWT_SECRET, iss: config.JWT_ISSUER, alg: 'HS256' }))
    .macro({
      auth: (level: Level) => ({
        async resolve({ headers, jwt }) {
          const principal = await verifyBearer(jwt, headers.authorization, config)
          if (!principal) {
            if (level === 'optional') return { principal: undefined as Principal | undefined }
            throw fail('UNAUTHENTICATED', 'a valid access token is required')
          }
          if (level === 'admin' && principal.role !== 'admin' && principal.role !== 'service') throw fail('FORBIDDEN', 'admins only')
          if (level === 'service' && principal.role !== 'service') throw fail('FORBIDDEN', 'internal route')
          return { principal: principal as Principal | undefined }
        },
      }),
    })
    .as('global')
}

type Verifier = { verify(token?: string, options?: object): Promise<false | Record<string, unknown>> }

/**
 * Tokens verified before, until they expire: a buyer's token comes with each of their requests and a
 * service's token with thousands of calls, and each verification costs an HMAC and a key import. What
 * a signed token says cannot change before its expiry, so its verification is reused, never extended.
 */
const verified = new Map<string, { principal: Principal; expiresAt: number }>()
const VERIFIED_MAX = 10_000

export async function verifyBearer(verifier: Verifier, header: string | undefined, config: AuthConfig): Promise<Principal | null> {
  // The scheme is case-insensitive (RFC 9110), as the gateway reads it.
  const token = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim())?.[1] : undefined
  if (!token) return null
  // The secret and issuer are part of the key: a token proven under one never counts under another.
  const cacheKey = `${config.JWT_SECRET}\u0000${config.JWT_ISSUER}\u0000${token}`
  const known = verified.get(cacheKey)
  if (known) {
    if (known.expiresAt > Date.now()) return known.principal
    verified.delete(cacheKey)
  }
  const payload = await verifier.verify(token, { algorithms: ['HS256'], issuer: config.JWT_ISSUER })
  // Every token we sign expires: one without an expiry was not made by us and never counts.
  if (!payload || payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null
  const role = payload.role
  if (role !== 'customer' && role !== 'admin' && role !== 'service') return null
  const principal: Principal = { id: payload.sub, role, email: typeof payload.email === 'string' ? payload.email : undefined }
  if (verified.size >= VERIFIED_MAX) verified.clear()
  verified.set(cacheKey, { principal, expiresAt: payload.exp * 1000 })
  return principal
}

/** Signs access tokens; used by auth for users and by every service for its own calls to others. */
export function tokenSigner(config: AuthConfig) {
  const signer = jwt({ name: 'jwt', secret: config.JWT_SECRET, iss: config.JWT_ISSUER, alg: 'HS256' }).decorator.jwt
  return {
    signAccess(principal: { id: string; role: Role | 'service'; email?: string }, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
      return signer.sign({ sub: principal.id, role: principal.role, email: principal.email, typ: 'access', exp: Math.floor(Date.now() / 1000) + ttlSeconds })
    },
    verify: (token: string) => verifyBearer(signer, `Bearer ${token}`, config),
  }
}

/** A short-lived token a service presents when it calls another service; renewed before it expires. */
export function serviceTokens(config: AuthConfig, service: string) {
  const signer = tokenSigner(config)
  let cached: { token: string; until: number } | undefined
  return async () => {
    if (!cached || cached.until < Date.now()) {
      cached = { token: await signer.signAccess({ id: `service:${service}`, role: 'service' }, 300), until: Date.now() + 240_000 }
    }
    return cached.token
  }
}
