// Events are a small collection edited by a few admins, so plain updates are fine here (FerretDB's
// slow updates only hurt on big collections). `revision` is bumped by every write: an update is
// conditional on the revision it read, which makes concurrent edits of one event safe without
// transactions (the loser re-reads and re-applies, or is told to try again).
import { Schema, type Connection, type Types } from 'mongoose'

const venueSchema = new Schema(
  {
    name: { type: String, required: true },
    address: { type: String, required: true },
    city: { type: String, required: true },
  },
  { _id: false },
)

const eventSchema = new Schema(
  {
    title: { type: String, required: true },
    description: { type: String, required: true },
    category: { type: String, required: true },
    venue: { type: venueSchema, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    organizer: { type: String, required: true },
    imageUrl: { type: String },
    status: { type: String, enum: ['draft', 'published', 'cancelled'], required: true },
    cancelledAt: { type: Date },
    /** Set once the `catalog.event-cancelled` fact is in the outbox; startup re-records it when missing. */
    cancelFactRecorded: { type: Boolean },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'events', versionKey: false },
)
// The list: published events, soonest first.
eventSchema.index({ status: 1, startsAt: 1 })

export interface EventDoc {
  _id: Types.ObjectId
  title: string
  description: string
  category: string
  venue: { name: string; address: string; city: string }
  startsAt: Date
  endsAt: Date
  organizer: string
  imageUrl?: string | null
  status: 'draft' | 'published' | 'cancelled'
  cancelledAt?: Date | null
  cancelFactRecorded?: boolean | null
  revision: number
  createdAt: Date
  updatedAt: Date
}

export function eventModel(conn: Connection) {
  return conn.model<EventDoc>('Event', eventSchema)
}
export type EventModel = ReturnType<typeof eventModel>

/**
 * "This event is being deleted": written before the event is removed, so that a crash between the
 * removal and recording `catalog.event-deleted` in the outbox is repaired at the next start.
 */
const deletedEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    deletedAt: { type: Date, required: true },
    factRecorded: { type: Boolean, required: true },
  },
  { collection: 'deleted_events', versionKey: false },
)

export interface DeletedEventDoc {
  _id: string
  title: string
  deletedAt: Date
  factRecorded: boolean
}

export function deletedEventModel(conn: Connection) {
  return conn.model<DeletedEventDoc>('DeletedEvent', deletedEventSchema)
}
export type DeletedEventModel = ReturnType<typeof deletedEventModel>
