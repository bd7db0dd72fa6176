// Money given back without tickets (an admin's goodwill refund): an amount of a paid order goes back to
// the card once, its tickets stay valid, and no refund after it gives back more than the order was paid:
// tickets refunded later give back their share of what is left, the rest of the order the rest.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { system } from '../support/system'

async function sale(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Goodwill ${Math.random().toString(36).slice(2, 6)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 5000, currency: 'EUR', capacity: 20, taxRateBasisPoints: 1900 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}
const buy = async (buyer: Session, eventId: string, typeId: string, quantity: number) => {
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity }], payment: { card: TEST_CARD } } })
  expect(r.status).toBe(201)
  return r.body as { id: string; totalCents: number; paymentId: string }
}
const refund = (who: Session, orderId: string, body: object, key: string = crypto.randomUUID()) => api(`/orders/${orderId}/refund`, { token: who.token, headers: { 'idempotency-key': key }, body })
const refundsOf = async (who: Session, paymentId: string) => ((await api(`/payments/${paymentId}`, { token: who.token })).body as { refunds: Array<{ amountCents: number }> }).refunds.map((r) => r.amountCents)
const soldOf = async (eventId: string) => (await api(`/events/${eventId}/availability`)).body.ticketTypes[0] as { sold: number; available: number }

describe('giving back an amount of an order', () => {
  test('an admin gives back part of the money once; the tickets stay valid; later refunds give back only their share of what is left', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('goodwill')
    const order = await buy(buyer, eventId, typeId, 2)
    expect(order.totalCents).toBe(10_000)

    const key = crypto.randomUUID()
    const given = await refund(admin, order.id, { amountCents: 2500, reason: 'the show started an hour late' }, key)
    expect(given.status).toBe(200)
    expect(given.body).toMatchObject({ status: 'paid', refundedCents: 2500, totalCents: 10_000 })
    // The same request again: the same answer, no second refund. The same key with another amount: 409.
    const again = await refund(admin, order.id, { amountCents: 2500, reason: 'the show started an hour late' }, key)
    expect(again.status).toBe(200)
    expect(again.body.refundedCents).toBe(2500)
    expect((await refund(admin, order.id, { amountCents: 3000, reason: 'the show started an hour late' }, key)).status).toBe(409)
    expect(await refundsOf(buyer, order.paymentId)).toEqual([2500])
    expect((await api(`/orders/${order.id}`, { token: buyer.token })).body).toMatchObject({ status: 'paid', refundedCents: 2500 })
    // The lists say it too: the buyer's, and the admin's of the event; an order nothing went back from has none.
    const elsewhere = await sale(admin)
    const other = await buy(buyer, elsewhere.eventId, elsewhere.typeId, 1)
    const listed = async (who: Session, query: string) => Object.fromEntries(((await api(`/orders${query}`, { token: who.token })).body.items as Array<{ id: string; refundedCents?: number }>).map((o) => [o.id, o.refundedCents]))
    for (const [who, query] of [
      [buyer, ''],
      [admin, `?userId=${buyer.user.id}`],
    ] as const) {
      const seen = await listed(who, query)
      expect([seen[order.id], seen[other.id], other.id in seen]).toEqual([2500, undefined, true])
    }
    expect(await listed(admin, `?eventId=${eventId}`)).toEqual({ [order.id]: 2500 })
    // A second admin answering the same complaint from a page that showed nothing refunded: 409, nothing moves.
    const stale = await refund(admin, order.id, { amountCents: 2500, expectedRefundedCents: 0 })
    expect(stale.status).toBe(409)
    expect(stale.body.error.details).toEqual({ refundedCents: 2500 })
    expect((await refund(admin, order.id, { expectedRefundedCents: 0 })).status).toBe(400)
    expect(await refundsOf(buyer, order.paymentId)).toEqual([2500])
    // The receipt says it, and that the tickets stay valid.
    const receipt = await fetch(`${system().gatewayUrl}/api/orders/${order.id}/receipt`, { headers: { authorization: `Bearer ${buyer.token}` } })
    expect((await pdfPages(new Uint8Array(await receipt.arrayBuffer())))[0]).toContain('Refunded €25.00 of the price on')

    // Nothing else moved: the tickets are valid (one is let in), the seats still sold.
    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string; status: string }>
    expect(tickets.map((t) => t.status)).toEqual(['valid', 'valid'])
    expect(await soldOf(eventId)).toMatchObject({ sold: 2, available: 18 })

    // Refused, and nothing moves: a buyer; more than is left; with tickets too; not a whole positive number.
    const byBuyer = await refund(buyer, order.id, { amountCents: 100 })
    expect(byBuyer.status).toBe(403)
    // All that is left (or more) is the order's refund, not an amount.
    for (const amountCents of [7501, 7500]) {
      const tooMuch = await refund(admin, order.id, { amountCents })
      expect(tooMuch.status).toBe(409)
      expect(tooMuch.body.error.details).toEqual({ leftCents: 7500 })
    }
    expect((await refund(admin, order.id, { amountCents: 100, ticketIds: [tickets[0]!.id] })).status).toBe(400)
    for (const amountCents of [0, -5, 12.5, '100']) {
      const bad = await refund(admin, order.id, { amountCents })
      expect(bad.status).toBe(400)
      expect(errorCode(bad)).toBe('VALIDATION')
    }
    expect(await refundsOf(buyer, order.paymentId)).toEqual([2500])

    // One ticket given back now: its share of the 75.00 left (half), not its 50.00; it alone is no longer valid.
    expect((await refund(buyer, order.id, { ticketIds: [tickets[1]!.id] })).body).toMatchObject({ status: 'paid', refundedCents: 6250 })
    expect(await refundsOf(buyer, order.paymentId)).toEqual([2500, 3750])
    expect(await soldOf(eventId)).toMatchObject({ sold: 1, available: 19 })
    expect((await api('/checkins', { token: admin.token, body: { code: tickets[0]!.code } })).status).toBe(200)
    // Decided on what the order shows now, a further amount goes through (then given back with the rest below).
    expect((await refund(admin, order.id, { amountCents: 1, expectedRefundedCents: 6250 })).body).toMatchObject({ status: 'paid', refundedCents: 6251 })
    // The rest of the order: the 37.49 left, never more than was paid.
    const rest = await refund(admin, order.id, {})
    expect(rest.status).toBe(200)
    expect(rest.body.status).toBe('refunded')
    // A refunded order gave back all it was paid: no running sum.
    expect(rest.body.refundedCents).toBeUndefined()
    expect(await refundsOf(buyer, order.paymentId)).toEqual([2500, 3750, 1, 3749])
    expect((await api(`/payments/${order.paymentId}`, { token: buyer.token })).body.status).toBe('refunded')
    // Nothing is left to give back.
    expect((await refund(admin, order.id, { amountCents: 1 })).status).toBe(409)

    // The buyer was told that the tickets stay valid; the sales report counts the money back.
    const told = await eventually('the notification', async () => {
      const items = (await api('/notifications', { token: buyer.token })).body.items as Array<{ body: string; data: { orderId?: string; ticketCount?: number; amountCents?: number } }>
      return items.find((n) => n.data.orderId === order.id && n.data.ticketCount === 0 && n.data.amountCents === 2500)
    })
    expect(told.body).toBe('Part of what your order cost was refunded: €25.00 goes back to your card. Your tickets stay valid.')
    const sales = await eventually('the sales report', async () => {
      const r = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
      return r.refundsUnderWay === 0 && r
    })
    expect(sales.money).toEqual([{ currency: 'EUR', takenCents: 10_000, discountCents: 0, refundedCents: 10_000, refundingCents: 0, netCents: 0 }])
  })

  test('the sales report keeps the tax of what the order still holds; a free order has nothing to give back', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('goodwill-report')
    const order = await buy(buyer, eventId, typeId, 1)
    expect((await refund(admin, order.id, { amountCents: 1000 })).status).toBe(200)
    const sales = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
    expect(sales.money[0]).toMatchObject({ takenCents: 5000, refundedCents: 1000, netCents: 4000 })
    // 40.00 left at 19 %: 6.39 tax.
    expect(sales.taxes).toEqual([{ currency: 'EUR', rateBasisPoints: 1900, grossCents: 4000, taxCents: 639, netCents: 3361 }])

    const free = await api(`/events/${eventId}/complimentary`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { email: 'friend@example.test', items: [{ ticketTypeId: typeId, quantity: 1 }] } })
    expect(free.status).toBe(201)
    const nothing = await refund(admin, free.body.id, { amountCents: 1 })
    expect(nothing.status).toBe(409)
    expect(nothing.body.error.details).toEqual({ leftCents: 0 })
    // A reserved order is not paid: nothing to give back either.
    const held = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }] } })
    expect((await refund(admin, held.body.id, { amountCents: 100 })).status).toBe(409)
  })
})
