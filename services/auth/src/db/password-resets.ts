// Password reset links, append-only like sessions (see sessions.ts for why):
//   password_resets        one document per link sent, `_id` = SHA-256 of its token (never the token)
//   password_reset_uses    "this link was used": `_id` = the same hash; the first insert wins, so a link
//                          works once even when it is submitted twice at once
//   password_changes       "this password was replaced": `_id` = `<userId>:<fingerprint of the old hash>`;
//                          of two changes from the same password at once (two links, a link and the
//                          account page) the first insert wins and the other is refused
// Both carry `expiresAt`; the periodic sweep deletes them once the link could no longer work.
import { Schema, type Connection } from 'mongoose'

const resetSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    /** Of the password hash when the link was sent: the link works only while the hash is the same. */
    passwordFingerprint: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'password_resets', versionKey: false },
)
resetSchema.index({ expiresAt: 1 })

/** "This was used": the first insert of an `_id` wins (reset links here, guest links in guest-links.ts). */
export function usedMarkerSchema(collection: string) {
  const schema = new Schema(
    {
      _id: { type: String, required: true },
      userId: { type: String, required: true },
      usedAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
    },
    { collection, versionKey: false },
  )
  schema.index({ expiresAt: 1 })
  return schema
}
const useSchema = usedMarkerSchema('password_reset_uses')

const changeSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    changedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'password_changes', versionKey: false },
)
changeSchema.index({ expiresAt: 1 })

export function passwordResetModels(conn: Connection) {
  return {
    PasswordChange: conn.model('PasswordChange', changeSchema),
    PasswordReset: conn.model('PasswordReset', resetSchema),
    PasswordResetUse: conn.model('PasswordResetUse', useSchema),
  }
}
export type PasswordResetModels = ReturnType<typeof passwordResetModels>
