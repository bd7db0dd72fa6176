// The door: a scanned code is looked up by `_id`, and the first scan of a ticket wins its check-in
// (`checkins._id` = ticket id, so a second scan is a duplicate key → 409, even when two scanners race).
// A check-in and a refund of the same order take the order's lock, so exactly one of them wins: a
// refunded ticket is 410, and a buyer's refund after a check-in is refused. A code from before its ticket
// was passed on to someone else is 410 (checked again under the lock). A ticket of a cancelled
// event is 410 as soon as orders knows of the cancellation, before its refund is made.
// A scan sent again under its `Idempotency-Key` (its answer was lost on the way to the door) gets its
// 200 again, where a scan of another door, or another person's copy of the code, gets 409.
import type { Principal } from '@easypass/contracts'
import type { CheckinResult } from '@easypass/contracts/orders'
import { AppError, fail, isAdmin, mustWorkEvent, worksEvent, type Logger } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { CheckinDoc, Models } from '../../db'
import type { CatalogClient } from '../../clients'
import { checkinsTotal } from '../../metrics'
import type { OrderLocks } from '../coordination'
import { hashKey } from '../idempotency/service'
import { endReason } from '../reconciler/service'
import { statusOf, toOrder, type OrderStore } from '../orders/store'
import type { TicketsService } from '../tickets/service'

export interface CheckinsDeps {
  models: Pick<Models, 'Checkin' | 'Cancellation'>
  store: OrderStore
  tickets: TicketsService
  locks: OrderLocks
  catalog: CatalogClient
  log: Logger
}

const gone = (message: string, orderId: string) => new AppError('GONE', message, { orderId }, 410)
/** `byId`: the door took the ticket by its id, and it was passed on while the check-in waited. */
const passedOn = (byId = false) => {
  checkinsTotal.inc({ result: 'passed_on' })
  const message = byId ? 'this ticket was passed on to someone else just now: look the guest up again' : 'this code is no longer valid: the ticket was passed on to someone else, who has a new code'
  return new AppError('GONE', message, { passedOn: true }, 410)
}

/** Door staff are told what the ticket is for, never its code, the order's money, payment or voucher. */
function doorView({ ticket, order, firstScan }: CheckinResult): CheckinResult {
  const { code: _code, qrSvg: _qr, ...shown } = ticket
  return {
    ticket: shown,
    order: { id: order.id, eventId: order.eventId, ...(order.eventTitle ? { eventTitle: order.eventTitle } : {}), items: order.items.map(({ ticketTypeId, name, quantity, addOn }) => ({ ticketTypeId, name, quantity, ...(addOn ? { addOn } : {}) })), status: order.status },
    firstScan,
  }
}
const checkedInBefore = (ticketId: string, first: CheckinDoc | null) => {
  checkinsTotal.inc({ result: 'repeat' })
  return fail('CONFLICT', 'this ticket was already checked in', { ticketId, checkedInAt: first?.at.toISOString() })
}

/** How far ahead of the server a door's clock may be, and how old an offline scan may be when it is sent. */
const SCAN_CLOCK_SKEW_MS = 120_000
/**
 * How long after it came a scan waiting for its order (busy with a refund, a hand-over or another scan)
 * is answered 503 "scan again": well within the 4 seconds a door waits before its offline list may
 * decide, so that a ticket being refunded is not let in on the list. The lookups before the lock (a slow
 * catalog) count against it; the lock is always waited for a little.
 */
const SCAN_ANSWER_BY_MS = 2_500
const SCAN_LOCK_WAIT_MIN_MS = 250
const SCANNED_AT_MAX_AGE_MS = 7 * 86_400_000

export function checkinsService({ models: { Checkin, Cancellation }, store, tickets, locks, catalog, log }: CheckinsDeps) {
  /** Why the event's tickets are no longer valid: cancelled or removed (orders' own record of the fact, or catalog when it answers). */
  async function ended(eventId: string): Promise<string | undefined> {
    const recorded = await Cancellation.findById(eventId, { kind: 1 }).lean()
    if (recorded) return endReason(recorded.kind)
    try {
      return (await catalog.event(eventId))?.status === 'cancelled' ? endReason() : undefined
    } catch (error) {
      // The door keeps working while catalog is away; the fact reaches orders' record meanwhile.
      log.warn({ eventId, err: String(error) }, 'check-in: catalog did not answer; cancellation looked up in orders only')
      return undefined
    }
  }

  async function admit({ code: scanned, ticketId, scannedAt }: { code?: string; ticketId?: string; scannedAt?: string }, principal: Principal, idempotencyKey?: string, door?: string): Promise<CheckinResult> {
    const by = principal.id
    const began = Date.now()
    if (door) mustWorkEvent(principal, door)
    if ((scanned === undefined) === (ticketId === undefined))
      throw fail('VALIDATION', 'send the scanned `code` or the `ticketId`, one of them', { fields: [{ path: scanned === undefined ? 'code' : 'ticketId', message: 'send code or ticketId, one of them' }] })
    // A scan the door decided offline, sent now: recorded at its own time (a clock a little ahead is allowed for).
    const at = scannedAt === undefined ? new Date() : new Date(scannedAt)
    if (scannedAt !== undefined && (Number.isNaN(at.getTime()) || at.getTime() > Date.now() + SCAN_CLOCK_SKEW_MS || at.getTime() < Date.now() - SCANNED_AT_MAX_AGE_MS))
      throw fail('VALIDATION', 'scannedAt: the time of a scan made in the last 7 days', { fields: [{ path: 'scannedAt', message: 'a time in the last 7 days' }] })
    // Codes are upper-case base32: a code typed in lower case is the same code. A ticket found by its
    // id is taken with its current code (its holder's, when it was passed on).
    const ticket = ticketId ? (await tickets.byIds([ticketId]))[0] : await tickets.byCode(scanned!.trim().toUpperCase())
    if (ticket === 'replaced') throw passedOn()
    if (!ticket) {
      checkinsTotal.inc({ result: 'unknown' })
      throw fail('NOT_FOUND', ticketId ? 'no ticket has this id' : 'no ticket has this code')
    }
    // A door admits to one event: a valid ticket of another one is refused before anything is used up.
    if (door && ticket.eventId.toLowerCase() !== door.toLowerCase()) {
      checkinsTotal.inc({ result: 'wrong_event' })
      const state = await store.load(ticket.orderId)
      throw fail('CONFLICT', `this ticket is for another event${state?.doc.eventTitle ? ` (${state.doc.eventTitle})` : ''}`, {
        wrongEvent: true,
        eventId: ticket.eventId,
        ...(state?.doc.eventTitle ? { eventTitle: state.doc.eventTitle } : {}),
      })
    }
    // Door staff given some events: a ticket of another is not theirs to admit (nothing is used up).
    if (!worksEvent(principal, ticket.eventId)) {
      checkinsTotal.inc({ result: 'wrong_event' })
      const state = await store.load(ticket.orderId)
      throw fail('FORBIDDEN', `this ticket is for an event whose door you do not work${state?.doc.eventTitle ? ` (${state.doc.eventTitle})` : ''}`, {
        wrongEvent: true,
        eventId: ticket.eventId,
        ...(state?.doc.eventTitle ? { eventTitle: state.doc.eventTitle } : {}),
      })
    }
    const scan = idempotencyKey ? hashKey(`${by}:${idempotencyKey}`) : undefined
    // Looked up before the lock (it only reads, and catalog may be slow): the lock is held for
    // orders' own reads and the one write.
    const why = await ended(ticket.eventId)
    let lock: Awaited<ReturnType<OrderLocks['acquire']>>
    try {
      lock = await locks.acquire(ticket.orderId, Math.max(SCAN_LOCK_WAIT_MIN_MS, began + SCAN_ANSWER_BY_MS - Date.now()))
    } catch (error) {
      // Busy with a refund (or another scan of the same order): not a verdict on the ticket. 503 tells
      // the door to scan again (under the same key), where a 409 would read as "not valid".
      if (error instanceof AppError && error.code === 'UNAVAILABLE') throw new AppError('UNAVAILABLE', 'this order is busy right now; scan again', { retryAfterSeconds: 1 }, 503)
      throw error
    }
    try {
      const state = await store.load(ticket.orderId)
      if (!state) throw fail('NOT_FOUND', 'no such ticket')
      const status = statusOf(state)
      if (status === 'refunded') {
        checkinsTotal.inc({ result: 'refunded' })
        throw gone('this ticket was refunded and is no longer valid', ticket.orderId)
      }
      if (status !== 'paid') {
        checkinsTotal.inc({ result: 'not_paid' })
        throw fail('CONFLICT', `the order of this ticket is ${status}`)
      }
      // Given back on its own (some tickets of the order refunded): the rest of the order stays valid.
      if (await tickets.isRefunded(ticket)) {
        checkinsTotal.inc({ result: 'refunded' })
        throw gone('this ticket was refunded and is no longer valid', ticket.orderId)
      }
      // Passed on while this scan waited for the lock: the code scanned is void now.
      if ((await tickets.held(ticket)).code !== ticket.code) throw passedOn(ticketId !== undefined)
      const first = await Checkin.findById(ticket._id).lean<CheckinDoc>()
      if (first) {
        // The same scan again: its answer did not reach the door.
        if (scan && first.scan === scan) {
          checkinsTotal.inc({ result: 'repeat_same_scan' })
          return { ticket: await tickets.view(ticket, false, first), order: toOrder(state), firstScan: true }
        }
        throw checkedInBefore(ticket._id, first)
      }
      if (why) {
        checkinsTotal.inc({ result: 'event_cancelled' })
        throw gone(`${why}: this ticket is no longer valid (it is being refunded)`, ticket.orderId)
      }
      const attendeeName = await tickets.attendeeOf(ticket._id)
      const checkin: CheckinDoc = { _id: ticket._id, orderId: ticket.orderId, code: ticket.code, by, at: at.getTime() > Date.now() ? new Date() : at, ...(scan ? { scan } : {}), ...(attendeeName ? { attendeeName } : {}) }
      try {
        await Checkin.create(checkin)
      } catch (error) {
        // Another scanner of the same ticket got in between (tickets of one order share the lock, but a
        // lock that ran out does not stop a slow one): the first one stays.
        if (!isDuplicateKey(error)) throw error
        throw checkedInBefore(ticket._id, await Checkin.findById(ticket._id).lean<CheckinDoc>())
      }
      checkinsTotal.inc({ result: 'first' })
      return { ticket: await tickets.view(ticket, false, checkin), order: toOrder(state), firstScan: true }
    } finally {
      await lock.release()
    }
  }

  return {
    /** `code` scanned, or `ticketId` of a guest found in the attendee list: one of them. Admins get the whole answer, door staff `doorView`. */
    async checkIn(input: { code?: string; ticketId?: string; scannedAt?: string }, principal: Principal, idempotencyKey?: string, door?: string): Promise<CheckinResult> {
      const result = await admit(input, principal, idempotencyKey, door)
      return isAdmin(principal) ? result : doorView(result)
    },
  }
}
export type CheckinsService = ReturnType<typeof checkinsService>
