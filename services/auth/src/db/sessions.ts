// Sessions are append-only on purpose. FerretDB has no transactions, its findAndModify is not atomic
// under concurrent writers and updates scan big collections, while an insert with a unique `_id` is
// fast and is the one reliable arbiter of a race. So a refresh token is never updated in place:
//   refresh_tokens             one document per issued token, `_id` = SHA-256 of the token (never the token)
//   refresh_token_rotations    "this token was used": `_id` = the used token's hash, `replacedBy` = its successor's;
//                              the first insert wins a rotation, a duplicate key means the token was reused
//   revoked_session_families   "this login is over": `_id` = family id (logout, or reuse detected)
// Every document carries `expiresAt`; a periodic sweep deletes what no longer matters (no TTL indexes here).
import { Schema, type Connection, type InferSchemaType } from 'mongoose'

const refreshTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    /** Every token descended from the same login shares it; reuse of any of them revokes all. */
    familyId: { type: String, required: true },
    /** When the family's sign-in happened (absent on tokens issued before it was kept): a new password refuses older families. */
    familyStartedAt: { type: Date },
    /** The passkey the family signed in with (absent: a password, a link): removing the passkey ends the family. */
    passkeyId: { type: String },
    /**
     * Whether the family's sign-in had two steps (a code, or a passkey added with them): only such a
     * session holds a role that takes them (TWO_FACTOR_REQUIRED_ROLES). Absent on families from before
     * it was kept: they go by whether the account's app is on (and turning it on ends them).
     */
    twoSteps: { type: Boolean },
    expiresAt: { type: Date, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'refresh_tokens', versionKey: false },
)
refreshTokenSchema.index({ expiresAt: 1 })
/** A new password ends every session of the account: its tokens are found by user. */
refreshTokenSchema.index({ userId: 1 })

const rotationSchema = new Schema(
  {
    _id: { type: String, required: true },
    replacedBy: { type: String, required: true },
    familyId: { type: String, required: true },
    rotatedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'refresh_token_rotations', versionKey: false },
)
rotationSchema.index({ expiresAt: 1 })

const revokedFamilySchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    reason: { type: String, enum: ['logout', 'reuse', 'password', 'passkey'], required: true },
    revokedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'revoked_session_families', versionKey: false },
)
revokedFamilySchema.index({ expiresAt: 1 })

export type RefreshTokenDoc = InferSchemaType<typeof refreshTokenSchema>

export function sessionModels(conn: Connection) {
  return {
    RefreshToken: conn.model('RefreshToken', refreshTokenSchema),
    Rotation: conn.model('RefreshTokenRotation', rotationSchema),
    RevokedFamily: conn.model('RevokedSessionFamily', revokedFamilySchema),
  }
}
export type SessionModels = ReturnType<typeof sessionModels>
