// An authenticator app, as the tests need one: RFC 6238 codes (HMAC-SHA1, 6 digits, 30-second steps)
// from a base32 secret, written here from the RFCs so the server's library is checked against them.
import { createHmac } from 'node:crypto'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function fromBase32(text: string): Buffer {
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const char of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32.indexOf(char)
    if (index < 0) throw new Error(`not base32: ${char}`)
    value = (value << 5) | index
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The code of the time step `offset` steps from now. */
export function totp(secret: string, offset = 0, at = Date.now()): string {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000) + offset))
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest()
  const start = mac[mac.length - 1]! & 0x0f
  const number = (mac.readUInt32BE(start) & 0x7fffffff) % 1_000_000
  return String(number).padStart(6, '0')
}
