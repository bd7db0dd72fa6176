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
    /**
     * Added with two steps (the password and a code of the app, or from a session that held a role which
     * takes two steps): only such a passkey gives that role. One added with the password alone does not,
     * so a stolen password cannot turn into an admin's passkey.
     */
    twoSteps: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date },
  },
  { collection: 'passkeys', versionKey: false },
)
passkeySchema.index({ userId: 1 })

export type PasskeyDoc = InferSchemaType<typeof passkeySchema>

/**
 * A signature counter value a passkey signed in with (`<credential>:<counter>`, counting authenticators
 * only): the first insert wins, so one value never signs in twice, also at once (a conditional update
 * would not arbitrate that on FerretDB).
 */
const passkeyUseSchema = new Schema(
  {
    _id: { type: String, required: true },
    passkeyId: { type: String, required: true },
    userId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'passkey_uses', versionKey: false },
)
passkeyUseSchema.index({ passkeyId: 1 })
passkeyUseSchema.index({ userId: 1 })

export function passkeyModels(conn: Connection) {
  return { Passkey: conn.model('Passkey', passkeySchema), PasskeyUse: conn.model('PasskeyUse', passkeyUseSchema) }
}
export type PasskeyModels = ReturnType<typeof passkeyModels>
