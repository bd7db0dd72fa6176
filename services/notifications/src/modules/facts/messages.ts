// What a buyer is told about each fact: the notification's type, title, body and link data.
import type { Fact } from '@easypass/contracts/facts'
import type { NotificationType } from '@easypass/contracts/notifications'
import { formatMoney, formatTime, plural } from '@easypass/kit'

export interface Message {
  userId: string
  type: NotificationType
  title: string
  body: string
  data: Record<string, unknown>
}

const named = (title: unknown) => (typeof title === 'string' && title.trim() ? title.trim() : undefined)
/** Facts recorded before `eventCancelled` existed carry only the system's own reason. */
const isCancellation = (d: { eventCancelled?: boolean; reason?: unknown }) =>
  d.eventCancelled === true || (d.eventCancelled === undefined && typeof d.reason === 'string' && /^the event was cancelled\b/.test(d.reason))

/** The message for a fact, or null when it concerns no single user (the fact is then acknowledged unused). */
export function describe(f: Fact): Message | null {
  switch (f.subject) {
    case 'orders.order-paid': {
      const d = f.data as Fact<'orders.order-paid'>['data']
      const event = named(d.eventTitle)
      const count = Array.isArray(d.items) ? d.items.reduce((n, i) => n + (Number(i.quantity) || 0), 0) : d.ticketIds?.length ?? 0
      // Given by this admin to a guest: the tickets went to the guest, not to the admin's inbox.
      if (typeof d.complimentaryFor === 'string' && d.complimentaryFor)
        return {
          userId: d.userId,
          type: 'order-paid',
          title: event ? `Complimentary tickets for ${event}` : 'Complimentary tickets given',
          body: `${plural(count, 'complimentary ticket')} given to ${d.complimentaryFor}: the tickets went to that address.`,
          data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, ticketCount: count },
        }
      return {
        userId: d.userId,
        type: 'order-paid',
        title: event ? `Your tickets for ${event}` : 'Your tickets are ready',
        body: `Order confirmed: ${plural(count, 'ticket')}, ${formatMoney(d.totalCents, d.currency)}. Your tickets are in your orders${d.userEmail ? ' and on their way to your inbox' : ''}.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, ticketCount: count },
      }
    }
    case 'orders.order-refunded': {
      const d = f.data as Fact<'orders.order-refunded'>['data']
      const event = named(d.eventTitle)
      const amount = formatMoney(d.amountCents, d.currency)
      return {
        userId: d.userId,
        type: 'order-refunded',
        title: isCancellation(d) ? `${event ?? 'An event'} was cancelled` : `Refund for ${event ?? 'your order'}`,
        body: `Your order was refunded: ${amount} goes back to your card. Its tickets are no longer valid.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.amountCents, currency: d.currency },
      }
    }
    case 'orders.tickets-refunded': {
      const d = f.data as Fact<'orders.tickets-refunded'>['data']
      const event = named(d.eventTitle)
      const amount = formatMoney(d.amountCents, d.currency)
      const count = d.ticketIds.length
      return {
        userId: d.userId,
        type: 'order-refunded',
        title: `Refund for ${event ?? 'your order'}`,
        body: `${count === 1 ? '1 ticket' : `${count} tickets`} of your order ${count === 1 ? 'was' : 'were'} refunded: ${amount} goes back to your card. ${count === 1 ? 'It is' : 'They are'} no longer valid; your other tickets stay valid.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.amountCents, currency: d.currency, ticketCount: d.ticketIds.length },
      }
    }
    case 'orders.hold-expiring': {
      const d = f.data as Fact<'orders.hold-expiring'>['data']
      const event = named(d.eventTitle)
      const until = formatTime(d.expiresAt)
      return {
        userId: d.userId,
        type: 'hold-expiring',
        title: `Your hold${event ? ` for ${event}` : ''} ends soon`,
        body: `${d.totalCents === 0 ? 'Confirm your free tickets' : `Pay ${formatMoney(d.totalCents, d.currency)}`}${until ? ` by ${until}` : ' soon'} to keep them; after that they are released to other buyers.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, expiresAt: d.expiresAt },
      }
    }
    case 'orders.order-expired': {
      const d = f.data as Fact<'orders.order-expired'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'order-expired',
        title: 'Your reservation expired',
        body: `The tickets you held${event ? ` for ${event}` : ''} were released because the order was not paid in time.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event },
      }
    }
    case 'orders.order-cancelled': {
      const d = f.data as Fact<'orders.order-cancelled'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'order-cancelled',
        title: 'Order cancelled',
        // With a reason the buyer did not cancel it: the event was removed, or the tickets withdrawn.
        body: d.reason
          ? `Your reservation${event ? ` for ${event}` : ''} was cancelled: ${d.reason}. Its tickets were released and nothing stays charged.`
          : `Your reservation${event ? ` for ${event}` : ''} was cancelled and its tickets were released. Nothing was charged.`,
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event },
      }
    }
    case 'notifications.tickets-available': {
      const d = f.data as Fact<'notifications.tickets-available'>['data']
      const event = named(d.eventTitle)
      const count = Number(d.available) || 0
      return {
        userId: d.userId,
        type: 'tickets-available',
        title: `Tickets are available${event ? ` for ${event}` : ''}`,
        body: `${count > 0 ? `${plural(count, 'ticket')} can be bought again` : 'Tickets can be bought again'} and you were next on the waiting list. First come, first served: get yours now.`,
        data: { eventId: d.eventId, eventTitle: event, available: count },
      }
    }
    case 'orders.ticket-transferred': {
      const d = f.data as Fact<'orders.ticket-transferred'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.fromUserId,
        type: 'ticket-transferred',
        title: `Your ticket${event ? ` for ${event}` : ''} was accepted`,
        body: `${d.toEmail ? `The ticket you offered to ${d.toEmail} was accepted` : 'The ticket you passed on was accepted'}. It is theirs now, with a new code: your copy no longer opens the door.`,
        // The order is only the sender's to see when they bought it (not when it was passed on to them first).
        data: { ...(d.fromBuyer !== false ? { orderId: d.orderId } : {}), eventId: d.eventId, eventTitle: event, ticketId: d.ticketId },
      }
    }
    case 'orders.held-ticket-refunded': {
      const d = f.data as Fact<'orders.held-ticket-refunded'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'ticket-refunded',
        title: d.eventCancelled ? `${event ?? 'An event'} was cancelled` : `Your ticket${event ? ` for ${event}` : ''} is no longer valid`,
        body: d.eventCancelled
          ? 'The ticket passed on to you is no longer valid: its buyer was refunded.'
          : 'Its order was refunded to its buyer, so the ticket passed on to you no longer opens the door.',
        data: { eventId: d.eventId, eventTitle: event, ticketId: d.ticketId },
      }
    }
    case 'orders.holder-messaged': {
      const d = f.data as Fact<'orders.holder-messaged'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'event-message',
        title: d.subject,
        body: d.body,
        data: { eventId: d.eventId, eventTitle: event, ...(named(d.organizer) ? { organizer: named(d.organizer) } : {}), messageId: d.messageId },
      }
    }
    default:
      // catalog.event-cancelled names no buyer: orders refunds each order and each refund tells its buyer.
      return null
  }
}
