// More dates of an event (a weekly show, a tour's nights): copies of the event at other times, with
// its ticket types (prices, capacities, limits; sales windows moved with the date), all sharing one
// `seriesId` (the id of the event the series began with). Each date is an event of its own: it sells,
// is cancelled and refunded on its own. New dates are written as drafts first and published only once
// their ticket types are all there. A date is claimed in `series_dates` before it is written, so two
// requests adding the same date at once add it once. With an Idempotency-Key the new events' ids come
// from it, so a retry after a failure part-way finishes the same dates instead of adding more: it adds
// to each of its drafts the ticket types it lacks (by name), and leaves a date published since alone.
import { createHash } from 'node:crypto'
import { Types } from 'mongoose'
import type { AddDatesBody, Event, EventDates } from '@easypass/contracts/catalog'
import { AppError, fail, isDuplicateOnly, yearsProblem, type Logger } from '@easypass/kit'
import type { Models } from '../../db'
import type { DatesRequestDoc, EventDoc, SeriesDateDoc } from '../../db/events'
import { toDate, toEvent, type EventsService } from './service'
import type { Availability, TicketingClient } from './ticketing'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

/** Ticket types copied by one request at most (dates × types): each is a trip through ticketing's queue, in turn. */
export const MAX_COPIES = 150

export function eventDates({ models, events, ticketing, log }: { models: Models; events: EventsService; ticketing: TicketingClient; log: Logger }) {
  const { Event: Events, SeriesDate, DatesRequest } = models

  /** Claims `startsAt` in the series for `eventId`: false when another event holds it (a stale claim is taken over). */
  async function claimDate(seriesId: string, startsAt: Date, eventId: string): Promise<boolean> {
    const _id = `${seriesId}:${startsAt.toISOString()}`
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await SeriesDate.create({ _id, eventId, at: new Date() })
        return true
      } catch (error) {
        if (!isDuplicateOnly(error)) throw error
      }
      const claim = await SeriesDate.findById(_id).lean<SeriesDateDoc>()
      if (!claim) continue
      if (claim.eventId === eventId) return true
      const holder = await events.find(claim.eventId)
      if (holder && holder.status !== 'cancelled' && holder.startsAt.getTime() === startsAt.getTime()) return false
      // Its event was deleted, cancelled or moved: the date is free again.
      await SeriesDate.deleteOne({ _id, eventId: claim.eventId })
    }
    return false
  }

  /** The key's first request is remembered with its body; the same key with another body is 409. */
  async function sameRequestUnder(_id: string, body: AddDatesBody) {
    const bodyHash = sha(JSON.stringify({ startsAt: body.startsAt.map((iso) => new Date(iso).toISOString()).sort(), status: body.status ?? null }))
    try {
      await DatesRequest.create({ _id, bodyHash, at: new Date() })
      return
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
    }
    const first = await DatesRequest.findById(_id).lean<DatesRequestDoc>()
    if (first && first.bodyHash !== bodyHash) throw fail('CONFLICT', 'this Idempotency-Key was already used with a different request body')
  }

  return async function addDates(id: string, body: AddDatesBody, actorId: string, idempotencyKey?: string, requestId?: string): Promise<EventDates> {
    const now = Date.now()
    const starts = body.startsAt.map((iso, i) => toDate(iso, `startsAt[${i}]`, true))
    starts.forEach((date, i) => {
      if (date.getTime() <= now) throw fail('VALIDATION', `startsAt[${i}]: a new date must be in the future`, { fields: [{ path: `startsAt[${i}]`, message: 'must be in the future' }] })
      const first = starts.findIndex((d) => d.getTime() === date.getTime())
      if (first !== i) throw fail('VALIDATION', `startsAt[${i}]: the same date as startsAt[${first}]`, { fields: [{ path: `startsAt[${i}]`, message: 'given twice' }] })
    })
    const source = await events.find(id)
    if (!source) throw fail('NOT_FOUND', 'event not found')
    if (source.status === 'cancelled') throw fail('CONFLICT', 'the event is cancelled: add dates to one that is not')
    const duration = source.endsAt.getTime() - source.startsAt.getTime()
    // Each copy ends as long after its start as the event does: an end past the year 9999 could be stored
    // but never shown again (no ISO date carries it), so the request is refused before anything is written.
    starts.forEach((date, i) => {
      const late = yearsProblem(new Date(date.getTime() + duration))
      if (late) throw fail('VALIDATION', `startsAt[${i}]: the date's end ${late}`, { fields: [{ path: `startsAt[${i}]`, message: `its end ${late}` }] })
    })
    const seriesId = source.seriesId ?? String(source._id)
    if (idempotencyKey) await sameRequestUnder(`${seriesId}:${actorId}:${sha(idempotencyKey).slice(0, 32)}`, body)
    const ids = starts.map((date) =>
      idempotencyKey ? new Types.ObjectId(sha(`event-date:${seriesId}:${actorId}:${idempotencyKey}:${date.toISOString()}`).slice(0, 24)) : new Types.ObjectId(),
    )
    // A date the series has already (one this same request made before is the retry's own).
    const taken = await Events.find({ $or: [{ seriesId }, { _id: source._id }], startsAt: { $in: starts }, status: { $ne: 'cancelled' } }, { startsAt: 1 }).lean<EventDoc[]>()
    const clashes = taken.filter((doc) => !ids.some((own) => own.equals(doc._id)))
    if (clashes.length) throw clash(clashes.map((d) => d.startsAt))
    // The ticket types to copy, read before anything is written: without them there is nothing to add.
    const { ticketTypes, pools = [], unavailable } = await ticketing.availability(id, requestId)
    if (unavailable) throw fail('UNAVAILABLE', 'ticketing did not answer with the ticket types to copy; nothing was added, try again', { retryAfterSeconds: 2 })
    if (starts.length * ticketTypes.length > MAX_COPIES)
      throw fail('VALIDATION', `startsAt: ${starts.length} dates × ${ticketTypes.length} ticket types is more than ${MAX_COPIES} copies at once: add fewer dates per request`, {
        fields: [{ path: 'startsAt', message: `at most ${Math.max(1, Math.floor(MAX_COPIES / Math.max(1, ticketTypes.length)))} dates at once for this event` }],
      })
    if (!source.seriesId) await events.joinSeries(id)

    const added: Event[] = []
    for (const [i, startsAt] of starts.entries()) {
      const newId = String(ids[i]!)
      let stored = await events.find(newId)
      if (stored) {
        // This request's own date from an earlier try: finished as it was asked, or refused if it changed since.
        if (stored.status === 'cancelled' || stored.startsAt.getTime() !== startsAt.getTime())
          throw fail('CONFLICT', `the date ${startsAt.toISOString()} this key added before was ${stored.status === 'cancelled' ? 'cancelled' : 'moved'} since: send a new request (a new Idempotency-Key)`, { eventId: newId, added: added.map((e) => e.id) })
      } else {
        if (!(await claimDate(seriesId, startsAt, newId))) throw clash([startsAt], added)
        const created = new Date()
        stored = {
          _id: ids[i]!,
          title: source.title,
          description: source.description,
          category: source.category,
          venue: { ...source.venue },
          startsAt,
          endsAt: new Date(startsAt.getTime() + duration),
          ...(source.timeZone ? { timeZone: source.timeZone } : {}),
          organizer: source.organizer,
          ...(source.imageUrl ? { imageUrl: source.imageUrl } : {}),
          ...(source.ticketInfo ? { ticketInfo: source.ticketInfo } : {}),
          ...(source.confirmationEmail ? { confirmationEmail: source.confirmationEmail } : {}),
          ...(source.emailReplyTo ? { emailReplyTo: source.emailReplyTo } : {}),
          ...(source.questions?.length ? { questions: source.questions } : {}),
          status: 'draft',
          seriesId,
          revision: 1,
          createdAt: created,
          updatedAt: created,
        }
        try {
          await Events.create(stored)
        } catch (error) {
          // The same request under the same key, at the same moment, wrote this date first: go on with it.
          if (!isDuplicateOnly(error)) throw error
          const first = await events.find(newId)
          if (!first) throw error
          stored = first
        }
      }
      // A draft gets the types it lacks (a retry adds only those); a date published since is left as it is.
      if (stored.status === 'draft') await copyTypes(newId, startsAt.getTime() - source.startsAt.getTime(), ticketTypes, pools, requestId, added, idempotencyKey)
      added.push(body.status === 'published' && stored.status === 'draft' ? await events.update(newId, { status: 'published' }, actorId, requestId) : toEvent(stored))
    }
    events.forgetListings()
    log.info({ eventId: id, seriesId, added: added.map((e) => e.id), by: actorId }, 'dates added to an event')
    return { items: added }
  }

  function clash(dates: Date[], added: Event[] = []) {
    const iso = dates.map((d) => d.toISOString())
    return fail('CONFLICT', `the series has ${iso.length === 1 ? 'this date' : 'these dates'} already: ${iso.join(', ')}`, { dates: iso, ...(added.length ? { added: added.map((e) => e.id) } : {}) })
  }

  /** Each type's id → its name and which of that name it is in the list ("Standing#0", "Standing#1"). */
  function byNameAndPlace(list: Array<{ id: string; name: string }>): Map<string, string> {
    const seen = new Map<string, number>()
    return new Map(
      list.map((t) => {
        const n = seen.get(t.name) ?? 0
        seen.set(t.name, n + 1)
        return [t.id, `${t.name}#${n}`]
      }),
    )
  }

  /**
   * The source's ticket types the new date lacks, added one after the other (so they keep the source's
   * order), then its pools of shared capacity over the new date's types of the same names and places.
   */
  async function copyTypes(newId: string, shift: number, types: Availability['ticketTypes'], pools: NonNullable<Availability['pools']>, requestId: string | undefined, added: Event[], idempotencyKey?: string) {
    const moved = (iso?: string) => (iso ? new Date(Date.parse(iso) + shift).toISOString() : undefined)
    try {
      const present = await ticketing.availability(newId, requestId)
      if (present.unavailable) throw new AppError('UNAVAILABLE', 'ticketing did not answer', undefined, 503)
      // Names need not be unique (two "General admission" types at two prices): a type is matched by its
      // name and which of that name it is, as they are added in the source's order.
      const have = new Set(byNameAndPlace(present.ticketTypes).values())
      const placeOf = byNameAndPlace(types)
      for (const type of types.filter((t) => !have.has(placeOf.get(t.id)!))) {
        const salesStart = moved(type.salesStart)
        const salesEnd = moved(type.salesEnd)
        const body = {
          name: type.name,
          priceCents: type.priceCents,
          currency: type.currency,
          capacity: type.capacity,
          maxPerOrder: type.maxPerOrder,
          ...(type.taxRateBasisPoints ? { taxRateBasisPoints: type.taxRateBasisPoints } : {}),
          ...(salesStart ? { salesStart } : {}),
          ...(salesEnd ? { salesEnd } : {}),
          // The layout only: the new date's seats are all free.
          ...(type.seating ? { seating: { rows: type.seating.rows } } : {}),
          ...(type.addOn ? { addOn: true } : {}),
          ...(type.variationOf ? { variationOf: type.variationOf } : {}),
        }
        // Keyed by the type it copies and what it copies: the same copy twice adds it once.
        await ticketing.addTicketType(newId, body, `copy-of:${type.id}:${sha(JSON.stringify(body)).slice(0, 16)}`, requestId)
      }
      if (pools.length) {
        const now = await ticketing.availability(newId, requestId)
        if (now.unavailable) throw new AppError('UNAVAILABLE', 'ticketing did not answer', undefined, 503)
        const idOf = new Map([...byNameAndPlace(now.ticketTypes)].map(([id, place]) => [place, id]))
        const havePools = new Set((now.pools ?? []).map((p) => p.name))
        for (const pool of pools.filter((p) => !havePools.has(p.name))) {
          const ticketTypeIds = pool.ticketTypeIds.map((id) => idOf.get(placeOf.get(id) ?? '')).filter((id): id is string => !!id)
          if (ticketTypeIds.length < 2) continue
          const body = { name: pool.name, capacity: pool.capacity, ticketTypeIds }
          await ticketing.addPool(newId, body, `copy-of:${pool.id}:${sha(JSON.stringify(body)).slice(0, 16)}`, requestId)
        }
      }
    } catch (error) {
      log.warn({ newId, err: String(error instanceof Error ? error.message : error) }, 'ticket types not all copied to a new date')
      const retry = idempotencyKey ? 'send the same request with the same Idempotency-Key again to finish' : 'finish it in its editor, or delete it'
      // Ticketing refused (the date cancelled meanwhile, say): no use sending the same again.
      if (error instanceof AppError && error.status < 500)
        throw new AppError('CONFLICT', `ticketing refused a ticket type of the new date ${newId}: ${error.message}`, { eventId: newId, added: added.map((e) => e.id) }, 409)
      throw fail('UNAVAILABLE', `the new date ${newId} is a draft without all its ticket types yet: ${retry}`, { retryAfterSeconds: 2, eventId: newId, added: added.map((e) => e.id) })
    }
  }
}
export type EventDatesService = ReturnType<typeof eventDates>
