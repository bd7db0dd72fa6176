import { Schema, type Connection, type InferSchemaType } from 'mongoose'
import { ROLES } from '@easypass/contracts'

const userSchema = new Schema(
  {
    /** Lower-cased and trimmed; the unique index makes a second account with it impossible, even under a race. */
    email: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true, default: 'customer' },
    passwordHash: { type: String, required: true },
    /** Set by every change and reset: reset links issued before it no longer work. */
    passwordChangedAt: { type: Date },
  },
  { collection: 'users', versionKey: false, timestamps: true },
)
userSchema.index({ email: 1 }, { unique: true })
userSchema.index({ role: 1 })
userSchema.index({ createdAt: -1 })

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: import('mongoose').Types.ObjectId }

export function userModel(conn: Connection) {
  return conn.model('User', userSchema)
}
export type UserModel = ReturnType<typeof userModel>
