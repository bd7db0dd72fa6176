import { Types } from 'mongoose'
import type { Principal } from '@easypass/contracts'
import type { CreateEventBody, Event, EventDetail, EventList, EventsQuery, UpdateEventBody } from '@easypass/contracts/catalog'
import { fact, fail, type Logger, type Outbox } from '@easypass/kit'
import type { EventDoc } from '../../db/events'
import type { Models } from '../../db'
import type { TicketingClient } from './ticketing'

/** The one way an event leaves this service: `id`, ISO dates, no internals. */
export function toEvent(doc: EventDoc): Event {
  const event: Event = {
    id: String(doc._id),
    title: doc.title,
    description: doc.description,
    category: doc.category,
    venue: { name: doc.venue.name, address: doc.venue.address, city: doc.venue.city },
    startsAt: doc.startsAt.toISOString(),
    endsAt: doc.endsAt.toISOString(),
    organizer: doc.organizer,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  }
  if (doc.imageUrl) event.imageUrl = doc.imageUrl
  if (doc.cancelledAt) event.cancelledAt = doc.cancelledAt.toISOString()
  return event
}

/** User input becomes a literal inside a regular expression: `(` finds "(", it does not break the query. */
export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const isAdmin = (principal?: Principal) => principal?.role === 'admin' || principal?.role === 'service'

/** Calendar check of an ISO string the schema already shaped: `2027-02-30` must not become 2 March. */
function isRealDate(iso: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso)
  if (!parts) return false
  const [year, month, day, hour, minute, second] = parts.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number]
  const calendar = new Date(Date.UTC(year, month - 1, day))
  return calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
}

function toDate(iso: string, field: string): Date {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime()) || !isRealDate(iso))
    throw fail('VALIDATION', `${field}: not a real date`, { fields: [{ path: field, message: 'not a real date' }] })
  return date
}

function requireEndAfterStart(startsAt: Date, endsAt: Date) {
  if (endsAt.getTime() <= startsAt.getTime())
    throw fail('VALIDATION', 'endsAt: must be after startsAt', { fields: [{ path: 'endsAt', message: 'must be after startsAt' }] })
}

/** At most this many words of `q` are searched; each must appear in the title, description or city. */
const MAX_QUERY_WORDS = 8
const UPDATE_ATTEMPTS = 5

export interface EventsServiceDeps {
  models: Models
  outbox: Outbox
  ticketing: TicketingClient
  log: Logger
}

export function eventsService({ models, outbox, ticketing, log }: EventsServiceDeps) {
  const { Event: Events, DeletedEvent } = models

  async function find(id: string): Promise<EventDoc | null> {
    return Events.findById(id).lean<EventDoc>()
  }

  async function list(query: EventsQuery, principal?: Principal, requestId?: string): Promise<EventList> {
    const page = query.page ?? 1
    const limit = query.limit ?? 20
    const status = query.status ?? 'published'
    if (status !== 'published' && !isAdmin(principal)) {
      if (!principal) throw fail('UNAUTHENTICATED', `only admins may list ${status} events: sign in`)
      throw fail('FORBIDDEN', `only admins may list ${status} events`)
    }

    const filter: Record<string, unknown> = {}
    const and: Record<string, unknown>[] = []
    if (status !== 'all') filter.status = status
    // Past events drop out of the list unless the caller asks for a period explicitly.
    const from = query.from ? toDate(query.from, 'from') : new Date()
    filter.endsAt = { $gte: from }
    if (query.to) {
      const to = toDate(query.to, 'to')
      if (query.from && to.getTime() < from.getTime())
        throw fail('VALIDATION', 'to: must not be before from', { fields: [{ path: 'to', message: 'must not be before from' }] })
      filter.startsAt = { $lte: to }
    }
    if (query.category?.trim()) filter.category = query.category.trim().toLowerCase()
    if (query.city?.trim()) filter['venue.city'] = { $regex: `^${escapeRegExp(query.city.trim())}$`, $options: 'i' }
    const words = (query.q ?? '').split(/\s+/).filter(Boolean).slice(0, MAX_QUERY_WORDS)
    for (const word of words) {
      const pattern = { $regex: escapeRegExp(word), $options: 'i' }
      and.push({ $or: [{ title: pattern }, { description: pattern }, { 'venue.city': pattern }] })
    }
    if (and.length) filter.$and = and

    const [docs, total] = await Promise.all([
      Events.find(filter)
        .sort({ startsAt: 1, _id: 1 })
        .skip((page - 1) * limit)
        .limit(limit)
        .lean<EventDoc[]>(),
      Events.countDocuments(filter),
    ])
    const summaries = await ticketing.summariesIfQuick(
      docs.map((d) => String(d._id)),
      requestId,
    )
    const items = docs.map((doc) => {
      const event = toEvent(doc)
      const summary = summaries?.get(event.id)
      if (!summaries) return event
      return {
        ...event,
        fromPriceCents: summary?.fromPriceCents ?? null,
        currency: summary?.currency ?? null,
        available: summary?.available ?? 0,
      }
    })
    return { items, total, page, limit }
  }

  /** Drafts exist only for admins: anyone else gets the same 404 as for an unknown id. */
  async function get(id: string, principal?: Principal, requestId?: string): Promise<EventDetail> {
    const doc = await find(id)
    if (!doc || (doc.status === 'draft' && !isAdmin(principal))) throw fail('NOT_FOUND', 'event not found')
    const { ticketTypes, unavailable } = await ticketing.availability(id, requestId)
    return unavailable ? { ...toEvent(doc), ticketTypes, availabilityUnavailable: true } : { ...toEvent(doc), ticketTypes }
  }

  /** Any status, for other services (orders decides on purchases and refunds with it). */
  async function getInternal(id: string): Promise<Event> {
    const doc = await find(id)
    if (!doc) throw fail('NOT_FOUND', 'event not found')
    return toEvent(doc)
  }

  async function create(body: CreateEventBody, actorId: string): Promise<Event> {
    const startsAt = toDate(body.startsAt, 'startsAt')
    const endsAt = toDate(body.endsAt, 'endsAt')
    requireEndAfterStart(startsAt, endsAt)
    const now = new Date()
    const doc: EventDoc = {
      _id: new Types.ObjectId(),
      title: body.title.trim(),
      description: body.description.trim(),
      category: body.category,
      venue: { name: body.venue.name.trim(), address: body.venue.address.trim(), city: body.venue.city.trim() },
      startsAt,
      endsAt,
      organizer: body.organizer.trim(),
      status: body.status ?? 'draft',
      revision: 1,
      createdAt: now,
      updatedAt: now,
    }
    if (body.imageUrl) doc.imageUrl = body.imageUrl
    await Events.create(doc)
    log.info({ eventId: String(doc._id), status: doc.status, by: actorId }, 'event created')
    return toEvent(doc)
  }

  /**
   * Applies a partial update to the event as it is now: re-read and re-applied when another write
   * came in between (the revision changed), so checks such as "ends after it starts" always hold
   * for the stored result.
   */
  async function update(id: string, patch: UpdateEventBody, actorId: string): Promise<Event> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await find(id)
      if (!current) throw fail('NOT_FOUND', 'event not found')
      if (patch.status !== undefined && current.status === 'cancelled')
        throw fail('CONFLICT', 'a cancelled event cannot be published or drafted again')

      const set: Record<string, unknown> = {}
      const unset: Record<string, ''> = {}
      for (const field of ['title', 'description', 'organizer'] as const) if (patch[field] !== undefined) set[field] = patch[field]!.trim()
      if (patch.category !== undefined) set.category = patch.category
      if (patch.venue) for (const [key, value] of Object.entries(patch.venue)) if (value !== undefined) set[`venue.${key}`] = value.trim()
      if (patch.imageUrl === null) unset.imageUrl = ''
      else if (patch.imageUrl !== undefined) set.imageUrl = patch.imageUrl
      if (patch.status !== undefined && patch.status !== current.status) set.status = patch.status
      const startsAt = patch.startsAt !== undefined ? toDate(patch.startsAt, 'startsAt') : current.startsAt
      const endsAt = patch.endsAt !== undefined ? toDate(patch.endsAt, 'endsAt') : current.endsAt
      requireEndAfterStart(startsAt, endsAt)
      if (patch.startsAt !== undefined) set.startsAt = startsAt
      if (patch.endsAt !== undefined) set.endsAt = endsAt

      const updatedAt = new Date()
      const changes: Record<string, unknown> = { $set: { ...set, updatedAt }, $inc: { revision: 1 } }
      if (Object.keys(unset).length) changes.$unset = unset
      const result = await Events.updateOne({ _id: current._id, revision: current.revision }, changes)
      if (result.matchedCount === 0) continue
      log.info({ eventId: id, fields: Object.keys(patch), by: actorId }, 'event updated')
      const updated = await find(id)
      if (!updated) throw fail('NOT_FOUND', 'event not found')
      return toEvent(updated)
    }
    throw fail('CONFLICT', 'the event was being changed by someone else at the same time; try again')
  }

  function cancelledFact(doc: EventDoc) {
    const f = fact('catalog.event-cancelled', { eventId: String(doc._id), title: doc.title }, `event-cancelled:${String(doc._id)}`)
    if (doc.cancelledAt) f.occurredAt = doc.cancelledAt.toISOString()
    return f
  }

  /** The fact goes to the outbox right after the state change; a lost one is recorded again at start. */
  async function recordCancelled(doc: EventDoc) {
    await outbox.record([cancelledFact(doc)])
    if (!doc.cancelFactRecorded) await Events.updateOne({ _id: doc._id }, { $set: { cancelFactRecorded: true } })
  }

  /**
   * Cancelling is final and idempotent: a second cancel answers the same cancelled event (and records
   * the fact again, harmless with its deterministic id, useful when the first attempt failed midway).
   */
  async function cancel(id: string, actorId: string): Promise<Event> {
    const current = await find(id)
    if (!current) throw fail('NOT_FOUND', 'event not found')
    if (current.status !== 'cancelled') {
      const now = new Date()
      await Events.updateOne(
        { _id: current._id, status: { $ne: 'cancelled' } },
        { $set: { status: 'cancelled', cancelledAt: now, updatedAt: now }, $inc: { revision: 1 } },
      )
    }
    const cancelled = await find(id)
    if (!cancelled) throw fail('NOT_FOUND', 'event not found')
    await recordCancelled(cancelled)
    if (current.status !== 'cancelled') log.info({ eventId: id, by: actorId }, 'event cancelled')
    return toEvent(cancelled)
  }

  /**
   * Deleting is for mistakes: only when ticketing confirms that no ticket was ever sold or is held.
   * A tombstone is written first so that the `catalog.event-deleted` fact survives a crash midway.
   */
  async function remove(id: string, actorId: string, requestId?: string): Promise<void> {
    const current = await find(id)
    if (!current) throw fail('NOT_FOUND', 'event not found')
    const { sold, held } = await ticketing.soldOrHeld(id, requestId)
    if (sold > 0 || held > 0)
      throw fail('CONFLICT', 'tickets of this event were sold or are held: cancel it instead', { sold, held })
    await DeletedEvent.updateOne(
      { _id: id },
      { $set: { title: current.title, deletedAt: new Date(), factRecorded: false } },
      { upsert: true },
    )
    await Events.deleteOne({ _id: current._id })
    await outbox.record([fact('catalog.event-deleted', { eventId: id }, `event-deleted:${id}`)])
    await DeletedEvent.updateOne({ _id: id }, { $set: { factRecorded: true } })
    log.info({ eventId: id, by: actorId }, 'event deleted')
  }

  /**
   * At start: facts whose state change was stored but whose outbox record may have been lost
   * (a crash between the two writes) are recorded again; their ids are deterministic, so a fact
   * that did reach the outbox is not duplicated.
   */
  async function recoverFacts(): Promise<number> {
    let recorded = 0
    const cancelled = await Events.find({ status: 'cancelled', cancelFactRecorded: { $ne: true } }).lean<EventDoc[]>()
    for (const doc of cancelled) {
      await recordCancelled(doc)
      recorded++
    }
    const tombstones = await DeletedEvent.find({ factRecorded: false }).lean()
    for (const tombstone of tombstones) {
      if (await Events.exists({ _id: tombstone._id })) {
        // The delete stopped before removing the event: it did not happen.
        await DeletedEvent.deleteOne({ _id: tombstone._id, factRecorded: false })
        continue
      }
      await outbox.record([fact('catalog.event-deleted', { eventId: tombstone._id }, `event-deleted:${tombstone._id}`)])
      await DeletedEvent.updateOne({ _id: tombstone._id }, { $set: { factRecorded: true } })
      recorded++
    }
    if (recorded) log.warn({ recorded }, 'facts recorded again after an interrupted write')
    return recorded
  }

  return { list, get, getInternal, create, update, cancel, remove, recoverFacts }
}
export type EventsService = ReturnType<typeof eventsService>
