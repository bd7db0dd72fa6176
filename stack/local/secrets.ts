import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { generateKeyPairSync, randomBytes } from 'node:crypto'

/** The keys of access tokens: auth signs users' with the private key, every process verifies with the public one; services sign theirs with the secret. */
export interface TokenKeys {
  jwtPublicKey: string
  jwtPrivateKey: string
  serviceSecret: string
}

export interface LocalSecrets extends TokenKeys {
  adminPassword: string
}

export function newTokenKeys(): TokenKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519')
  return {
    jwtPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwtPrivateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    serviceSecret: randomBytes(48).toString('base64url'),
  }
}

/** The keys as the processes read them; a variable already set in `env` wins (to use keys of one's own). */
export function tokenKeysEnv(keys: TokenKeys, env: Record<string, string | undefined> = {}) {
  return {
    JWT_PUBLIC_KEY: env.JWT_PUBLIC_KEY ?? keys.jwtPublicKey,
    JWT_PRIVATE_KEY: env.JWT_PRIVATE_KEY ?? keys.jwtPrivateKey,
    SERVICE_SECRET: env.SERVICE_SECRET ?? keys.serviceSecret,
  }
}

/** What each process of the local system may hold: the signing key stays with auth, the service secret with the services. */
export function withheldFrom(processName: string): string[] {
  const withheld = processName === 'auth' ? [] : ['JWT_PRIVATE_KEY']
  if (processName === 'gateway' || processName === 'web' || processName === 'auth') withheld.push('SERVICE_SECRET')
  return withheld
}

/**
 * Local secrets are generated on first start and kept beside the local data (never in the repo):
 * the token keys and the first admin's password survive restarts like the data they protect. A file
 * of an older version (one HMAC secret) gets the keys it lacks.
 */
export function localSecrets(file: string): LocalSecrets {
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {}
  if (stored.jwtPublicKey && stored.jwtPrivateKey && stored.serviceSecret && stored.adminPassword) return stored as LocalSecrets
  const secrets: LocalSecrets = {
    ...newTokenKeys(),
    adminPassword: stored.adminPassword ?? randomBytes(12).toString('base64url'),
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 })
  return secrets
}
