// Links back to what a guest bought, append-only like password reset links:
//   guest_links       one document per link sent, `_id` = SHA-256 of its token (never the token)
//   guest_link_uses   "this link was used": `_id` = the same hash; the first insert wins, so a link opens
//                     one session even when it is submitted twice at once. Also `kept:<userId>`: the
//                     guest became an account (of two requests at once, the first to insert goes on)
// Both carry `expiresAt`; the periodic sweep deletes them once the link could no longer work.
import { Schema, type Connection } from 'mongoose'
import { usedMarkerSchema } from './password-resets'

const linkSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'guest_links', versionKey: false },
)
linkSchema.index({ expiresAt: 1 })

const useSchema = usedMarkerSchema('guest_link_uses')

export function guestLinkModels(conn: Connection) {
  return {
    GuestLink: conn.model('GuestLink', linkSchema),
    GuestLinkUse: conn.model('GuestLinkUse', useSchema),
  }
}
export type GuestLinkModels = ReturnType<typeof guestLinkModels>
