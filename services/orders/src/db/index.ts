// The orders database. The hot path only INSERTS (FerretDB scans the collection on every update):
//   orders              one document per order, inserted once; `status` is a projection kept by the worker
//                       (a purchase paid at once is inserted when it ends, with its final status)
//   order_drafts        a purchase paid at once while it is decided (what a crash leaves for the reconciler)
//   order_transitions   `<orderId>:settle` (paid | cancelled | expired | failed), `<orderId>:refund`,
//                       `<orderId>:refund-done`: the unique `_id` makes each happen at most once
//   tickets             `<orderId>-<n>`, deterministic, so issuing twice issues once
//   ticket_codes        `_id` = the code a QR holds → its ticket (the door looks tickets up by code)
//   checkins            `_id` = ticket id: the first scan wins, every later one is a duplicate key
//   ticket_attendees    `_id` = ticket id: the name of who uses the ticket, set by its buyer (a document of
//                       its own, so that changing a name never rewrites the ticket)
//   ticket_holders      `_id` = ticket id: who holds a ticket passed on to them, and its new code (none:
//                       its buyer holds it with the code it was issued with)
//   ticket_transfers    offers of a ticket to someone by email: pending, then accepted or cancelled
//   cancellations       one small document per cancelled event, worked through by the worker
//   event_messages      what an organiser wrote to the holders of an event's tickets (one per message,
//                       with its recipients; the worker records a fact per recipient, page by page)
import { Schema, type Connection } from 'mongoose'
import type { Language } from '@easypass/contracts/languages'
import type { AppliedVoucher } from '@easypass/contracts/inventory'
import type { OrderItem, OrderStatus, PaidAtTheDoor, TransferStatus } from '@easypass/contracts/orders'

export type InitialStatus = 'reserved' | 'pending'
export type SettledStatus = 'paid' | 'cancelled' | 'expired' | 'failed'

export interface OrderDoc {
  _id: string
  userId: string
  eventId: string
  eventTitle?: string
  eventStartsAt?: Date
  /** The buyer's email from the access token, for the confirmation email. */
  userEmail?: string
  items: OrderItem[]
  /** After the voucher's discount, when it used one. */
  totalCents: number
  currency: string
  voucher?: AppliedVoucher
  /** Given free by an admin (`userId`), for this guest: the tickets go to `email`. */
  complimentary?: { email: string; name?: string }
  /** Sold at the door by `userId` (door staff or an admin), paid there: `name` was put on every ticket. */
  boxOffice?: { paidWith: PaidAtTheDoor; name?: string }
  /** The language the order was placed in (`Accept-Language`): its emails, notifications and PDFs speak it. */
  language?: Language
  /** Extras bought later: the paid order (of the same buyer and event) they were added to. */
  addOnTo?: string
  initialStatus: InitialStatus
  /** false while ticketing has not decided the hold yet (the order was answered 202 first). */
  priced: boolean
  expiresAt?: Date
  createdAt: Date
  /** Projection for list filters, written in the background: it may lag a few seconds. */
  status: OrderStatus
  statusAt?: Date
}

/**
 * Extras bought later for a paid order: one per such order (`_id`), written before its hold, so the
 * paid order finds its extras (orders paid at once are drafts while decided, found only by `_id`).
 */
export interface AddOnLinkDoc {
  _id: string
  parentId: string
  at: Date
}

/** What a failed purchase answered, so a retry or a later look can answer the same. */
export interface AnswerError {
  status: number
  code: string
  message: string
  details?: unknown
}

export interface TransitionDoc {
  _id: string
  orderId: string
  kind: 'settle' | 'refund' | 'refund-done'
  to?: SettledStatus | 'refunded'
  paymentId?: string
  refundId?: string
  reason?: string
  by?: string
  error?: AnswerError
  /** true when whoever settled knew that no charge of this order is left standing. */
  paymentChecked?: boolean
  /** Refunds: a hash of the Idempotency-Key that asked for it, so a retry of that request can finish it. */
  keyHash?: string
  at: Date
}

export interface TicketDoc {
  _id: string
  code: string
  orderId: string
  eventId: string
  userId: string
  ticketTypeId: string
  ticketTypeName: string
  n: number
  /** Its numbered seat, when its type has them. */
  seat?: string
  createdAt: Date
}

export interface TicketCodeDoc {
  _id: string
  ticketId: string
}

/** An order's answers to its event's questions (`_id` = order id): replaced whole when they change. */
export interface OrderAnswerDoc {
  _id: string
  eventId: string
  userId: string
  answers: Array<{ questionId: string; label: string; value: string; ticket?: number }>
  at: Date
}

export interface AttendeeDoc {
  _id: string
  name: string
  at: Date
}

export interface TicketHolderDoc {
  _id: string
  userId: string
  /** The holder's address when they accepted it (from their token): where a refund of its order is told. */
  email?: string
  /** The code the holder's QR carries; every earlier code of the ticket is void. */
  code: string
  orderId: string
  eventId: string
  transferId: string
  at: Date
}

export interface TransferDoc {
  _id: string
  ticketId: string
  orderId: string
  eventId: string
  eventTitle?: string
  eventStartsAt?: Date
  /** The event's time zone when it was offered: the offer shows the start on the venue's clock. */
  eventTimeZone?: string
  ticketTypeName?: string
  fromUserId: string
  fromEmail?: string
  toEmail: string
  /** The sender's language when offering it: the recipient's email, and the sender's notice of its acceptance, speak it. */
  language?: Language
  status: TransferStatus
  createdAt: Date
  expiresAt: Date
  acceptedBy?: string
  at?: Date
}

export interface CheckinDoc {
  _id: string
  orderId: string
  /** The name on the ticket when the door admitted it: what the ticket shows from then on. */
  attendeeName?: string
  code: string
  by: string
  at: Date
  /** The scan's Idempotency-Key (hashed with the scanning account): that scan sent again gets its 200 again. */
  scan?: string
}

/**
 * Part `n` of a paid order given back: some of its tickets (`_id` = `<orderId>:<n>`, numbered from 1
 * under the order's lock). Its tickets are no longer valid from the moment it is written (this one
 * document says so); `doneAt` once its money, seats and fact are done.
 */
export interface RefundPartDoc {
  _id: string
  orderId: string
  n: number
  ticketIds: string[]
  /** The tickets per ticket type, for ticketing; `seats`: of a type with numbered seats, which ones. */
  lines: Array<{ ticketTypeId: string; quantity: number; seats?: string[] }>
  amountCents: number
  by: string
  reason?: string
  keyHash?: string
  at: Date
  doneAt?: Date
  refundId?: string
}

/** Who an order's invoice is made out to (`_id` = order id), as the buyer gave it before the invoice. */
export interface BillingDoc {
  _id: string
  name: string
  company?: string
  address: string
  taxId?: string
  by: string
  at: Date
}

/** A buyer's billing details from their last order (`_id` = user id), to fill in the next one; they may forget them. */
export interface BillingProfileDoc {
  _id: string
  name: string
  company?: string
  address: string
  taxId?: string
  at: Date
}

/** A line of a credit note, as it takes tickets back. */
export interface CreditLine {
  name: string
  quantity: number
  unitPriceCents: number
  taxRateBasisPoints?: number
}

/** What a credit note says, kept as issued. */
export interface CreditDoc {
  orderId: string
  /** The invoice it cancels (in full or in part). */
  invoiceNumber: string
  /** The refund part it is for; absent: the order's refund (the rest of it). */
  part?: number
  /** It cancels the invoice in full (the whole order refunded at once), or in part. */
  inFull: boolean
  tickets: number
  lines: CreditLine[]
  taxes: Array<{ rateBasisPoints: number; netCents: number; taxCents: number; grossCents: number }>
  totalCents: number
  currency: string
  /** When the refund was recorded, and why. */
  refundedAt: Date
  reason?: string
  /** Money was given back without tickets before it: its tickets credit less than their prices. */
  givenBackBefore?: boolean
}

/**
 * An order's invoice (`_id` = order id) or a credit note of one of its refunds (`_id` =
 * `<orderId>:credit:<part or "rest">`), each numbered once, from one sequence.
 */
export interface InvoiceDoc {
  _id: string
  /** The sequence number, unique: no two invoices or credit notes share one. */
  seq: number
  /** As printed: the configured prefix and the sequence number. */
  number: string
  /** Who issued it, as configured then (a credit note: as its invoice says). */
  issuer: { name: string; address?: string; taxId?: string }
  /** Who it is made out to, as the order's billing details said then (absent: the buyer, by email). */
  billTo?: { name: string; company?: string; address: string; taxId?: string }
  issuedAt: Date
  /** Present on a credit note only. */
  credit?: CreditDoc
}

/** An event's waiting room, as its organiser set it (`_id` = event id). */
export interface WaitingRoomDoc {
  _id: string
  enabled: boolean
  admitPerMinute: number
  passMinutes: number
  /** Nobody is let in before this (the on-sale); buyers may join the line already. */
  opensAt?: Date
  by: string
  at: Date
}

export interface EventMessageDoc {
  _id: string
  eventId: string
  subject: string
  body: string
  by: string
  byEmail?: string
  /** The Idempotency-Key it was sent under (hashed with the sender): the same request again answers this message. */
  keyHash?: string
  recipients: number
  /** Who is told, fixed when it was sent: the worker records a fact for each, from `cursor` on. Once all are recorded, only their ids stay. */
  holders: Array<{ userId: string; email?: string; language?: Language }>
  /** When the holders' addresses and languages were removed (every fact recorded). */
  addressesRemovedAt?: Date
  cursor: number
  state: 'sending' | 'sent'
  eventTitle?: string
  organizer?: string
  at: Date
}


/** When a door last downloaded its offline list of an event (`_id`): the event's doors are open. */
export interface DoorOpeningDoc {
  _id: string
  at: Date
}

export interface CancellationDoc {
  _id: string
  title?: string
  /** Absent: the event was cancelled. `deleted`: deleted while unpaid holds (or a racing purchase) remained. */
  kind?: 'deleted'
  at: Date
  done: boolean
  doneAt?: Date
}

const opts = { versionKey: false as const }
const item = new Schema<OrderItem>({ ticketTypeId: String, name: String, quantity: Number, unitPriceCents: Number, taxRateBasisPoints: { type: Number, default: undefined }, discountCents: { type: Number, default: undefined }, seats: { type: [String], default: undefined }, addOn: { type: Boolean, default: undefined } }, { _id: false })

export function defineModels(conn: Connection) {
  const order = new Schema<OrderDoc>(
    {
      _id: String,
      userId: { type: String, required: true },
      eventId: { type: String, required: true },
      eventTitle: String,
      eventStartsAt: Date,
      userEmail: String,
      items: { type: [item], required: true },
      totalCents: { type: Number, required: true },
      currency: { type: String, default: '' },
      voucher: { type: new Schema<AppliedVoucher>({ code: String, discountCents: Number }, { _id: false }), default: undefined },
      complimentary: { type: new Schema({ email: String, name: String }, { _id: false }), default: undefined },
      boxOffice: { type: new Schema({ paidWith: String, name: String }, { _id: false }), default: undefined },
      language: String,
      addOnTo: String,
      initialStatus: { type: String, required: true },
      priced: { type: Boolean, required: true },
      expiresAt: Date,
      createdAt: { type: Date, required: true },
      status: { type: String, required: true },
      statusAt: Date,
    },
    { ...opts, collection: 'orders' },
  )
  // A purchase paid at once is a draft while it is decided: the order document is written once, with
  // its final status, when it ends (no status update, which scans the collection on FerretDB).
  // Drafts are only ever found by `_id`: no other index to keep up.
  const draft = order.clone()
  draft.set('collection', 'order_drafts')
  order.index({ userId: 1, createdAt: -1 })
  order.index({ eventId: 1, createdAt: -1 })
  order.index({ status: 1, createdAt: -1 })
  order.index({ createdAt: -1 })

  const transition = new Schema<TransitionDoc>(
    {
      _id: String,
      orderId: { type: String, required: true },
      kind: { type: String, required: true },
      to: String,
      paymentId: String,
      refundId: String,
      reason: String,
      by: String,
      error: { type: new Schema<AnswerError>({ status: Number, code: String, message: String, details: Schema.Types.Mixed }, { _id: false }), default: undefined },
      paymentChecked: Boolean,
      keyHash: String,
      at: { type: Date, required: true },
    },
    { ...opts, collection: 'order_transitions' },
  )
  transition.index({ kind: 1, at: -1 })

  const ticket = new Schema<TicketDoc>(
    {
      _id: String,
      code: { type: String, required: true },
      orderId: { type: String, required: true },
      eventId: { type: String, required: true },
      userId: { type: String, required: true },
      ticketTypeId: { type: String, required: true },
      ticketTypeName: String,
      n: { type: Number, required: true },
      seat: String,
      createdAt: { type: Date, required: true },
    },
    { ...opts, collection: 'tickets' },
  )

  const ticketCode = new Schema<TicketCodeDoc>({ _id: String, ticketId: { type: String, required: true } }, { ...opts, collection: 'ticket_codes' })

  const checkin = new Schema<CheckinDoc>(
    { _id: String, orderId: { type: String, required: true }, attendeeName: String, code: String, by: String, at: { type: Date, required: true }, scan: String },
    { ...opts, collection: 'checkins' },
  )

  const answers = new Schema<OrderAnswerDoc>(
    {
      _id: String,
      eventId: { type: String, required: true },
      userId: { type: String, required: true },
      answers: { type: [{ _id: false, questionId: String, label: String, value: String, ticket: { type: Number, default: undefined } }], required: true },
      at: { type: Date, required: true },
    },
    { ...opts, collection: 'order_answers' },
  )
  answers.index({ eventId: 1 })

  const attendee = new Schema<AttendeeDoc>({ _id: String, name: { type: String, required: true }, at: { type: Date, required: true } }, { ...opts, collection: 'ticket_attendees' })

  const holder = new Schema<TicketHolderDoc>(
    {
      _id: String,
      userId: { type: String, required: true },
      email: String,
      code: { type: String, required: true },
      orderId: { type: String, required: true },
      eventId: { type: String, required: true },
      transferId: { type: String, required: true },
      at: { type: Date, required: true },
    },
    { ...opts, collection: 'ticket_holders' },
  )
  holder.index({ userId: 1, at: -1 })

  const transfer = new Schema<TransferDoc>(
    {
      _id: String,
      ticketId: { type: String, required: true },
      orderId: { type: String, required: true },
      eventId: { type: String, required: true },
      eventTitle: String,
      eventStartsAt: Date,
      eventTimeZone: String,
      ticketTypeName: String,
      fromUserId: { type: String, required: true },
      fromEmail: String,
      language: String,
      toEmail: { type: String, required: true },
      status: { type: String, required: true },
      createdAt: { type: Date, required: true },
      expiresAt: { type: Date, required: true },
      acceptedBy: String,
      at: Date,
    },
    { ...opts, collection: 'ticket_transfers' },
  )
  transfer.index({ ticketId: 1, createdAt: -1 })

  const message = new Schema<EventMessageDoc>(
    {
      _id: String,
      eventId: { type: String, required: true },
      subject: { type: String, required: true },
      body: { type: String, required: true },
      by: { type: String, required: true },
      byEmail: String,
      keyHash: String,
      recipients: { type: Number, required: true },
      holders: { type: [new Schema({ userId: { type: String, required: true }, email: String, language: String }, { _id: false })], default: [] },
      cursor: { type: Number, required: true },
      state: { type: String, required: true },
      eventTitle: String,
      organizer: String,
      at: { type: Date, required: true },
      addressesRemovedAt: Date,
    },
    { ...opts, collection: 'event_messages' },
  )
  message.index({ eventId: 1, at: -1 })
  message.index({ state: 1 })

  const refundPart = new Schema<RefundPartDoc>(
    {
      _id: String,
      orderId: { type: String, required: true },
      n: { type: Number, required: true },
      ticketIds: { type: [String], required: true },
      lines: { type: [new Schema({ ticketTypeId: String, quantity: Number, seats: { type: [String], default: undefined } }, { _id: false })], required: true },
      amountCents: { type: Number, required: true },
      by: { type: String, required: true },
      reason: String,
      keyHash: String,
      at: { type: Date, required: true },
      doneAt: Date,
      refundId: String,
    },
    { ...opts, collection: 'refund_parts' },
  )
  refundPart.index({ orderId: 1 })

  const invoice = new Schema<InvoiceDoc>(
    {
      _id: String,
      seq: { type: Number, required: true },
      number: { type: String, required: true },
      issuer: { type: new Schema({ name: { type: String, required: true }, address: String, taxId: String }, { _id: false }), required: true },
      billTo: { type: new Schema({ name: { type: String, required: true }, company: String, address: { type: String, required: true }, taxId: String }, { _id: false }) },
      issuedAt: { type: Date, required: true },
      credit: {
        type: new Schema(
          {
            orderId: { type: String, required: true },
            invoiceNumber: { type: String, required: true },
            part: Number,
            inFull: { type: Boolean, required: true },
            tickets: { type: Number, required: true },
            lines: { type: [new Schema({ name: String, quantity: Number, unitPriceCents: Number, taxRateBasisPoints: Number }, { _id: false })], required: true },
            taxes: { type: [new Schema({ rateBasisPoints: Number, netCents: Number, taxCents: Number, grossCents: Number }, { _id: false })], required: true },
            totalCents: { type: Number, required: true },
            currency: { type: String, required: true },
            refundedAt: { type: Date, required: true },
            reason: String,
            givenBackBefore: Boolean,
          },
          { _id: false },
        ),
      },
    },
    { ...opts, collection: 'invoices' },
  )
  invoice.index({ seq: 1 }, { unique: true })

  const billing = new Schema<BillingDoc>(
    { _id: String, name: { type: String, required: true }, company: String, address: { type: String, required: true }, taxId: String, by: { type: String, required: true }, at: { type: Date, required: true } },
    { ...opts, collection: 'billing' },
  )

  const billingProfile = new Schema<BillingProfileDoc>(
    { _id: String, name: { type: String, required: true }, company: String, address: { type: String, required: true }, taxId: String, at: { type: Date, required: true } },
    { ...opts, collection: 'billing_profiles' },
  )

  const waitingRoom = new Schema<WaitingRoomDoc>(
    { _id: String, enabled: { type: Boolean, required: true }, admitPerMinute: { type: Number, required: true }, passMinutes: { type: Number, required: true }, opensAt: Date, by: { type: String, required: true }, at: { type: Date, required: true } },
    { ...opts, collection: 'waiting_rooms' },
  )

  const addOnLink = new Schema<AddOnLinkDoc>({ _id: String, parentId: { type: String, required: true }, at: { type: Date, required: true } }, { ...opts, collection: 'add_on_links' })
  addOnLink.index({ parentId: 1 })

  const cancellation = new Schema<CancellationDoc>(
    { _id: String, title: String, kind: String, at: { type: Date, required: true }, done: { type: Boolean, required: true }, doneAt: Date },
    { ...opts, collection: 'cancellations' },
  )

  const doorOpening = new Schema<DoorOpeningDoc>({ _id: String, at: { type: Date, required: true } }, { ...opts, collection: 'door_openings' })

  return {
    Order: conn.model<OrderDoc>('Order', order),
    OrderDraft: conn.model<OrderDoc>('OrderDraft', draft),
    Transition: conn.model<TransitionDoc>('OrderTransition', transition),
    Ticket: conn.model<TicketDoc>('Ticket', ticket),
    TicketCode: conn.model<TicketCodeDoc>('TicketCode', ticketCode),
    Checkin: conn.model<CheckinDoc>('Checkin', checkin),
    Attendee: conn.model<AttendeeDoc>('Attendee', attendee),
    OrderAnswer: conn.model<OrderAnswerDoc>('OrderAnswer', answers),
    TicketHolder: conn.model<TicketHolderDoc>('TicketHolder', holder),
    Transfer: conn.model<TransferDoc>('TicketTransfer', transfer),
    Cancellation: conn.model<CancellationDoc>('Cancellation', cancellation),
    EventMessage: conn.model<EventMessageDoc>('EventMessage', message),
    Invoice: conn.model<InvoiceDoc>('Invoice', invoice),
    Billing: conn.model<BillingDoc>('Billing', billing),
    BillingProfile: conn.model<BillingProfileDoc>('BillingProfile', billingProfile),
    WaitingRoom: conn.model<WaitingRoomDoc>('WaitingRoom', waitingRoom),
    RefundPart: conn.model<RefundPartDoc>('RefundPart', refundPart),
    AddOnLink: conn.model<AddOnLinkDoc>('AddOnLink', addOnLink),
    DoorOpening: conn.model<DoorOpeningDoc>('DoorOpening', doorOpening),
  }
}
export type Models = ReturnType<typeof defineModels>

