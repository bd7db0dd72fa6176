// Accounts their owners closed: `_id` = the account's id. Inserted before the account is deleted, so a
// closing that stops half-way (a crash, the database away) is finished by the sweep; `toldAt` is set once
// the fact `auth.account-closed` is in the outbox, which tells the other services to forget the person.
// Holds no address and no name: only that an id was closed, and when.
import { Schema, type Connection } from 'mongoose'

const closedSchema = new Schema(
  {
    _id: { type: String, required: true },
    closedAt: { type: Date, required: true },
    toldAt: { type: Date },
    /** Closed by the deletion of unused guests: only while the account is still a guest unused since before this (a guest back meanwhile calls it off). */
    ifGuestUnusedBefore: { type: Date },
  },
  { collection: 'closed_accounts', versionKey: false },
)

export function closedAccountModels(conn: Connection) {
  return { ClosedAccount: conn.model('ClosedAccount', closedSchema) }
}
export type ClosedAccountModels = ReturnType<typeof closedAccountModels>
