import type { EventQuestion } from '@easypass/contracts/questions'
// Events are a small collection edited by a few admins, so plain updates are fine here (FerretDB's
// slow updates only hurt on big collections). But FerretDB applies even a conditional update as
// read-then-write, so two concurrent writers of one event could both "win". Every write therefore
// first claims the next revision by INSERTING `<eventId>:<revision>` into `event_revisions`: the
// unique `_id` lets exactly one writer through; the others re-read and re-check (so a cancelled
// event is never published again, and `endsAt` stays after `startsAt`). Nothing else updates an
// event document: markers that facts were recorded live in `fact_marks`, insert-only.
import { Schema, type Connection, type Types } from 'mongoose'
import type { StoredConfirmationTexts } from '@easypass/contracts/event-emails'

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
    // The venue's IANA zone ("Europe/Helsinki"); absent when none was given (UTC in emails and prints).
    timeZone: { type: String },
    organizer: { type: String, required: true },
    imageUrl: { type: String },
    ticketInfo: { type: String },
    // The organiser's words in the confirmation email, per language: { subject: {en, de…}, body: {…} }.
    confirmationEmail: { type: Schema.Types.Mixed },
    // Where replies to the event's emails go (the organiser's address).
    emailReplyTo: { type: String },
    // What the organiser asks of every order: [{ id, label, kind, options?, required }].
    questions: { type: Schema.Types.Mixed },
    status: { type: String, enum: ['draft', 'published', 'cancelled'], required: true },
    cancelledAt: { type: Date },
    cancelledAsDraft: { type: Boolean },
    seriesId: { type: String },
    revision: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'events', versionKey: false },
)
// The list: published events, soonest first.
eventSchema.index({ status: 1, startsAt: 1 })
// The dates of a series.
eventSchema.index({ seriesId: 1, startsAt: 1 })

export interface EventDoc {
  _id: Types.ObjectId
  title: string
  description: string
  category: string
  venue: { name: string; address: string; city: string }
  startsAt: Date
  endsAt: Date
  /** The venue's IANA time zone, in which the event's times are shown; absent: none given. */
  timeZone?: string
  organizer: string
  imageUrl?: string | null
  ticketInfo?: string
  /** The organiser's subject and opening text of the confirmation email, per language (admins only, never public). */
  confirmationEmail?: StoredConfirmationTexts
  /** Where replies to every email about the event go (admins only, never public). */
  emailReplyTo?: string
  /** What the organiser asks of every order (public). */
  questions?: EventQuestion[]
  status: 'draft' | 'published' | 'cancelled'
  cancelledAt?: Date | null
  /** Cancelled before it was ever published: like a draft, for admins only. */
  cancelledAsDraft?: boolean
  /** The dates of one event share it: the id of the event they were first copied from. */
  seriesId?: string
  revision: number
  createdAt: Date
  updatedAt: Date
}

export function eventModel(conn: Connection) {
  return conn.model<EventDoc>('Event', eventSchema)
}
export type EventModel = ReturnType<typeof eventModel>

/** "Revision n of this event is being written by someone": the arbiter of concurrent writes. */
const revisionClaimSchema = new Schema(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
  },
  { collection: 'event_revisions', versionKey: false },
)
revisionClaimSchema.index({ eventId: 1 })

export interface RevisionClaimDoc {
  _id: string
  eventId: string
  claimedAt: Date
}

export function revisionClaimModel(conn: Connection) {
  return conn.model<RevisionClaimDoc>('EventRevision', revisionClaimSchema)
}

/**
 * "This event is being deleted": written before the event is removed, so that a crash between the
 * removal and recording `catalog.event-deleted` in the outbox is repaired at the next start.
 */
const deletedEventSchema = new Schema(
  {
    _id: { type: String, required: true },
    title: { type: String, required: true },
    deletedAt: { type: Date, required: true },
  },
  { collection: 'deleted_events', versionKey: false },
)

export interface DeletedEventDoc {
  _id: string
  title: string
  deletedAt: Date
}

export function deletedEventModel(conn: Connection) {
  return conn.model<DeletedEventDoc>('DeletedEvent', deletedEventSchema)
}

/** "This fact is in the outbox" (`_id` = the fact's id): what start-up recovery checks. */
const factMarkSchema = new Schema(
  {
    _id: { type: String, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'fact_marks', versionKey: false },
)

export interface FactMarkDoc {
  _id: string
  recordedAt: Date
}

export function factMarkModel(conn: Connection) {
  return conn.model<FactMarkDoc>('FactMark', factMarkSchema)
}

/**
 * "This series has a date at this time": `_id` = `<seriesId>:<ISO start>`, naming the event that holds
 * it. Inserted before a new date is written, so two requests adding the same date at once add it once.
 * A claim whose event is gone, cancelled or moved to another time is stale and taken over.
 */
const seriesDateSchema = new Schema(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'series_dates', versionKey: false },
)

export interface SeriesDateDoc {
  _id: string
  eventId: string
  at: Date
}

export function seriesDateModel(conn: Connection) {
  return conn.model<SeriesDateDoc>('SeriesDate', seriesDateSchema)
}

/**
 * What a request adding dates under an `Idempotency-Key` asked for: `_id` = `<seriesId>:<actor>:<key
 * hash>`, with the hash of its body. The same key with another body is refused (409) before anything is
 * added (its new dates' ids come from the key, so another list would add other dates under it).
 */
const datesRequestSchema = new Schema(
  {
    _id: { type: String, required: true },
    bodyHash: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'date_requests', versionKey: false },
)

export interface DatesRequestDoc {
  _id: string
  bodyHash: string
  at: Date
}

export function datesRequestModel(conn: Connection) {
  return conn.model<DatesRequestDoc>('DatesRequest', datesRequestSchema)
}
