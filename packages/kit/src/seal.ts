// A secret the server must read again (a webhook's signing secret, an authenticator's shared secret), so
// it cannot be hashed: sealed at rest instead (AES-256-GCM) with a key derived from a secret that lives
// outside the database, one key per purpose. A copy of the database alone (a backup, a leaked dump)
// then reveals none of them. Sealed: `v1.<iv>.<ciphertext and tag>` (base64url).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

/** `purpose` names what is sealed (its own key): the same outer secret serves other purposes too. */
export function sealer(outerSecret: string, purpose: string) {
  const key = Buffer.from(hkdfSync('sha256', outerSecret, 'easypass', purpose, 32))
  return {
    seal(secret: string): string {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
    },
    /** The secret; throws when the value was altered or sealed with another key. */
    open(stored: string): string {
      const [version, iv, body] = stored.split('.')
      if (version !== VERSION || !iv || !body) throw new Error('not a sealed secret')
      const bytes = Buffer.from(body, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(bytes.subarray(bytes.length - 16))
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8')
    },
  }
}
export type Sealer = ReturnType<typeof sealer>
