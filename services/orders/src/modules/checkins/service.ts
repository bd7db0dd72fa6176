// The door: a scanned code is looked up by `_id`, and the first scan of a ticket wins its check-in
// (`checkins._id` = ticket id, so a second scan is a duplicate key → 409, even when two scanners race).
// A refunded ticket is 410; a refund racing the scan is looked for again once the check-in is written.
import type { CheckinResult } from '@easypass/contracts/orders'
import { AppError, fail } from '@easypass/kit'
import { isDuplicateOnly as isDuplicateKey } from '@easypass/kit'
import type { CheckinDoc, Models } from '../../db'
import { checkinsTotal } from '../../metrics'
import { statusOf, toOrder, type OrderStore } from '../orders/store'
import type { TicketsService } from '../tickets/service'

export function checkinsService({ Checkin }: Pick<Models, 'Checkin'>, store: OrderStore, tickets: TicketsService) {
  return {
    async checkIn(code: string, by: string): Promise<CheckinResult> {
      const ticket = await tickets.byCode(code.trim())
      if (!ticket) {
        checkinsTotal.inc({ result: 'unknown' })
        throw fail('NOT_FOUND', 'no ticket has this code')
      }
      const state = await store.load(ticket.orderId)
      if (!state) throw fail('NOT_FOUND', 'no ticket has this code')
      const status = statusOf(state)
      if (status === 'refunded') {
        checkinsTotal.inc({ result: 'refunded' })
        throw new AppError('GONE', 'this ticket was refunded and is no longer valid', { orderId: ticket.orderId }, 410)
      }
      if (status !== 'paid') {
        checkinsTotal.inc({ result: 'not_paid' })
        throw fail('CONFLICT', `the order of this ticket is ${status}`)
      }
      const checkin: CheckinDoc = { _id: ticket._id, orderId: ticket.orderId, code: ticket.code, by, at: new Date() }
      try {
        await Checkin.create(checkin)
      } catch (error) {
        if (!isDuplicateKey(error)) throw error
        const first = await Checkin.findById(ticket._id).lean<CheckinDoc>()
        checkinsTotal.inc({ result: 'repeat' })
        throw fail('CONFLICT', 'this ticket was already checked in', { ticketId: ticket._id, checkedInAt: first?.at.toISOString() })
      }
      // A refund recorded between the look at the order and this check-in wins: the ticket stopped
      // being valid before it was admitted. (A buyer asking for a refund after this is refused.)
      if ((await store.transitions(ticket.orderId)).refund) {
        // Not admitted whatever happens to this delete (a check-in left behind only shows on the ticket).
        await Checkin.deleteOne({ _id: ticket._id }).catch(() => {})
        checkinsTotal.inc({ result: 'refunded' })
        throw new AppError('GONE', 'this ticket was refunded and is no longer valid', { orderId: ticket.orderId }, 410)
      }
      checkinsTotal.inc({ result: 'first' })
      return { ticket: await tickets.view(ticket, false, checkin), order: toOrder(state), firstScan: true }
    },
  }
}
export type CheckinsService = ReturnType<typeof checkinsService>
