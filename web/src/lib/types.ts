// The shapes of the public API (see the API contract), as the browser app reads them. Fields the
// contract allows the API to add are optional here and used when present.
import type { Role } from '@easypass/contracts/common'
import type { DeliveryStatus } from '@easypass/contracts/webhook-kinds'
import type { AvailabilityPool } from '@easypass/contracts/inventory'
import type { EventQuestion } from '@easypass/contracts/questions'

export type { Role }

export interface User {
  id: string
  email: string
  name: string
  role: Role
  /** Signing in takes a code from an authenticator app as well. */
  twoFactor?: boolean
  /** The account's role takes two-step sign-in: until it is on, it is signed in as a customer. */
  roleNeedsTwoFactor?: Role
  /** Bought without an account: no password; back through an emailed link (`/guest`). */
  guest?: boolean
  /** Door staff who work the door of these events only (absent: every event). */
  events?: string[]
  /** The admins' list only: how many passkeys the account has. */
  passkeys?: number
  createdAt?: string
}

/** The answer to closing one's account. */
export interface AccountClosed {
  id: string
  closedAt: string
}

export interface AuthResult {
  user: User
  accessToken: string
  /** Absent for the app: it asks for the refresh token as an HttpOnly cookie (`X-Session-Cookie: 1`). */
  refreshToken?: string
}

export interface List<T> {
  items: T[]
  total: number
  page: number
  limit: number
}

export interface Venue {
  name: string
  address: string
  city: string
}

export type EventStatus = 'draft' | 'published' | 'cancelled' | string

export interface TicketType {
  id: string
  name: string
  priceCents: number
  currency: string
  capacity: number
  maxPerOrder?: number
  /** Tax included in the price, in basis points (1900 = 19 %); absent: none. */
  taxRateBasisPoints?: number
  salesStart?: string | null
  salesEnd?: string | null
  sold?: number
  held?: number
  available?: number
  /** Numbered seats in rows, and those held or sold. */
  seating?: SeatMap
  /** An extra (parking, a T-shirt): sold only with admission tickets, at most one per ticket. */
  addOn?: true
  /** The product it is one variation of (a T-shirt's size): shown under the product's name. */
  variationOf?: string
}

export interface SeatMap {
  rows: Array<{ label: string; seats: number }>
  taken: string[]
}

export interface EventItem {
  id: string
  title: string
  description: string
  category: string
  venue: Venue
  startsAt: string
  endsAt: string
  /** The venue's IANA time zone: the event's times are shown on its clock. */
  timeZone?: string
  organizer: string
  imageUrl?: string | null
  /** The organiser's practical information for ticket holders. */
  ticketInfo?: string
  /** What the organiser asks of every order, answered at checkout. */
  questions?: EventQuestion[]
  status: EventStatus
  ticketTypes?: TicketType[]
  /** Set by GET /events/:id when ticketing did not answer: `ticketTypes` is then empty, not sold out. */
  availabilityUnavailable?: boolean
  fromPriceCents?: number | null
  currency?: string | null
  /** Tickets left over all ticket types (list items). */
  available?: number
  /** The dates of one series share it (POST /events/:id/dates). */
  seriesId?: string
  createdAt?: string
  updatedAt?: string
}

export interface AvailabilityItem {
  id: string
  name: string
  priceCents: number
  currency: string
  capacity: number
  sold: number
  held: number
  available: number
  maxPerOrder: number
  taxRateBasisPoints?: number
  salesStart?: string
  salesEnd?: string
  /** An extra, sold only with admission. */
  addOn?: true
}

/** Shared capacity: ticket types that together sell at most `capacity`. */
export type { AvailabilityPool }

/** Also the payload of every message of the availability stream. */
export interface Availability {
  eventId: string
  ticketTypes: AvailabilityItem[]
  /** Each type's `available` already counts the pools it is in. */
  pools?: AvailabilityPool[]
  /** Increases with every change of the event: older messages are ignored. */
  seq: number
  updatedAt?: string
}

export type OrderStatus = 'reserved' | 'pending' | 'paid' | 'cancelled' | 'expired' | 'failed' | 'refunded'

export interface OrderItem {
  ticketTypeId: string
  name: string
  quantity: number
  unitPriceCents: number
  /** Of a type with numbered seats: one per ticket. */
  seats?: string[]
  /** An extra (parking, a T-shirt), bought with the admission tickets of the order. */
  addOn?: true
}

export interface Order {
  /** Complimentary tickets an admin gave: who they were for. */
  complimentary?: { email: string; name?: string }
  /** Sold at the door, paid there. */
  boxOffice?: { paidWith: 'cash' | 'card-terminal' }
  /** Extras bought later: the paid order they were added to. */
  addOnTo?: string
  id: string
  userId: string
  eventId: string
  eventTitle?: string
  items: OrderItem[]
  /** After the voucher's discount, when the order used one. */
  totalCents: number
  currency: string
  /** The voucher the order used and what it took off in all (`items[].unitPriceCents` stay undiscounted). */
  voucher?: AppliedVoucher
  status: OrderStatus
  expiresAt?: string | null
  paymentId?: string | null
  /** Set once the money of a refund went back (a refund answered 202 is recorded but not done yet). */
  refundId?: string
  /** Money given back so far by refunds of some tickets or of an amount (on one order, not in lists). */
  refundedCents?: number
  /** Why a `failed`, `expired` or `cancelled` order ended so, in the server's words. */
  failureReason?: string
  createdAt: string
  updatedAt: string
}

/** A discount code of an event, as the server offers it to a buyer: exactly one of `percentOff` and `amountOffCents`. */
export interface VoucherOffer {
  /** In capitals (codes are compared without regard to case). */
  code: string
  eventId: string
  /** Percent off each ticket's price. */
  percentOff?: number
  /** Off each ticket priced in `currency`, never below 0. */
  amountOffCents?: number
  currency?: string
  /** Only these ticket types; absent: all of the event's. */
  ticketTypeIds?: string[]
  validUntil?: string
}

/** A voucher as admins see it: its terms, and the orders using it. */
export interface Voucher extends VoucherOffer {
  /** At most this many orders, paid or held, use it. */
  maxUses: number
  /** Paid orders that used it (a refunded one gives its use back). */
  used: number
  /** Unpaid holds that use it. */
  held: number
  /** `maxUses − used − held`. */
  remaining: number
  /** False once switched off: no new order may use it. */
  active: boolean
  createdAt: string
}

export interface AppliedVoucher {
  code: string
  discountCents: number
}

export interface Ticket {
  id: string
  /** Absent on a ticket its buyer passed on (`transferred`): the code is its new holder's. */
  code?: string
  qrSvg?: string
  ticketTypeId: string
  ticketTypeName?: string
  /** Its numbered seat, when it has one. */
  seat?: string
  orderId?: string
  eventId?: string
  status: 'valid' | 'checked_in' | 'refunded' | 'transferred' | string
  checkedInAt?: string
  transferredAt?: string
  /** Who uses the ticket, as its holder named them. */
  attendeeName?: string
  /** On tickets passed on to this account (GET /tickets), whose order is not theirs to read. */
  eventTitle?: string
  eventStartsAt?: string
  /** The event's time zone, when it has one: its start on the venue's clock. */
  eventTimeZone?: string
  /** Offered to someone by email, not accepted yet. */
  transferOffer?: { id: string; toEmail: string; expiresAt: string }
  /** Its holder can have it as an Apple Wallet pass (GET /tickets/:id/wallet). */
  walletPass?: boolean
  /** Its holder can save it to Google Wallet (GET /tickets/:id/google-wallet gives the link). */
  googleWallet?: boolean
}

/** An offer of a ticket, as its emailed link shows it. */
export interface TicketTransfer {
  id: string
  ticketId: string
  eventId: string
  eventTitle?: string
  eventStartsAt?: string
  /** The event's time zone, when it has one. */
  eventTimeZone?: string
  ticketTypeName?: string
  toEmail?: string
  status: 'pending' | 'accepted' | 'cancelled'
  createdAt: string
  expiresAt: string
}

export interface Notification {
  id: string
  type: 'order-paid' | 'order-refunded' | 'hold-expiring' | 'order-expired' | 'order-cancelled' | 'tickets-available' | string
  title: string
  body: string
  data: { orderId?: string; eventId?: string; eventTitle?: string; amountCents?: number; currency?: string; ticketCount?: number; organizer?: string }
  createdAt: string
  readAt?: string
}

export interface NotificationList extends List<Notification> {
  /** How many of mine are not read. */
  unread: number
}

export interface Card {
  number: string
  expMonth: number
  expYear: number
  cvc: string
}

/** An organiser's endpoint told of orders and events (admins; the secret only when added or renewed). */
export interface Webhook {
  id: string
  url: string
  events: string[]
  /** Only these events; absent: every event. */
  eventIds?: string[]
  description?: string
  active: boolean
  createdAt: string
  updatedAt: string
  secret?: string
}

export interface WebhookDelivery {
  id: string
  webhookId: string
  type: string
  factId: string
  status: DeliveryStatus
  attempts: number
  lastStatusCode?: number
  lastError?: string
  createdAt: string
  deliveredAt?: string
  nextAttemptAt?: string
}

/** Who an order's invoice is made out to. */
export type { BillingDetails, InvoiceDocument, OrderBilling, SavedBillingDetails, WaitingRoom } from '@easypass/contracts/orders'
