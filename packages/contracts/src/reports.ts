// An organiser's view of one event (orders service, web app): who comes (the attendee list, also as a
// CSV file) and what the event sold (the sales report). Admins only.
import { t, type Static } from 'elysia'
import { Id, IsoDate, PageQuery } from './common'
import { ORDER_STATUSES, type TicketStatus } from './orders'

/** A ticket of the list: sold and still valid, admitted at the door, or refunded (the ticket statuses but `transferred`: the list shows who holds it now). */
export const ATTENDEE_STATUSES = ['valid', 'checked_in', 'refunded'] as const satisfies readonly TicketStatus[]

const attendeeFilters = {
  q: t.Optional(t.String({ maxLength: 200, description: 'part of a name or an email address, or a ticket or order id' })),
  // Not UnionEnum: in a query, Elysia fills a missing UnionEnum in with its first value.
  status: t.Optional(t.Union(ATTENDEE_STATUSES.map((s) => t.Literal(s)))),
  ticketTypeId: t.Optional(Id),
}
/** The CSV file: every matching ticket, no pages. */
export const AttendeesFilter = t.Object(attendeeFilters)
export type AttendeesFilter = Static<typeof AttendeesFilter>
export const AttendeesQuery = t.Object({ ...PageQuery, ...attendeeFilters })
export type AttendeesQuery = Static<typeof AttendeesQuery>

export const Attendee = t.Object(
  {
    ticketId: t.String({ examples: ['665f1c2b9d3e4a0012345678-1'] }),
    orderId: Id,
    ticketTypeId: Id,
    ticketTypeName: t.Optional(t.String()),
    seat: t.Optional(t.String({ description: 'its numbered seat, when its type has them', examples: ['B-12'] })),
    addOn: t.Optional(t.Literal(true, { description: 'an extra (parking, a T-shirt…) bought with admission, not an admission ticket itself' })),
    status: t.UnionEnum(ATTENDEE_STATUSES),
    attendeeName: t.Optional(t.String({ description: 'the name on the ticket (as it was at the door, once admitted)' })),
    holderEmail: t.Optional(t.String({ description: 'whoever holds the ticket: its buyer, or who it was passed on to' })),
    buyerEmail: t.Optional(t.String()),
    passedOn: t.Boolean({ description: 'its buyer passed it on to someone else, who holds it now' }),
    code: t.Optional(t.String({ description: 'admins only: the code its QR holds now (not on a refunded ticket). Door staff check a guest in by `ticketId` (POST /api/checkins)' })),
    checkedInAt: t.Optional(IsoDate),
    boughtAt: IsoDate,
  },
  { title: 'Attendee' },
)
export type Attendee = Static<typeof Attendee>

export const AttendeeCounts = t.Object(
  {
    tickets: t.Integer({ minimum: 0, description: 'every ticket sold, refunded ones included' }),
    valid: t.Integer({ minimum: 0 }),
    checkedIn: t.Integer({ minimum: 0 }),
    refunded: t.Integer({ minimum: 0 }),
  },
  { title: 'AttendeeCounts', description: 'of the whole event, whatever the filters' },
)
export type AttendeeCounts = Static<typeof AttendeeCounts>

export const AttendeeList = t.Object(
  {
    eventId: Id,
    items: t.Array(Attendee),
    total: t.Integer({ minimum: 0, description: 'tickets matching the filters' }),
    page: t.Integer({ minimum: 1 }),
    limit: t.Integer({ minimum: 1, maximum: 100 }),
    counts: AttendeeCounts,
  },
  { title: 'AttendeeList' },
)
export type AttendeeList = Static<typeof AttendeeList>

/** How a ticket code is known to a door's offline list: SHA-256 of the code in capitals, as 64 hex digits. */
export const DOOR_HASH = 'SHA-256 of the code in capitals, hex'
export const DoorListTicket = t.Object(
  {
    hash: t.String({ pattern: '^[0-9a-f]{64}$', description: `its current code's ${DOOR_HASH}: the door recognises a scanned code without holding codes it could pass on` }),
    ticketId: t.String(),
    ticketTypeName: t.Optional(t.String()),
    addOn: t.Optional(t.Literal(true, { description: 'an extra (parking, a T-shirt): not admission by itself' })),
    seat: t.Optional(t.String()),
    attendeeName: t.Optional(t.String()),
    checkedInAt: t.Optional(IsoDate),
  },
  { title: 'DoorListTicket' },
)
export const DoorList = t.Object(
  {
    eventId: Id,
    at: IsoDate,
    tickets: t.Array(DoorListTicket, { description: 'every ticket that admits or admitted someone (refunded ones and replaced codes left out)' }),
    cancelled: t.Optional(t.Literal(true, { description: 'the event was cancelled: no ticket admits (the list is empty)' })),
  },
  { title: 'DoorList' },
)
export type DoorList = Static<typeof DoorList>

const Count = t.Integer({ minimum: 0 })
const Cents = t.Integer({ minimum: 0 })

export const SalesReport = t.Object(
  {
    eventId: Id,
    orders: t.Object(Object.fromEntries(ORDER_STATUSES.map((s) => [s, Count])) as Record<(typeof ORDER_STATUSES)[number], typeof Count>, {
      description: 'orders of the event by their status now',
    }),
    refundsUnderWay: t.Integer({ minimum: 0, description: 'refunded orders whose money is not back with the buyer yet' }),
    unpricedOrders: t.Integer({
      minimum: 0,
      description: 'paid or refunded orders answered before ticketing priced them (202) and not priced since: their tickets are counted, their money is not in the sums',
    }),
    ticketTypes: t.Array(
      t.Object({
        ticketTypeId: Id,
        name: t.String(),
        currency: t.String({ description: 'a line per type and currency: a type whose currency changed after some sales has one for each' }),
        addOn: t.Optional(t.Literal(true, { description: 'an extra, sold with admission tickets' })),
        sold: t.Integer({ minimum: 0, description: 'tickets of orders that are paid (not refunded)' }),
        complimentary: t.Optional(t.Integer({ minimum: 1, description: 'of `sold`, given free by an admin (POST /api/events/{id}/complimentary); absent: none' })),
        atTheDoor: t.Optional(t.Integer({ minimum: 1, description: 'of `sold`, sold at the door (POST /api/events/{id}/box-office); absent: none' })),
        refunded: Count,
        checkedIn: Count,
        salesCents: t.Integer({ minimum: 0, description: 'sold × the price each was sold at, before any voucher' }),
      }),
    ),
    money: t.Array(
      t.Object(
        {
          currency: t.String({ examples: ['EUR'] }),
          takenCents: t.Integer({ minimum: 0, description: 'what buyers paid, refunded orders included' }),
          discountCents: t.Integer({ minimum: 0, description: 'what vouchers took off the orders that are paid' }),
          refundedCents: Cents,
          refundingCents: t.Integer({ minimum: 0, description: 'being given back (refunds under way)' }),
          netCents: t.Integer({ description: 'taken − refunded − refunding' }),
          atTheDoor: t.Optional(
            t.Object(
              {
                cashCents: t.Integer({ minimum: 0, description: 'taken in cash at the door, refunded sales included' }),
                cashPaidBackCents: t.Integer({ minimum: 0, description: 'of that, to be paid back in cash (refunds of cash sales): the till holds cashCents − cashPaidBackCents' }),
                terminalCents: t.Integer({ minimum: 0, description: "taken on the venue's card terminal at the door, refunded sales included" }),
                terminalPaidBackCents: t.Integer({ minimum: 0, description: 'of that, to be refunded on the terminal' }),
              },
              { description: 'of `takenCents`, sold at the door and paid there, outside the card gateway; absent: no sale at the door' },
            ),
          ),
        },
        { description: 'one line per currency the event sold in' },
      ),
    ),
    taxes: t.Array(
      t.Object(
        {
          currency: t.String({ examples: ['EUR'] }),
          rateBasisPoints: t.Integer({ minimum: 0, maximum: 10_000, examples: [1900] }),
          grossCents: Cents,
          taxCents: Cents,
          netCents: Cents,
        },
        { description: "the tax the paid orders' prices include, per currency and rate: the sum of each order's own (as its invoice shows it); refunded orders are left out; empty when no order's lines carry a rate" },
      ),
    ),
    generatedAt: IsoDate,
  },
  { title: 'SalesReport' },
)
export type SalesReport = Static<typeof SalesReport>
