import { Elysia } from 'elysia'
import { jwt } from '@elysiajs/jwt'
import { ROLES, type Principal, type Role } from '@easypass/contracts'
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { fail } from './errors'
import { isServiceCaller, SERVICE_CALLERS, type ServiceCaller } from './service-names'

export { SERVICE_CALLERS, type ServiceCaller } from './service-names'

/**
 * What verifying tokens takes. Users' access tokens are signed by auth alone, with an Ed25519 key
 * (EdDSA): every other process holds only the public key, so none of them (the gateway facing the
 * internet least of all) can make one. Tokens services present to each other are signed the same way,
 * each service with a key of its own (`SERVICE_KEY`), and name it in the header (`kid`); the services
 * they call verify them with that service's public key (`SERVICE_PUBLIC_KEYS`) and answer each internal
 * route to the services named for it only. So no service can make another's token, and one taken over
 * reaches only what its own calls reach (catalog cannot ask payments for a refund). They carry the role
 * `service` and nothing else.
 */
export interface AuthConfig {
  JWT_PUBLIC_KEY: string
  JWT_ISSUER: string
  /** `name:key` pairs (the key: Ed25519 SPKI, DER in base64), separated by white space or commas; a name twice during a rotation. */
  SERVICE_PUBLIC_KEYS?: string
}

/** The service a service's principal is (its id is `service:<name>`); none for a user. */
export const serviceOf = (principal?: Principal | null): ServiceCaller | undefined => {
  const name = principal?.role === 'service' && principal.id.startsWith('service:') ? principal.id.slice('service:'.length) : undefined
  return isServiceCaller(name) ? name : undefined
}

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60

/**
 * Redis hash auth keeps per user whose role changed, for as long as access tokens signed before it may
 * live: for each role, the second until which that user's tokens carrying it are withdrawn. A change to
 * a role withdraws every role above it (`rolesAbove`): a demoted admin or door worker loses the role at
 * once instead of keeping it for up to 15 minutes. The seconds only grow, so what was withdrawn stays so.
 */
export const roleWithdrawnKey = (prefix: string, userId: string) => `${prefix}:role-withdrawn:${userId}`

/**
 * Redis sorted set of accounts closed in the last `ACCESS_TOKEN_TTL_SECONDS` (and a minute more): the
 * member is the account id, the score the second it was closed. Written by auth when an account closes;
 * the gateway reads it every second and refuses every token of those accounts, which would otherwise
 * live out their 15 minutes (an id is never given again, so none of its tokens is good any more).
 */
export const closedAccountsKey = (prefix: string) => `${prefix}:closed-accounts`

/** The roles an account given `role` must not act with any more: every one above it. */
export const rolesAbove = (role: Role): Role[] => ROLES.slice(ROLES.indexOf(role) + 1)

/**
 * The field of that hash saying when a door worker's events were last set (ms since the epoch, the same
 * value their new tokens carry as `evs`): a staff token carrying an older one has events no longer theirs.
 */
export const STAFF_EVENTS_FIELD = 'staff-events'

/** Whether a door worker's token carries events set before `setAt` (the hash's STAFF_EVENTS_FIELD). */
export const eventsOutdated = (principal: Principal, setAt: string | null | undefined): boolean =>
  principal.role === 'staff' && !!setAt && (principal.eventsSince ?? 0) < Number(setAt)

/** Whether the token was withdrawn: signed at or before the second its role was last withdrawn (`withdrawnAt`, the hash's field of that role). */
export const isWithdrawn = (principal: Principal, withdrawnAt: string | null | undefined): boolean => !!withdrawnAt && (principal.issuedAt ?? 0) <= Number(withdrawnAt)

/** Admins, and services acting for the system (on the internal routes, and the public ones they read: `readBy`): they see drafts. */
export const isAdmin = (principal?: Principal | null) => principal?.role === 'admin' || principal?.role === 'service'

/** Who works the door: door staff and admins. */
export const worksTheDoor = (principal?: Principal | null) => principal?.role === 'staff' || principal?.role === 'admin'

/** Door staff given some events work their doors only (check-in, attendee and door lists, sales at the door); admins every one. */
export const worksEvent = (principal: Principal | null | undefined, eventId: string) =>
  principal?.role === 'admin' || (principal?.role === 'staff' && (!principal.events || principal.events.some((id) => id.toLowerCase() === eventId.toLowerCase())))

/** 403 for door staff at the door of an event they were not given. */
export function mustWorkEvent(principal: Principal | null | undefined, eventId: string) {
  if (!worksEvent(principal, eventId)) throw fail('FORBIDDEN', 'you work the door of other events: this event is not yours', { notYourEvent: true, eventId })
}

/** Events one door worker may be given at most (they ride in every token of theirs). */
export const STAFF_EVENTS_MAX = 50

/** Roles users' tokens may carry (a service's token carries `service`, and only that). */
const isUserRole = (role: unknown): role is Role => (ROLES as readonly unknown[]).includes(role)

/** An internal route: the services that call it, and only they. */
type Internal = { services: readonly ServiceCaller[] }
type UserLevel = 'optional' | 'user' | 'staff' | 'admin'
/** A public route (`public` for users) that these services also read (GET), seeing what an admin sees. */
type ReadByServices = { public: UserLevel; readBy: readonly ServiceCaller[] }
type Level = UserLevel | Internal | ReadByServices

/**
 * Every service verifies the bearer token itself (signature with the key of its kind, issuer, expiry): reaching a
 * service is never proof of identity. The gateway checks the same token first to refuse early.
 * Levels: `user` any signed-in principal, `staff` door staff and admins, `admin` admins only, `optional` guests
 * allowed; `{ services: [...] }` calls from those services only; `{ public: level, readBy: [...] }` the level for
 * users, and reads by those services. A service's token is refused (403) everywhere else: a service taken over
 * reaches only what its own calls reach.
 */
export function authPlugin(config: AuthConfig) {
  const verifier = tokenVerifier(config)
  return new Elysia({ name: 'kit.auth' })
    .macro({
      auth: (level: Level) => {
        const principalFor = async (authorization: string | undefined, method: string) => {
          const principal = await verifier.verifyHeader(authorization)
          if (!principal) {
            if (level === 'optional' || (typeof level === 'object' && 'public' in level && level.public === 'optional')) return undefined
            throw fail('UNAUTHENTICATED', 'a valid access token is required')
          }
          const internal = typeof level === 'object' && 'services' in level
          const forUsers = typeof level === 'object' ? ('public' in level ? level.public : undefined) : level
          if (principal.role === 'service' && !internal) {
            // A public route a service reads (drafts, any event's availability), as an admin sees it, and
            // never writes through: a service's token taken from it would otherwise refund or cancel
            // anyone's order by calling orders directly, or list everyone's orders.
            const readBy = typeof level === 'object' && 'readBy' in level ? level.readBy : []
            const caller = serviceOf(principal)
            if (!caller || !readBy.includes(caller)) throw fail('FORBIDDEN', "this service's token is not taken on this route")
            if (method !== 'GET' && method !== 'HEAD') throw fail('FORBIDDEN', "a service's token reads this route, it never writes through it")
            return principal as Principal
          }
          if (forUsers === 'admin' && principal.role !== 'admin') throw fail('FORBIDDEN', 'admins only')
          if (forUsers === 'staff' && !worksTheDoor(principal)) throw fail('FORBIDDEN', 'door staff and admins only')
          if (internal) {
            if (principal.role !== 'service') throw fail('FORBIDDEN', 'internal route')
            // Each internal route answers the services whose work calls it: a token of any other is refused.
            const caller = serviceOf(principal)
            const { services } = level as Internal
            if (!caller || !services.includes(caller)) throw fail('FORBIDDEN', `this internal route answers ${services.join(', ')} only`)
          }
          return principal as Principal
        }
        return {
          // Who asks is checked before what is asked (validation comes after this stage): a caller
          // without the right to a route gets its 401 or 403, not a 400 about a body it may not send.
          async transform({ headers, request }) {
            await principalFor(headers.authorization, request.method)
          },
          // Verified tokens are remembered until they expire: this second look is a lookup.
          async resolve({ headers, request }) {
            return { principal: (await principalFor(headers.authorization, request.method)) as Principal | undefined }
          },
        }
      },
    })
    .as('global')
}

type Verifier = { verify(token?: string, options?: object): Promise<false | Record<string, unknown>> }

/**
 * Tokens verified before, until they expire: a buyer's token comes with each of their requests and a
 * service's token with thousands of calls. What a signed token says cannot change before its expiry,
 * so its verification is reused, never extended.
 */
const verified = new Map<string, { principal: Principal; expiresAt: number }>()
const VERIFIED_MAX = 10_000

/** One Ed25519 key (and the issuer every token carries; `kid`, the name a service's tokens carry). */
const jwtWith = (key: KeyObject, iss: string, kid?: string): Verifier & { sign(payload: Record<string, unknown>): Promise<string> } =>
  jwt({ name: 'jwt', secret: key as never, iss, alg: 'EdDSA', ...(kid ? { kid } : {}) }).decorator.jwt as never

/** What a token's header claims: it only picks the key (a service's by `kid`, none for auth's); each key checks its own. */
function claimedHeader(token: string): { alg?: string; kid?: string } {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown; kid?: unknown }
    return { alg: typeof header.alg === 'string' ? header.alg : undefined, kid: typeof header.kid === 'string' ? header.kid : undefined }
  } catch {
    return {}
  }
}

/**
 * The users' public key (two, one PEM block after the other, while auth's key is rotated), refusing a
 * private one given in its place (Node would derive the public key from it and everything would work,
 * with the signing key spread to every process) and any other kind.
 */
export function publicKeysOf(pem: string): KeyObject[] {
  if (/PRIVATE KEY/.test(pem)) throw new Error('JWT_PUBLIC_KEY holds a private key: give every process but auth the public key only')
  const blocks = pem.match(/-----BEGIN [A-Z ]+-----[^-]+-----END [A-Z ]+-----/g) ?? [pem]
  return blocks.reduce<KeyObject[]>((keys, block) => addKey(keys, ed25519(createPublicKey(block), 'JWT_PUBLIC_KEY'), 'JWT_PUBLIC_KEY'), [])
}

function ed25519(key: KeyObject, name: string) {
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${name} must be an Ed25519 key, not ${key.asymmetricKeyType}`)
  return key
}

const spkiOf = (key: KeyObject) => key.export({ type: 'spki', format: 'der' }).toString('base64')

/**
 * Keys one name may have at once: the one in use, and during a rotation the one replacing it (or
 * replaced). Every verifier takes both while the signer switches, so no call or sign-in is refused.
 */
export const KEYS_PER_NAME = 2

/** Adds a key to a name's keys: the same key twice, or a third, stops the process. */
function addKey(keys: KeyObject[], key: KeyObject, what: string): KeyObject[] {
  if (keys.some((known) => spkiOf(known) === spkiOf(key))) throw new Error(`${what}: the same key is given twice`)
  if (keys.length >= KEYS_PER_NAME) throw new Error(`${what}: more than ${KEYS_PER_NAME} keys (a rotation lists the key in use and the new one, no more)`)
  return [...keys, key]
}

/**
 * SERVICE_PUBLIC_KEYS read: each service's name and public key (`name:base64 SPKI DER`, as
 * `openssl pkey -in catalog.key -pubout -outform DER | base64 -w0` prints it); a name twice, with two
 * keys, while its key is rotated. Anything else stops the process: an unknown name, the same key twice,
 * a third key, a key that is not Ed25519, or a private key.
 */
export function servicePublicKeys(text: string | undefined): Map<ServiceCaller, KeyObject[]> {
  const keys = new Map<ServiceCaller, KeyObject[]>()
  /** Which name each key is listed under: one key is one service's, never two services' (a kid binds to its own keys only). */
  const owner = new Map<string, string>()
  for (const entry of (text ?? '').split(/[\s,]+/).filter(Boolean)) {
    const match = /^([a-z-]+):([A-Za-z0-9+/]+={0,2})$/.exec(entry)
    if (!match) throw new Error(`SERVICE_PUBLIC_KEYS: "${entry.slice(0, 24)}…" is not name:base64-key`)
    const [, name, der] = match as unknown as [string, string, string]
    if (!isServiceCaller(name)) throw new Error(`SERVICE_PUBLIC_KEYS: ${name} is no service that calls others (${SERVICE_CALLERS.join(', ')})`)
    let key: KeyObject
    try {
      key = createPublicKey({ key: Buffer.from(der, 'base64'), format: 'der', type: 'spki' })
    } catch {
      throw new Error(`SERVICE_PUBLIC_KEYS: ${name}'s key is not a public key (SPKI, DER in base64)`)
    }
    const listedUnder = owner.get(spkiOf(key))
    if (listedUnder && listedUnder !== name) throw new Error(`SERVICE_PUBLIC_KEYS: ${name}'s key is ${listedUnder}'s too: each service has keys of its own`)
    owner.set(spkiOf(key), name)
    keys.set(name, addKey(keys.get(name) ?? [], ed25519(key, `SERVICE_PUBLIC_KEYS's ${name}`), `SERVICE_PUBLIC_KEYS's ${name}`))
  }
  return keys
}

/** Verifies bearer tokens: users' (auth's key, one of ROLES) and services' (each its own key, named in `kid`; role service only). */
export function tokenVerifier(config: AuthConfig) {
  const userKeys = publicKeysOf(config.JWT_PUBLIC_KEY)
  const serviceKeys = servicePublicKeys(config.SERVICE_PUBLIC_KEYS)
  // Auth's key is no service's: a service's key among the users' (or the other way) would let one kind of token pass for the other's signer.
  for (const [name, keys] of serviceKeys)
    if (keys.some((key) => userKeys.some((userKey) => spkiOf(userKey) === spkiOf(key)))) throw new Error(`SERVICE_PUBLIC_KEYS: ${name}'s key is JWT_PUBLIC_KEY's: services and auth's users' tokens have keys of their own`)
  const users = userKeys.map((key) => jwtWith(key, config.JWT_ISSUER))
  const services = new Map([...serviceKeys].map(([name, keys]) => [name as string, keys.map((key) => jwtWith(key, config.JWT_ISSUER))]))
  // The keys and the issuer are part of the cache key: a token proven under one never counts under another.
  const scope = createHash('sha256').update(`${config.JWT_PUBLIC_KEY}\u0000${config.SERVICE_PUBLIC_KEYS ?? ''}\u0000${config.JWT_ISSUER}`).digest('base64url')

  async function verify(token: string): Promise<Principal | null> {
    const cacheKey = `${scope}\u0000${token}`
    const known = verified.get(cacheKey)
    if (known) {
      if (known.expiresAt > Date.now()) return known.principal
      verified.delete(cacheKey)
    }
    const { alg, kid } = claimedHeader(token)
    // A service's token names its service, and only that service's key can prove it; auth's name none.
    // During a rotation a name has two keys: the token is good under either.
    const keys = alg === 'EdDSA' ? (kid === undefined ? users : services.get(kid)) : undefined
    let payload: false | Record<string, unknown> = false
    for (const key of keys ?? []) if ((payload = await key.verify(token, { algorithms: ['EdDSA'], issuer: config.JWT_ISSUER }))) break
    // Every token we sign expires: one without an expiry was not made by us and never counts.
    if (!payload || payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null
    const role = payload.role as Principal['role']
    // Each key makes one kind of token: the users' key never vouches for a service, a service's key only for itself.
    if (kid === undefined ? !isUserRole(role) : role !== 'service' || payload.sub !== `service:${kid}`) return null
    const principal: Principal = {
      id: payload.sub,
      role,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      ...(payload.guest === true ? { guest: true } : {}),
      ...(typeof payload.iat === 'number' ? { issuedAt: payload.iat } : {}),
      ...(role === 'staff' && payload.events !== undefined ? { events: payload.events as string[] } : {}),
      ...(role === 'staff' && typeof payload.evs === 'number' ? { eventsSince: payload.evs } : {}),
    }
    // Events are a list of ids or absent (every door): anything else was not signed by auth.
    if (principal.events && (!Array.isArray(principal.events) || principal.events.length > STAFF_EVENTS_MAX || !principal.events.every((id) => typeof id === 'string'))) return null
    if (verified.size >= VERIFIED_MAX) verified.clear()
    verified.set(cacheKey, { principal, expiresAt: payload.exp * 1000 })
    return principal
  }

  return {
    verify,
    /** The principal of an `Authorization: Bearer …` header (the scheme in any case, RFC 9110), or null. */
    verifyHeader(header: string | undefined | null): Promise<Principal | null> {
      const token = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim())?.[1] : undefined
      return token ? verify(token) : Promise.resolve(null)
    },
  }
}

/** Signs users' access tokens: auth only, the one process given JWT_PRIVATE_KEY. */
export function tokenSigner(config: AuthConfig & { JWT_PRIVATE_KEY: string }) {
  const privateKey = createPrivateKey(config.JWT_PRIVATE_KEY)
  // Tokens nobody accepts are worse than not starting: the public key must be listed.
  if (!publicKeysOf(config.JWT_PUBLIC_KEY).some((key) => spkiOf(key) === spkiOf(createPublicKey(privateKey)))) throw new Error('JWT_PRIVATE_KEY does not belong to JWT_PUBLIC_KEY')
  const signer = jwtWith(privateKey, config.JWT_ISSUER)
  return {
    signAccess(principal: { id: string; role: Role; email?: string; guest?: boolean; events?: string[]; eventsSince?: number }, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
      if (!isUserRole(principal.role)) throw new Error(`users' tokens are for ${ROLES.join(', ')}, not ${String(principal.role)}`)
      const now = Math.floor(Date.now() / 1000)
      const events =
        principal.role === 'staff' ? { ...(principal.events ? { events: principal.events } : {}), ...(principal.eventsSince ? { evs: principal.eventsSince } : {}) } : {}
      return signer.sign({ sub: principal.id, role: principal.role, email: principal.email, ...(principal.guest ? { guest: true } : {}), ...events, typ: 'access', iat: now, exp: now + ttlSeconds })
    },
  }
}

/**
 * A short-lived token a service presents when it calls another service, signed with its own key
 * (SERVICE_KEY, Ed25519, PEM); renewed before it expires. Given SERVICE_PUBLIC_KEYS, the key must be the
 * one listed under the service's name, or the process stops: tokens nobody accepts are worse than not starting.
 */
export function serviceTokens(config: { SERVICE_KEY?: string; SERVICE_PUBLIC_KEYS?: string; JWT_ISSUER: string }, service: ServiceCaller) {
  if (!config.SERVICE_KEY) throw new Error(`SERVICE_KEY is required: ${service} calls other services with tokens signed by its own key`)
  const privateKey = ed25519(createPrivateKey(config.SERVICE_KEY), 'SERVICE_KEY')
  const listed = servicePublicKeys(config.SERVICE_PUBLIC_KEYS)
  if (config.SERVICE_PUBLIC_KEYS !== undefined) {
    const own = listed.get(service)
    if (!own) throw new Error(`SERVICE_PUBLIC_KEYS has no key for ${service}: no service would accept its tokens`)
    if (!own.some((key) => spkiOf(key) === spkiOf(createPublicKey(privateKey)))) throw new Error(`SERVICE_KEY is not the key SERVICE_PUBLIC_KEYS lists for ${service}`)
  }
  const signer = jwtWith(privateKey, config.JWT_ISSUER, service)
  let cached: { token: string; until: number } | undefined
  return async () => {
    if (!cached || cached.until < Date.now()) {
      cached = { token: await signer.sign({ sub: `service:${service}`, role: 'service', typ: 'access', exp: Math.floor(Date.now() / 1000) + 300 }), until: Date.now() + 240_000 }
    }
    return cached.token
  }
}
