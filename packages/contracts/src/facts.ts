// Facts: what happened, in the past tense, carried by NATS JetStream. Subjects are `<service>.<fact>`
// (the bus adds the BUS_PREFIX). BullMQ carries work (see jobs in the services); NATS carries facts.
import type { Language } from './languages'
import type { PaidAtTheDoor } from './orders'

/** Every fact: a unique id (also the JetStream Msg-Id, so a repeated publish is dropped), when, and its data. */
export interface Fact<S extends FactSubject = FactSubject> {
  id: string
  subject: S
  occurredAt: string
  data: FactData[S]
}

export interface OrderLine {
  ticketTypeId: string
  name: string
  quantity: number
  unitPriceCents: number
  /** Tax included in the price, in basis points (absent: none). */
  taxRateBasisPoints?: number
  /** The line's part of the voucher's discount (absent: none). */
  discountCents?: number
}

/**
 * Facts that tell someone something carry `language`: the language to tell them in (the one the app
 * was used in when the order was placed, the ticket offered, the waiting list joined). Absent: English.
 */
type Told = { language?: Language }

export interface FactData {
  /** An account was closed: every service forgets what it keeps of the person that it need not keep (README, "Closing an account"). */
  'auth.account-closed': { userId: string }
  'catalog.event-cancelled': { eventId: string; title: string }
  'catalog.event-deleted': { eventId: string; title?: string }
  'orders.order-paid': {
    orderId: string
    userId: string
    eventId: string
    eventTitle?: string
    items: OrderLine[]
    /** After the voucher's discount, when the order used one. */
    totalCents: number
    currency: string
    voucher?: { code: string; discountCents: number }
    paymentId: string
    ticketIds: string[]
    /** Where notifications sends the confirmation (the buyer's email from the access token); no email without it. */
    userEmail?: string
    /** ISO time the event starts, shown in the confirmation; notifications asks catalog when absent. */
    eventStartsAt?: string
    /** Complimentary tickets an admin (`userId`) gave: the guest's address (`userEmail` too). */
    complimentaryFor?: string
    /** Sold at the door by `userId` (door staff or an admin), paid there this way: `userEmail` is the buyer's, when they gave one. */
    boxOffice?: PaidAtTheDoor
    /** Extras bought later: the paid order they go with. */
    addOnTo?: string
  } & Told
  'orders.order-refunded': {
    orderId: string
    userId: string
    eventId: string
    eventTitle?: string
    amountCents: number
    currency: string
    reason?: string
    /** True when the refund is the system's, because the event was cancelled or deleted. */
    eventCancelled?: boolean
    /** Where notifications sends the refund receipt; no email without it. */
    userEmail?: string
    /** Sold at the door: the money is paid back there, the way it was paid (no card gateway). */
    boxOffice?: PaidAtTheDoor
  } & Told
  /** A hold (an order reserved without payment) runs out soon: the buyer is reminded to pay. */
  'orders.hold-expiring': { orderId: string; userId: string; eventId: string; eventTitle?: string; expiresAt: string; totalCents: number; currency: string } & Told
  /** `reason`: why, when the buyer did not cancel it (the event was deleted, its ticket type removed). */
  'orders.order-cancelled': { orderId: string; userId: string; eventId: string; eventTitle?: string; reason?: string } & Told
  'orders.order-expired': { orderId: string; userId: string; eventId: string; eventTitle?: string } & Told
  'orders.order-failed': { orderId: string; userId: string; eventId: string; reason: string }
  'ticketing.hold-expired': { orderId: string; eventId: string; userId?: string }
  /** An unpaid hold ended by ticketing because a ticket type it names was removed. */
  'ticketing.hold-withdrawn': { orderId: string; eventId: string; userId?: string }
  'payments.payment-succeeded': { paymentId: string; orderId: string; amountCents: number; currency: string }
  'payments.payment-refunded': { paymentId: string; orderId: string; refundId: string; amountCents: number; currency: string }
  /** The buyer (or an admin) asked for the tickets of a paid order by email again: the confirmation once more. */
  'orders.tickets-resent': FactData['orders.order-paid']
  /**
   * A ticket's holder offered it to someone by email. Notifications emails `userEmail` (the recipient)
   * a link to accept it, whose token it derives from the transfer id with SERVICE_SECRET: no fact and
   * no document holds the token itself.
   */
  'orders.ticket-transfer-offered': {
    transferId: string
    ticketId: string
    eventId: string
    eventTitle?: string
    eventStartsAt?: string
    ticketTypeName?: string
    /** The sender's email, so the recipient knows who it is from. */
    fromEmail?: string
    userEmail: string
    expiresAt: string
  } & Told
  /** The order of a ticket someone holds (passed on to them) was refunded to its buyer: the holder is told it is no longer valid. */
  /**
   * Some tickets of a paid order given back (the order stays paid for the rest): `amountCents` back to
   * the card. An empty `ticketIds`: an admin gave back an amount of its price, every ticket stays valid.
   */
  'orders.tickets-refunded': { orderId: string; userId: string; eventId: string; part: number; ticketIds: string[]; amountCents: number; currency: string; eventTitle?: string; userEmail?: string; reason?: string; boxOffice?: PaidAtTheDoor } & Told
  'orders.held-ticket-refunded': { ticketId: string; orderId: string; userId: string; eventId: string; eventTitle?: string; userEmail?: string; eventCancelled: boolean } & Told
  /** A ticket offered to someone was accepted: it is theirs now, with a new code (the sender is told). */
  'orders.ticket-transferred': { transferId: string; ticketId: string; orderId: string; eventId: string; eventTitle?: string; fromUserId: string; /** The sender bought it (its order is theirs to see). */ fromBuyer?: boolean; toUserId: string; toEmail?: string } & Told
  /** The organiser wrote to the holders of an event's tickets (one fact per holder): a notification, and an email to `userEmail`. */
  'orders.holder-messaged': { messageId: string; eventId: string; eventTitle?: string; organizer?: string; userId: string; userEmail?: string; subject: string; body: string } & Told
  /** Tickets of a sold-out event came back, and this buyer was next on its waiting list (one fact per turn on the list). */
  'notifications.tickets-available': { userId: string; eventId: string; eventTitle?: string; available: number; userEmail?: string } & Told
}

export type FactSubject = keyof FactData

/** Live, ephemeral signals (core NATS, not stored): missing one only delays a screen update. */
export const LIVE = {
  availabilityChanged: (eventId: string) => `ticketing.availability-changed.${eventId}`,
  notificationCreated: (userId: string) => `notifications.created.${userId}`,
} as const
