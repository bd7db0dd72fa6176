// Orders: purchases, payments of reserved orders, refunds, e-tickets and check-in (orders service,
// gateway, web app, notifications). Prices are never sent by a client: ticketing decides them.
import { t, type Static } from 'elysia'
import { OrderAnswersInput } from './questions'
import { Id, IsoDate, ListOf, PageQuery } from './common'
import { AppliedVoucher, MAX_ORDER_TOTAL_CENTS, SeatsInput, VoucherCode } from './inventory'
import { Card } from './payments'
import { Email } from './auth'

export const ORDER_STATUSES = ['reserved', 'pending', 'paid', 'cancelled', 'expired', 'failed', 'refunded'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]
export const OrderStatusSchema = t.Union(
  [t.Literal('reserved'), t.Literal('pending'), t.Literal('paid'), t.Literal('cancelled'), t.Literal('expired'), t.Literal('failed'), t.Literal('refunded')],
  {
    examples: ['paid'],
    description:
      '`reserved` held, waiting for payment until `expiresAt`; `pending` being decided; `paid` tickets issued; `cancelled`, `expired`, `failed` nothing sold; `refunded` money and tickets returned',
  },
)

export const ORDER_LIMITS = { items: 20, quantity: 100, reason: 500, idempotencyKey: 200, code: 200 } as const

export const OrderItem = t.Object(
  {
    ticketTypeId: Id,
    name: t.String({ examples: ['Standing'] }),
    quantity: t.Integer({ minimum: 1, examples: [2] }),
    unitPriceCents: t.Integer({ minimum: 0, examples: [4500] }),
    taxRateBasisPoints: t.Optional(t.Integer({ minimum: 1, maximum: 10_000, examples: [1900], description: 'the tax included in the price when it was sold, in hundredths of a per cent (absent: none)' })),
    discountCents: t.Optional(t.Integer({ minimum: 1, description: "this line's part of the voucher's discount, in minor units (absent: none)" })),
    seats: t.Optional(t.Array(t.String({ examples: ['B-12'] }), { description: 'of a ticket type with numbered seats: the seats, one per ticket (beyond the contract, additive)' })),
    addOn: t.Optional(t.Literal(true, { description: 'an extra (parking, a T-shirt…), sold with the admission tickets of this order (beyond the contract, additive)' })),
  },
  { title: 'OrderItem' },
)
export type OrderItem = Static<typeof OrderItem>

/** How a sale at the door was paid: cash, or the venue's own card terminal (both outside EasyPass's card gateway). */
export const PAID_AT_THE_DOOR = ['cash', 'card-terminal'] as const
export type PaidAtTheDoor = (typeof PAID_AT_THE_DOOR)[number]
const PaidWith = t.Union(
  [t.Literal('cash'), t.Literal('card-terminal')],
  { description: '`cash`, or `card-terminal` (the venue\'s own terminal): paid at the door, outside EasyPass\'s card gateway', error: 'paidWith must be cash or card-terminal' },
)

/** How an order sold at the door was paid (beyond the contract, additive). */
export const BoxOfficeSale = t.Object(
  { paidWith: PaidWith },
  { description: 'sold at the door (POST /api/events/{id}/box-office) by the door staff or admin whose order it is; its refunds are paid back at the door' },
)

export const Order = t.Object(
  {
    id: Id,
    userId: t.String(),
    eventId: Id,
    eventTitle: t.Optional(t.String()),
    items: t.Array(OrderItem),
    totalCents: t.Integer({ minimum: 0, examples: [9000] }),
    currency: t.String({ examples: ['EUR'] }),
    /** The voucher this order used (beyond the contract, additive): `totalCents` is after its discount. */
    voucher: t.Optional(AppliedVoucher),
    /** Sold at the door by door staff or an admin, paid there (beyond the contract, additive). */
    boxOffice: t.Optional(BoxOfficeSale),
    /** Given by an admin, free (beyond the contract, additive): who it was for. */
    complimentary: t.Optional(t.Object({ email: t.String(), name: t.Optional(t.String()) }, { description: 'complimentary tickets an admin gave (POST /api/events/{id}/complimentary): sent to `email`, named for `name`' })),
    addOnTo: t.Optional(t.String({ pattern: '^[0-9a-f]{24}$', description: 'extras bought later (beyond the contract, additive): the paid order they were added to' })),
    status: OrderStatusSchema,
    expiresAt: t.Optional(IsoDate),
    paymentId: t.Optional(Id),
    refundId: t.Optional(t.String()),
    refundedCents: t.Optional(
      t.Integer({
        minimum: 1,
        description:
          'of a paid order: money given back so far by refunds of some tickets or of an amount, in minor units (beyond the contract, additive; on GET /api/orders, GET /api/orders/{id} and the answers of POST /api/orders/{id}/refund; absent: none)',
      }),
    ),
    failureReason: t.Optional(t.String({ description: 'why a `failed`, `expired` or `cancelled` order ended so' })),
    createdAt: IsoDate,
    updatedAt: IsoDate,
  },
  { title: 'Order' },
)
export type Order = Static<typeof Order>

export const OrderItemInput = t.Object({
  ticketTypeId: Id,
  quantity: t.Integer({ minimum: 1, maximum: ORDER_LIMITS.quantity, examples: [2], error: `quantity must be a whole number from 1 to ${ORDER_LIMITS.quantity}` }),
  /** Of a ticket type with numbered seats (beyond the contract, additive): which seats, as many as `quantity`; absent: the best ones left. */
  seats: SeatsInput,
})

export const PaymentInput = t.Object({ card: Card }, { title: 'PaymentInput' })

export const CreateOrderBody = t.Object(
  {
    eventId: Id,
    items: t.Array(OrderItemInput, { minItems: 1, maxItems: ORDER_LIMITS.items, error: `items must hold 1 to ${ORDER_LIMITS.items} lines` }),
    payment: t.Optional(PaymentInput),
    /** An event's voucher code, any case (beyond the contract, additive). */
    voucherCode: t.Optional(VoucherCode),
    /** Answers to the event's questions (beyond the contract, additive). */
    answers: t.Optional(OrderAnswersInput),
    /** Extras bought later for a paid order of the buyer's (beyond the contract, additive). */
    addOnTo: t.Optional(Id),
  },
  {
    description:
      'Without `payment`: a hold → 201 `reserved` (pay it before `expiresAt`). With `payment`: reserve and pay in one call → 201 `paid`, 402, 409 `SOLD_OUT`, or 202 `pending` when the decision takes longer than the wait budget (retry with the same `Idempotency-Key`, or poll GET /api/orders/{id}). Lines of the same ticket type are added together. `voucherCode` (beyond the contract, additive): an event\'s voucher, any case; its discount is taken off the total (the order shows it as `voucher`). Unknown code 404; used up or past its time 409; applying to none of the tickets 400. `answers` (beyond the contract, additive): to the event\'s `questions`; with `payment`, every required one (400 otherwise, nothing held or charged); without, they may come later (PUT /api/orders/{id}/answers). ' +
      '`addOnTo` (beyond the contract, additive): extras bought later for a paid order of yours for the same event (the order that has the admission tickets, not one of its extras): only extras (400 naming the type otherwise), at most one of each per admission ticket the order keeps, counting those it and its earlier extras hold (400 VALIDATION, nothing held); the order itself must be paid and not refunded (409), bought online (409), and yours (404). The new order is an order of its own (its own payment, tickets and refunds) that shows `addOnTo`; no answers are asked again. While it lives, the first order cannot give back admission tickets its extras need (409).',
    examples: [
      { eventId: '665f1c2b9d3e4a0012345678', items: [{ ticketTypeId: '665f1c2b9d3e4a0012345679', quantity: 2 }], payment: { card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } } },
    ],
  },
)
export type CreateOrderBody = Static<typeof CreateOrderBody>

export const COMPLIMENTARY_LIMITS = { name: 100 } as const

/** A sale at the door (box office): sold in person, paid there, its tickets shown, printed or emailed. */
export const BoxOfficeBody = t.Object(
  {
    items: t.Array(OrderItemInput, { minItems: 1, maxItems: ORDER_LIMITS.items, error: `items must hold 1 to ${ORDER_LIMITS.items} lines` }),
    paidWith: PaidWith,
    email: t.Optional(t.String({ format: 'email', maxLength: 254, examples: ['buyer@example.com'], error: 'email must be an email address' })),
    name: t.Optional(t.String({ minLength: 1, maxLength: COMPLIMENTARY_LIMITS.name, pattern: '\\S', examples: ['Grace Hopper'], error: `name must be 1 to ${COMPLIMENTARY_LIMITS.name} characters, not only spaces` })),
  },
  {
    additionalProperties: false,
    title: 'BoxOfficeBody',
    description:
      'Tickets sold at the door, paid there: priced as the ticket types say (no voucher), at most 100 of a type (the per-order limit and the sales window do not apply: the door sells until the event ends), never past the capacity (409 SOLD_OUT), seats the best left or named. ' +
      'The tickets go to `email` when given (the confirmation, with every code and the PDF); `name`, when given, is put on every ticket.',
    examples: [{ items: [{ ticketTypeId: '665f1c2b9d3e4a0012345679', quantity: 2 }], paidWith: 'cash' }],
  },
)
export type BoxOfficeBody = Static<typeof BoxOfficeBody>
/** Complimentary tickets (a guest list): free, for someone an admin names, by email. */
export const ComplimentaryBody = t.Object(
  {
    items: t.Array(OrderItemInput, { minItems: 1, maxItems: ORDER_LIMITS.items, error: `items must hold 1 to ${ORDER_LIMITS.items} lines` }),
    email: t.String({ format: 'email', maxLength: 254, examples: ['guest@example.com'], error: 'email must be an email address' }),
    name: t.Optional(t.String({ minLength: 1, maxLength: COMPLIMENTARY_LIMITS.name, pattern: '\\S', examples: ['Grace Hopper'], error: `name must be 1 to ${COMPLIMENTARY_LIMITS.name} characters, not only spaces` })),
  },
  {
    additionalProperties: false,
    title: 'ComplimentaryBody',
    description:
      'Tickets given free: at most 100 of a type (its per-order limit and sales window do not apply), never past its capacity (409 SOLD_OUT), seats named or the best left. ' +
      'The tickets go to `email` (the confirmation, with every code and the PDF); `name`, when given, is put on every ticket.',
    examples: [{ items: [{ ticketTypeId: '665f1c2b9d3e4a0012345679', quantity: 2 }], email: 'guest@example.com', name: 'Grace Hopper' }],
  },
)
export type ComplimentaryBody = Static<typeof ComplimentaryBody>

export const PayOrderBody = t.Object(
  { card: t.Optional(Card) },
  {
    description: '`card` may be left out only when the order costs nothing (a free ticket type, or a voucher that takes everything off): nothing is charged then (beyond the contract, additive).',
    examples: [{ card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } }],
  },
)
export type PayOrderBody = Static<typeof PayOrderBody>

const TICKET_ID_PATTERN = '^[0-9a-f]{24}-[1-9][0-9]{0,2}$'

export const RefundOrderBody = t.Object({
  reason: t.Optional(t.String({ maxLength: ORDER_LIMITS.reason, examples: ['cannot attend'] })),
  ticketIds: t.Optional(
    t.Array(t.String({ pattern: TICKET_ID_PATTERN, examples: ['665f1c2b9d3e4a0012345678-2'], error: 'ticketIds must be ticket ids' }), {
      minItems: 1,
      maxItems: ORDER_LIMITS.quantity * ORDER_LIMITS.items,
      description: 'only these tickets of the order (their ids, as GET /api/orders/{id}/tickets lists them); the rest stays paid and valid. Absent: the whole order',
    }),
  ),
  amountCents: t.Optional(
    t.Integer({
      minimum: 1,
      maximum: MAX_ORDER_TOTAL_CENTS,
      examples: [1000],
      description: 'admins only (beyond the contract, additive): give back this much of what the order cost, in minor units, and keep every ticket valid (a goodwill refund); less than what is left of it (all of it is the order\'s refund). Not with `ticketIds`',
      error: 'amountCents must be a whole number of minor units ≥ 1',
    }),
  ),
  expectedRefundedCents: t.Optional(
    t.Integer({
      minimum: 0,
      maximum: MAX_ORDER_TOTAL_CENTS,
      examples: [0],
      description:
        'with `amountCents` (beyond the contract, additive): what the order had given back so far when the admin decided (its `refundedCents`, 0 for none). Anything refunded meanwhile (another admin answering the same complaint) → 409 `refundedCents`, and nothing moves',
      error: 'expectedRefundedCents must be a whole number of minor units ≥ 0',
    }),
  ),
})
export type RefundOrderBody = Static<typeof RefundOrderBody>

/** `Idempotency-Key`: the same key with the same body returns the first result; with another body, 409. */
export const IdempotencyHeaders = t.Object(
  {
  'idempotency-key': t.Optional(
    t.String({
      minLength: 1,
      maxLength: ORDER_LIMITS.idempotencyKey,
      pattern: '^[\\x21-\\x7E]+$',
      description: 'any printable ASCII without spaces, at most 200 characters; kept 24 hours per account',
      error: 'Idempotency-Key must be 1 to 200 printable characters without spaces',
    }),
  ),
  },
  // Every other header (Authorization above all) must reach the handlers untouched.
  { additionalProperties: true },
)

export const OrdersQuery = t.Object({
  ...PageQuery,
  eventId: t.Optional(Id),
  status: t.Optional(OrderStatusSchema),
  userId: t.Optional(t.String({ pattern: '^[0-9a-fA-F]{24}$', description: 'admins only: orders of this account' })),
  q: t.Optional(t.String({ maxLength: 200, description: 'an order id, or part of the event title (customers: within their own orders)' })),
})
export type OrdersQuery = Static<typeof OrdersQuery>

export const OrderList = ListOf(Order)
export type OrderList = Static<typeof OrderList>

/** `transferred`: passed on to someone else (its buyer's view; the new holder sees it valid, with a new code). */
export const TICKET_STATUSES = ['valid', 'checked_in', 'refunded', 'transferred'] as const
export type TicketStatus = (typeof TICKET_STATUSES)[number]

export const Ticket = t.Object(
  {
    id: t.String({ examples: ['665f1c2b9d3e4a0012345678-1'] }),
    code: t.Optional(t.String({ description: 'what the QR code holds; scanned at the door (POST /api/checkins). Absent only on a ticket its buyer passed on (`transferred`): its new holder has a new code', examples: ['K7Q2M4ZP3XW6N5RT8VB2C9D4FA'] })),
    qrSvg: t.Optional(t.String({ description: 'the code as a QR code, an SVG document (absent with `code`)' })),
    ticketTypeId: Id,
    ticketTypeName: t.Optional(t.String()),
    orderId: Id,
    eventId: Id,
    status: t.UnionEnum(TICKET_STATUSES),
    checkedInAt: t.Optional(IsoDate),
    transferredAt: t.Optional(IsoDate),
    eventTitle: t.Optional(t.String({ description: 'on tickets received from someone else (GET /api/tickets), whose order is not yours to read' })),
    eventStartsAt: t.Optional(IsoDate),
    eventTimeZone: t.Optional(t.String({ description: "on tickets received from someone else: the event's IANA time zone, when it has one (its start is shown on the venue's clock)" })),
    transferOffer: t.Optional(
      t.Object(
        { id: Id, toEmail: t.String(), expiresAt: IsoDate },
        { description: 'its holder offered it to this address (POST /api/tickets/{ticketId}/transfer), not accepted yet: until then it stays theirs and valid' },
      ),
    ),
    attendeeName: t.Optional(t.String({ description: 'who uses this ticket, as its holder named them (shown at the door)', examples: ['Grace Hopper'] })),
    seat: t.Optional(t.String({ description: 'its numbered seat, row and number (beyond the contract, additive)', examples: ['B-12'] })),
    walletPass: t.Optional(t.Boolean({ description: 'true when GET /api/tickets/{ticketId}/wallet gives it as an Apple Wallet pass (the operator set up a pass certificate; a valid ticket only)' })),
    googleWallet: t.Optional(t.Boolean({ description: 'true when GET /api/tickets/{ticketId}/google-wallet gives a link saving it to Google Wallet (the operator set up a Google Wallet issuer; a valid ticket only)' })),
  },
  { title: 'Ticket' },
)
export type Ticket = Static<typeof Ticket>

/** An empty or blank name removes it. */
export const NameTicketBody = t.Object({ attendeeName: t.String({ maxLength: 100, examples: ['Grace Hopper'] }) })
export const TicketParams = t.Object({ id: Id, ticketId: t.String({ pattern: TICKET_ID_PATTERN, examples: ['665f1c2b9d3e4a0012345678-1'] }) })
export const TicketList = t.Array(Ticket)

/** A ticket's own path, for whoever holds it now (its buyer, or whoever it was passed on to). */
export const HeldTicketParams = t.Object({ ticketId: TicketParams.properties.ticketId })

export const TRANSFER_STATUSES = ['pending', 'accepted', 'cancelled'] as const
export type TransferStatus = (typeof TRANSFER_STATUSES)[number]
export const TRANSFER_LIMITS = { token: 100 } as const
/** What an offer's link token is signed for (orders checks it, notifications writes it into the email). */
export const TRANSFER_LINK_PURPOSE = 'ticket-transfer'

export const TransferTicketBody = t.Object({
  email: t.String({ ...Email, examples: ['friend@example.com'], error: 'email must be an email address', description: 'who gets the ticket: a link to accept it is emailed there' }),
})
export const AcceptTransferBody = t.Object({
  token: t.String({ minLength: 1, maxLength: TRANSFER_LIMITS.token, description: 'from the link the recipient was emailed' }),
})

export const TicketTransfer = t.Object(
  {
    id: Id,
    ticketId: t.String(),
    eventId: Id,
    eventTitle: t.Optional(t.String()),
    eventStartsAt: t.Optional(IsoDate),
    eventTimeZone: t.Optional(t.String({ description: "the event's IANA time zone, when it has one" })),
    ticketTypeName: t.Optional(t.String()),
    toEmail: t.Optional(t.String({ description: 'shown to its sender only' })),
    status: t.UnionEnum(TRANSFER_STATUSES),
    createdAt: IsoDate,
    expiresAt: IsoDate,
  },
  { title: 'TicketTransfer' },
)
export type TicketTransfer = Static<typeof TicketTransfer>

export const TicketsEmailed = t.Object({ message: t.String(), to: t.String({ description: 'the address the tickets go to' }) }, { title: 'TicketsEmailed' })

/** `code` (scanned) or `ticketId` (a guest found in the attendee list, without their code): one of them. */
export const CheckinBody = t.Object({
  code: t.Optional(t.String({ minLength: 1, maxLength: ORDER_LIMITS.code, examples: ['K7Q2M4ZP3XW6N5RT8VB2C9D4FA'], error: 'code must be 1 to 200 characters' })),
  ticketId: t.Optional(t.String({ pattern: TICKET_ID_PATTERN, examples: ['665f1c2b9d3e4a0012345678-1'], description: 'instead of `code`: a ticket the door found in the attendee list (GET /api/events/{id}/attendees)', error: 'ticketId must be a ticket id' })),
  /** The event this door admits to: a ticket of another event is refused (409) and not used up. */
  eventId: t.Optional(Id),
  /** When the door admitted the guest, for a scan decided offline and sent later (within the last 7 days). */
  scannedAt: t.Optional(
    t.String({ format: 'date-time', examples: ['2027-06-01T18:00:00.000Z'], description: 'a scan made without a network and sent now: the check-in is recorded at this time (at most 7 days ago, not in the future)', error: 'scannedAt must be an ISO-8601 date-time' }),
  ),
})
export type CheckinBody = Static<typeof CheckinBody>

/** What door staff are told of the order of a ticket they admit: what it is for, never its money, payment or codes. */
export const DoorOrder = t.Object(
  { id: Id, eventId: Id, eventTitle: t.Optional(t.String()), items: t.Array(t.Object({ ticketTypeId: Id, name: t.String(), quantity: t.Integer({ minimum: 1 }), addOn: t.Optional(t.Literal(true, { description: 'an extra (parking, a T-shirt): not admission by itself' })) })), status: OrderStatusSchema },
  { title: 'DoorOrder' },
)
export type DoorOrder = Static<typeof DoorOrder>

export const CheckinResult = t.Object(
  {
    ticket: Ticket,
    order: t.Union([Order, DoorOrder], { description: 'admins: the order; door staff: what it is for (`DoorOrder`), and the ticket without its code' }),
    firstScan: t.Literal(true),
  },
  { title: 'CheckinResult' },
)
export type CheckinResult = Static<typeof CheckinResult>

// Invoices (beyond the contract, additive): who an order's invoice is made out to, and the credit
// notes that cancel an invoiced order's refunded tickets.
export const BILLING_LIMITS = { name: 200, company: 200, address: 500, taxId: 40 } as const

export const BillingDetails = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: BILLING_LIMITS.name, examples: ['Grace Hopper'], description: 'the person the invoice is made out to' }),
    company: t.Optional(t.String({ maxLength: BILLING_LIMITS.company, examples: ['Cobol Ltd'] })),
    address: t.String({ minLength: 1, maxLength: BILLING_LIMITS.address, examples: ['1 Harbour Street\n00100 Helsinki\nFinland'], description: 'postal address, lines separated by newlines' }),
    taxId: t.Optional(t.String({ maxLength: BILLING_LIMITS.taxId, examples: ['FI12345678'], description: "the buyer's VAT or tax number, when they have one" })),
  },
  { title: 'BillingDetails' },
)
export type BillingDetails = Static<typeof BillingDetails>

export const OrderBilling = t.Object(
  {
    orderId: Id,
    billing: t.Union([BillingDetails, t.Null()], { description: 'null: none given; the invoice names the buyer by email' }),
    invoiceNumber: t.Optional(t.String({ examples: ['EP-000042'], description: 'the invoice issued for the order: its details can no longer change' })),
    editable: t.Boolean({ description: 'true until the order has an invoice' }),
    invoices: t.Boolean({ description: 'whether paid orders get invoices here (an issuer is configured); without, the details go on no document' }),
  },
  { title: 'OrderBilling' },
)
export type OrderBilling = Static<typeof OrderBilling>

export const SavedBillingDetails = t.Object({ billing: t.Union([BillingDetails, t.Null()]) }, { title: 'SavedBillingDetails' })
export type SavedBillingDetails = Static<typeof SavedBillingDetails>

export const InvoiceDocument = t.Object(
  {
    kind: t.Union([t.Literal('invoice'), t.Literal('credit-note')]),
    number: t.String({ examples: ['EP-000043'] }),
    issuedAt: IsoDate,
    totalCents: t.Integer({ minimum: 0, description: 'the invoice’s total, or what the credit note takes back' }),
    currency: t.String({ examples: ['EUR'] }),
    invoiceNumber: t.Optional(t.String({ description: 'a credit note: the invoice it cancels (in full or in part)' })),
    tickets: t.Optional(t.Integer({ minimum: 0, description: 'a credit note: how many tickets it takes back' })),
    refundPart: t.Optional(t.Integer({ minimum: 1, description: 'a credit note of tickets refunded on their own: which part of the order’s refunds (absent: the refund of the rest)' })),
  },
  { title: 'InvoiceDocument' },
)
export type InvoiceDocument = Static<typeof InvoiceDocument>
export const InvoiceDocuments = t.Array(InvoiceDocument)

export const CreditNoteParams = t.Object({ id: Id, number: t.String({ minLength: 1, maxLength: 60, pattern: '^[\\x21-\\x7E]+$', examples: ['EP-000043'] }) })

// The waiting room of a hot on-sale (beyond the contract, additive): buyers join a line and are let
// in at the rate the organiser sets; only those let in may hold tickets, for a while.
export const WAITING_ROOM_LIMITS = { admitPerMinute: 100_000, passMinutes: 120 } as const

export const WaitingRoomSettings = t.Object(
  {
    enabled: t.Boolean({ description: 'while true, only buyers let in through the line may hold tickets of the event' }),
    admitPerMinute: t.Integer({ minimum: 1, maximum: WAITING_ROOM_LIMITS.admitPerMinute, examples: [600], description: 'buyers let in per minute, in the order they joined' }),
    passMinutes: t.Integer({ minimum: 1, maximum: WAITING_ROOM_LIMITS.passMinutes, examples: [15], description: 'how long a buyer let in may start purchases; then they join again' }),
    opensAt: t.Optional(t.String({ format: 'date-time', examples: ['2026-12-05T10:00:00Z'], description: 'the on-sale: buyers may join the line before it, nobody is let in until then (absent: at once)' })),
  },
  { title: 'WaitingRoomSettings' },
)
export type WaitingRoomSettings = Static<typeof WaitingRoomSettings>

export const WaitingRoomPlace = t.Object(
  {
    position: t.Integer({ minimum: 1, description: 'the buyer’s number in the line' }),
    aheadOfYou: t.Integer({ minimum: 0 }),
    admitted: t.Boolean({ description: 'let in: purchases may start until `passEndsAt`' }),
    passEndsAt: t.Optional(IsoDate),
    estimatedWaitSeconds: t.Optional(t.Integer({ minimum: 0, description: 'at the set rate, until the buyer is let in' })),
  },
  { title: 'WaitingRoomPlace' },
)
export type WaitingRoomPlace = Static<typeof WaitingRoomPlace>

export const WaitingRoom = t.Object(
  {
    eventId: Id,
    enabled: t.Boolean(),
    admitPerMinute: t.Optional(t.Integer({ minimum: 1 })),
    passMinutes: t.Optional(t.Integer({ minimum: 1 })),
    opensAt: t.Optional(IsoDate),
    waiting: t.Integer({ minimum: 0, description: 'buyers in the line not let in yet' }),
    you: t.Optional(WaitingRoomPlace),
  },
  { title: 'WaitingRoom' },
)
export type WaitingRoom = Static<typeof WaitingRoom>
