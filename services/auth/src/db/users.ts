import { Schema, type Connection, type InferSchemaType } from 'mongoose'
import { ROLES } from '@easypass/contracts'

const userSchema = new Schema(
  {
    /**
     * Lower-cased and trimmed; the unique index makes a second account with it impossible, even under a race.
     * A guest's is a random key (`guest:<hex>`) that is no address and never leaves this service: a guest
     * never signs in with a password, and an address may have bought as a guest any number of times.
     */
    email: { type: String, required: true },
    /** A guest (bought without an account): their address is `contactEmail`, and they have no password. */
    guest: { type: Boolean },
    contactEmail: { type: String },
    /** A guest's: when a session of theirs last began (made, or opened from an emailed link). */
    guestUsedAt: { type: Date },
    /** A guest's: kept (in use, or holding tickets to an event) and not looked at again before this. */
    guestKeptUntil: { type: Date },
    /** A guest's: told then that the account will be deleted (GUEST_NOTICE_DAYS later) unless they come back. */
    guestNoticeAt: { type: Date },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true, default: 'customer' },
    /** Door staff who work the door of these events only (absent: every event); it rides in their tokens. */
    staffEvents: { type: [String], default: undefined },
    /** When they were last set (also to every event): their tokens carry it, and older ones are withdrawn. */
    staffEventsAt: { type: Date },
    passwordHash: { type: String, required: true },
    /** Set by every change and reset: reset links issued before it no longer work. */
    passwordChangedAt: { type: Date },
    /**
     * When two-step sign-in was last turned on; kept when it is turned off again: a passkey added with
     * the password alone before it stays refused.
     */
    twoFactorOnAt: { type: Date },
    /**
     * Two-step sign-in: on when `secret` is set (the authenticator's shared secret, sealed with a key
     * derived from JWT_PRIVATE_KEY, never stored in the clear); `pending` is one being set up, until a
     * code from the app confirms it. `recoveryCodes` are SHA-256 hashes; `setupId` names the setup they
     * belong to (their uses are keyed by it).
     */
    twoFactor: {
      type: new Schema(
        {
          secret: { type: String },
          enabledAt: { type: Date },
          setupId: { type: String },
          recoveryCodes: { type: [String], default: undefined },
          pending: { type: String },
          pendingId: { type: String },
          pendingAt: { type: Date },
        },
        { _id: false },
      ),
    },
  },
  { collection: 'users', versionKey: false, timestamps: true },
)
userSchema.index({ email: 1 }, { unique: true })
userSchema.index({ role: 1 })
userSchema.index({ contactEmail: 1 })
userSchema.index({ createdAt: -1 })
userSchema.index({ guest: 1, createdAt: 1 })

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: import('mongoose').Types.ObjectId }

export function userModel(conn: Connection) {
  return conn.model('User', userSchema)
}
export type UserModel = ReturnType<typeof userModel>
