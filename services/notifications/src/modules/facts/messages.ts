// What a buyer is told about each fact: the notification's type, title, body and link data.
import { languageOf, sayReason } from '@easypass/contracts/languages'
import type { Fact } from '@easypass/contracts/facts'
import type { NotificationType } from '@easypass/contracts/notifications'
import { formatMoney, formatTime } from '@easypass/kit'
import { FACT_WORDS } from './words'

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
  // Facts that tell someone something say in which language (absent, or one we do not speak: English).
  const lang = languageOf((f.data as { language?: unknown }).language)
  const w = FACT_WORDS[lang]
  // A sale at the door is the seller's order, not their purchase: they saw it on the door's screen,
  // and its buyer hears by email (when they gave an address). No notification for the seller.
  if ((f.data as { boxOffice?: unknown }).boxOffice && (f.subject === 'orders.order-paid' || f.subject === 'orders.order-refunded' || f.subject === 'orders.tickets-refunded')) return null
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
          title: w.complimentaryTitle(event),
          body: w.complimentaryBody(count, d.complimentaryFor),
          data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, ticketCount: count },
        }
      return {
        userId: d.userId,
        type: 'order-paid',
        title: w.paidTitle(event),
        body: w.paidBody(count, formatMoney(d.totalCents, d.currency, lang), Boolean(d.userEmail)),
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, ticketCount: count },
      }
    }
    case 'orders.order-refunded': {
      const d = f.data as Fact<'orders.order-refunded'>['data']
      const event = named(d.eventTitle)
      const amount = formatMoney(d.amountCents, d.currency, lang)
      return {
        userId: d.userId,
        type: 'order-refunded',
        title: isCancellation(d) ? w.cancelledTitle(event) : w.refundTitle(event),
        body: w.orderRefundedBody(amount),
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.amountCents, currency: d.currency },
      }
    }
    case 'orders.tickets-refunded': {
      const d = f.data as Fact<'orders.tickets-refunded'>['data']
      const event = named(d.eventTitle)
      const amount = formatMoney(d.amountCents, d.currency, lang)
      const count = d.ticketIds.length
      return {
        userId: d.userId,
        type: 'order-refunded',
        title: w.refundTitle(event),
        body: count ? w.ticketsRefundedBody(count, amount) : w.amountRefundedBody(amount),
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.amountCents, currency: d.currency, ticketCount: d.ticketIds.length },
      }
    }
    case 'orders.hold-expiring': {
      const d = f.data as Fact<'orders.hold-expiring'>['data']
      const event = named(d.eventTitle)
      const until = formatTime(d.expiresAt, lang)
      return {
        userId: d.userId,
        type: 'hold-expiring',
        title: w.holdTitle(event),
        body: w.holdBody(d.totalCents === 0 ? undefined : formatMoney(d.totalCents, d.currency, lang), until),
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event, amountCents: d.totalCents, currency: d.currency, expiresAt: d.expiresAt },
      }
    }
    case 'orders.order-expired': {
      const d = f.data as Fact<'orders.order-expired'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'order-expired',
        title: w.expiredTitle,
        body: w.expiredBody(event),
        data: { orderId: d.orderId, eventId: d.eventId, eventTitle: event },
      }
    }
    case 'orders.order-cancelled': {
      const d = f.data as Fact<'orders.order-cancelled'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.userId,
        type: 'order-cancelled',
        title: w.orderCancelledTitle,
        // With a reason the buyer did not cancel it: the event was removed, or the tickets withdrawn.
        body: w.orderCancelledBody(event, d.reason && sayReason(d.reason, lang)),
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
        title: w.availableTitle(event),
        body: w.availableBody(count),
        data: { eventId: d.eventId, eventTitle: event, available: count },
      }
    }
    case 'orders.ticket-transferred': {
      const d = f.data as Fact<'orders.ticket-transferred'>['data']
      const event = named(d.eventTitle)
      return {
        userId: d.fromUserId,
        type: 'ticket-transferred',
        title: w.transferredTitle(event),
        body: w.transferredBody(d.toEmail || undefined),
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
        title: d.eventCancelled ? w.cancelledTitle(event) : w.heldNoLongerValidTitle(event),
        body: d.eventCancelled ? w.heldCancelledBody : w.heldRefundedBody,
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
