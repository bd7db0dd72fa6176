// Naming who uses a ticket: its holder (its buyer, or whoever it was passed on to) or an admin. Under
// the order's lock, as check-ins, refunds and hand-overs are: a name never lands after any of them.
import type { Ticket } from '@easypass/contracts/orders'
import { fail } from '@easypass/kit'
import type { OrderLocks } from '../coordination'
import { statusOf, type OrderStore } from '../orders/store'
import type { TicketsService } from './service'

export function ticketNaming({ store, tickets, locks }: { store: OrderStore; tickets: TicketsService; locks: OrderLocks }) {
  /** Names the ticket, while `holderId` (who asked, or the order's buyer for an admin) still holds it. */
  return async function name(orderId: string, ticketId: string, holderId: string, attendeeName: string): Promise<Ticket> {
    // Invisible and direction-changing characters could make the name the door reads say something else.
    if (/[\p{Cc}\p{Cf}]/u.test(attendeeName))
      throw fail('VALIDATION', 'attendeeName: letters, spaces and punctuation only', { fields: [{ path: 'attendeeName', message: 'letters, spaces and punctuation only' }] })
    const lock = await locks.acquire(orderId)
    try {
      const state = await store.load(orderId)
      if (!state) throw fail('NOT_FOUND', 'order not found')
      const status = statusOf(state)
      if (status === 'refunded') throw fail('CONFLICT', 'the order was refunded: its tickets are no longer valid')
      if (status !== 'paid') throw fail('CONFLICT', 'tickets are issued once the order is paid')
      const [ticket] = await tickets.byIds([ticketId])
      if (!ticket) throw fail('UNAVAILABLE', 'the tickets of this order are still being issued, try again in a moment', { retryAfterSeconds: 1 })
      if (ticket.holderId !== holderId) throw fail('CONFLICT', 'this ticket was passed on to someone else: its new holder names it')
      if (await tickets.isRefunded(ticket)) throw fail('CONFLICT', 'this ticket was refunded: it is no longer valid')
      if (await tickets.isCheckedIn(ticket._id)) throw fail('CONFLICT', 'this ticket was checked in: its name stays as it was at the door')
      await tickets.setAttendee(ticket._id, attendeeName)
      return tickets.view(ticket, false, null)
    } finally {
      await lock.release()
    }
  }
}
export type TicketNaming = ReturnType<typeof ticketNaming>
