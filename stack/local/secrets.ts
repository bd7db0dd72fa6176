import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { SERVICE_CALLERS, type ServiceCaller } from '@easypass/kit/service-names'

/**
 * The keys of access tokens: auth signs users' with the private key, every process verifies with the
 * public one; each service that calls others signs its own with its own key (`serviceKeys`, PEM).
 * The secret is orders' and notifications' HMAC key (links to offered tickets, card fingerprints, sealed webhook secrets).
 */
export interface TokenKeys {
  jwtPublicKey: string
  jwtPrivateKey: string
  serviceSecret: string
  serviceKeys: Record<ServiceCaller, string>
}

export interface LocalSecrets extends TokenKeys {
  adminPassword: string
}

const ed25519Pair = () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return { publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(), privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }
}

const newServiceKeys = (): Record<ServiceCaller, string> =>
  Object.fromEntries(SERVICE_CALLERS.map((name) => [name, ed25519Pair().privateKey])) as Record<ServiceCaller, string>

export function newTokenKeys(): TokenKeys {
  const jwt = ed25519Pair()
  return { jwtPublicKey: jwt.publicKey, jwtPrivateKey: jwt.privateKey, serviceSecret: randomBytes(48).toString('base64url'), serviceKeys: newServiceKeys() }
}

/** SERVICE_PUBLIC_KEYS of these private keys: `name:base64 SPKI`, one per line (as the Swarm secret holds them). */
const servicePublicKeysOf = (keys: Partial<Record<string, string>>) =>
  Object.entries(keys)
    .map(([name, pem]) => `${name}:${createPublicKey(createPrivateKey(pem!)).export({ type: 'spki', format: 'der' }).toString('base64')}`)
    .join('\n')

/** Where the launcher keeps a service's private key among the variables it hands out (each process gets its own as SERVICE_KEY). */
export const serviceKeyVariable = (name: ServiceCaller) => `SERVICE_KEY_${name.toUpperCase()}`

/** The keys as the processes read them; a variable already set in `env` wins (to use keys of one's own). */
export function tokenKeysEnv(keys: TokenKeys, env: Record<string, string | undefined> = {}) {
  const serviceKeys = Object.fromEntries(SERVICE_CALLERS.map((name) => [serviceKeyVariable(name), env[serviceKeyVariable(name)] ?? keys.serviceKeys[name]]))
  return {
    JWT_PUBLIC_KEY: env.JWT_PUBLIC_KEY ?? keys.jwtPublicKey,
    JWT_PRIVATE_KEY: env.JWT_PRIVATE_KEY ?? keys.jwtPrivateKey,
    SERVICE_SECRET: env.SERVICE_SECRET ?? keys.serviceSecret,
    ...serviceKeys,
    SERVICE_PUBLIC_KEYS: env.SERVICE_PUBLIC_KEYS ?? servicePublicKeysOf(Object.fromEntries(SERVICE_CALLERS.map((name) => [name, serviceKeys[serviceKeyVariable(name)]]))),
  }
}

/** The processes that call other services, and the key each signs with: orders' worker its service's; the other workers call nobody. */
const SIGNERS: Record<string, ServiceCaller> = { auth: 'auth', catalog: 'catalog', ticketing: 'ticketing', orders: 'orders', 'orders-worker': 'orders', notifications: 'notifications' }

/** The service whose key a process signs with; none for those that call nobody. */
export function serviceKeyOf(processName: string): ServiceCaller | undefined {
  return Object.hasOwn(SIGNERS, processName) ? SIGNERS[processName] : undefined
}

/**
 * What each process of the local system may hold (the same split as docker-stack.yml's secrets): the
 * users' signing key stays with auth; a service's own key with the processes that call others as it
 * (`serviceKeyOf`); the services' public keys with every service and worker; the HMAC secret with orders
 * and notifications.
 */
export function withheldFrom(processName: string): string[] {
  const service = processName.replace(/-worker$/, '')
  const withheld = processName === 'auth' ? [] : ['JWT_PRIVATE_KEY', 'JWT_PREVIOUS_PRIVATE_KEY']
  if (!serviceKeyOf(processName)) withheld.push('SERVICE_KEY')
  if (service === 'gateway' || service === 'web') withheld.push('SERVICE_PUBLIC_KEYS')
  if (service !== 'orders' && service !== 'notifications') withheld.push('SERVICE_SECRET', 'SERVICE_PREVIOUS_SECRET')
  // The wallets' signing keys (an Apple certificate's, a Google service account's) are orders' alone.
  if (service !== 'orders') withheld.push('WALLET_KEY', 'WALLET_KEY_PASSPHRASE', 'GOOGLE_WALLET_KEY')
  return withheld
}

/** The environment a process gets: its own service key as SERVICE_KEY, none of the others', nothing `withheldFrom` names. */
export function secretsFor(processName: string, env: Record<string, string | undefined>) {
  const own = serviceKeyOf(processName)
  const out: Record<string, string | undefined> = { ...env, SERVICE_KEY: own ? env[serviceKeyVariable(own)] ?? env.SERVICE_KEY : undefined }
  for (const name of SERVICE_CALLERS) delete out[serviceKeyVariable(name)]
  for (const key of withheldFrom(processName)) delete out[key], delete out[`${key}_FILE`]
  return out
}

/**
 * Local secrets are generated on first start and kept beside the local data (never in the repo):
 * the token keys and the first admin's password survive restarts like the data they protect. A file
 * of an older version gets the keys it lacks, keeping those it has.
 */
export function localSecrets(file: string): LocalSecrets {
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {}
  const complete = stored.serviceKeys && SERVICE_CALLERS.every((name) => stored.serviceKeys![name])
  if (stored.jwtPublicKey && stored.jwtPrivateKey && stored.serviceSecret && complete && stored.adminPassword) return stored as LocalSecrets
  const fresh = newTokenKeys()
  const secrets: LocalSecrets = {
    ...(stored.jwtPublicKey && stored.jwtPrivateKey ? { jwtPublicKey: stored.jwtPublicKey, jwtPrivateKey: stored.jwtPrivateKey } : { jwtPublicKey: fresh.jwtPublicKey, jwtPrivateKey: fresh.jwtPrivateKey }),
    serviceSecret: stored.serviceSecret ?? fresh.serviceSecret,
    serviceKeys: { ...fresh.serviceKeys, ...stored.serviceKeys },
    adminPassword: stored.adminPassword ?? randomBytes(12).toString('base64url'),
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  // `mode` applies to a new file only: one kept from before is made its owner's alone too.
  chmodSync(file, 0o600)
  return secrets
}
