// Tokens as the system's own processes make them (auth's signing key, the services' secret), and
// forgeries, for tests that must present or refuse one.
import { jwt } from '@elysiajs/jwt'
import { serviceTokens, tokenSigner } from '@easypass/kit'
import { newTokenKeys } from '../../stack/local/secrets'
import { system } from './system'

const issuer = () => system().env.JWT_ISSUER ?? 'easypass'

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

/** A token a service presents to another (role `service`). */
export function serviceToken(name = 'tests') {
  return serviceTokens({ SERVICE_SECRET: system().env.SERVICE_SECRET!, JWT_ISSUER: issuer() }, name)()
}

/** What a service holding only the service secret could make of it: a token claiming a user's role. */
export function userTokenFromServiceSecret(principal: { id: string; role: 'customer' | 'admin' }) {
  const signer = jwt({ name: 'jwt', secret: system().env.SERVICE_SECRET!, iss: issuer(), alg: 'HS256' }).decorator.jwt
  return signer.sign({ sub: principal.id, role: principal.role, typ: 'access', exp: Math.floor(Date.now() / 1000) + 600 })
}
