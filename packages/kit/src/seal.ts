// A secret the server must read again (a webhook's signing secret, an authenticator's shared secret), so
// it cannot be hashed: sealed at rest instead (AES-256-GCM) with a key derived from a secret that lives
// outside the database, one key per purpose. A copy of the database alone (a backup, a leaked dump)
// then reveals none of them. Sealed: `v1.<iv>.<ciphertext and tag>` (base64url).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

/**
 * `purpose` names what is sealed (its own key): the same outer secret serves other purposes too.
 * `previous`: outer secrets replaced by `outerSecret` (a rotation): what they sealed still opens, and
 * `reseal` gives it sealed under the current one, so the old secret can go once everything is resealed.
 */
export function sealer(outerSecret: string, purpose: string, previous: readonly string[] = []) {
  const keyOf = (secret: string) => Buffer.from(hkdfSync('sha256', secret, 'easypass', purpose, 32))
  const key = keyOf(outerSecret)
  const older = previous.filter((secret) => secret !== outerSecret).map(keyOf)

  function seal(secret: string): string {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()])
    return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
  }

  function openWith(stored: string, with_: Buffer): string {
    const [version, iv, body] = stored.split('.')
    if (version !== VERSION || !iv || !body) throw new Error('not a sealed secret')
    const bytes = Buffer.from(body, 'base64url')
    // The whole 16-byte tag, always: a shortened one would be easier to forge.
    if (bytes.length < 16) throw new Error('not a sealed secret')
    const decipher = createDecipheriv('aes-256-gcm', with_, Buffer.from(iv, 'base64url'), { authTagLength: 16 })
    decipher.setAuthTag(bytes.subarray(bytes.length - 16))
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8')
  }

  /** The secret and whether it was sealed under the current key; throws when altered or sealed with a key not given. */
  function opened(stored: string): { secret: string; current: boolean } {
    try {
      return { secret: openWith(stored, key), current: true }
    } catch (error) {
      for (const old of older) {
        try {
          return { secret: openWith(stored, old), current: false }
        } catch {}
      }
      throw error
    }
  }

  return {
    seal,
    /** The secret; throws when the value was altered or sealed with a key not given. */
    open: (stored: string): string => opened(stored).secret,
    /** The value sealed under the current key when it was sealed under a previous one; undefined when it is current already. */
    reseal(stored: string): string | undefined {
      const { secret, current } = opened(stored)
      return current ? undefined : seal(secret)
    },
  }
}
export type Sealer = ReturnType<typeof sealer>
