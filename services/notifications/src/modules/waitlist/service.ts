// The waiting list of a sold-out event: buyers ask to be told when tickets come back (a hold that ran
// out or was cancelled, a refund, more capacity, a sale that opens). When some are available again,
// the buyers first in line, as many as there are tickets, each get the fact
// `notifications.tickets-available` through this service's outbox; its consumers turn it into a
// notification (live) and an email. A buyer's turn ends with it: asking again queues them anew.
//
// A ticket offered to someone is not offered to the next in line until it is taken (by anyone: the
// event's availability fell below it) or the offer window has passed: the list never sends a crowd
// after one ticket, and never keeps a ticket from the line once it was taken and another came back.
// Per event, `waitlist_offers` keeps how many tickets are on offer and until when.
import { countOnce } from '@easypass/contracts/capacity'
import type { Principal } from '@easypass/contracts'
import type { Language } from '@easypass/contracts/languages'
import type { EventDetail } from '@easypass/contracts/catalog'
import type { WaitlistCounts, WaitlistEntry, WaitlistList, WaitlistQuery } from '@easypass/contracts/notifications'
import { AppError, callService, counter, fact, fail, isDuplicateOnly, type Logger, type Outbox } from '@easypass/kit'
import type { Models, WaitlistDoc } from '../../db'

const offersTotal = counter('notifications_waitlist_offers_total', 'Buyers told that tickets of an event they waited for came back')

/** At most this many buyers are told per check of one event (the next check tells the next ones). */
const OFFERS_PER_CHECK = 200
/** Told buyers' entries are kept this long (the buyer sees when they were told), then deleted. */
const OFFERED_KEPT_MS = 30 * 86_400_000
/** Checks are asked for by availability signals, many a second in a busy sale: one event is checked at most this often. */
const CHECK_EVERY_MS = 2_000

const entryId = (eventId: string, userId: string) => `${eventId}:${userId}`

function toEntry(doc: WaitlistDoc): WaitlistEntry {
  return {
    eventId: doc.eventId,
    ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
    joinedAt: doc.joinedAt.toISOString(),
    offeredAt: doc.offeredAt ? doc.offeredAt.toISOString() : null,
  }
}

interface SaleTypes {
  ticketTypes: Array<{ id?: string; capacity?: number; available?: number; salesStart?: string | null; salesEnd?: string | null; addOn?: boolean }>
  pools?: Array<{ ticketTypeIds: string[]; capacity: number; available: number }>
}

/**
 * Tickets a buyer could buy right now: of the admission types on sale (their window open), the
 * available ones, seats shared by several types (a pool) counted once. Extras (`addOn`) are left out:
 * a parking space alone cannot be bought.
 */
function availableNow(event: SaleTypes, now = Date.now()): number {
  const onSale = event.ticketTypes
    .filter((t) => !t.addOn && (!t.salesStart || Date.parse(t.salesStart) <= now) && (!t.salesEnd || Date.parse(t.salesEnd) > now))
    .map((t) => ({ id: t.id ?? '', capacity: t.capacity ?? 0, available: t.available ?? 0 }))
  return countOnce(onSale, Array.isArray(event.pools) ? event.pools : undefined, 'available')
}

/** Sales are over for good: the event was cancelled or has started, or every admission type's window has closed. */
function salesOver(event: EventDetail, now = Date.now()): boolean {
  if (event.status === 'cancelled' || Date.parse(event.startsAt) <= now) return true
  const admission = event.ticketTypes.filter((t) => !t.addOn)
  return admission.length > 0 && admission.every((t) => t.salesEnd && Date.parse(t.salesEnd) <= now)
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

type Lookup = { event: EventDetail } | { gone: true } | { hidden: true }

export function waitlistService({ models, outbox, offerWindowMs, catalogUrl, serviceToken, log }: WaitlistDeps) {
  const { Waitlist, WaitlistOffer } = models

  /**
   * The event with live availability. A service token sees drafts too: `hidden` (a draft, perhaps
   * back from published) keeps its list, `gone` (deleted) ends it. Anything else catalog answers that
   * is not the event is this service's trouble, never the buyer's: 503.
   */
  async function lookup(eventId: string): Promise<Lookup> {
    if (!catalogUrl) throw fail('UNAVAILABLE', 'the catalog is not reachable from here')
    let event: EventDetail
    try {
      event = await callService<EventDetail>(catalogUrl, `/api/events/${encodeURIComponent(eventId)}`, { token: await serviceToken(), timeoutMs: 3_000 })
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return { gone: true }
      throw fail('UNAVAILABLE', 'the event could not be read right now, try again in a moment', { retryAfterSeconds: 2 })
    }
    if (event.status === 'draft' || (event as { neverPublished?: boolean }).neverPublished) return { hidden: true }
    if (event.availabilityUnavailable) throw fail('UNAVAILABLE', 'ticket availability is not known right now, try again in a moment', { retryAfterSeconds: 2 })
    return { event }
  }

  /**
   * Puts `principal` on the event's list: 201 when they join (or join again after their turn), 200
   * when they are already waiting. Only for an event they could not buy now and still may later.
   */
  async function join(principal: Principal, eventId: string, language?: Language): Promise<{ created: boolean; entry: WaitlistEntry }> {
    const _id = entryId(eventId, principal.id)
    const existing = await Waitlist.findById(_id).lean<WaitlistDoc>()
    if (existing && !existing.offeredAt) return { created: false, entry: toEntry(existing) }
    const found = await lookup(eventId)
    if (!('event' in found)) throw fail('NOT_FOUND', 'event not found')
    const { event } = found
    if (salesOver(event)) throw fail('CONFLICT', 'ticket sales for this event are over: there is no waiting list')
    if (!event.ticketTypes.length) throw fail('CONFLICT', 'this event sells no tickets yet')
    if (availableNow(event) > 0) throw fail('CONFLICT', 'tickets are on sale right now: buy them instead of waiting')
    const doc: WaitlistDoc = { _id, eventId, userId: principal.id, eventTitle: event.title, joinedAt: new Date(), ...(principal.email ? { userEmail: principal.email } : {}), ...(language ? { language } : {}) }
    // Their turn came before: that entry goes and a new one (at the end of the line) takes its place.
    // The insert settles a race with another join: one entry, the other request answers with it.
    if (existing) await Waitlist.deleteOne({ _id, joinedAt: existing.joinedAt })
    try {
      await Waitlist.create(doc)
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      const winner = await Waitlist.findById(_id).lean<WaitlistDoc>()
      return { created: false, entry: toEntry(winner ?? doc) }
    }
    wake(eventId)
    return { created: true, entry: toEntry(doc) }
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

  /** For admins: how many buyers wait in line for each of these events. */
  async function counts(eventIds: string[]): Promise<WaitlistCounts> {
    const unique = [...new Set(eventIds)]
    // One query for all of them (a dashboard asks every 30 seconds).
    const grouped = await Waitlist.aggregate<{ _id: string; waiting: number }>([
      { $match: { eventId: { $in: unique }, offeredAt: { $exists: false } } },
      { $group: { _id: '$eventId', waiting: { $sum: 1 } } },
    ])
    const byEvent = new Map(grouped.map((g) => [g._id, g.waiting]))
    return { items: unique.map((eventId) => ({ eventId, waiting: byEvent.get(eventId) ?? 0 })) }
  }

  /** The lowest availability each event's signals showed since its last check: tickets on offer that were taken meanwhile. */
  const lowestSeen = new Map<string, number>()

  /**
   * Tells the next buyers in line, one per available ticket not already on offer. Safe to run twice at
   * once (two replicas): both pick the same buyers first in line, whose facts have one id per turn
   * (event, buyer, when they joined), so the outbox keeps one of each; marking them told names the
   * turn (`joinedAt`), so a buyer who joined again meanwhile keeps their new turn.
   */
  async function check(eventId: string): Promise<number> {
    const lowest = lowestSeen.get(eventId)
    lowestSeen.delete(eventId)
    const waiting = await Waitlist.find({ eventId, offeredAt: { $exists: false } }).sort({ joinedAt: 1, _id: 1 }).limit(OFFERS_PER_CHECK).lean<WaitlistDoc[]>()
    if (!waiting.length) return 0
    const found = await lookup(eventId)
    if ('hidden' in found) return 0
    if ('gone' in found || salesOver(found.event)) {
      // Nothing to wait for any more (deleted, cancelled, started, sales closed): the list goes.
      await Waitlist.deleteMany({ eventId, offeredAt: { $exists: false } })
      await WaitlistOffer.deleteOne({ _id: eventId })
      return 0
    }
    const { event } = found
    const available = availableNow(event)
    const state = await WaitlistOffer.findById(eventId).lean()
    // On offer: what was offered and has not lapsed, but never more than has stayed available since.
    const onOffer = state && state.until.getTime() > Date.now() ? Math.min(state.count, available, lowest ?? available) : 0
    const next = waiting.slice(0, Math.max(0, available - onOffer))
    if (!next.length) {
      if (state && state.count !== onOffer) await WaitlistOffer.updateOne({ _id: eventId }, { $set: { count: onOffer } })
      return 0
    }
    await outbox.record(
      next.map((entry) =>
        fact(
          'notifications.tickets-available',
          { userId: entry.userId, eventId, eventTitle: event.title, available, ...(entry.userEmail ? { userEmail: entry.userEmail } : {}), ...(entry.language ? { language: entry.language } : {}) },
          `tickets-available:${eventId}:${entry.userId}:${entry.joinedAt.getTime()}`,
        ),
      ),
    )
    const offeredAt = new Date()
    await WaitlistOffer.updateOne({ _id: eventId }, { $set: { count: onOffer + next.length, until: new Date(offeredAt.getTime() + offerWindowMs) } }, { upsert: true })
    await Waitlist.bulkWrite(next.map((entry) => ({ updateOne: { filter: { _id: entry._id, joinedAt: entry.joinedAt, offeredAt: { $exists: false } }, update: { $set: { offeredAt } } } })))
    offersTotal.inc(next.length)
    log.info({ eventId, available, onOffer, told: next.length }, 'waiting buyers told that tickets are back')
    return next.length
  }

  /** Events someone waits for (or with tickets on offer), as far as this replica knows: only their signals matter. */
  const watched = new Set<string>()
  const scheduled = new Map<string, Timer>()
  /** Checks running now, and events whose signals came while theirs ran (checked once more after it). */
  const running = new Map<string, Promise<unknown>>()
  const again = new Set<string>()
  let stopped = false

  function wake(eventId: string) {
    watched.add(eventId)
    if (stopped) return
    if (running.has(eventId)) return void again.add(eventId)
    if (scheduled.has(eventId)) return
    scheduled.set(
      eventId,
      setTimeout(() => {
        scheduled.delete(eventId)
        const run = check(eventId)
          .catch((error) => log.warn({ eventId, err: String(error) }, 'waiting list not checked; the next sweep tries again'))
          .finally(() => {
            running.delete(eventId)
            if (again.delete(eventId)) wake(eventId)
          })
        running.set(eventId, run)
      }, CHECK_EVERY_MS),
    )
  }

  /** An availability signal of `eventId`: tickets may have come back, or tickets on offer been taken. */
  function availabilityChanged(eventId: string, signal: SaleTypes | undefined) {
    if (!watched.has(eventId)) return
    if (signal && Array.isArray(signal.ticketTypes)) {
      const now = availableNow(signal)
      lowestSeen.set(eventId, Math.min(now, lowestSeen.get(eventId) ?? now))
      if (now <= 0) return
    }
    wake(eventId)
  }

  /** Every event someone waits for is checked (signals can be missed; a sale opening sends none), and old told entries go. */
  let sweeping = false
  async function sweep() {
    if (sweeping || stopped) return
    sweeping = true
    try {
      const events: string[] = await Waitlist.distinct('eventId', { offeredAt: { $exists: false } })
      // Tickets on offer are followed too, though nobody waits: the signal that one was taken (by anyone)
      // must be seen, or a ticket back later stays "on offer" to no one for the rest of the window.
      const offered = (await WaitlistOffer.distinct('_id', { until: { $gt: new Date() }, count: { $gt: 0 } })).map(String)
      for (const eventId of [...events, ...offered]) watched.add(eventId)
      for (const eventId of events) {
        if (stopped) return
        if (running.has(eventId)) continue
        const run = check(eventId).catch((error) => log.warn({ eventId, err: String(error) }, 'waiting list not checked'))
        running.set(eventId, run)
        await run
        running.delete(eventId)
        if (again.delete(eventId)) wake(eventId)
      }
      // Events nobody waits for any more are no longer followed (a join follows its event again at once).
      for (const eventId of [...watched]) if (!events.includes(eventId) && !offered.includes(eventId) && !scheduled.has(eventId) && !running.has(eventId)) watched.delete(eventId)
      await Waitlist.deleteMany({ offeredAt: { $lt: new Date(Date.now() - OFFERED_KEPT_MS) } })
      await WaitlistOffer.deleteMany({ until: { $lt: new Date(Date.now() - OFFERED_KEPT_MS) } })
    } finally {
      sweeping = false
    }
  }

  /** No new checks; waits for the running ones (they may still record facts, before the outbox stops). */
  async function stop() {
    stopped = true
    for (const timer of scheduled.values()) clearTimeout(timer)
    scheduled.clear()
    await Promise.all(running.values())
  }

  return { join, leave, list, counts, check, availabilityChanged, sweep, stop }
}
export type WaitlistService = ReturnType<typeof waitlistService>
