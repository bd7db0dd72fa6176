// Ticket inventory: ticket types, availability, and the ops that change an event's inventory
// (ticketing service, orders, catalog, gateway, web app). Every change is an op decided by the
// ticketing worker, one event at a time, so nothing is ever sold twice.
import { t, type Static } from 'elysia'
import { Id, IsoDate } from './common'
import { VOUCHER_CODE_PATTERN, VOUCHER_LIMITS } from './pricing'
import { ROW_LABEL_PATTERN, SEAT_ID_PATTERN, SEATING_LIMITS } from './seating'

export { SEATING_LIMITS, SEAT_ID_PATTERN, seatIdsOf, seatingProblem, seatRows } from './seating'
export { addOnProblem, admissionsOf, laterAddOnProblem, type AddOnLine, type LaterAddOnLine } from './add-ons'

/**
 * ISO-8601 date-time with a time zone, e.g. `2027-06-01T18:00:00Z` (the catalog's rule; kept here because
 * catalog.ts imports this file, and an import back would be circular).
 */
const isoDateInput = (description?: string) =>
  t.String({
    format: 'date-time',
    pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$',
    examples: ['2027-06-01T18:00:00.000Z'],
    error: 'must be an ISO-8601 date-time with a time zone, e.g. 2027-06-01T18:00:00Z',
    ...(description ? { description } : {}),
  })

export const TICKET_TYPE_LIMITS = { name: 100, capacity: 1_000_000, maxPerOrder: 100, defaultMaxPerOrder: 10, price: 100_000_000 } as const
/** The most one order may cost (cents): what the payment provider takes in one charge. */
export const MAX_ORDER_TOTAL_CENTS = 100_000_000
/** At most this many lines in one hold; each line is one ticket type. */
export const MAX_HOLD_ITEMS = 20
export const MAX_HOLD_TTL_SECONDS = 86_400

/**
 * How a hold that does not fit is refused (409 SOLD_OUT), said once for ticketing, which decides it,
 * and for orders, which answers it early when ticketing's published availability already proves it.
 */
export function soldOutRefusal(short: Array<{ ticketTypeId: string; name: string; requested: number; available: number }>): { message: string; details: unknown } {
  const first = short[0]!
  return {
    message: first.available === 0 ? `"${first.name}" is sold out` : `only ${first.available} "${first.name}" tickets left`,
    details: { ticketTypes: short.map(({ ticketTypeId, requested, available }) => ({ ticketTypeId, requested, available })) },
  }
}

/** A hold asking a pool of shared capacity for more than it has left: ticketing's answer, and orders' without a queue trip. */
export function poolSoldOutRefusal(pool: { id: string; name: string }, left: number, lines: Array<{ ticketTypeId: string; name: string; requested: number; available: number }>): { message: string; details: unknown } {
  const asked = lines.reduce((sum, l) => sum + l.requested, 0)
  return {
    message: `only ${left} tickets are left of "${pool.name}", which ${lines.map((l) => `"${l.name}"`).join(' and ')} share: not ${asked}`,
    details: { pool: { id: pool.id, name: pool.name, requested: asked, available: left }, ticketTypes: lines.map(({ ticketTypeId, requested, available }) => ({ ticketTypeId, requested, available })) },
  }
}

const Currency = t.String({ pattern: '^[A-Z]{3}$', examples: ['EUR'], error: 'currency must be an ISO-4217 code of 3 capital letters, e.g. EUR' })

/** ISO 4217 codes that are not money one pays with: none, testing, precious metals, units of account. */
const NOT_MONEY = new Set(['XXX', 'XTS', 'XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XSU', 'XUA', 'XBA', 'XBB', 'XBC', 'XBD'])
let knownCurrencies: Set<string> | undefined
/**
 * Why a code of 3 capital letters is not a currency a price can be in (the schema checks the shape; the
 * runtime's list of ISO 4217 codes, through `Intl`, says whether it exists); undefined when it is one.
 */
export function currencyProblem(code: string): string | undefined {
  knownCurrencies ??= new Set(Intl.supportedValuesOf('currency'))
  if (!knownCurrencies.has(code) || NOT_MONEY.has(code)) return `${code} is not an ISO-4217 currency one pays with (e.g. EUR, USD, GBP)`
  return undefined
}
const TypeName = t.String({
  minLength: 1,
  maxLength: TICKET_TYPE_LIMITS.name,
  pattern: '\\S',
  examples: ['Standing'],
  error: `name must be 1 to ${TICKET_TYPE_LIMITS.name} characters`,
})
const PriceCents = t.Integer({ minimum: 0, maximum: TICKET_TYPE_LIMITS.price, examples: [4500], error: 'priceCents must be a whole number of minor units ≥ 0' })
const Capacity = t.Integer({ minimum: 1, maximum: TICKET_TYPE_LIMITS.capacity, examples: [500], error: `capacity must be a whole number from 1 to ${TICKET_TYPE_LIMITS.capacity}` })
/** Value added tax (or sales tax) included in the price, in basis points: 1900 is 19 %, 550 is 5.5 %. */
export const TaxRateBasisPoints = t.Integer({
  minimum: 0,
  maximum: 10_000,
  examples: [1900],
  description: 'the tax rate included in the price, in hundredths of a per cent (1900 = 19 %; 0 or absent: no tax shown)',
  error: 'taxRateBasisPoints must be a whole number from 0 to 10000 (hundredths of a per cent: 1900 is 19 %)',
})

// ---------------------------------------------------------------------------------------------
// Reserved seating (beyond the contract, additive): a ticket type may sell numbered seats, rows of
// them; each seat is held and sold once, chosen by the buyer or, when not named, the best left.

export const SeatId = t.String({ pattern: SEAT_ID_PATTERN, examples: ['B-12'], error: 'a seat is its row and its number, e.g. B-12' })
export const SeatRow = t.Object(
  {
    label: t.String({ pattern: ROW_LABEL_PATTERN, examples: ['A'], error: 'a row label is 1 to 4 letters or digits' }),
    seats: t.Integer({ minimum: 1, maximum: SEATING_LIMITS.seatsPerRow, examples: [20], error: `a row has 1 to ${SEATING_LIMITS.seatsPerRow} seats` }),
  },
  { additionalProperties: false, title: 'SeatRow' },
)
export const Seating = t.Object(
  { rows: t.Array(SeatRow, { minItems: 1, maxItems: SEATING_LIMITS.rows, description: 'front row first; seats are numbered from 1 in each row' }) },
  {
    additionalProperties: false,
    title: 'Seating',
    description: `Numbered seats in rows (at most ${SEATING_LIMITS.seats} in all): seat \`B-12\` is row B, seat 12. A seated type's capacity is its number of seats.`,
    examples: [{ rows: [{ label: 'A', seats: 10 }, { label: 'B', seats: 12 }] }],
  },
)
export type Seating = Static<typeof Seating>
/** The seat map as buyers see it: the layout and the seats no longer free (held or sold). */
export const SeatMap = t.Object(
  { rows: t.Array(SeatRow), taken: t.Array(t.String(), { description: 'seats held or sold' }) },
  { title: 'SeatMap' },
)
export type SeatMap = Static<typeof SeatMap>
/** Seats named by a request: each once, `B-12` form. */
const SeatList = t.Array(SeatId, { minItems: 1, maxItems: TICKET_TYPE_LIMITS.maxPerOrder, uniqueItems: true, description: 'the seats, one per ticket (as many as the quantity)' })
export const SeatsInput = t.Optional(SeatList)

/** A ticket type that is an extra (beyond the contract, additive). */
const AddOnFlag = t.Boolean({
  description:
    'an extra (parking, a T-shirt, a workshop place; beyond the contract, additive): sold only in an order with admission tickets (types without `addOn`), at most one per admission ticket. Default false.',
  error: 'addOn must be true or false',
})
/** On a type as shown: present only on an extra. */
const AddOnMark = t.Optional(t.Literal(true, { description: 'an extra: sold only with admission tickets, at most one per ticket (beyond the contract, additive)' }))

/** The product a type is one variation of (beyond the contract, additive): a T-shirt's sizes, a menu's dishes. */
const VariationOf = t.String({
  minLength: 1,
  maxLength: TICKET_TYPE_LIMITS.name,
  pattern: '\\S',
  description:
    "the product this type is one variation of (beyond the contract, additive): the event's types naming the same product are shown together under its name, each its own choice with its own price and stock (one stock for all: a pool). The type's own `name` stays what orders and tickets say, such as \"T-shirt M\".",
  examples: ['T-shirt'],
  error: `variationOf must be 1 to ${TICKET_TYPE_LIMITS.name} characters, not only spaces`,
})

/** On a type as shown: present only on a variation. */
const VariationMark = t.Optional(t.String({ description: 'the product it is one variation of (beyond the contract, additive)' }))

const MaxPerOrder = t.Integer({ minimum: 1, maximum: TICKET_TYPE_LIMITS.maxPerOrder, examples: [10], error: `maxPerOrder must be a whole number from 1 to ${TICKET_TYPE_LIMITS.maxPerOrder}` })

// ---------------------------------------------------------------------------------------------
// Ticket types (public HTTP)

export const CreateTicketTypeBody = t.Object(
  {
    name: TypeName,
    priceCents: PriceCents,
    currency: Currency,
    capacity: Capacity,
    maxPerOrder: t.Optional(MaxPerOrder),
    taxRateBasisPoints: t.Optional(TaxRateBasisPoints),
    salesStart: t.Optional(isoDateInput('sales open at this time (default: open now)')),
    salesEnd: t.Optional(isoDateInput('sales close at this time (default: never); after `salesStart`')),
    seating: t.Optional(Seating),
    addOn: t.Optional(AddOnFlag),
    variationOf: t.Optional(VariationOf),
  },
  {
    description: '`maxPerOrder` defaults to 10; `salesEnd` must be after `salesStart`. With `seating`, `capacity` must be its number of seats.',
    additionalProperties: false,
    examples: [{ name: 'Standing', priceCents: 4500, currency: 'EUR', capacity: 500, maxPerOrder: 10 }],
  },
)
export type CreateTicketTypeBody = Static<typeof CreateTicketTypeBody>

export const UpdateTicketTypeBody = t.Object(
  {
    name: t.Optional(TypeName),
    priceCents: t.Optional(PriceCents),
    currency: t.Optional(Currency),
    capacity: t.Optional(Capacity),
    maxPerOrder: t.Optional(MaxPerOrder),
    taxRateBasisPoints: t.Optional(TaxRateBasisPoints),
    salesStart: t.Optional(t.Union([isoDateInput(), t.Null()], { description: 'null removes it' })),
    salesEnd: t.Optional(t.Union([isoDateInput(), t.Null()], { description: 'null removes it' })),
    seating: t.Optional(Seating),
    addOn: t.Optional(AddOnFlag),
    variationOf: t.Optional(t.Union([VariationOf, t.Null()], { description: 'the product it is a variation of; null: none' })),
  },
  {
    minProperties: 1,
    additionalProperties: false,
    description:
      'Any subset. `capacity` below sold + held → 409. Price, tax rate and `addOn` changes apply to holds made afterwards. A seated type changes its capacity by a new `seating`, ' +
      'which must keep every seat held or sold (409 otherwise); a type that has sold or held tickets without seats cannot be given seating.',
    examples: [{ capacity: 600 }],
  },
)
export type UpdateTicketTypeBody = Static<typeof UpdateTicketTypeBody>

export const TicketTypeParams = t.Object({ id: Id, typeId: Id })

export const TicketType = t.Object(
  {
    id: Id,
    eventId: Id,
    name: t.String(),
    priceCents: t.Integer({ minimum: 0 }),
    currency: t.String({ examples: ['EUR'] }),
    capacity: t.Integer({ minimum: 0 }),
    maxPerOrder: t.Integer({ minimum: 1 }),
    taxRateBasisPoints: t.Optional(TaxRateBasisPoints),
    salesStart: t.Optional(IsoDate),
    salesEnd: t.Optional(IsoDate),
    sold: t.Integer({ minimum: 0 }),
    held: t.Integer({ minimum: 0 }),
    available: t.Integer({ minimum: 0 }),
    seating: t.Optional(SeatMap),
    addOn: AddOnMark,
    variationOf: VariationMark,
  },
  { title: 'TicketType' },
)
export type TicketType = Static<typeof TicketType>

export const AvailabilityTicketType = t.Object(
  {
    id: Id,
    name: t.String(),
    priceCents: t.Integer({ minimum: 0 }),
    currency: t.String(),
    capacity: t.Integer({ minimum: 0 }),
    sold: t.Integer({ minimum: 0 }),
    held: t.Integer({ minimum: 0 }),
    available: t.Integer({ minimum: 0 }),
    maxPerOrder: t.Integer({ minimum: 1 }),
    taxRateBasisPoints: t.Optional(TaxRateBasisPoints),
    salesStart: t.Optional(IsoDate),
    salesEnd: t.Optional(IsoDate),
    seating: t.Optional(SeatMap),
    addOn: AddOnMark,
    variationOf: VariationMark,
  },
  { title: 'AvailabilityTicketType' },
)

// ---------------------------------------------------------------------------------------------
// Shared capacity (beyond the contract, additive): a pool of seats several ticket types sell from,
// such as a hall of 500 whose early-bird, standard and student tickets together never pass 500. Seats are
// taken per type: a pool holds one seated type at most.

export const POOL_LIMITS = { name: 100, perEvent: 50, ticketTypes: 100 } as const

const PoolName = t.String({ minLength: 1, maxLength: POOL_LIMITS.name, pattern: '\\S', examples: ['Main hall'], error: `name must have 1 to ${POOL_LIMITS.name} characters, not only spaces` })
const PoolCapacity = t.Integer({ minimum: 1, maximum: TICKET_TYPE_LIMITS.capacity, examples: [500], error: `capacity must be a whole number from 1 to ${TICKET_TYPE_LIMITS.capacity}` })
const PoolTypes = t.Array(Id, { minItems: 2, maxItems: POOL_LIMITS.ticketTypes, description: 'at least two ticket types of the event that sell from it (each may be in several pools: the tightest one counts); in PATCH the new list' })

export const CreatePoolBody = t.Object({ name: PoolName, capacity: PoolCapacity, ticketTypeIds: PoolTypes }, { title: 'CreatePoolBody' })
export type CreatePoolBody = Static<typeof CreatePoolBody>
export const UpdatePoolBody = t.Object({ name: t.Optional(PoolName), capacity: t.Optional(PoolCapacity), ticketTypeIds: t.Optional(PoolTypes) }, { title: 'UpdatePoolBody' })
export type UpdatePoolBody = Static<typeof UpdatePoolBody>
export const PoolParams = t.Object({ id: Id, poolId: Id })

const PoolFields = {
  id: Id,
  name: t.String(),
  capacity: t.Integer({ minimum: 1 }),
  ticketTypeIds: t.Array(Id),
  sold: t.Integer({ minimum: 0, description: 'tickets of its types sold' }),
  held: t.Integer({ minimum: 0, description: 'tickets of its types in unpaid holds' }),
  available: t.Integer({ minimum: 0, description: 'capacity − sold − held (never below 0)' }),
}
export const CapacityPool = t.Object({ ...PoolFields, eventId: Id }, { title: 'CapacityPool' })
export type CapacityPool = Static<typeof CapacityPool>
export const PoolList = t.Object({ items: t.Array(CapacityPool) }, { title: 'PoolList' })
export const AvailabilityPool = t.Object(PoolFields, { title: 'AvailabilityPool' })
export type AvailabilityPool = Static<typeof AvailabilityPool>

/** Also the payload of every SSE message and of the live signal `ticketing.availability-changed.<eventId>`. */
export const Availability = t.Object(
  {
    eventId: Id,
    ticketTypes: t.Array(AvailabilityTicketType),
    pools: t.Optional(t.Array(AvailabilityPool, { description: "shared capacity: a ticket type's `available` is already the least of its own and its pools'" })),
    seq: t.Integer({ minimum: 0, description: 'increases with every change of this event; a client ignores older messages' }),
    updatedAt: t.Optional(IsoDate),
  },
  { title: 'Availability' },
)
export type Availability = Static<typeof Availability>

// ---------------------------------------------------------------------------------------------
// Vouchers (discount codes of one event; beyond the contract, additive)

/** Codes are compared without regard to case and stored in capitals. */
export const normaliseVoucherCode = (code: string) => code.trim().toUpperCase()
export const VoucherCode = t.String({
  minLength: VOUCHER_LIMITS.codeMin,
  maxLength: VOUCHER_LIMITS.codeMax,
  pattern: VOUCHER_CODE_PATTERN,
  examples: ['EARLYBIRD'],
  error: `code must be ${VOUCHER_LIMITS.codeMin} to ${VOUCHER_LIMITS.codeMax} letters, digits, - or _, starting with a letter or digit`,
})
export const VoucherCodeParams = t.Object({ id: Id, code: VoucherCode })
const PercentOff = t.Integer({ minimum: 1, maximum: 100, examples: [20], error: 'percentOff must be a whole number from 1 to 100' })
const AmountOffCents = t.Integer({ minimum: 1, maximum: TICKET_TYPE_LIMITS.price, examples: [500], error: 'amountOffCents must be a whole number of minor units ≥ 1' })
const MaxUses = t.Integer({ minimum: 1, maximum: VOUCHER_LIMITS.maxUses, examples: [100], error: `maxUses must be a whole number from 1 to ${VOUCHER_LIMITS.maxUses}` })

export const CreateVoucherBody = t.Object(
  {
    code: VoucherCode,
    percentOff: t.Optional(PercentOff),
    amountOffCents: t.Optional(AmountOffCents),
    /** The currency of `amountOffCents` (required with it, not with `percentOff`): only tickets priced in it are lowered. */
    currency: t.Optional(Currency),
    ticketTypeIds: t.Optional(t.Array(Id, { minItems: 1, maxItems: VOUCHER_LIMITS.ticketTypes, description: 'the ticket types it lowers the price of (default: all of the event)' })),
    maxUses: MaxUses,
    validUntil: t.Optional(isoDateInput('holds made from this time on cannot use it (default: until the event)')),
  },
  {
    description:
      'Exactly one of `percentOff` (of each ticket\'s price) and `amountOffCents` with its `currency` (off each ticket priced in it, never below 0). ' +
      'One use is one order; an order refunded, cancelled or expired gives its use back. Codes are unique per event, without regard to case.',
    additionalProperties: false,
    examples: [{ code: 'EARLYBIRD', percentOff: 20, maxUses: 100 }],
  },
)
export type CreateVoucherBody = Static<typeof CreateVoucherBody>

export const UpdateVoucherBody = t.Object(
  {
    maxUses: t.Optional(MaxUses),
    validUntil: t.Optional(t.Union([isoDateInput(), t.Null()], { description: 'null removes it' })),
    active: t.Optional(t.Boolean({ description: 'false: no new order may use it (orders that did keep their price)' })),
  },
  { minProperties: 1, additionalProperties: false, description: 'Any subset. `maxUses` below the orders using it now (paid and held) → 409.', examples: [{ active: false }] },
)
export type UpdateVoucherBody = Static<typeof UpdateVoucherBody>

/** What a buyer learns of a code before using it: what it takes off, never how often it was used. */
export const VoucherOffer = t.Object(
  {
    code: t.String({ examples: ['EARLYBIRD'] }),
    eventId: Id,
    percentOff: t.Optional(t.Integer({ minimum: 1, maximum: 100 })),
    amountOffCents: t.Optional(t.Integer({ minimum: 1 })),
    currency: t.Optional(t.String({ examples: ['EUR'], description: 'the currency of `amountOffCents`' })),
    ticketTypeIds: t.Optional(t.Array(Id)),
    validUntil: t.Optional(IsoDate),
  },
  { title: 'VoucherOffer' },
)
export type VoucherOffer = Static<typeof VoucherOffer>

/** A voucher as its admins see it: the offer, with its uses. */
export const Voucher = t.Composite(
  [
    VoucherOffer,
    t.Object({
      maxUses: t.Integer({ minimum: 1 }),
      used: t.Integer({ minimum: 0, description: 'paid orders that used it (refunded ones give their use back)' }),
      held: t.Integer({ minimum: 0, description: 'unpaid holds that use it' }),
      remaining: t.Integer({ minimum: 0 }),
      active: t.Boolean(),
      createdAt: IsoDate,
    }),
  ],
  { title: 'Voucher' },
)
export type Voucher = Static<typeof Voucher>
export const VoucherList = t.Object({ items: t.Array(Voucher) }, { title: 'VoucherList' })

/** The discount an order got: what it saved in all (its `totalCents` is after it). */
export const AppliedVoucher = t.Object(
  { code: t.String({ examples: ['EARLYBIRD'] }), discountCents: t.Integer({ minimum: 0, examples: [1800] }) },
  { title: 'AppliedVoucher' },
)
export type AppliedVoucher = Static<typeof AppliedVoucher>

export { VOUCHER_LIMITS, voucherAppliesTo, voucherDiscount } from './pricing'

// ---------------------------------------------------------------------------------------------
// Ops (internal: POST /internal/inventory/ops `{eventId, op}` → result, service token)

export const HoldItemInput = t.Object({
  ticketTypeId: Id,
  quantity: t.Integer({ minimum: 1, maximum: TICKET_TYPE_LIMITS.maxPerOrder }),
  /** Of a seated type: the seats wanted (absent: the best ones left). */
  seats: SeatsInput,
}, { additionalProperties: false })

export const HoldOp = t.Object({
  type: t.Literal('hold'),
  orderId: Id,
  userId: t.String({ minLength: 1, maxLength: 100 }),
  items: t.Array(HoldItemInput, { minItems: 1, maxItems: MAX_HOLD_ITEMS }),
  ttlSeconds: t.Optional(t.Integer({ minimum: 1, maximum: MAX_HOLD_TTL_SECONDS, description: 'default HOLD_TTL_SECONDS of ticketing (600)' })),
  voucherCode: t.Optional(VoucherCode),
  /** Given by an admin (a guest list): free, outside the sales window and the per-order limit, never past the capacity. */
  complimentary: t.Optional(t.Boolean()),
  /** Sold at the door: priced, outside the sales window and the per-order limit, never past the capacity, no voucher. */
  atTheDoor: t.Optional(t.Boolean()),
  /**
   * Extras bought later for a paid order (`orderId` of that order): only extras, at most one of each per
   * admission ticket it keeps (`admissions`), counting those it and its earlier extras hold (`had`, by type).
   */
  laterFor: t.Optional(t.Object({
    orderId: Id,
    admissions: t.Integer({ minimum: 0, maximum: 100_000 }),
    had: t.Array(t.Object({ ticketTypeId: Id, quantity: t.Integer({ minimum: 1, maximum: 100_000 }) }, { additionalProperties: false }), { maxItems: 200 }),
  }, { additionalProperties: false })),
}, { additionalProperties: false })
export type HoldOp = Static<typeof HoldOp>

const closed = { additionalProperties: false } as const
export const ConfirmOp = t.Object({ type: t.Literal('confirm'), orderId: Id }, closed)
export type ConfirmOp = Static<typeof ConfirmOp>

export const ReleaseReason = t.Union([t.Literal('cancelled'), t.Literal('failed')])
export const ReleaseOp = t.Object({ type: t.Literal('release'), orderId: Id, reason: ReleaseReason }, closed)
export type ReleaseOp = Static<typeof ReleaseOp>

/**
 * Some of an order's tickets, refunded: `n` numbers the order's parts (the same `n` again is a retry),
 * each item at most what is left of its ticket type in the order after earlier parts.
 */
export const RefundPart = t.Object(
  {
    n: t.Integer({ minimum: 1 }),
    items: t.Array(t.Object({ ticketTypeId: Id, quantity: t.Integer({ minimum: 1 }), seats: SeatsInput }, closed), { minItems: 1, maxItems: MAX_HOLD_ITEMS, description: 'of a seated type, `seats` names which (required)' }),
  },
  closed,
)
export type RefundPart = Static<typeof RefundPart>

/** Without `part`: the whole order (after parts, the rest of it), and its voucher's use comes back. With it: those tickets only. */
export const RefundOp = t.Object({ type: t.Literal('refund'), orderId: Id, part: t.Optional(RefundPart) }, closed)
export type RefundOp = Static<typeof RefundOp>

/** The ops other services send. */
export const SellingOp = t.Union([HoldOp, ConfirmOp, ReleaseOp, RefundOp])
export type SellingOp = Static<typeof SellingOp>

export const InventoryOpsBody = t.Object({ eventId: Id, op: SellingOp }, { additionalProperties: false })
export type InventoryOpsBody = Static<typeof InventoryOpsBody>

/** Scheduled by the worker itself (delayed job `expire-<orderId>`); never sent by other services. */
export interface ExpireOp {
  type: 'expire'
  orderId: string
}

/**
 * What every admin op carries from the API (set by the inventory client): the time its requester stops
 * waiting. Decided later (a job retried after a failure), it changes nothing: the requester was told
 * 503 and to send it again, and may have sent something else since.
 */
export interface AdminOpTiming {
  /** Epoch ms. */
  notAfter?: number
}
/**
 * A change's own id, remembered on what it changed: a job run again after its commit (a later part of
 * the job failed) finds it there and does not apply it a second time, over a change made since.
 */
export interface PatchIdentity extends AdminOpTiming {
  patchId?: string
}

/** Admin ops, sent by ticketing's own public routes. `typeId` is chosen before enqueueing so a retried job creates one type. */
export interface AddTypeOp extends AdminOpTiming {
  type: 'addType'
  typeId: string
  fields: CreateTicketTypeBody
  /** Of the request that named this id (an Idempotency-Key): the same one again is a retry, another one a conflict. */
  fingerprint?: string
}
export interface UpdateTypeOp extends PatchIdentity {
  type: 'updateType'
  typeId: string
  patch: UpdateTicketTypeBody
}
export interface RemoveTypeOp {
  type: 'removeType'
  typeId: string
}
export interface AddVoucherOp extends AdminOpTiming {
  type: 'addVoucher'
  fields: CreateVoucherBody
}
export interface UpdateVoucherOp extends PatchIdentity {
  type: 'updateVoucher'
  code: string
  patch: UpdateVoucherBody
}
export interface RemoveVoucherOp {
  type: 'removeVoucher'
  code: string
}

/** `poolId` is chosen before enqueueing, as a type's id is. */
export interface AddPoolOp extends AdminOpTiming {
  type: 'addPool'
  poolId: string
  fields: CreatePoolBody
  /** Of the request that named this id (an Idempotency-Key): the same one again is a retry, another one a conflict. */
  fingerprint?: string
}
export interface UpdatePoolOp extends PatchIdentity {
  type: 'updatePool'
  poolId: string
  patch: UpdatePoolBody
}
export interface RemovePoolOp {
  type: 'removePool'
  poolId: string
}

export type InventoryOp = SellingOp | ExpireOp | AddTypeOp | UpdateTypeOp | RemoveTypeOp | AddVoucherOp | UpdateVoucherOp | RemoveVoucherOp | AddPoolOp | UpdatePoolOp | RemovePoolOp
export type InventoryOpType = InventoryOp['type']

// ---------------------------------------------------------------------------------------------
// Results: one per op. `ok:false` is a decision (HTTP 200), not an error of the call.

/** UNAVAILABLE: an admin op decided after its requester stopped waiting (send it again); never a selling op's answer. */
export const OpFailureCode = t.Union([t.Literal('SOLD_OUT'), t.Literal('VALIDATION'), t.Literal('NOT_FOUND'), t.Literal('CONFLICT'), t.Literal('UNAVAILABLE')])
export type OpFailureCode = Static<typeof OpFailureCode>

const batchSize = t.Optional(t.Integer({ minimum: 1, description: 'how many ops the worker decided in the same job (group commit)' }))

export const OpFailure = t.Object({ ok: t.Literal(false), code: OpFailureCode, message: t.String(), details: t.Optional(t.Any()), batchSize })
export type OpFailure = Static<typeof OpFailure>

export const HeldLine = t.Object({
  ticketTypeId: Id,
  name: t.String(),
  quantity: t.Integer({ minimum: 1 }),
  unitPriceCents: t.Integer({ minimum: 0 }),
  /** The type's tax rate when the hold was made (absent: none). */
  taxRateBasisPoints: t.Optional(t.Integer({ minimum: 1, maximum: 10_000 })),
  /** This line's part of the voucher's discount (absent: none). */
  discountCents: t.Optional(t.Integer({ minimum: 1 })),
  /** Of a seated type: its seats, one per ticket. */
  seats: t.Optional(t.Array(t.String())),
  /** Of an extra: sold only with admission (the type's mark when the hold was made). */
  addOn: t.Optional(t.Literal(true)),
})
export type HeldLine = Static<typeof HeldLine>

export const HoldSuccess = t.Object({
  ok: t.Literal(true),
  orderId: Id,
  items: t.Array(HeldLine),
  currency: t.String(),
  totalCents: t.Integer({ minimum: 0 }),
  voucher: t.Optional(AppliedVoucher),
  expiresAt: IsoDate,
  batchSize,
})
export type HoldSuccess = Static<typeof HoldSuccess>
export type HoldResult = HoldSuccess | OpFailure

export const SettleOutcome = t.Union([t.Literal('sold'), t.Literal('released')])
export type SettleOutcome = Static<typeof SettleOutcome>
export const SettleReason = t.Union([t.Literal('paid'), t.Literal('cancelled'), t.Literal('expired'), t.Literal('failed')])
export type SettleReason = Static<typeof SettleReason>

/**
 * confirm: `ok` when the order is sold (now or earlier); `outcome:'released'` with its reason when the
 * hold had been released or had expired first. release/expire: `ok` when the order ends released.
 * `repeated` says the order had already been settled before this op.
 */
export const SettleResult = t.Object({ ok: t.Boolean(), outcome: SettleOutcome, reason: SettleReason, repeated: t.Optional(t.Boolean()), batchSize })
export type SettleResult = Static<typeof SettleResult>

/** refund: stock returned once; a repeat answers the same with `repeated: true`. Refund of an unsold order → CONFLICT. */
export const RefundResult = t.Object({ ok: t.Literal(true), outcome: t.Literal('refunded'), repeated: t.Optional(t.Boolean()), batchSize })
export type RefundResult = Static<typeof RefundResult>

export interface TypeChangeSuccess {
  ok: true
  ticketType: TicketType
  batchSize?: number
}
export interface TypeRemoveSuccess {
  ok: true
  removed: string
  batchSize?: number
}

export interface VoucherChangeSuccess {
  ok: true
  voucher: Voucher
  batchSize?: number
}

export interface OpResults {
  hold: HoldResult
  confirm: SettleResult | OpFailure
  release: SettleResult | OpFailure
  expire: SettleResult | OpFailure
  refund: RefundResult | OpFailure
  addType: TypeChangeSuccess | OpFailure
  updateType: TypeChangeSuccess | OpFailure
  removeType: TypeRemoveSuccess | OpFailure
  addVoucher: VoucherChangeSuccess | OpFailure
  updateVoucher: VoucherChangeSuccess | OpFailure
  removeVoucher: { ok: true; removed: string; batchSize?: number } | OpFailure
  addPool: PoolChangeSuccess | OpFailure
  updatePool: PoolChangeSuccess | OpFailure
  removePool: { ok: true; removed: string; batchSize?: number } | OpFailure
}

export interface PoolChangeSuccess {
  ok: true
  pool: CapacityPool
  batchSize?: number
}
export type OpResult<O extends InventoryOp = InventoryOp> = OpResults[O['type']]

export const SellingOpResult = t.Union([HoldSuccess, SettleResult, RefundResult, OpFailure])

// ---------------------------------------------------------------------------------------------
// Summary for catalog: GET /internal/events/summary?ids=a,b

export const EventsSummaryQuery = t.Object({ ids: t.String({ minLength: 1, maxLength: 100 * 25, description: 'comma-separated event ids (at most 100)' }) })
export const EventInventorySummary = t.Object({
  eventId: Id,
  /** Of admission (extras, `addOn`, left out), as are `currency`, `capacity` and `available`. */
  fromPriceCents: t.Union([t.Integer({ minimum: 0 }), t.Null()]),
  currency: t.Union([t.String(), t.Null()]),
  capacity: t.Integer({ minimum: 0 }),
  /** Every ticket, extras too, as are `held` and `refunded`. */
  sold: t.Integer({ minimum: 0 }),
  held: t.Integer({ minimum: 0 }),
  available: t.Integer({ minimum: 0 }),
  /** Sold and then refunded: the event had sales, so it is cancelled, never deleted. */
  refunded: t.Optional(t.Integer({ minimum: 0 })),
})
export type EventInventorySummary = Static<typeof EventInventorySummary>
export const EventsSummary = t.Object({ items: t.Array(EventInventorySummary) })
