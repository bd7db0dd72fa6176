// Passkeys (WebAuthn credentials): one document per credential, `_id` = the credential's id as the
// browser gives it (base64url). The unique `_id` is the arbiter: a credential belongs to one account,
// and of two additions of it at once one lands. The public key is all we keep: nothing here signs in.
import { Schema, type Connection, type InferSchemaType } from 'mongoose'

const passkeySchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    name: { type: String, required: true },
    /** The COSE public key, base64url. */
    publicKey: { type: String, required: true },
    /** The authenticator's signature counter (0 for passkeys that sync, which keep none). */
    counter: { type: Number, required: true },
    transports: { type: [String], default: undefined },
    /** Backed up (synced by a password manager or a phone's account) rather than bound to one device. */
    synced: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
  },
  { collection: 'passkeys', versionKey: false },
)
passkeySchema.index({ userId: 1 })

export type PasskeyDoc = InferSchemaType<typeof passkeySchema>

export function passkeyModels(conn: Connection) {
  return { Passkey: conn.model('Passkey', passkeySchema) }
}
export type PasskeyModels = ReturnType<typeof passkeyModels>
