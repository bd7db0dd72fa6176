// More dates of an event (a weekly show, a tour's nights): copies of the event at other times, with
// its ticket types (prices, capacities, limits; sales windows moved with the date), all sharing one
// `seriesId` (the id of the event the series began with). Each date is an event of its own: it sells,
// is cancelled and refunded on its own. New dates are written as drafts first and published only once
// their ticket types are all there. With an Idempotency-Key the new events' ids and their ticket types'
// ids come from it, so a retry after a failure part-way finishes the same dates instead of adding more.
import { createHash } from 'node:crypto'
import { Types } from 'mongoose'
import type { AddDatesBody, Event, EventDates } from '@easypass/contracts/catalog'
import { fail, isDuplicateOnly, type Logger } from '@easypass/kit'
import type { Models } from '../../db'
import type { EventDoc } from '../../db/events'
import { toDate, toEvent, type EventsService } from './service'
import type { TicketingClient } from './ticketing'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')

export function eventDates({ models, events, ticketing, log }: { models: Models; events: EventsService; ticketing: TicketingClient; log: Logger }) {
  const { Event: Events } = models

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
    const seriesId = source.seriesId ?? String(source._id)
    const ids = starts.map((date) =>
      idempotencyKey ? new Types.ObjectId(sha(`event-date:${seriesId}:${actorId}:${idempotencyKey}:${date.toISOString()}`).slice(0, 24)) : new Types.ObjectId(),
    )
    // A date the series has already (one this same request made before is the retry's own).
    const taken = await Events.find({ $or: [{ seriesId }, { _id: source._id }], startsAt: { $in: starts }, status: { $ne: 'cancelled' } }, { startsAt: 1 }).lean<EventDoc[]>()
    const clashes = taken.filter((doc) => !ids.some((own) => own.equals(doc._id)))
    if (clashes.length)
      throw fail('CONFLICT', `the series has ${clashes.length === 1 ? 'this date' : 'these dates'} already: ${clashes.map((d) => d.startsAt.toISOString()).join(', ')}`, {
        dates: clashes.map((d) => d.startsAt.toISOString()),
      })
    // The ticket types to copy, read before anything is written: without them there is nothing to add.
    const { ticketTypes, unavailable } = await ticketing.availability(id, requestId)
    if (unavailable) throw fail('UNAVAILABLE', 'ticketing did not answer with the ticket types to copy; nothing was added, try again', { retryAfterSeconds: 2 })
    if (!source.seriesId) await events.joinSeries(id)

    const duration = source.endsAt.getTime() - source.startsAt.getTime()
    const added: Event[] = []
    for (const [i, startsAt] of starts.entries()) {
      const shift = startsAt.getTime() - source.startsAt.getTime()
      const moved = (iso?: string) => (iso ? new Date(Date.parse(iso) + shift).toISOString() : undefined)
      const created = new Date()
      const doc: EventDoc = {
        _id: ids[i]!,
        title: source.title,
        description: source.description,
        category: source.category,
        venue: { ...source.venue },
        startsAt,
        endsAt: new Date(startsAt.getTime() + duration),
        organizer: source.organizer,
        ...(source.imageUrl ? { imageUrl: source.imageUrl } : {}),
        status: 'draft',
        seriesId,
        revision: 1,
        createdAt: created,
        updatedAt: created,
      }
      let stored = doc
      try {
        await Events.create(doc)
      } catch (error) {
        // Made by an earlier try of this request: finish it.
        if (!isDuplicateOnly(error)) throw error
        stored = (await events.find(String(doc._id))) ?? doc
      }
      const newId = String(stored._id)
      try {
        for (const type of ticketTypes) {
          const salesStart = moved(type.salesStart)
          const salesEnd = moved(type.salesEnd)
          await ticketing.addTicketType(
            newId,
            {
              name: type.name,
              priceCents: type.priceCents,
              currency: type.currency,
              capacity: type.capacity,
              maxPerOrder: type.maxPerOrder,
              ...(salesStart ? { salesStart } : {}),
              ...(salesEnd ? { salesEnd } : {}),
            },
            `copy-of:${type.id}`,
            requestId,
          )
        }
      } catch (error) {
        log.warn({ eventId: id, newId, err: String(error instanceof Error ? error.message : error) }, 'ticket types not all copied to a new date')
        throw fail(
          'UNAVAILABLE',
          `the date ${startsAt.toISOString()} was added as a draft, but not all its ticket types yet: ${idempotencyKey ? 'send the same request with the same Idempotency-Key again to finish' : 'finish it in its editor, or delete it'}`,
          { retryAfterSeconds: 2, eventId: newId, added: added.map((e) => e.id) },
        )
      }
      // Published only whole, with its ticket types; a retry finds it published already.
      added.push(body.status === 'published' && stored.status === 'draft' ? await events.update(newId, { status: 'published' }, actorId, requestId) : toEvent(stored))
    }
    events.forgetListings()
    log.info({ eventId: id, seriesId, added: added.map((e) => e.id), by: actorId }, 'dates added to an event')
    return { items: added }
  }
}
export type EventDatesService = ReturnType<typeof eventDates>
