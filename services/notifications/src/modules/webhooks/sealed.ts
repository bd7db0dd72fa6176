// A webhook's signing secret at rest. Deliveries must sign with the secret itself, so it cannot be
// hashed; it is sealed instead (AES-256-GCM) with a key derived from SERVICE_SECRET, which lives
// outside the database: a copy of the database alone (a backup, a leaked dump) cannot forge deliveries.
// Sealed: `v1.<iv>.<ciphertext and tag>` (base64url). A secret stored before sealing (`whsec_…`) is
// read as it is and sealed when it is next renewed.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'

export function secretSeal(serviceSecret: string) {
  // Its own key: SERVICE_SECRET also signs service tokens and link tokens, for other purposes.
  const key = Buffer.from(hkdfSync('sha256', serviceSecret, 'easypass', 'webhook signing secrets v1', 32))
  return {
    seal(secret: string): string {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()])
      return `${VERSION}.${iv.toString('base64url')}.${sealed.toString('base64url')}`
    },
    /** The secret; throws when the value was altered or sealed under another SERVICE_SECRET. */
    open(stored: string): string {
      if (stored.startsWith('whsec_')) return stored
      const [version, iv, body] = stored.split('.')
      if (version !== VERSION || !iv || !body) throw new Error('not a sealed webhook secret')
      const bytes = Buffer.from(body, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(bytes.subarray(bytes.length - 16))
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8')
    },
  }
}
export type SecretSeal = ReturnType<typeof secretSeal>
