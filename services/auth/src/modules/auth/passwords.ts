import { randomBytes } from 'node:crypto'
import { counter, fail } from '@easypass/kit'

// argon2id at OWASP's recommended floor (19 MiB, 2 passes): slow for an attacker with a stolen hash,
// yet several logins can hash at once on a small machine without exhausting its memory.
const ARGON2: Bun.Password.Argon2Algorithm = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 }

const refused = counter('auth_hashing_refused_total', 'Sign-ins and registrations refused with 503 because too many passwords were waiting to be hashed')

/**
 * Hashing is the costly part of every sign-in and registration, and what a flood would make us spend:
 * at most `HASH_CONCURRENCY` hashes run at once (19 MiB each), and beyond `HASH_QUEUE` waiting the
 * request is refused with 503 and Retry-After at once instead of queueing without bound.
 */
export function hashGate(runningMax: number, waitingMax: number) {
  let running = 0
  const waiting: Array<() => void> = []
  return async function hashing<T>(work: () => Promise<T>): Promise<T> {
    if (running >= runningMax) {
      if (waiting.length >= waitingMax) {
        refused.inc()
        throw fail('UNAVAILABLE', 'too many sign-ins at once, try again in a moment', { retryAfterSeconds: 2 })
      }
      await new Promise<void>((resolve) => waiting.push(resolve))
    } else running++
    try {
      return await work()
    } finally {
      const next = waiting.shift()
      // The slot passes straight to the next waiter; only when nobody waits is it freed.
      if (next) next()
      else running--
    }
  }
}

let hashing = hashGate(2, 100)

/** Sized from configuration (`os.cpus()` would report a container's host, not the CPUs it may use). */
export function configureHashing(concurrency: number, queue: number) {
  hashing = hashGate(concurrency, queue)
}

export function hashPassword(password: string): Promise<string> {
  return hashing(() => Bun.password.hash(password, ARGON2))
}

let dummyHash: Promise<string> | undefined

/**
 * A login for an unknown email (`hash` undefined) still verifies against a real hash of the same cost,
 * so it takes as long as a wrong password for a known email and timing does not tell them apart.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  dummyHash ??= Bun.password.hash(randomBytes(24).toString('base64url'), ARGON2).catch((error) => {
    // Made again next time: a failure kept here would answer every unknown email with a 500.
    dummyHash = undefined
    throw error
  })
  const against = hash ?? (await dummyHash)
  const matches = await hashing(() => Bun.password.verify(password, against))
  return matches && hash !== undefined
}
