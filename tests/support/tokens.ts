// Tokens as the system's own processes make them (auth's signing key, each service's own key), and
// forgeries, for tests that must present or refuse one.
import { createPrivateKey } from 'node:crypto'
import { jwt } from '@elysiajs/jwt'
import { serviceTokens, tokenSigner, type ServiceCaller } from '@easypass/kit'
import { newTokenKeys, serviceKeyVariable } from '../../stack/local/secrets'
import { system } from './system'

const issuer = () => system().env.JWT_ISSUER ?? 'easypass'
const in10Minutes = () => Math.floor(Date.now() / 1000) + 600

/** Users' access tokens signed as auth signs them; `iss` another issuer than the system's. */
export function userTokens(iss = issuer()) {
  const env = system().env
  return tokenSigner({ JWT_PUBLIC_KEY: env.JWT_PUBLIC_KEY!, JWT_PRIVATE_KEY: env.JWT_PRIVATE_KEY!, JWT_ISSUER: iss })
}

/** Users' access tokens signed with a key pair the system does not know. */
export function forgedUserTokens() {
  const keys = newTokenKeys()
  return tokenSigner({ JWT_PUBLIC_KEY: keys.jwtPublicKey, JWT_PRIVATE_KEY: keys.jwtPrivateKey, JWT_ISSUER: issuer() })
}

/** The token `name` presents to the services it calls (signed with its own key, as it signs them). */
export function serviceToken(name: ServiceCaller) {
  const env = system().env
  return serviceTokens({ SERVICE_KEY: env[serviceKeyVariable(name)], SERVICE_PUBLIC_KEYS: env.SERVICE_PUBLIC_KEYS, JWT_ISSUER: issuer() }, name)()
}

/**
 * What a service could make with what it holds, claiming a user's role: with its own key, as a user's
 * token (no `kid`) and as its own (`kid` its name); and, for orders and notifications, with the HMAC
 * secret (as services' tokens were made before each had a key).
 */
export async function userTokensFromServiceKeys(principal: { id: string; role: 'customer' | 'admin' }, service: ServiceCaller = 'catalog') {
  const env = system().env
  const claims = { sub: principal.id, role: principal.role, typ: 'access', exp: in10Minutes() }
  const key = createPrivateKey(env[serviceKeyVariable(service)]!)
  const asUser = jwt({ name: 'jwt', secret: key as never, iss: issuer(), alg: 'EdDSA' }).decorator.jwt
  const asItself = jwt({ name: 'jwt', secret: key as never, iss: issuer(), alg: 'EdDSA', kid: service }).decorator.jwt
  const hmac = jwt({ name: 'jwt', secret: env.SERVICE_SECRET!, iss: issuer(), alg: 'HS256' }).decorator.jwt
  return {
    asUser: await asUser.sign(claims),
    asItself: await asItself.sign(claims),
    /** Its own key, claiming to be another service (`kid` orders). */
    asOrders: await jwt({ name: 'jwt', secret: key as never, iss: issuer(), alg: 'EdDSA', kid: 'orders' }).decorator.jwt.sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }),
    fromSecret: await hmac.sign(claims),
    /** A service token as all were made before: HS256 with the shared secret. */
    oldServiceToken: await hmac.sign({ sub: 'service:orders', role: 'service', typ: 'access', exp: in10Minutes() }),
  }
}
