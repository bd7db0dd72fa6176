// Two-step sign-in's arbiter, insert-only like the rest of auth's claims: `two_factor_uses` holds
//   `<userId>:t:<time step>`   an authenticator code that signed in (or confirmed a change): a code works once
//   `<userId>:r:<code hash>`   a recovery code used: each works once
//   `<userId>:e:<setup id>`    a setup turned on: of two confirmations at once, one turns it on
// The first insert of an `_id` wins, so two requests with the same code at once let one through (a
// conditional update would not do that on FerretDB). Codes' entries carry `expiresAt` (the sweep deletes
// them once the code is long past); recovery codes' stay while the account keeps its codes.
import { Schema, type Connection } from 'mongoose'

const useSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    usedAt: { type: Date, required: true },
    expiresAt: { type: Date },
  },
  { collection: 'two_factor_uses', versionKey: false },
)
useSchema.index({ expiresAt: 1 })
useSchema.index({ userId: 1 })

export function twoFactorModels(conn: Connection) {
  return { TwoFactorUse: conn.model('TwoFactorUse', useSchema) }
}
export type TwoFactorModels = ReturnType<typeof twoFactorModels>
