// The rules of orders that need no I/O: how lines merge, what status an order reads, what a client
// sees of it, what a ticket code looks like, how idempotent bodies compare, which fields are refused.
import { describe, expect, test } from 'bun:test'
import { CreateOrderBody } from '@easypass/contracts/orders'
import { AppError, rejectUnknownFields } from '@easypass/kit'
import type { OrderDoc, TransitionDoc } from '../src/db'
import { hashBody } from '../src/modules/idempotency/service'
import { settleFact } from '../src/modules/orders/settlement'
import { statusOf, toOrder, type OrderState } from '../src/modules/orders/store'
import { mergeLines } from '../src/modules/purchase/service'
import { newTicketCode, qrSvg, ticketIdsOf } from '../src/modules/tickets/service'

const A = 'a'.repeat(24)
const B = 'b'.repeat(24)
const NOW = Date.parse('2027-01-01T12:00:00Z')

function order(overrides: Partial<OrderDoc> = {}): OrderDoc {
  return {
    _id: 'c'.repeat(24),
    userId: 'd'.repeat(24),
    eventId: 'e'.repeat(24),
    eventTitle: 'Jazz night',
    items: [
      { ticketTypeId: A, name: 'Standing', quantity: 2, unitPriceCents: 4500 },
      { ticketTypeId: B, name: 'Seated', quantity: 1, unitPriceCents: 6000 },
    ],
    totalCents: 15000,
    currency: 'EUR',
    initialStatus: 'reserved',
    priced: true,
    expiresAt: new Date(NOW + 600_000),
    createdAt: new Date(NOW),
    status: 'reserved',
    ...overrides,
  }
}
const transition = (kind: TransitionDoc['kind'], to?: TransitionDoc['to'], extra: Partial<TransitionDoc> = {}): TransitionDoc => ({
  _id: `x:${kind}`,
  orderId: 'c'.repeat(24),
  kind,
  ...(to ? { to } : {}),
  at: new Date(NOW + 1000),
  ...extra,
})

describe('lines', () => {
  test('lines of one ticket type are added together, whatever the case of the id', () => {
    expect(mergeLines([{ ticketTypeId: A, quantity: 2 }, { ticketTypeId: B, quantity: 1 }, { ticketTypeId: A.toUpperCase(), quantity: 3 }])).toEqual([
      { ticketTypeId: A, quantity: 5 },
      { ticketTypeId: B, quantity: 1 },
    ])
  })
  test('the sum obeys the per-line limit', () => {
    expect(() => mergeLines([{ ticketTypeId: A, quantity: 60 }, { ticketTypeId: A, quantity: 41 }])).toThrow(AppError)
    expect(mergeLines([{ ticketTypeId: A, quantity: 60 }, { ticketTypeId: A, quantity: 40 }])).toEqual([{ ticketTypeId: A, quantity: 100 }])
  })
})

describe('status', () => {
  test('a refund wins over everything, then the settle, then the initial status', () => {
    const doc = order()
    expect(statusOf({ doc }, NOW)).toBe('reserved')
    expect(statusOf({ doc: order({ initialStatus: 'pending' }) }, NOW)).toBe('pending')
    expect(statusOf({ doc, settle: transition('settle', 'paid') }, NOW)).toBe('paid')
    expect(statusOf({ doc, settle: transition('settle', 'paid'), refund: transition('refund', 'refunded') }, NOW)).toBe('refunded')
  })
  test('a reservation past its hold reads expired before the expiry is recorded; a pending order never does', () => {
    const late = NOW + 600_001
    expect(statusOf({ doc: order() }, late)).toBe('expired')
    expect(statusOf({ doc: order({ initialStatus: 'pending' }) }, late)).toBe('pending')
    expect(statusOf({ doc: order(), settle: transition('settle', 'paid') }, late)).toBe('paid')
  })
})

describe('the order a client sees', () => {
  test('ids as strings, no internals; the payment, refund and reason when there are some', () => {
    const state: OrderState = { doc: order(), settle: transition('settle', 'paid', { paymentId: 'f'.repeat(24) }), refund: null, refundDone: null }
    const view = toOrder(state, NOW)
    expect(view).toEqual({
      id: 'c'.repeat(24),
      userId: 'd'.repeat(24),
      eventId: 'e'.repeat(24),
      eventTitle: 'Jazz night',
      items: order().items,
      totalCents: 15000,
      currency: 'EUR',
      status: 'paid',
      paymentId: 'f'.repeat(24),
      createdAt: new Date(NOW).toISOString(),
      updatedAt: new Date(NOW + 1000).toISOString(),
    })
    expect(toOrder({ doc: order() }, NOW).expiresAt).toBe(new Date(NOW + 600_000).toISOString())
    const failed = toOrder({ doc: order(), settle: transition('settle', 'failed', { error: { status: 402, code: 'PAYMENT_DECLINED', message: 'Your card was declined.' } }) }, NOW)
    expect(failed.failureReason).toBe('Your card was declined.')
    expect(failed.expiresAt).toBeUndefined()
    expect(toOrder({ ...state, refund: transition('refund', 'refunded'), refundDone: transition('refund-done', undefined, { refundId: 'r1' }) }, NOW).refundId).toBe('r1')
  })
})

describe('facts', () => {
  test('each end has one fact with a deterministic id; a paid order lists every ticket', () => {
    const doc = order({ userEmail: 'ada@example.com', eventStartsAt: new Date(NOW + 86_400_000) })
    const paid = settleFact(doc, transition('settle', 'paid', { paymentId: 'f'.repeat(24) }))!
    expect(paid.id).toBe(`order-paid:${doc._id}`)
    expect(paid.subject).toBe('orders.order-paid')
    expect(paid.data).toMatchObject({ ticketIds: [`${doc._id}-1`, `${doc._id}-2`, `${doc._id}-3`], userEmail: 'ada@example.com', totalCents: 15000, paymentId: 'f'.repeat(24) })
    expect(settleFact(doc, transition('settle', 'expired'))!.id).toBe(`order-expired:${doc._id}`)
    expect(settleFact(doc, transition('settle', 'cancelled'))!.id).toBe(`order-cancelled:${doc._id}`)
    expect(settleFact(doc, transition('settle', 'failed'))!.id).toBe(`order-failed:${doc._id}`)
    expect(ticketIdsOf(doc)).toHaveLength(3)
    // Extras bought later say which paid order they go with (the email and webhooks link the two); others do not.
    expect(paid.data).not.toHaveProperty('addOnTo')
    expect(settleFact({ ...doc, addOnTo: A }, transition('settle', 'paid', { paymentId: 'f'.repeat(24) }))!.data).toMatchObject({ addOnTo: A })
  })
})

describe('tickets', () => {
  test('codes are 128 random bits in 26 base32 characters, never repeated', () => {
    const codes = new Set(Array.from({ length: 5000 }, newTicketCode))
    expect(codes.size).toBe(5000)
    for (const code of [...codes].slice(0, 50)) expect(code).toMatch(/^[A-Z2-7]{26}$/)
  })
  test('the QR code is an SVG document', async () => {
    const svg = await qrSvg(newTicketCode())
    expect(svg).toStartWith('<svg')
    expect(svg).toContain('</svg>')
  })
})

describe('request bodies', () => {
  test('an idempotent body compares by content, not key order', () => {
    expect(hashBody({ eventId: A, items: [{ ticketTypeId: B, quantity: 1 }] })).toBe(hashBody({ items: [{ quantity: 1, ticketTypeId: B }], eventId: A }))
    expect(hashBody({ eventId: A, items: [{ ticketTypeId: B, quantity: 1 }] })).not.toBe(hashBody({ eventId: A, items: [{ ticketTypeId: B, quantity: 2 }] }))
    expect(hashBody(undefined)).toBe(hashBody(null))
  })
  test('fields the schema does not know are refused at any depth', () => {
    const check = rejectUnknownFields(CreateOrderBody)
    const ok = { eventId: A, items: [{ ticketTypeId: B, quantity: 1 }], payment: { card: { number: '4242424242424242', expMonth: 1, expYear: 2030, cvc: '123' } } }
    expect(() => check({ body: ok })).not.toThrow()
    const refused = (body: unknown) => {
      try {
        check({ body })
      } catch (error) {
        return (error as AppError).details
      }
      return undefined
    }
    expect(refused({ ...ok, totalCents: 1 })).toEqual({ fields: [expect.objectContaining({ path: 'totalCents' })] })
    expect(refused({ ...ok, items: [{ ticketTypeId: B, quantity: 1, unitPriceCents: 1 }] })).toEqual({ fields: [expect.objectContaining({ path: 'items.0.unitPriceCents' })] })
    expect(refused({ ...ok, payment: { card: { ...ok.payment.card, pin: '1' } } })).toEqual({ fields: [expect.objectContaining({ path: 'payment.card.pin' })] })
  })
})
