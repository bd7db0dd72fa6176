// The waiting list of a sold-out event: buyers ask to be told when tickets come back (a hold that ran
// out or was cancelled, a refund, more capacity, a sale that opens). When some are available again,
// the buyers first in line, as many as there are tickets, each get the fact
// `notifications.tickets-available` through this service's outbox; its consumers turn it into a
// notification (live) and an email. A buyer's turn ends with it: asking again queues them anew.
// A ticket offered to someone is not offered to the next in line until that buyer has bought (their
// `orders.order-paid` comes) or the offer window has passed: the list never sends a crowd after one ticket.
import type { Principal } from '@easypass/contracts'
import { isPublic, type EventDetail } from '@easypass/contracts/catalog'
import type { WaitlistEntry, WaitlistList, WaitlistQuery } from '@easypass/contracts/notifications'
import { AppError, callService, counter, fact, fail, isDuplicateOnly, type Logger, type Outbox } from '@easypass/kit'
import type { Models, WaitlistDoc } from '../../db'

const offersTotal = counter('notifications_waitlist_offers_total', 'Buyers told that tickets of an event they waited for came back')

/** At most this many buyers are told per check of one event (the next check tells the next ones). */
export const OFFERS_PER_CHECK = 200
/** Told buyers' entries are kept this long (the buyer sees when they were told), then deleted. */
const OFFERED_KEPT_MS = 30 * 86_400_000

const entryId = (eventId: string, userId: string) => `${eventId}:${userId}`

export function toEntry(doc: WaitlistDoc): WaitlistEntry {
  return {
    eventId: doc.eventId,
    ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
    joinedAt: doc.joinedAt.toISOString(),
    offeredAt: doc.offeredAt ? doc.offeredAt.toISOString() : null,
  }
}

/** Ticket types a buyer could buy right now: on sale (its window open) with some available. */
export function availableNow(event: Pick<EventDetail, 'ticketTypes'>, now = Date.now()): number {
  return event.ticketTypes
    .filter((t) => (!t.salesStart || Date.parse(t.salesStart) <= now) && (!t.salesEnd || Date.parse(t.salesEnd) > now))
    .reduce((sum, t) => sum + t.available, 0)
}

/** Sales are over for good: the event was cancelled or has started, or every ticket type's window has closed. */
function salesOver(event: EventDetail, now = Date.now()): boolean {
  if (event.status === 'cancelled' || Date.parse(event.startsAt) <= now) return true
  return event.ticketTypes.length > 0 && event.ticketTypes.every((t) => t.salesEnd && Date.parse(t.salesEnd) <= now)
}

export interface WaitlistDeps {
  models: Models
  outbox: Outbox
  /** How long a told buyer has the first go at the tickets they were told about. */
  offerWindowMs: number
  catalogUrl?: string
  serviceToken: () => Promise<string>
  log: Logger
}

export function waitlistService({ models, outbox, offerWindowMs, catalogUrl, serviceToken, log }: WaitlistDeps) {
  const { Waitlist } = models

  /** The event as buyers see it (published only), with live availability; null when there is none. */
  async function eventDetail(eventId: string): Promise<EventDetail | null> {
    if (!catalogUrl) throw fail('UNAVAILABLE', 'the catalog is not reachable from here')
    try {
      const event = await callService<EventDetail>(catalogUrl, `/api/events/${encodeURIComponent(eventId)}`, { token: await serviceToken(), timeoutMs: 3_000 })
      // Drafts are not for buyers (a service token would be shown them): the same 404.
      if (!isPublic(event)) return null
      if (event.availabilityUnavailable) throw fail('UNAVAILABLE', 'ticket availability is not known right now, try again in a moment', { retryAfterSeconds: 2 })
      return event
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return null
      throw error
    }
  }

  /**
   * Puts `principal` on the event's list: 201 when they join (or join again after their turn), 200
   * when they are already waiting. Only for an event they could not buy now and still may later.
   */
  async function join(principal: Principal, eventId: string): Promise<{ created: boolean; entry: WaitlistEntry }> {
    const _id = entryId(eventId, principal.id)
    const existing = await Waitlist.findById(_id).lean<WaitlistDoc>()
    if (existing && !existing.offeredAt) return { created: false, entry: toEntry(existing) }
    const event = await eventDetail(eventId)
    if (!event) throw fail('NOT_FOUND', 'event not found')
    if (salesOver(event)) throw fail('CONFLICT', 'ticket sales for this event are over: there is no waiting list')
    if (!event.ticketTypes.length) throw fail('CONFLICT', 'this event sells no tickets yet')
    if (availableNow(event) > 0) throw fail('CONFLICT', 'tickets are on sale right now: buy them instead of waiting')
    const doc: WaitlistDoc = { _id, eventId, userId: principal.id, eventTitle: event.title, joinedAt: new Date(), ...(principal.email ? { userEmail: principal.email } : {}) }
    if (existing) {
      // Their turn came before: back in line, at the end.
      await Waitlist.replaceOne({ _id }, doc)
      return { created: true, entry: toEntry(doc) }
    }
    try {
      await Waitlist.create(doc)
    } catch (error) {
      // The same buyer joining twice at once: one entry, the other request answers with it.
      if (!isDuplicateOnly(error)) throw error
      const winner = await Waitlist.findById(_id).lean<WaitlistDoc>()
      return { created: false, entry: toEntry(winner ?? doc) }
    }
    wake(eventId)
    return { created: true, entry: toEntry(doc) }
  }

  /** A buyer who was told bought tickets of the event: their offer no longer holds back the next in line. */
  async function bought(eventId: string, userId: string) {
    if (!waitedFor.has(eventId)) return
    const result = await Waitlist.updateOne({ _id: entryId(eventId, userId), offeredAt: { $exists: true }, boughtAt: { $exists: false } }, { $set: { boughtAt: new Date() } })
    if (result.modifiedCount) wake(eventId)
  }

  async function leave(principal: Principal, eventId: string) {
    await Waitlist.deleteOne({ _id: entryId(eventId, principal.id) })
  }

  async function list(principal: Principal, query: WaitlistQuery): Promise<WaitlistList> {
    const page = query.page ?? 1
    const limit = query.limit ?? 20
    const filter = { userId: principal.id, ...(query.eventId ? { eventId: query.eventId } : {}) }
    const [docs, total] = await Promise.all([
      Waitlist.find(filter).sort({ joinedAt: -1, _id: 1 }).skip((page - 1) * limit).limit(limit).lean<WaitlistDoc[]>(),
      Waitlist.countDocuments(filter),
    ])
    return { items: docs.map(toEntry), total, page, limit }
  }

  /**
   * Tells the next buyers in line, one per available ticket, that tickets are back. Safe to run twice
   * at once (two replicas): a buyer's fact has one id per turn (event, buyer, when they joined), so the
   * outbox keeps one, and marking them told is a repeatable write.
   */
  async function check(eventId: string): Promise<number> {
    const waiting = await Waitlist.find({ eventId, offeredAt: { $exists: false } }).sort({ joinedAt: 1, _id: 1 }).limit(OFFERS_PER_CHECK).lean<WaitlistDoc[]>()
    if (!waiting.length) return 0
    const event = await eventDetail(eventId)
    if (!event || salesOver(event)) {
      // Nothing to wait for any more (deleted, cancelled, started, sales closed): the list goes.
      await Waitlist.deleteMany({ eventId, offeredAt: { $exists: false } })
      return 0
    }
    const available = availableNow(event)
    if (available <= 0) return 0
    // Tickets already offered to buyers who may still be buying them are not offered again yet.
    const outstanding = await Waitlist.countDocuments({ eventId, offeredAt: { $gt: new Date(Date.now() - offerWindowMs) }, boughtAt: { $exists: false } })
    const next = waiting.slice(0, Math.max(0, available - outstanding))
    if (!next.length) return 0
    await outbox.record(
      next.map((entry) =>
        fact(
          'notifications.tickets-available',
          { userId: entry.userId, eventId, eventTitle: event.title, available, ...(entry.userEmail ? { userEmail: entry.userEmail } : {}) },
          `tickets-available:${eventId}:${entry.userId}:${entry.joinedAt.getTime()}`,
        ),
      ),
    )
    const offeredAt = new Date()
    await Waitlist.updateMany({ _id: { $in: next.map((e) => e._id) }, offeredAt: { $exists: false } }, { $set: { offeredAt } })
    offersTotal.inc(next.length)
    log.info({ eventId, available, told: next.length }, 'waiting buyers told that tickets are back')
    return next.length
  }

  // Checks are asked for by availability signals, many a second in a busy sale: one event is checked at
  // most every CHECK_EVERY_MS, and only when someone waits for it or holds an offer (known from the last
  // sweep or a join).
  const CHECK_EVERY_MS = 2_000
  const waitedFor = new Set<string>()
  const scheduled = new Map<string, Timer>()
  let stopped = false
  function wake(eventId: string) {
    waitedFor.add(eventId)
    if (scheduled.has(eventId) || stopped) return
    scheduled.set(
      eventId,
      setTimeout(() => {
        check(eventId)
          .catch((error) => log.warn({ eventId, err: String(error) }, 'waiting list not checked; the next sweep tries again'))
          .finally(() => scheduled.delete(eventId))
      }, CHECK_EVERY_MS),
    )
  }

  /** An availability signal of `eventId`: tickets may have come back. */
  function availabilityChanged(eventId: string, ticketTypes: Array<{ available?: number }> | undefined) {
    if (!waitedFor.has(eventId)) return
    if (Array.isArray(ticketTypes) && !ticketTypes.some((t) => (t.available ?? 0) > 0)) return
    wake(eventId)
  }

  /** Every event someone waits for is checked (signals can be missed; a sale opening sends none), and old told entries go. */
  async function sweep() {
    const events: string[] = await Waitlist.distinct('eventId', { offeredAt: { $exists: false } })
    const offered: string[] = await Waitlist.distinct('eventId', { offeredAt: { $gt: new Date(Date.now() - offerWindowMs) }, boughtAt: { $exists: false } })
    waitedFor.clear()
    for (const eventId of [...events, ...offered]) waitedFor.add(eventId)
    for (const eventId of events) {
      if (stopped) return
      await check(eventId).catch((error) => log.warn({ eventId, err: String(error) }, 'waiting list not checked'))
    }
    await Waitlist.deleteMany({ offeredAt: { $lt: new Date(Date.now() - OFFERED_KEPT_MS) } })
  }

  function stop() {
    stopped = true
    for (const timer of scheduled.values()) clearTimeout(timer)
    scheduled.clear()
  }

  return { join, leave, list, check, bought, availabilityChanged, sweep, stop }
}
export type WaitlistService = ReturnType<typeof waitlistService>
