// Refunding some tickets of a paid order: each ticket back at what it cost (its price less its share of
// the voucher), no longer valid at once, its seat back on sale; the rest of the order stays paid and
// valid. Money and seats move once per ticket, whatever comes twice or at once, and the last tickets
// given back are the order's refund (the rest of its money).
import { describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import mongoose from 'mongoose'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { system } from '../support/system'

async function sale(admin: Session, capacity = 20) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Part refunds ${Math.random().toString(36).slice(2, 6)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Concert', priceCents: 5000, currency: 'EUR', capacity, maxPerOrder: 10, taxRateBasisPoints: 1900 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}

const buy = async (buyer: Session, eventId: string, typeId: string, quantity: number, voucherCode?: string) => {
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity }], payment: { card: TEST_CARD }, ...(voucherCode ? { voucherCode } : {}) } })
  expect(r.status).toBe(201)
  return r.body as { id: string; totalCents: number; paymentId: string }
}
const refund = (who: Session, orderId: string, body: object, key: string = crypto.randomUUID()) => api(`/orders/${orderId}/refund`, { token: who.token, headers: { 'idempotency-key': key }, body })
const ticketsOf = async (who: Session, orderId: string) => (await api(`/orders/${orderId}/tickets`, { token: who.token })).body as Array<{ id: string; code: string; status: string }>
const soldOf = async (eventId: string, typeId: string) => (await api(`/events/${eventId}/availability`)).body.ticketTypes.find((t: { id: string }) => t.id === typeId) as { sold: number; available: number }
const refundsOf = async (who: Session, paymentId: string) => (await api(`/payments/${paymentId}`, { token: who.token })).body as { status: string; refunds: Array<{ amountCents: number }> }

describe('refunding some tickets of an order', () => {
  test('each ticket back at what it cost, invalid at once, its seat on sale again; the last ones are the order’s refund', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    expect((await api(`/events/${eventId}/vouchers`, { token: admin.token, body: { code: 'TENOFF', amountOffCents: 333, currency: 'EUR', maxUses: 5 } })).status).toBe(201)
    const buyer = await registerUser('part-refund')
    // 3 × 50.00 less 3.33 each: 140.01.
    const order = await buy(buyer, eventId, typeId, 3, 'tenoff')
    expect(order.totalCents).toBe(14_001)
    const [t1, t2, t3] = await ticketsOf(buyer, order.id)
    const before = await soldOf(eventId, typeId)

    const first = await refund(buyer, order.id, { ticketIds: [t2!.id], reason: 'a friend cannot come' })
    expect(first.status).toBe(200)
    expect(first.body.status).toBe('paid')
    expect((await ticketsOf(buyer, order.id)).map((t) => t.status)).toEqual(['valid', 'refunded', 'valid'])
    expect((await refundsOf(buyer, order.paymentId))).toMatchObject({ status: 'succeeded', refunds: [{ amountCents: 4_667 }] })
    expect(await soldOf(eventId, typeId)).toMatchObject({ sold: before.sold - 1, available: before.available + 1 })
    // At the door: the refunded ticket is gone, the others are fine.
    const gone = await api('/checkins', { token: admin.token, body: { code: t2!.code } })
    expect(gone.status).toBe(410)
    expect((await api('/checkins', { token: admin.token, body: { code: t1!.code } })).status).toBe(200)
    // Passed on, printed or named: not a refunded ticket.
    expect((await api(`/tickets/${t2!.id}/transfer`, { token: buyer.token, body: { email: 'friend@example.test' } })).status).toBe(409)

    // The same ticket again, under another key: 409 and no money; a ticket of another order: 400.
    const again = await refund(buyer, order.id, { ticketIds: [t2!.id] })
    expect(again.status).toBe(409)
    expect(errorCode(again)).toBe('CONFLICT')
    const stranger = await refund(buyer, order.id, { ticketIds: ['665f1c2b9d3e4a0012345678-1'] })
    expect(stranger.status).toBe(400)
    expect((await refundsOf(buyer, order.paymentId)).refunds).toHaveLength(1)

    // The buyer cannot give back a ticket used at the door, nor the whole order now; an admin can.
    expect((await refund(buyer, order.id, { ticketIds: [t1!.id] })).status).toBe(403)
    expect((await refund(buyer, order.id, {})).status).toBe(403)
    const second = await refund(buyer, order.id, { ticketIds: [t3!.id] })
    expect(second.status).toBe(200)
    expect(second.body.status).toBe('paid')
    // The last ticket still standing: the order's refund, with the rest of the money (the odd cent included).
    const last = await refund(admin, order.id, { ticketIds: [t1!.id] })
    expect(last.status).toBe(200)
    expect(last.body.status).toBe('refunded')
    const payment = await refundsOf(buyer, order.paymentId)
    expect(payment.status).toBe('refunded')
    expect(payment.refunds.map((r) => r.amountCents)).toEqual([4_667, 4_667, 4_667])
    expect(await soldOf(eventId, typeId)).toMatchObject({ sold: before.sold - 3, available: before.available + 3 })
    const sales = await eventually('the sales report', async () => {
      const r = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
      return r.refundsUnderWay === 0 && r
    })
    expect(sales.money).toEqual([{ currency: 'EUR', takenCents: 14_001, discountCents: 0, refundedCents: 14_001, refundingCents: 0, netCents: 0 }])
    // The buyer was told of each.
    const told = await eventually('the notifications', async () => {
      const items = (await api('/notifications', { token: buyer.token })).body.items as Array<{ type: string; data: { orderId?: string; ticketCount?: number } }>
      const mine = items.filter((n) => n.type === 'order-refunded' && n.data.orderId === order.id)
      return mine.length === 3 && mine
    })
    expect(told.map((n) => n.data.ticketCount ?? 'all').sort()).toEqual([1, 1, 'all'])
  })

  test('the receipt lists a ticket given back; the sales report counts its money and leaves its tax out', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('part-receipt')
    const order = await buy(buyer, eventId, typeId, 2)
    const [, t2] = await ticketsOf(buyer, order.id)
    expect((await refund(buyer, order.id, { ticketIds: [t2!.id] })).status).toBe(200)
    const receipt = await fetch(`${system().gatewayUrl}/api/orders/${order.id}/receipt`, { headers: { authorization: `Bearer ${buyer.token}` } })
    const [page] = await pdfPages(new Uint8Array(await receipt.arrayBuffer()))
    expect(page).toContain('Refunded €50.00 for 1 ticket')
    const sales = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
    expect(sales.money).toEqual([{ currency: 'EUR', takenCents: 10_000, discountCents: 0, refundedCents: 5_000, refundingCents: 0, netCents: 5_000 }])
    // 50.00 still sold at 19 %: 7.98 tax.
    expect(sales.taxes).toEqual([{ currency: 'EUR', rateBasisPoints: 1900, grossCents: 5_000, taxCents: 798, netCents: 4_202 }])
    expect(sales.ticketTypes[0]).toMatchObject({ sold: 1, refunded: 1 })
    // The rest refunded later: the receipt still lists the part, and the rest's refund is what it left.
    expect((await refund(admin, order.id, { reason: 'the rest' })).status).toBe(200)
    const after = await fetch(`${system().gatewayUrl}/api/orders/${order.id}/receipt`, { headers: { authorization: `Bearer ${buyer.token}` } })
    const [again] = await pdfPages(new Uint8Array(await after.arrayBuffer()))
    expect(again).toContain('Refunded €50.00 for 1 ticket')
    expect(again).toContain('Refunded €50.00 on')
    expect(again).not.toContain('€100.00 on')
  })

  test('at once: different tickets are each given back once; the same ticket under two keys once, the other 409; a request sent again is answered again', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('part-race')
    const order = await buy(buyer, eventId, typeId, 4)
    const [t1, t2, t3] = await ticketsOf(buyer, order.id)
    const answers = await Promise.all([refund(buyer, order.id, { ticketIds: [t1!.id] }), refund(buyer, order.id, { ticketIds: [t2!.id] }), refund(buyer, order.id, { ticketIds: [t3!.id] }), refund(buyer, order.id, { ticketIds: [t3!.id] })])
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 409])
    const payment = await refundsOf(buyer, order.paymentId)
    expect(payment.refunds.map((r) => r.amountCents)).toEqual([5_000, 5_000, 5_000])
    expect((await ticketsOf(buyer, order.id)).filter((t) => t.status === 'refunded')).toHaveLength(3)
    expect((await soldOf(eventId, typeId)).sold).toBe(1)
    // The same request sent again (its answer lost) is answered again, and moves nothing more; the same
    // key with other tickets is another request: 409.
    const key = crypto.randomUUID()
    const t4 = (await ticketsOf(buyer, order.id)).find((t) => t.status === 'valid')!
    const once = await refund(buyer, order.id, { ticketIds: [t4.id] }, key)
    expect(once.status).toBe(200)
    expect(once.body.status).toBe('refunded')
    const replay = await refund(buyer, order.id, { ticketIds: [t4.id] }, key)
    expect(replay.status).toBe(200)
    expect(replay.body).toEqual(once.body)
    expect((await refund(buyer, order.id, { ticketIds: [t1!.id] }, key)).status).toBe(409)
    expect((await refundsOf(buyer, order.paymentId)).refunds.map((r) => r.amountCents)).toEqual([5_000, 5_000, 5_000, 5_000])
  })

  test('a part left open whose mark Redis lost is found in the database and finished: the money and the seat come back', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('part-unmarked')
    const order = await buy(buyer, eventId, typeId, 2)
    const [t1] = await ticketsOf(buyer, order.id)
    const sys = system()
    const redis = new RedisClient(sys.env.REDIS_URL!)
    try {
      await sys.stop('orders-worker')
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500', RECONCILE_AFTER_MS: '2000' })
      await sys.stop('ticketing-worker')
      const cut = await refund(buyer, order.id, { ticketIds: [t1!.id] })
      expect(cut.status).toBe(202)
      // Redis loses the order's mark (a failover, or the mark taken off by a look begun before the part).
      await redis.send('ZREM', [`${sys.env.REDIS_PREFIX}:orders:dirty`, order.id])
      await sys.start('ticketing-worker')
      await Bun.sleep(2_500)
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '2000', RECONCILE_INTERVAL_MS: '500' })
      // The part is finished (it no longer counts as under way), the seat is back, the money back once.
      await eventually('the part finished', async () => (await api(`/events/${eventId}/sales`, { token: admin.token })).body.refundsUnderWay === 0, 30_000, 250)
      expect((await soldOf(eventId, typeId)).sold).toBe(1)
      expect((await refundsOf(buyer, order.paymentId)).refunds.map((r) => r.amountCents)).toEqual([5_000])
    } finally {
      redis.close()
      for (const name of ['ticketing-worker', 'orders', 'orders-worker']) {
        await sys.stop(name).catch(() => {})
        await sys.start(name)
      }
    }
  }, 90_000)

  test('cut short (ticketing away): the ticket is invalid at once and its money back; no other part starts meanwhile; the rest of the order waits for it; all finished once ticketing is back', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin)
    const buyer = await registerUser('part-later')
    const order = await buy(buyer, eventId, typeId, 2)
    const [t1, t2] = await ticketsOf(buyer, order.id)
    const sys = system()
    try {
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500', RECONCILE_AFTER_MS: '2000' })
      await sys.stop('orders-worker')
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '2000', RECONCILE_INTERVAL_MS: '500' })
      await sys.stop('ticketing-worker')
      const cut = await refund(buyer, order.id, { ticketIds: [t1!.id] })
      expect(cut.status).toBe(202)
      expect((await ticketsOf(buyer, order.id)).map((t) => t.status)).toEqual(['refunded', 'valid'])
      expect((await api('/checkins', { token: admin.token, body: { code: t1!.code } })).status).toBe(410)
      expect((await refundsOf(buyer, order.paymentId)).refunds.map((r) => r.amountCents)).toEqual([5_000])
      // Another part waits until this one is done (503, nothing recorded, the ticket still valid).
      const waiting = await refund(buyer, order.id, { ticketIds: [t2!.id] })
      expect(waiting.status).toBe(503)
      expect((await ticketsOf(buyer, order.id)).map((t) => t.status)).toEqual(['refunded', 'valid'])
      // The rest of the order (an admin, or the event's cancellation) is recorded, and waits for the part too.
      const rest = await refund(admin, order.id, {})
      expect(rest.status).toBe(202)
      await sys.start('ticketing-worker')
      await eventually('both seats back on sale', async () => (await soldOf(eventId, typeId)).sold === 0, 30_000, 250)
      await eventually('the refunds finished', async () => (await api(`/events/${eventId}/sales`, { token: admin.token })).body.refundsUnderWay === 0, 30_000, 250)
      // The part, then the rest: 100.00 in all, never more.
      const payment = await refundsOf(buyer, order.paymentId)
      expect(payment.status).toBe('refunded')
      expect(payment.refunds.map((r) => r.amountCents)).toEqual([5_000, 5_000])
      expect((await api(`/orders/${order.id}`, { token: buyer.token })).body.status).toBe('refunded')
    } finally {
      for (const name of ['ticketing-worker', 'orders', 'orders-worker']) {
        await sys.stop(name).catch(() => {})
        await sys.start(name)
      }
    }
  }, 90_000)
})

describe('a refund the gateway refuses after it was recorded', () => {
  test('is answered 202 (recorded, carried out later) under its key, not a refusal the key keeps; a retry once the gateway takes it carries it out, once', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await sale(admin, 5)
    const buyer = await registerUser('refused-refund')
    const order = await buy(buyer, eventId, typeId, 2)
    const env = system().env
    const payments = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_payments` }).asPromise()
    try {
      const result = await payments.db!.collection('payment_results').findOne({ _id: order.paymentId as never })
      const charges = payments.db!.collection('sandbox_charges')
      // The gateway will not pay this charge back for now.
      expect((await charges.updateOne({ ref: result!.providerRef }, { $set: { status: 'declined' } })).modifiedCount).toBe(1)
      const key = crypto.randomUUID()
      for (let i = 0; i < 2; i++) {
        const refused = await refund(buyer, order.id, { reason: 'cannot come' }, key)
        expect(refused.status).toBe(202)
        expect(refused.body.status).toBe('refunded')
      }
      expect((await refundsOf(buyer, order.paymentId)).refunds).toHaveLength(0)
      expect((await ticketsOf(buyer, order.id)).map((t) => t.status)).toEqual(['refunded', 'refunded'])

      await charges.updateOne({ ref: result!.providerRef }, { $set: { status: 'succeeded' } })
      const done = await refund(buyer, order.id, { reason: 'cannot come' }, key)
      expect(done.status).toBe(200)
      expect((await refundsOf(buyer, order.paymentId))).toMatchObject({ status: 'refunded', refunds: [{ amountCents: 10_000 }] })
      expect(await soldOf(eventId, typeId)).toMatchObject({ sold: 0, available: 5 })
      expect(await payments.db!.collection('sandbox_refunds').countDocuments({ chargeRef: result!.providerRef })).toBe(1)
    } finally {
      await payments.close()
    }
  })
})
