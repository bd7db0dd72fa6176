import { randomBytes } from 'node:crypto'

// argon2id at OWASP's recommended floor (19 MiB, 2 passes): slow for an attacker with a stolen hash,
// yet several logins can hash at once on a small machine without exhausting its memory.
const ARGON2: Bun.Password.Argon2Algorithm = { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 }

export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, ARGON2)
}

let dummyHash: Promise<string> | undefined

/**
 * A login for an unknown email (`hash` undefined) still verifies against a real hash of the same cost,
 * so it takes as long as a wrong password for a known email and timing does not tell them apart.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  dummyHash ??= hashPassword(randomBytes(24).toString('base64url'))
  const matches = await Bun.password.verify(password, hash ?? (await dummyHash))
  return matches && hash !== undefined
}
