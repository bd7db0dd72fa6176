// A device that keeps passkeys, as a phone or a security key does (WebAuthn, ES256, attestation
// "none"): it answers the options our server gives with what a browser would send back. The server
// checks it with the same code it checks a real device with; the browser tests use Chromium's own
// virtual authenticator. Each answer can be spoiled one way, to see the server refuse it.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { isoCBOR } from '@simplewebauthn/server/helpers'

const b64url = (bytes: Uint8Array | Buffer) => Buffer.from(bytes).toString('base64url')
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest()

interface Kept {
  id: Buffer
  privateKey: KeyObject
  rpId: string
  userHandle: string
  counter: number
}

export interface Spoil {
  /** The device's owner did not unlock it (no PIN, no fingerprint). */
  unverified?: boolean
  /** Made on (or for) another site. */
  origin?: string
  rpId?: string
  /** Answers another challenge than the one asked. */
  challenge?: string
  /** Signed with another key than the passkey's. */
  wrongKey?: boolean
  /** The counter set back to this. */
  counter?: number
}

export class PasskeyDevice {
  readonly kept: Kept[] = []
  /** `counting`: the device keeps a signature counter (a security key); a synced passkey sends 0. */
  constructor(readonly origin: string, readonly counting = false) {}

  private authData(rpId: string, flags: number, counter: number, attested?: Buffer) {
    const count = Buffer.alloc(4)
    count.writeUInt32BE(counter)
    return Buffer.concat([sha256(rpId), Buffer.from([flags]), count, ...(attested ? [attested] : [])])
  }

  /** `navigator.credentials.create(options)` with the owner's consent. */
  create(options: any, spoil: Spoil = {}) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwk = publicKey.export({ format: 'jwk' })
    const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]))
    const id = randomBytes(32)
    const rpId = spoil.rpId ?? options.rp.id
    const idLength = Buffer.alloc(2)
    idLength.writeUInt16BE(id.length)
    const attested = Buffer.concat([Buffer.alloc(16), idLength, id, Buffer.from(cose)])
    const flags = 0x01 | (spoil.unverified ? 0 : 0x04) | (this.counting ? 0 : 0x18) | 0x40
    const authData = this.authData(rpId, flags, 0, attested)
    const clientData = JSON.stringify({ type: 'webauthn.create', challenge: spoil.challenge ?? options.challenge, origin: spoil.origin ?? this.origin, crossOrigin: false })
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never)
    this.kept.push({ id, privateKey, rpId, userHandle: options.user.id, counter: 0 })
    return {
      id: b64url(id),
      rawId: b64url(id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(Buffer.from(clientData)), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: this.counting ? ('cross-platform' as const) : ('platform' as const),
    }
  }

  /** `navigator.credentials.get(options)`: the `which`th passkey kept (the newest by default) signs. */
  get(options: any, which = this.kept.length - 1, spoil: Spoil = {}) {
    const passkey = this.kept[which]
    if (!passkey) throw new Error('this device keeps no such passkey')
    if (this.counting) passkey.counter += 1
    const counter = spoil.counter ?? passkey.counter
    const flags = 0x01 | (spoil.unverified ? 0 : 0x04) | (this.counting ? 0 : 0x18)
    const authData = this.authData(spoil.rpId ?? passkey.rpId, flags, counter)
    const clientData = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: spoil.challenge ?? options.challenge, origin: spoil.origin ?? this.origin, crossOrigin: false }))
    const key = spoil.wrongKey ? createPrivateKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' })) : passkey.privateKey
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), key)
    return {
      id: b64url(passkey.id),
      rawId: b64url(passkey.id),
      type: 'public-key' as const,
      response: { clientDataJSON: b64url(clientData), authenticatorData: b64url(authData), signature: b64url(signature), userHandle: passkey.userHandle },
      clientExtensionResults: {},
      authenticatorAttachment: this.counting ? ('cross-platform' as const) : ('platform' as const),
    }
  }
}
