// Passing a ticket on: its holder offers it to an email address; whoever opens the emailed link and
// accepts it (signed in) holds it from then on, with a new code: the old one is void at the door.
// The link's token is an HMAC of the offer's id (`linkToken`), which notifications derives to write
// the email: no document or fact holds it. Every step that changes who holds a ticket runs under the
// order's lock, as check-ins, refunds and names do, and checks again there that the order is paid, the
// ticket unused, the event neither cancelled nor started, and the offer still the sender's to give.
import type { Redis } from 'ioredis'
import type { Principal } from '@easypass/contracts'
import type { Language } from '@easypass/contracts/languages'
import { TRANSFER_LINK_PURPOSE, type Ticket, type TicketTransfer } from '@easypass/contracts/orders'
import { actionLimit, fact, fail, isDuplicateOnly, isLinkToken, type Logger, type Outbox } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { AttendeeDoc, CheckinDoc, Models, TicketHolderDoc, TransferDoc } from '../../db'
import { viaRedis, type OrderLocks } from '../coordination'
import { statusOf, type OrderState, type OrderStore } from '../orders/store'
import { doorsOpenSince } from '../checkins/doors'
import { newTicketCode, offerOf, type HeldTicketDoc, type TicketsService } from '../tickets/service'

/** How long an offer waits for its recipient (never past the event's start). */
export const OFFER_DAYS = 7
/** Each offer is an email sent on its sender's word: one per ticket in this many seconds, ... */
export const OFFER_EVERY_SECONDS = 60
/** ... this many per sender and per recipient address an hour. */
export const OFFERS_PER_HOUR = 20

/** Deletes the key only while it still holds this request's token. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`

export interface TransfersDeps {
  models: Pick<Models, 'Transfer' | 'TicketHolder' | 'TicketCode' | 'Attendee' | 'Checkin' | 'Cancellation' | 'DoorOpening'>
  store: OrderStore
  tickets: TicketsService
  locks: OrderLocks
  catalog: CatalogClient
  outbox: Outbox
  redis: Redis
  prefix: string
  secret: string
  /** Secrets `secret` replaced (a rotation): links emailed before it still open. */
  previousSecrets?: readonly string[]
  log: Logger
}

/** An offer as the API shows it; its recipient's address only to its sender. */
export function transferView(doc: TransferDoc, forSender: boolean): TicketTransfer {
  return {
    id: doc._id,
    ticketId: doc.ticketId,
    eventId: doc.eventId,
    ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
    ...(doc.eventStartsAt ? { eventStartsAt: doc.eventStartsAt.toISOString() } : {}),
    ...(doc.eventTimeZone ? { eventTimeZone: doc.eventTimeZone } : {}),
    ...(doc.ticketTypeName ? { ticketTypeName: doc.ticketTypeName } : {}),
    ...(forSender ? { toEmail: doc.toEmail } : {}),
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    expiresAt: doc.expiresAt.toISOString(),
  }
}

const newId = () => Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')

export function transfersService({ models, store, tickets, locks, catalog, outbox, redis, prefix, secret, previousSecrets = [], log }: TransfersDeps) {
  const { Transfer, TicketHolder, TicketCode, Attendee, Checkin, Cancellation, DoorOpening } = models
  const limitMessage = 'too many tickets offered in the last hour: try again later'
  const bySender = actionLimit(redis, `${prefix}:orders:offers-by`, OFFERS_PER_HOUR, 3600, limitMessage)
  const byRecipient = actionLimit(redis, `${prefix}:orders:offers-to`, OFFERS_PER_HOUR, 3600, limitMessage)

  /** The ticket, when this caller holds it now (anyone else: 404, as for another buyer's order). */
  async function heldTicket(ticketId: string, principal: Principal): Promise<HeldTicketDoc> {
    const [ticket] = await tickets.byIds([ticketId])
    if (!ticket || ticket.holderId !== principal.id) throw fail('NOT_FOUND', 'you hold no ticket with this id')
    return ticket
  }

  /** Runs `work` under the order's lock. */
  async function locked<T>(orderId: string, work: () => Promise<T>): Promise<T> {
    const lock = await locks.acquire(orderId)
    try {
      return await work()
    } finally {
      await lock.release()
    }
  }

  /** Whether the ticket can change hands now (under the lock): its order paid, itself unused, its event ahead. */
  async function mayChangeHands(ticket: HeldTicketDoc): Promise<{ state: OrderState; startsAt: Date; timeZone?: string }> {
    const state = await store.load(ticket.orderId)
    if (!state) throw fail('NOT_FOUND', 'you hold no ticket with this id')
    const status = statusOf(state)
    if (status === 'refunded') throw fail('CONFLICT', 'the order of this ticket was refunded: it is no longer valid')
    if (status !== 'paid') throw fail('CONFLICT', `the order of this ticket is ${status}`)
    // Sold at the door or given free, it is held by the account that issued it, for a guest who has its
    // code: passing it on from there would void the guest's ticket. (One passed on before, to its guest's
    // own account, is theirs like any other.)
    if ((state.doc.boxOffice || state.doc.complimentary) && ticket.holderId === state.doc.userId)
      throw fail('CONFLICT', `a ticket ${state.doc.boxOffice ? 'sold at the door' : 'given free'} is its guest's: the account that issued it cannot pass it on`)
    if (await tickets.isRefunded(ticket)) throw fail('CONFLICT', 'this ticket was refunded: it is no longer valid')
    if (await Checkin.exists({ _id: ticket._id })) throw fail('CONFLICT', 'this ticket was used at the door: it cannot be passed on')
    if (await Cancellation.exists({ _id: ticket.eventId })) throw fail('CONFLICT', 'the event was cancelled: its tickets are being refunded')
    const event = await catalog.event(ticket.eventId, true)
    if (!event || event.status === 'cancelled') throw fail('CONFLICT', 'the event was cancelled: its tickets are being refunded')
    const startsAt = new Date(event.startsAt)
    if (startsAt.getTime() <= Date.now()) throw fail('CONFLICT', 'the event has started: its tickets can no longer be passed on')
    // A door may have let its holder in offline: passed on now, the new holder's code would admit a second person.
    const opened = await doorsOpenSince(DoorOpening, ticket.eventId)
    if (opened) throw fail('CONFLICT', 'the doors are open (a door is checking tickets, possibly offline): its tickets can no longer be passed on', { doorsOpenSince: opened.toISOString() })
    return { state, startsAt, ...(event.timeZone ? { timeZone: event.timeZone } : {}) }
  }

  /** The event's time zone, for a received ticket's start on the venue's clock (catalog's, cached; away: none). */
  async function zoneOfEvent(eventId: string): Promise<string | undefined> {
    try {
      return (await catalog.event(eventId))?.timeZone
    } catch {
      return undefined
    }
  }

  /** The ticket as its (new) holder sees it. */
  async function holderView(ticket: HeldTicketDoc, state: OrderState | null, pending?: TransferDoc | null): Promise<Ticket> {
    const status = state ? statusOf(state) : undefined
    const checkin = await Checkin.findById(ticket._id).lean<CheckinDoc>()
    const view = await tickets.view(ticket, status === 'refunded' || (await tickets.isRefunded(ticket)), checkin)
    // Only the holder's own offer: one left pending by an earlier holder (an acceptance cut short) is not theirs to show.
    if (pending === undefined) pending = await Transfer.findOne({ ticketId: ticket._id, status: 'pending', fromUserId: ticket.holderId }).lean<TransferDoc>()
    const timeZone = state?.doc.eventStartsAt ? await zoneOfEvent(ticket.eventId) : undefined
    return {
      ...view,
      ...(state?.doc.eventTitle ? { eventTitle: state.doc.eventTitle } : {}),
      ...(state?.doc.eventStartsAt ? { eventStartsAt: state.doc.eventStartsAt.toISOString() } : {}),
      ...(timeZone ? { eventTimeZone: timeZone } : {}),
      ...(view.status === 'valid' ? offerOf(pending) : {}),
    }
  }

  return {
    heldTicket,
    holderView,

    /** Offers the ticket to `email`; an earlier offer of it still pending is taken back. */
    async offer(principal: Principal, ticketId: string, email: string, language?: Language): Promise<TicketTransfer> {
      const to = email.trim()
      // A guest's address may be an account's too, which is someone else here (their own, perhaps): not refused.
      if (principal.email && !principal.guest && to.toLowerCase() === principal.email.toLowerCase())
        throw fail('VALIDATION', 'email: that is your own address', { fields: [{ path: 'email', message: 'that is your own address' }] })
      const ticket = await heldTicket(ticketId, principal)
      return locked(ticket.orderId, async () => {
        const now = await tickets.held(ticket)
        if (now.holderId !== principal.id) throw fail('NOT_FOUND', 'you hold no ticket with this id')
        const { state, startsAt, timeZone } = await mayChangeHands(now)
        const key = `${prefix}:orders:transfer-offered:${ticketId}`
        const token = crypto.randomUUID()
        if ((await viaRedis(() => redis.set(key, token, 'EX', OFFER_EVERY_SECONDS, 'NX'))) !== 'OK') {
          const wait = Math.max(1, await viaRedis(() => redis.ttl(key)))
          throw fail('RATE_LIMITED', 'this ticket was offered a moment ago: wait a little before offering it again', { retryAfterSeconds: wait })
        }
        try {
          await bySender.take(principal.id)
          await byRecipient.take(to.toLowerCase())
        } catch (error) {
          await redis.eval(RELEASE, 1, key, token).catch(() => {})
          throw error
        }
        const at = new Date()
        const doc: TransferDoc = {
          _id: newId(),
          ticketId,
          orderId: now.orderId,
          eventId: now.eventId,
          ...(state.doc.eventTitle ? { eventTitle: state.doc.eventTitle } : {}),
          eventStartsAt: startsAt,
          ...(timeZone ? { eventTimeZone: timeZone } : {}),
          ...(now.ticketTypeName ? { ticketTypeName: now.ticketTypeName } : {}),
          fromUserId: principal.id,
          ...(principal.email ? { fromEmail: principal.email } : {}),
          toEmail: to,
          ...(language ? { language } : {}),
          status: 'pending',
          createdAt: at,
          expiresAt: new Date(Math.min(at.getTime() + OFFER_DAYS * 86_400_000, startsAt.getTime())),
        }
        let recorded = false
        try {
          await Transfer.create(doc)
          await outbox.record([
            fact(
              'orders.ticket-transfer-offered',
              {
                transferId: doc._id,
                ticketId,
                eventId: doc.eventId,
                ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
                eventStartsAt: startsAt.toISOString(),
                ...(doc.ticketTypeName ? { ticketTypeName: doc.ticketTypeName } : {}),
                ...(doc.fromEmail ? { fromEmail: doc.fromEmail } : {}),
                userEmail: to,
                expiresAt: doc.expiresAt.toISOString(),
                ...(doc.language ? { language: doc.language } : {}),
              },
              `ticket-transfer-offered:${doc._id}`,
            ),
          ])
          recorded = true
          // Only once the new offer is on its way: a failed one leaves the one before working.
          await Transfer.updateMany({ ticketId, status: 'pending', _id: { $ne: doc._id } }, { $set: { status: 'cancelled', at } })
        } catch (error) {
          log.warn({ ticketId, err: String(error) }, 'ticket offer not recorded')
          // Its email is on its way: it stands (an earlier offer still pending loses to whichever is accepted first).
          if (recorded) return transferView(doc, true)
          // No email is on its way: the offer is taken back (if written) and the limit given back.
          await Transfer.updateOne({ _id: doc._id }, { $set: { status: 'cancelled', at: new Date() } }).catch(() => {})
          await redis.eval(RELEASE, 1, key, token).catch(() => {})
          throw fail('UNAVAILABLE', 'the offer could not be sent right now, try again in a moment', { retryAfterSeconds: 2 })
        }
        return transferView(doc, true)
      })
    },

    /** Takes back the ticket's pending offer (its link stops working). */
    async cancel(principal: Principal, ticketId: string): Promise<void> {
      const ticket = await heldTicket(ticketId, principal)
      await locked(ticket.orderId, async () => {
        const pending = await Transfer.findOne({ ticketId, status: 'pending' }).lean<TransferDoc>()
        if (!pending || pending.fromUserId !== principal.id) throw fail('NOT_FOUND', 'this ticket is not on offer')
        await Transfer.updateMany({ ticketId, status: 'pending' }, { $set: { status: 'cancelled', at: new Date() } })
      })
    },

    /** What an offer is, for the page its link opens (the link's token is needed to accept it, not to see it). */
    async get(transferId: string): Promise<TicketTransfer> {
      const doc = await Transfer.findById(transferId).lean<TransferDoc>()
      if (!doc) throw fail('NOT_FOUND', 'no such offer')
      return transferView(doc, false)
    },

    /** The caller takes the ticket: it is theirs from now on, with a new code. Accepting again answers the same. */
    async accept(principal: Principal, transferId: string, token: string): Promise<Ticket> {
      const offer = await Transfer.findById(transferId).lean<TransferDoc>()
      if (!offer || !isLinkToken(secret, TRANSFER_LINK_PURPOSE, transferId, token, previousSecrets)) throw fail('NOT_FOUND', 'no such offer, or the link is not whole: open it from the email again')
      return locked(offer.orderId, async () => {
        const doc = (await Transfer.findById(transferId).lean<TransferDoc>()) ?? offer
        const [ticket] = await tickets.byIds([doc.ticketId])
        if (!ticket) throw fail('NOT_FOUND', 'no such offer')
        const holder = await TicketHolder.findById(ticket._id).lean<TicketHolderDoc>()
        // Accepted by this caller before (or cut short after the hand-over): the same answer, each step done.
        if (ticket.holderId === principal.id && holder?.transferId === doc._id) {
          const state = await store.load(ticket.orderId)
          await clearEarlierName(holder)
          if (doc.status !== 'accepted') await finish(doc, principal, state?.doc.userId)
          return holderView(ticket, state, undefined)
        }
        if (doc.status === 'accepted')
          throw fail('CONFLICT', doc.acceptedBy === principal.id ? 'you accepted this ticket already, and passed it on since' : 'this ticket was accepted by someone else already')
        if (doc.status === 'cancelled') throw fail('CONFLICT', 'the sender took this offer back')
        if (doc.expiresAt.getTime() <= Date.now()) throw fail('CONFLICT', 'this offer has expired: ask the sender to offer the ticket again')
        if (ticket.holderId === principal.id) throw fail('CONFLICT', 'this ticket is yours already')
        if (ticket.holderId !== doc.fromUserId) throw fail('CONFLICT', 'this ticket is no longer the sender’s to give')
        const { state } = await mayChangeHands(ticket)
        const code = newTicketCode()
        const now: TicketHolderDoc = { _id: ticket._id, userId: principal.id, ...(principal.email ? { email: principal.email } : {}), code, orderId: ticket.orderId, eventId: ticket.eventId, transferId: doc._id, at: new Date() }
        // The code's entry first: until the holder's record names it, it opens nothing.
        await TicketCode.create({ _id: code, ticketId: ticket._id })
        try {
          await TicketHolder.replaceOne({ _id: ticket._id }, now, { upsert: true })
        } catch (error) {
          if (!isDuplicateOnly(error)) throw error
          await TicketHolder.replaceOne({ _id: ticket._id }, now)
        }
        await clearEarlierName(now)
        await finish(doc, principal, state.doc.userId)
        log.info({ ticketId: ticket._id, transferId: doc._id }, 'ticket passed on')
        return holderView({ ...ticket, code, holderId: principal.id, transferredAt: now.at }, state, null)
      })
    },

    /** Tickets the caller holds that someone else bought (theirs are under their orders), the newest `limit` passed on to them. */
    async received(principal: Principal, limit = 500): Promise<Ticket[]> {
      const holders = await TicketHolder.find({ userId: principal.id }).sort({ at: -1 }).limit(limit).lean<TicketHolderDoc[]>()
      const tickets_ = await tickets.byIds(holders.map((h) => h._id))
      const mine = tickets_.filter((t) => t.holderId === principal.id && t.userId !== principal.id)
      const views = await Promise.all(
        mine.map(async (ticket) => {
          const state = await store.load(ticket.orderId)
          const status = state ? statusOf(state) : undefined
          return status === 'paid' || status === 'refunded' ? holderView(ticket, state) : null
        }),
      )
      return views.filter((v): v is Ticket => !!v)
    },
  }

  /** The sender's name for whoever was to use it is not the new holder's (one given since is kept). */
  async function clearEarlierName(holder: TicketHolderDoc) {
    const name = await Attendee.findById(holder._id).lean<AttendeeDoc>()
    if (name && name.at <= holder.at) await Attendee.deleteOne({ _id: holder._id, at: name.at })
  }

  /** The offer's record and the fact that tells its sender; both safe to repeat. */
  async function finish(doc: TransferDoc, principal: Principal, buyerId: string | undefined) {
    await outbox.record([
      fact(
        'orders.ticket-transferred',
        {
          transferId: doc._id,
          ticketId: doc.ticketId,
          orderId: doc.orderId,
          eventId: doc.eventId,
          ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
          fromUserId: doc.fromUserId,
          fromBuyer: doc.fromUserId === buyerId,
          toUserId: principal.id,
          // The address the sender typed, never the account's that accepted it (a link passed along).
          toEmail: doc.toEmail,
          ...(doc.language ? { language: doc.language } : {}),
        },
        `ticket-transferred:${doc._id}`,
      ),
    ])
    await Transfer.updateOne({ _id: doc._id }, { $set: { status: 'accepted', acceptedBy: principal.id, at: new Date() } })
  }
}
export type TransfersService = ReturnType<typeof transfersService>
