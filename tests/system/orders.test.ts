// Orders, end to end through the gateway on the real system: buying (reserve, or reserve and pay),
// paying, cancelling, refunds, idempotency, e-tickets with QR codes, check-in, lists, the
// authorisation matrix of every orders endpoint, and event cancellation.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { RedisClient } from 'bun'
import { serviceToken } from '../support/tokens'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type ApiResponse, type Session } from '../support/api'
import { system } from '../support/system'
import { Bus, connectNats, createLogger, fact } from '@easypass/kit'

const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' }
const DECLINED = { ...CARD, number: '4000000000000002' }
const NO_FUNDS = { ...CARD, number: '4000000000009995' }

let admin: Session
let buyer: Session
let other: Session
let paymentsDb: mongoose.Connection

beforeAll(async () => {
  admin = await loginAdmin()
  ;[buyer, other] = await Promise.all([registerUser('orders-buyer'), registerUser('orders-other')])
  paymentsDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_payments` }).asPromise()
})
afterAll(async () => {
  await paymentsDb?.close()
})

interface Sale {
  eventId: string
  typeId: string
}

async function sale(opts: { capacity?: number; priceCents?: number; maxPerOrder?: number; event?: Record<string, unknown> } = {}): Promise<Sale> {
  const e = await api('/events', { body: futureEvent(opts.event), token: admin.token })
  expect(e.status).toBe(201)
  const t = await api(`/events/${e.body.id}/ticket-types`, {
    body: { name: 'Standing', priceCents: opts.priceCents ?? 4500, currency: 'EUR', capacity: opts.capacity ?? 20, maxPerOrder: opts.maxPerOrder ?? 10 },
    token: admin.token,
  })
  expect(t.status).toBe(201)
  return { eventId: e.body.id, typeId: t.body.id }
}

function buy(session: Session | null, s: Sale, quantity = 1, opts: { card?: object | null; key?: string } = {}): Promise<ApiResponse> {
  const card = opts.card === undefined ? CARD : opts.card
  return api('/orders', {
    body: { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity }], ...(card ? { payment: { card } } : {}) },
    token: session?.token,
    headers: opts.key ? { 'idempotency-key': opts.key } : {},
  })
}

async function numbers(s: Sale) {
  const r = await api(`/events/${s.eventId}/availability`, { token: admin.token })
  expect(r.status).toBe(200)
  const t = r.body.ticketTypes.find((x: { id: string }) => x.id === s.typeId)
  expect(t.sold + t.held + t.available).toBe(t.capacity)
  return { sold: t.sold as number, held: t.held as number, available: t.available as number }
}

const chargesOf = (orderId: string) => paymentsDb.collection('payments').countDocuments({ orderId })

const waitFor = eventually

describe('buying', () => {
  test('reserve and pay in one call: 201 paid, server prices, tickets with unique codes and QR codes, seats sold', async () => {
    const s = await sale({ priceCents: 4500 })
    const r = await buy(buyer, s, 3)
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      userId: buyer.user.id,
      eventId: s.eventId,
      status: 'paid',
      totalCents: 13500,
      currency: 'EUR',
      items: [{ ticketTypeId: s.typeId, name: 'Standing', quantity: 3, unitPriceCents: 4500 }],
    })
    expect(r.body.id).toMatch(/^[0-9a-f]{24}$/)
    expect(r.body.paymentId).toMatch(/^[0-9a-f]{24}$/)
    expect(r.body).not.toHaveProperty('_id')
    expect(Date.parse(r.body.createdAt)).toBeGreaterThan(0)
    expect(await numbers(s)).toEqual({ sold: 3, held: 0, available: 17 })

    const got = await api(`/orders/${r.body.id}`, { token: buyer.token })
    expect(got.status).toBe(200)
    expect(got.body).toMatchObject({ id: r.body.id, status: 'paid', paymentId: r.body.paymentId })

    const payment = await api(`/payments/${r.body.paymentId}`, { token: buyer.token })
    expect(payment.status).toBe(200)
    expect(payment.body).toMatchObject({ orderId: r.body.id, amountCents: 13500, currency: 'EUR', status: 'succeeded', refunds: [] })
    expect(await chargesOf(r.body.id)).toBe(1)

    const tickets = await api(`/orders/${r.body.id}/tickets`, { token: buyer.token })
    expect(tickets.status).toBe(200)
    expect(tickets.body).toHaveLength(3)
    const codes = new Set<string>()
    for (const t of tickets.body) {
      expect(t).toMatchObject({ ticketTypeId: s.typeId, orderId: r.body.id, eventId: s.eventId, status: 'valid' })
      expect(t.code).toMatch(/^[A-Z2-7]{26}$/)
      expect(t.qrSvg).toStartWith('<svg')
      expect(t.qrSvg).toContain('</svg>')
      codes.add(t.code)
    }
    expect(codes.size).toBe(3)
  })

  test('a reservation holds seats until paid; paying it sells them; paying again is refused', async () => {
    const s = await sale()
    const r = await buy(buyer, s, 2, { card: null })
    expect(r.status).toBe(201)
    expect(r.body.status).toBe('reserved')
    expect(Date.parse(r.body.expiresAt)).toBeGreaterThan(Date.now())
    expect(r.body.totalCents).toBe(9000)
    expect(await numbers(s)).toEqual({ sold: 0, held: 2, available: 18 })
    expect((await api(`/orders/${r.body.id}/tickets`, { token: buyer.token })).body).toEqual([])

    const paid = await api(`/orders/${r.body.id}/pay`, { body: { card: CARD }, token: buyer.token })
    expect(paid.status).toBe(200)
    expect(paid.body).toMatchObject({ id: r.body.id, status: 'paid' })
    expect(paid.body.expiresAt).toBeUndefined()
    expect(await numbers(s)).toEqual({ sold: 2, held: 0, available: 18 })
    expect((await api(`/orders/${r.body.id}/tickets`, { token: buyer.token })).body).toHaveLength(2)

    const again = await api(`/orders/${r.body.id}/pay`, { body: { card: CARD }, token: buyer.token })
    expect(again.status).toBe(409)
    expect(await chargesOf(r.body.id)).toBe(1)
  })

  test('a declined card: 402 with the reason, nothing stays held, the order is failed', async () => {
    const s = await sale()
    for (const [card, declineCode] of [
      [DECLINED, 'card_declined'],
      [NO_FUNDS, 'insufficient_funds'],
    ] as const) {
      const r = await buy(buyer, s, 2, { card })
      expect(r.status).toBe(402)
      expect(errorCode(r)).toBe('PAYMENT_DECLINED')
      expect(r.body.error.details.declineCode).toBe(declineCode)
      expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
    }
    const list = await api(`/orders?eventId=${s.eventId}`, { token: buyer.token })
    expect(list.body.items).toHaveLength(2)
    for (const o of list.body.items) expect(o.status).toBe('failed')
  })

  test('a declined card when paying a reservation keeps the hold: another card pays it', async () => {
    const s = await sale()
    const r = await buy(buyer, s, 1, { card: null })
    const declined = await api(`/orders/${r.body.id}/pay`, { body: { card: DECLINED }, token: buyer.token })
    expect(declined.status).toBe(402)
    expect(errorCode(declined)).toBe('PAYMENT_DECLINED')
    expect((await api(`/orders/${r.body.id}`, { token: buyer.token })).body.status).toBe('reserved')
    expect(await numbers(s)).toEqual({ sold: 0, held: 1, available: 19 })
    const paid = await api(`/orders/${r.body.id}/pay`, { body: { card: CARD }, token: buyer.token })
    expect(paid.status).toBe(200)
    expect(paid.body.status).toBe('paid')
    expect(await numbers(s)).toEqual({ sold: 1, held: 0, available: 19 })
  })

  test('cancelling a reservation releases its seats; again answers the same; a cancelled or paid order cannot change', async () => {
    const s = await sale()
    const r = await buy(buyer, s, 4, { card: null })
    const cancelled = await api(`/orders/${r.body.id}/cancel`, { method: 'POST', token: buyer.token })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.status).toBe('cancelled')
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
    const again = await api(`/orders/${r.body.id}/cancel`, { method: 'POST', token: buyer.token })
    expect(again.status).toBe(200)
    expect(again.body.status).toBe('cancelled')
    expect((await api(`/orders/${r.body.id}/pay`, { body: { card: CARD }, token: buyer.token })).status).toBe(409)

    const paid = await buy(buyer, s, 1)
    const refused = await api(`/orders/${paid.body.id}/cancel`, { method: 'POST', token: buyer.token })
    expect(refused.status).toBe(409)
    expect(errorCode(refused)).toBe('CONFLICT')
    expect(await numbers(s)).toEqual({ sold: 1, held: 0, available: 19 })
  })

  test('sold out: 409 SOLD_OUT, no order, stock untouched; a partly available order is refused whole', async () => {
    const s = await sale({ capacity: 3 })
    expect((await buy(buyer, s, 2)).status).toBe(201)
    const r = await buy(other, s, 2)
    expect(r.status).toBe(409)
    expect(errorCode(r)).toBe('SOLD_OUT')
    expect(await numbers(s)).toEqual({ sold: 2, held: 0, available: 1 })
    expect((await api(`/orders?eventId=${s.eventId}`, { token: other.token })).body.total).toBe(0)
  })

  test('an order costing more than one charge may take is refused whole (400), nothing held; up to it, it is paid', async () => {
    const s = await sale({ priceCents: 60_000_000, maxPerOrder: 5, capacity: 5 })
    for (const card of [CARD, null]) {
      const tooDear = await buy(buyer, s, 2, { card })
      expect(tooDear.status).toBe(400)
      expect(errorCode(tooDear)).toBe('VALIDATION')
      expect(tooDear.body.error.details).toMatchObject({ totalCents: 120_000_000, maxTotalCents: 100_000_000 })
    }
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 5 })
    const one = await buy(buyer, s, 1)
    expect(one.status).toBe(201)
    expect(one.body).toMatchObject({ status: 'paid', totalCents: 60_000_000 })
  })

  test('every bad input is a 400 in the error shape and changes nothing; the client never sends prices', async () => {
    const s = await sale()
    const item = { ticketTypeId: s.typeId, quantity: 1 }
    const bodies: unknown[] = [
      {},
      { items: [item] },
      { eventId: 'nope', items: [item] },
      { eventId: s.eventId },
      { eventId: s.eventId, items: [] },
      { eventId: s.eventId, items: Array.from({ length: 21 }, () => item) },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 0 }] },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 101 }] },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 1.5 }] },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 'two' }] },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: '2' }] },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, expMonth: '12' } } },
      { eventId: s.eventId, items: [{ ticketTypeId: 'x', quantity: 1 }] },
      { eventId: s.eventId, items: [{ ...item, unitPriceCents: 1 }] },
      { eventId: s.eventId, items: [item], totalCents: 1 },
      { eventId: s.eventId, items: [item], status: 'paid' },
      { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 60 }, { ticketTypeId: s.typeId, quantity: 60 }] },
      { eventId: s.eventId, items: [item], payment: {} },
      { eventId: s.eventId, items: [item], payment: { card: CARD, amountCents: 1 } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, holder: 'x' } } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, number: '4242424242424241' } } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, expYear: 2020 } } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, expMonth: 13 } } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, cvc: '12' } } },
      { eventId: s.eventId, items: [item], payment: { card: { ...CARD, number: 'abcd' } } },
    ]
    for (const body of bodies) {
      const r = await api('/orders', { body, token: buyer.token })
      if (r.status !== 400) throw new Error(`${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    for (const rawBody of ['{', 'null', '[]', '"x"']) {
      const r = await api('/orders', { rawBody, token: buyer.token })
      expect(r.status).toBe(400)
      errorCode(r)
    }
    const badKey = await api('/orders', { body: { eventId: s.eventId, items: [item] }, token: buyer.token, headers: { 'idempotency-key': 'x'.repeat(201) } })
    expect(badKey.status).toBe(400)
    const reserved = await buy(buyer, s, 1, { card: null })
    for (const body of [{}, { card: { ...CARD, cvc: 'abc' } }, { card: CARD, amountCents: 1 }]) {
      const r = await api(`/orders/${reserved.body.id}/pay`, { body, token: buyer.token })
      expect(r.status).toBe(400)
      errorCode(r)
    }
    expect((await api('/orders/not-an-id', { token: buyer.token })).status).toBe(400)
    expect((await api(`/orders/${reserved.body.id}/refund`, { body: { reason: 'x'.repeat(501) }, token: admin.token })).status).toBe(400)
    expect(await numbers(s)).toEqual({ sold: 0, held: 1, available: 19 })
    expect((await api(`/orders?eventId=${s.eventId}`, { token: buyer.token })).body.total).toBe(1)
  })

  test('unknown event or ticket type → 404; drafts are not on sale; more than allowed per order → 400; a cancelled event → 409', async () => {
    const s = await sale({ maxPerOrder: 4 })
    const unknownEvent = await buy(buyer, { eventId: new mongoose.Types.ObjectId().toHexString(), typeId: s.typeId })
    expect(unknownEvent.status).toBe(404)
    expect(errorCode(unknownEvent)).toBe('NOT_FOUND')
    const unknownType = await buy(buyer, { eventId: s.eventId, typeId: new mongoose.Types.ObjectId().toHexString() })
    expect(unknownType.status).toBe(404)
    const tooMany = await buy(buyer, s, 5)
    expect(tooMany.status).toBe(400)
    expect(errorCode(tooMany)).toBe('VALIDATION')

    const draft = await sale({ event: { status: 'draft' } })
    const r = await buy(buyer, draft)
    expect(r.status).toBe(404)

    const cancelled = await sale()
    expect((await api(`/events/${cancelled.eventId}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
    const late = await buy(buyer, cancelled)
    expect(late.status).toBe(409)
    expect(errorCode(late)).toBe('CONFLICT')
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
  })
})

describe('idempotency', () => {
  test('a pay or refund that meets its order busy is told to come back (503), and the key is not spent on it', async () => {
    const s = await sale()
    const held = await buy(buyer, s, 1, { card: null, key: `hold-${crypto.randomUUID()}` })
    expect(held.status).toBe(201)
    const orderId = held.body.id
    const redis = new RedisClient(system().env.REDIS_URL!)
    const lockKey = `${system().env.REDIS_PREFIX}:orders:lock:${orderId}`
    const pay = (key: string) => api(`/orders/${orderId}/pay`, { body: { card: CARD }, token: buyer.token, headers: { 'idempotency-key': key } })
    const refund = (key: string) => api(`/orders/${orderId}/refund`, { body: {}, token: buyer.token, headers: { 'idempotency-key': key } })
    const payKey = `pay-${crypto.randomUUID()}`
    const refundKey = `refund-${crypto.randomUUID()}`
    try {
      // Another operation holds the order (as a slow payment under another key would).
      await redis.send('SET', [lockKey, 'test', 'PX', '30000'])
      const busy = await pay(payKey)
      expect(busy.status).toBe(503)
      expect(errorCode(busy)).toBe('UNAVAILABLE')
      expect(busy.headers.get('retry-after')).toBe('1')
      expect(await chargesOf(orderId)).toBe(0)
      await redis.del(lockKey)
      // The retry under the same key is carried out: not the busy answer again.
      const paid = await pay(payKey)
      expect(paid.status).toBe(200)
      expect(paid.body.status).toBe('paid')

      await redis.send('SET', [lockKey, 'test', 'PX', '30000'])
      const busyRefund = await refund(refundKey)
      expect(busyRefund.status).toBe(503)
      await redis.del(lockKey)
      const refunded = await refund(refundKey)
      expect(refunded.status).toBe(200)
      expect(refunded.body.status).toBe('refunded')
    } finally {
      await redis.del(lockKey)
      redis.close()
    }
  }, 60_000)

  test('the same key and body sent 20 times at once: one order, one charge, every answer the same', async () => {
    const s = await sale()
    const key = `buy-${crypto.randomUUID()}`
    const answers = await Promise.all(Array.from({ length: 20 }, () => buy(buyer, s, 2, { key })))
    const ids = new Set(answers.map((a) => a.body.id))
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201))
    expect(ids.size).toBe(1)
    const orderId = [...ids][0]!
    expect(await chargesOf(orderId)).toBe(1)
    expect(await numbers(s)).toEqual({ sold: 2, held: 0, available: 18 })
    const mine = await api(`/orders?eventId=${s.eventId}`, { token: buyer.token })
    expect(mine.body.total).toBe(1)
    // Later, the same key still answers the first result.
    const later = await buy(buyer, s, 2, { key })
    expect(later.status).toBe(201)
    expect(later.body.id).toBe(orderId)
    expect(await numbers(s)).toEqual({ sold: 2, held: 0, available: 18 })
  })

  test('the same key with a different body → 409 and nothing happens; keys belong to one account', async () => {
    const s = await sale()
    const key = `buy-${crypto.randomUUID()}`
    const first = await buy(buyer, s, 1, { key })
    expect(first.status).toBe(201)
    const different = await buy(buyer, s, 2, { key })
    expect(different.status).toBe(409)
    expect(errorCode(different)).toBe('CONFLICT')
    const otherUser = await buy(other, s, 2, { key })
    expect(otherUser.status).toBe(201)
    expect(otherUser.body.id).not.toBe(first.body.id)
    expect(await numbers(s)).toEqual({ sold: 3, held: 0, available: 17 })
  })

  test('a declined answer is kept for its key too; pay and refund are idempotent by key', async () => {
    const s = await sale()
    const key = `buy-${crypto.randomUUID()}`
    const declined = await Promise.all([buy(buyer, s, 1, { key, card: DECLINED }), buy(buyer, s, 1, { key, card: DECLINED })])
    expect(declined.map((d) => d.status)).toEqual([402, 402])
    expect(declined[0]!.body).toEqual(declined[1]!.body)

    const reserved = await buy(buyer, s, 1, { card: null })
    const payKey = `pay-${crypto.randomUUID()}`
    const pays = await Promise.all(
      Array.from({ length: 5 }, () => api(`/orders/${reserved.body.id}/pay`, { body: { card: CARD }, token: buyer.token, headers: { 'idempotency-key': payKey } })),
    )
    expect(pays.map((p) => p.status)).toEqual(Array(5).fill(200))
    expect(await chargesOf(reserved.body.id)).toBe(1)

    const refundKey = `refund-${crypto.randomUUID()}`
    const refunds = await Promise.all(
      Array.from({ length: 5 }, () => api(`/orders/${reserved.body.id}/refund`, { body: { reason: 'changed plans' }, token: buyer.token, headers: { 'idempotency-key': refundKey } })),
    )
    expect(refunds.map((p) => p.status)).toEqual(Array(5).fill(200))
    expect(refunds.every((r) => r.body.status === 'refunded')).toBe(true)
    const payment = await api(`/payments/${pays[0]!.body.paymentId}`, { token: buyer.token })
    expect(payment.body.refunds).toHaveLength(1)
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
  })

  test("a key's answer stays its answer after the event changes: a declined pay is 402 again once the event has started", async () => {
    const s = await sale()
    const reserved = await buy(buyer, s, 1, { card: null })
    const pay = (card: object) => api(`/orders/${reserved.body.id}/pay`, { body: { card }, token: buyer.token, headers: { 'idempotency-key': `pay-${reserved.body.id}` } })
    const declined = await pay(DECLINED)
    expect(declined.status).toBe(402)
    const started = { startsAt: new Date(Date.now() - 3_600_000).toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString() }
    expect((await api(`/events/${s.eventId}`, { method: 'PATCH', body: started, token: admin.token })).status).toBe(200)
    // Orders trusts what it read of an event for EVENT_CACHE_MS (3 s): past that it knows of the start.
    await Bun.sleep(3_300)
    const again = await pay(DECLINED)
    expect(again.status).toBe(402)
    expect(again.body).toEqual(declined.body)
    // Another key is a new request, and sales have closed now.
    const other = await api(`/orders/${reserved.body.id}/pay`, { body: { card: CARD }, token: buyer.token, headers: { 'idempotency-key': `other-${reserved.body.id}` } })
    expect(other.status).toBe(409)
    expect(await chargesOf(reserved.body.id)).toBe(1)
  })
})

describe('refunds', () => {
  test('the buyer refunds before the event: money and seats come back once; a second refund is 409 and moves nothing', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 2)
    const r = await api(`/orders/${order.body.id}/refund`, { body: { reason: 'cannot come' }, token: buyer.token })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('refunded')
    expect(r.body.refundId).toBeString()
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
    const payment = await api(`/payments/${order.body.paymentId}`, { token: buyer.token })
    expect(payment.body.status).toBe('refunded')
    expect(payment.body.refunds).toHaveLength(1)
    expect(payment.body.refunds[0].amountCents).toBe(9000)

    const again = await api(`/orders/${order.body.id}/refund`, { token: admin.token, method: 'POST' })
    expect(again.status).toBe(409)
    expect(errorCode(again)).toBe('CONFLICT')
    expect((await api(`/payments/${order.body.paymentId}`, { token: buyer.token })).body.refunds).toHaveLength(1)
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
    const tickets = await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })
    expect(tickets.body.map((t: { status: string }) => t.status)).toEqual(['refunded', 'refunded'])
  })

  test('a refund request with a malformed body is a 400 and refunds nothing; one without a body refunds', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 1)
    // Malformed JSON, JSON that is not an object, and an object not sent as JSON.
    for (const rawBody of ['{bad', 'not json', '{"reason":', 'null', '[]', '[1,2]', '"x"', '5', 'true']) {
      const r = await api(`/orders/${order.body.id}/refund`, { rawBody, token: buyer.token })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    const asText = await api(`/orders/${order.body.id}/refund`, { rawBody: '{"reason":"x"}', headers: { 'content-type': 'text/plain' }, token: buyer.token })
    expect(asText.status).toBe(400)
    expect(errorCode(asText)).toBe('VALIDATION')
    expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe('paid')
    expect(await numbers(s)).toEqual({ sold: 1, held: 0, available: 19 })
    const r = await api(`/orders/${order.body.id}/refund`, { method: 'POST', token: buyer.token })
    expect(r.status).toBe(200)
    expect(r.body.status).toBe('refunded')
  })

  test("an Idempotency-Key is the account's own: another account's refund under the same key is a second refund (409)", async () => {
    const s = await sale()
    const order = await buy(buyer, s, 1)
    const key = `refund-${crypto.randomUUID()}`
    const byAdmin = await api(`/orders/${order.body.id}/refund`, { body: {}, token: admin.token, headers: { 'idempotency-key': key } })
    expect(byAdmin.status).toBe(200)
    const byBuyer = await api(`/orders/${order.body.id}/refund`, { body: {}, token: buyer.token, headers: { 'idempotency-key': key } })
    expect(byBuyer.status).toBe(409)
    expect(errorCode(byBuyer)).toBe('CONFLICT')
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
  })

  test('a card is compared whole under a key (a keyed fingerprint), never kept', async () => {
    const s = await sale()
    const key = `buy-${crypto.randomUUID()}`
    const first = await buy(buyer, s, 1, { key })
    expect(first.status).toBe(201)
    // The same card again: the first answer again.
    const again = await buy(buyer, s, 1, { key, card: { ...CARD } })
    expect(again.status).toBe(201)
    expect(again.body.id).toBe(first.body.id)
    // Another CVC, or another card: another request under the same key.
    for (const card of [{ ...CARD, cvc: '999' }, DECLINED]) {
      const other = await buy(buyer, s, 1, { key, card })
      expect(other.status).toBe(409)
      expect(errorCode(other)).toBe('CONFLICT')
    }
    // What Redis keeps under the key names neither the number nor the CVC, in any form we can compute.
    const redis = new RedisClient(system().infra.redisUrl)
    try {
      const keys = await redis.send('KEYS', [`*:idem:${buyer.user.id}:orders:*`])
      const values = await Promise.all((keys as string[]).map((k) => redis.get(k)))
      expect(values.length).toBeGreaterThan(0)
      for (const v of values) {
        expect(v).not.toContain(CARD.number)
        expect(v).not.toContain(new Bun.CryptoHasher('sha256').update(JSON.stringify({ eventId: s.eventId, items: [{ quantity: 1, ticketTypeId: s.typeId }], payment: { card: { cvc: CARD.cvc, expMonth: CARD.expMonth, expYear: CARD.expYear, number: CARD.number } } })).digest('base64url'))
      }
    } finally {
      redis.close()
    }
    expect(await numbers(s)).toEqual({ sold: 1, held: 0, available: 19 })
  })

  test('an event (or ticket type) whose sales were all refunded is not deleted: it had sales', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 2)
    expect((await api(`/orders/${order.body.id}/refund`, { body: {}, token: buyer.token })).status).toBe(200)
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
    const deleted = await api(`/events/${s.eventId}`, { method: 'DELETE', token: admin.token })
    expect(deleted.status).toBe(409)
    expect(deleted.body.error.details).toMatchObject({ sold: 0, held: 0, refunded: 2 })
    expect((await api(`/events/${s.eventId}/ticket-types/${s.typeId}`, { method: 'DELETE', token: admin.token })).status).toBe(409)
    expect((await api(`/events/${s.eventId}`, { token: buyer.token })).status).toBe(200)
  })

  test('two refunds of one order at once: one refund, seats and money returned once', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 3)
    const [a, b] = await Promise.all([
      api(`/orders/${order.body.id}/refund`, { method: 'POST', token: buyer.token }),
      api(`/orders/${order.body.id}/refund`, { method: 'POST', token: admin.token }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    expect((await api(`/payments/${order.body.paymentId}`, { token: buyer.token })).body.refunds).toHaveLength(1)
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
  })

  test('only paid orders are refunded; after the event started only an admin may refund', async () => {
    const s = await sale()
    const reserved = await buy(buyer, s, 1, { card: null })
    const refused = await api(`/orders/${reserved.body.id}/refund`, { method: 'POST', token: admin.token })
    expect(refused.status).toBe(409)

    const order = await buy(buyer, s, 1)
    // Refunded under a key before the start: the key answers the same after it.
    const early = await buy(buyer, s, 1)
    const refundEarly = () => api(`/orders/${early.body.id}/refund`, { method: 'POST', token: buyer.token, headers: { 'idempotency-key': `early-${early.body.id}` } })
    expect((await refundEarly()).status).toBe(200)
    const started = new Date(Date.now() - 3_600_000).toISOString()
    const moved = await api(`/events/${s.eventId}`, { method: 'PATCH', body: { startsAt: started, endsAt: new Date(Date.now() + 3_600_000).toISOString() }, token: admin.token })
    expect(moved.status).toBe(200)
    const late = await api(`/orders/${order.body.id}/refund`, { method: 'POST', token: buyer.token })
    expect(late.status).toBe(403)
    expect(errorCode(late)).toBe('FORBIDDEN')
    const replayed = await refundEarly()
    expect(replayed.status).toBe(200)
    expect(replayed.body.status).toBe('refunded')
    expect(await numbers(s)).toEqual({ sold: 1, held: 1, available: 18 })
    const byAdmin = await api(`/orders/${order.body.id}/refund`, { body: { reason: 'goodwill' }, token: admin.token })
    expect(byAdmin.status).toBe(200)
    expect(byAdmin.body.status).toBe('refunded')
    expect(await numbers(s)).toEqual({ sold: 0, held: 1, available: 19 })
  })
})

describe('check-in', () => {
  test('the first scan admits; a second is 409; unknown codes 404; refunded tickets 410', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 2)
    const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body
    const [first, second] = tickets

    const scans = await Promise.all([
      api('/checkins', { body: { code: first.code }, token: admin.token }),
      api('/checkins', { body: { code: first.code }, token: admin.token }),
    ])
    const ok = scans.find((r) => r.status === 200)!
    const dup = scans.find((r) => r.status !== 200)!
    expect(ok.body).toMatchObject({ firstScan: true, ticket: { id: first.id, code: first.code, status: 'checked_in' }, order: { id: order.body.id, status: 'paid' } })
    expect(dup.status).toBe(409)
    expect(errorCode(dup)).toBe('CONFLICT')
    expect(dup.body.error.details.checkedInAt).toBeString()
    const after = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body
    expect(after.map((t: { status: string }) => t.status)).toEqual(['checked_in', 'valid'])

    const unknown = await api('/checkins', { body: { code: 'AAAAAAAAAAAAAAAAAAAAAAAAAA' }, token: admin.token })
    expect(unknown.status).toBe(404)
    expect((await api('/checkins', { body: { code: '' }, token: admin.token })).status).toBe(400)
    expect((await api('/checkins', { body: {}, token: admin.token })).status).toBe(400)
    expect((await api('/checkins', { body: { code: second.code, gate: 'A' }, token: admin.token })).status).toBe(400)

    // A ticket was used at the door: its buyer can no longer refund by themselves; an admin can.
    const byBuyer = await api(`/orders/${order.body.id}/refund`, { method: 'POST', token: buyer.token })
    expect(byBuyer.status).toBe(403)
    expect(byBuyer.body.error.message).toContain('used at the door')
    expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe('paid')
    expect((await api(`/orders/${order.body.id}/refund`, { method: 'POST', token: admin.token })).status).toBe(200)
    const gone = await api('/checkins', { body: { code: second.code }, token: admin.token })
    expect(gone.status).toBe(410)
    expect(errorCode(gone)).toBe('GONE')
  })

  test("a door for one event refuses another event's valid ticket (409, wrong event) without using it up", async () => {
    const tonight = await sale({ event: { title: 'Tonight at the Hall' } })
    const elsewhere = await sale({ event: { title: 'Elsewhere' } })
    const order = await buy(buyer, elsewhere, 1)
    const [ticket] = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body
    const wrong = await api('/checkins', { body: { code: ticket.code, eventId: tonight.eventId }, token: admin.token })
    expect(wrong.status).toBe(409)
    expect(errorCode(wrong)).toBe('CONFLICT')
    expect(wrong.body.error.details).toMatchObject({ wrongEvent: true, eventId: elsewhere.eventId, eventTitle: 'Elsewhere' })
    expect((await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body[0].status).not.toBe('checked_in')
    // At its own door (or one that admits to any event) it is admitted, once.
    const right = await api('/checkins', { body: { code: ticket.code, eventId: elsewhere.eventId }, token: admin.token })
    expect(right.status).toBe(200)
    expect(right.body.firstScan).toBe(true)
    expect((await api('/checkins', { body: { code: ticket.code, eventId: 'not-an-id' }, token: admin.token })).status).toBe(400)
  })

  test('a scan sent again under its key gets its 200 again, any other scan 409; codes match in any case; a cancelled event is 410 before its refund', async () => {
    const s = await sale()
    const order = await buy(buyer, s, 2)
    const [first, second] = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body
    const scan = (code: string, key?: string) => api('/checkins', { body: { code }, token: admin.token, ...(key ? { headers: { 'idempotency-key': key } } : {}) })

    // Typed in lower case at the door: the same code.
    const key = `scan-${crypto.randomUUID()}`
    const admitted = await scan(first.code.toLowerCase(), key)
    expect(admitted.status).toBe(200)
    expect(admitted.body.ticket.id).toBe(first.id)
    // Its answer was lost and the door sends that scan again: admitted again, nothing new recorded.
    const resent = await scan(first.code, key)
    expect(resent.status).toBe(200)
    expect(resent.body).toEqual(admitted.body)
    // Any other scan of the code (another door, a copy of the code) is a second person.
    for (const other of [`scan-${crypto.randomUUID()}`, undefined]) {
      const r = await scan(first.code, other)
      expect(r.status).toBe(409)
      expect(r.body.error.details.checkedInAt).toBeString()
    }

    // The order busy (a refund being made holds its lock): not a verdict on the ticket, so 503, scan again.
    const redis = new RedisClient(system().env.REDIS_URL!)
    const lockKey = `${system().env.REDIS_PREFIX}:orders:lock:${order.body.id}`
    try {
      await redis.send('SET', [lockKey, 'test', 'PX', '20000'])
      const busy = await scan(second.code, `scan-${crypto.randomUUID()}`)
      expect(busy.status).toBe(503)
      expect(errorCode(busy)).toBe('UNAVAILABLE')
    } finally {
      await redis.del(lockKey)
      redis.close()
    }

    // Cancelled, while the worker that refunds its orders is away: the ticket is no longer valid.
    const sys = system()
    await sys.stop('orders-worker')
    try {
      expect((await api(`/events/${s.eventId}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
      // Orders trusts what it read of an event for EVENT_CACHE_MS (3 s).
      await Bun.sleep(3_300)
      const cancelled = await scan(second.code)
      expect(cancelled.status).toBe(410)
      expect(cancelled.body.error.message).toContain('cancelled')
      expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe('paid')
      // A door downloading its offline list again gets none of its tickets.
      const list = await api(`/events/${s.eventId}/door-list`, { token: admin.token })
      expect(list.status).toBe(200)
      expect(list.body).toMatchObject({ eventId: s.eventId, tickets: [], cancelled: true })
    } finally {
      await sys.start('orders-worker')
    }
  })
})

describe('lists', () => {
  test('newest first, paginated; customers see their own; admins filter by event, status and account', async () => {
    const s = await sale()
    const buyerOrders: string[] = []
    for (let i = 0; i < 3; i++) buyerOrders.push((await buy(buyer, s, 1)).body.id)
    const reserved = (await buy(buyer, s, 1, { card: null })).body.id
    const othersOrder = (await buy(other, s, 1)).body.id

    const mine = await api(`/orders?eventId=${s.eventId}&limit=2`, { token: buyer.token })
    expect(mine.status).toBe(200)
    expect(mine.body).toMatchObject({ total: 4, page: 1, limit: 2 })
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([reserved, buyerOrders[2]])
    const page2 = await api(`/orders?eventId=${s.eventId}&limit=2&page=2`, { token: buyer.token })
    expect(page2.body.items.map((o: { id: string }) => o.id)).toEqual([buyerOrders[1], buyerOrders[0]])
    expect((await api(`/orders?userId=${other.user.id}`, { token: buyer.token })).status).toBe(403)
    for (const query of ['page=1.5', 'limit=2.5', 'page=0', 'limit=101', 'page=x'])
      expect((await api(`/orders?${query}`, { token: buyer.token })).status).toBe(400)

    const all = await api(`/orders?eventId=${s.eventId}`, { token: admin.token })
    expect(all.body.total).toBe(5)
    expect(all.body.items[0].id).toBe(othersOrder)
    const ofOther = await api(`/orders?eventId=${s.eventId}&userId=${other.user.id}`, { token: admin.token })
    expect(ofOther.body.items.map((o: { id: string }) => o.id)).toEqual([othersOrder])
    const byId = await api(`/orders?q=${othersOrder}`, { token: admin.token })
    expect(byId.body.items.map((o: { id: string }) => o.id)).toEqual([othersOrder])
    const title = all.body.items[0].eventTitle as string
    const byTitle = await api(`/orders?q=${encodeURIComponent(title.slice(-6).toUpperCase())}&eventId=${s.eventId}`, { token: admin.token })
    expect(byTitle.body.total).toBe(5)
    // A customer searches within their own orders; an id in upper case is the same id.
    expect((await api(`/orders?q=${othersOrder}`, { token: buyer.token })).body.total).toBe(0)
    expect((await api(`/orders?q=${buyerOrders[0]}`, { token: buyer.token })).body.items.map((o: { id: string }) => o.id)).toEqual([buyerOrders[0]])
    expect((await api(`/orders?q=no-such-title-${crypto.randomUUID()}`, { token: buyer.token })).body.total).toBe(0)
    expect((await api(`/orders?eventId=${s.eventId}&userId=${buyer.user.id.toUpperCase()}`, { token: buyer.token })).body.total).toBe(4)
    expect((await api(`/orders?eventId=${s.eventId}&userId=${other.user.id.toUpperCase()}`, { token: admin.token })).body.total).toBe(1)
    // The status filter reads a projection kept in the background: it catches up within seconds.
    const paid = await waitFor('the status projection', async () => {
      const r = await api(`/orders?eventId=${s.eventId}&status=paid`, { token: admin.token })
      return r.body.total === 4 && r.body
    })
    expect(paid.items.every((o: { status: string }) => o.status === 'paid')).toBe(true)
    const reservedOnly = await api(`/orders?eventId=${s.eventId}&status=reserved`, { token: admin.token })
    expect(reservedOnly.body.items.map((o: { id: string }) => o.id)).toEqual([reserved])

    for (const query of ['status=nope', 'limit=0', 'limit=101', 'page=0', 'eventId=x', 'userId=x']) {
      const r = await api(`/orders?${query}`, { token: admin.token })
      expect(r.status).toBe(400)
      errorCode(r)
    }
  })
})

describe('authorisation', () => {
  test('every orders endpoint: guests 401, other customers 404, owners and admins as the contract says', async () => {
    const s = await sale()
    const paid = await buy(buyer, s, 1)
    const reserved = await buy(buyer, s, 1, { card: null })
    const code = (await api(`/orders/${paid.body.id}/tickets`, { token: buyer.token })).body[0].code

    // Guests.
    for (const [path, method, body] of [
      ['/orders', 'GET', undefined],
      ['/orders', 'POST', { eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity: 1 }] }],
      [`/orders/${paid.body.id}`, 'GET', undefined],
      [`/orders/${paid.body.id}/tickets`, 'GET', undefined],
      [`/orders/${reserved.body.id}/pay`, 'POST', { card: CARD }],
      [`/orders/${reserved.body.id}/cancel`, 'POST', undefined],
      [`/orders/${paid.body.id}/refund`, 'POST', {}],
      ['/checkins', 'POST', { code }],
    ] as const) {
      const r = await api(path, { method, body })
      expect(`${method} ${path} ${r.status}`).toBe(`${method} ${path} 401`)
      expect(errorCode(r)).toBe('UNAUTHENTICATED')
    }
    // Another customer: the order does not exist for them.
    for (const [path, method, body] of [
      [`/orders/${paid.body.id}`, 'GET', undefined],
      [`/orders/${paid.body.id}/tickets`, 'GET', undefined],
      [`/orders/${reserved.body.id}/pay`, 'POST', { card: CARD }],
      [`/orders/${reserved.body.id}/cancel`, 'POST', undefined],
      [`/orders/${paid.body.id}/refund`, 'POST', {}],
    ] as const) {
      const r = await api(path, { method, body, token: other.token })
      expect(`${method} ${path} ${r.status}`).toBe(`${method} ${path} 404`)
      expect(errorCode(r)).toBe('NOT_FOUND')
    }
    expect((await api('/orders', { token: other.token })).body.items.some((o: { id: string }) => o.id === paid.body.id)).toBe(false)
    expect((await api('/checkins', { body: { code }, token: other.token })).status).toBe(403)
    expect((await api('/checkins', { body: { code }, token: buyer.token })).status).toBe(403)
    // Nothing changed.
    expect(await numbers(s)).toEqual({ sold: 1, held: 1, available: 18 })

    // Admins see every order and its tickets; only the buyer pays or cancels.
    expect((await api(`/orders/${paid.body.id}`, { token: admin.token })).status).toBe(200)
    expect((await api(`/orders/${paid.body.id}/tickets`, { token: admin.token })).body).toHaveLength(1)
    const adminPays = await api(`/orders/${reserved.body.id}/pay`, { body: { card: CARD }, token: admin.token })
    expect(adminPays.status).toBe(403)
    const adminCancels = await api(`/orders/${reserved.body.id}/cancel`, { method: 'POST', token: admin.token })
    expect(adminCancels.status).toBe(403)
    expect(errorCode(adminCancels)).toBe('FORBIDDEN')
    expect((await api(`/orders/${reserved.body.id}`, { token: buyer.token })).body.status).toBe('reserved')
    expect((await api(`/orders/${reserved.body.id}/cancel`, { method: 'POST', token: buyer.token })).body.status).toBe('cancelled')
    expect((await api('/checkins', { body: { code }, token: admin.token })).status).toBe(200)

    // Internal routes take service tokens only.
    const ordersUrl = system().urls.orders!
    const customerCall = await fetch(`${ordersUrl}/internal/orders/${paid.body.id}`, { headers: { authorization: `Bearer ${buyer.token}` } })
    expect(customerCall.status).toBe(403)
    const service = await serviceToken('notifications')
    const internal = await fetch(`${ordersUrl}/internal/orders/${paid.body.id}/tickets`, { headers: { authorization: `Bearer ${service}` } })
    expect(internal.status).toBe(200)
    expect(((await internal.json()) as Array<{ code: string }>)[0]!.code).toBe(code)
    // Orders' public routes take no service's token: one taken from the service that reads orders'
    // internal routes neither reads everyone's orders nor refunds anyone's.
    const asService = { 'content-type': 'application/json', authorization: `Bearer ${service}` }
    for (const path of [`/api/orders/${paid.body.id}`, '/api/orders?limit=5']) {
      const read = await fetch(`${ordersUrl}${path}`, { headers: asService })
      expect({ path, status: read.status }).toEqual({ path, status: 403 })
    }
    for (const [path, body] of [[`/api/orders/${paid.body.id}/refund`, {}], [`/api/orders/${paid.body.id}/cancel`, {}]] as const) {
      const write = await fetch(`${ordersUrl}${path}`, { method: 'POST', headers: { ...asService, 'idempotency-key': crypto.randomUUID() }, body: JSON.stringify(body) })
      expect({ path, status: write.status }).toEqual({ path, status: 403 })
      expect(((await write.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN')
    }
    expect((await api(`/orders/${paid.body.id}`, { token: buyer.token })).body.status).toBe('paid')
  })
})

describe('event cancellation', () => {
  test('cancelling an event refunds every paid order once, releases the holds and tells each buyer', async () => {
    const s = await sale()
    const paidA = await buy(buyer, s, 2)
    const paidB = await buy(other, s, 1)
    const reserved = await buy(other, s, 1, { card: null })
    const refundedBefore = await buy(buyer, s, 1)
    expect((await api(`/orders/${refundedBefore.body.id}/refund`, { method: 'POST', token: buyer.token })).status).toBe(200)
    expect(await numbers(s)).toEqual({ sold: 3, held: 1, available: 16 })

    expect((await api(`/events/${s.eventId}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
    for (const [order, session, status] of [
      [paidA, buyer, 'refunded'],
      [paidB, other, 'refunded'],
      [reserved, other, 'cancelled'],
    ] as const)
      await waitFor(`order ${order.body.id} ${status}`, async () => (await api(`/orders/${order.body.id}`, { token: session.token })).body.status === status, 45_000)
    await waitFor('refunds done', async () => {
      const [a, b] = await Promise.all([api(`/payments/${paidA.body.paymentId}`, { token: buyer.token }), api(`/payments/${paidB.body.paymentId}`, { token: other.token })])
      return a.body.refunds.length === 1 && b.body.refunds.length === 1
    })
    // An order reads `refunded` from the moment its refund is recorded; the seats come back after the
    // money (payments, then ticketing, then the done marker), so the numbers may still be on their way.
    const settled = { sold: 0, held: 0, available: 20 }
    let last = await numbers(s)
    await waitFor('the seats back in stock', async () => {
      last = await numbers(s)
      return last.sold === 0 && last.held === 0
    }, 45_000).catch((error) => {
      throw new Error(`${(error as Error).message}: last seen ${JSON.stringify(last)}`)
    })
    expect(last).toEqual(settled)
    const refundedEarlier = await api(`/payments/${refundedBefore.body.paymentId}`, { token: buyer.token })
    expect(refundedEarlier.body.refunds).toHaveLength(1)
    // Each buyer is told once per refunded order.
    await waitFor('refund notifications', async () => {
      const r = await api('/notifications?limit=100', { token: other.token })
      return r.body.items?.filter((n: { type: string; data: { orderId?: string } }) => n.type === 'order-refunded' && n.data.orderId === paidB.body.id).length === 1
    })
  }, 90_000)

  test("a cancellation fact for an event catalog shows as published (a forged message) refunds nobody", async () => {
    const env = system().env
    const log = createLogger('orders-test', 'silent')
    const nc = await connectNats(env.NATS_URL!, 'orders-test', log)
    const bus = new Bus({ nc, prefix: env.BUS_PREFIX!, log })
    try {
      const live = await sale()
      const paid = await buy(buyer, live, 1)
      expect(paid.status).toBe(201)
      await bus.publish(fact('catalog.event-cancelled', { eventId: live.eventId, title: 'forged' }))
      await bus.publish(fact('catalog.event-deleted', { eventId: live.eventId, title: 'forged' }))
      // A real cancellation published after the forged ones is carried out: by then they were handled.
      const cancelled = await sale()
      const paidThere = await buy(buyer, cancelled, 1)
      expect((await api(`/events/${cancelled.eventId}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
      await waitFor('the real cancellation refunded', async () => (await api(`/orders/${paidThere.body.id}`, { token: buyer.token })).body.status === 'refunded', 45_000)
      await Bun.sleep(1_000)
      expect((await api(`/orders/${paid.body.id}`, { token: buyer.token })).body.status).toBe('paid')
      expect((await api(`/payments/${paid.body.paymentId}`, { token: buyer.token })).body.refunds).toEqual([])
      expect(await numbers(live)).toEqual({ sold: 1, held: 0, available: 19 })
      // Buying goes on.
      expect((await buy(other, live, 1)).status).toBe(201)
    } finally {
      await bus.close()
      await nc.close()
    }
  }, 90_000)

  const cancelledNotice = (session: Session, orderId: string) =>
    waitFor(`the buyer told of ${orderId}`, async () => {
      const r = await api('/notifications?limit=100', { token: session.token })
      return (r.body.items as Array<{ type: string; body: string; data: { orderId?: string } }>).find((n) => n.type === 'order-cancelled' && n.data.orderId === orderId)
    }, 30_000)

  test('an event with only unpaid holds is deleted (204): the holds end, their orders are cancelled and the buyers told why', async () => {
    const s = await sale()
    const held = await buy(buyer, s, 2, { card: null })
    const heldToo = await buy(other, s, 1, { card: null })
    expect(held.status).toBe(201)
    expect(heldToo.status).toBe(201)
    expect(await numbers(s)).toEqual({ sold: 0, held: 3, available: 17 })

    expect((await api(`/events/${s.eventId}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
    expect((await api(`/events/${s.eventId}`)).status).toBe(404)
    for (const [order, session] of [[held, buyer], [heldToo, other]] as const)
      await waitFor(`order ${order.body.id} cancelled`, async () => (await api(`/orders/${order.body.id}`, { token: session.token })).body.status === 'cancelled', 45_000)
    const notice = await cancelledNotice(buyer, held.body.id)
    expect(notice.body).toContain('removed by the organizer')
    // Nothing can be paid for it any more, and nothing was charged.
    const pay = await api(`/orders/${held.body.id}/pay`, { body: { card: CARD }, token: buyer.token })
    expect(pay.status).toBe(409)
    expect(await chargesOf(held.body.id)).toBe(0)
    const stock = await api(`/events/${s.eventId}/availability`, { token: admin.token })
    expect(stock.body.ticketTypes[0]).toMatchObject({ sold: 0, held: 0 })
  }, 90_000)

  test('a ticket type with only unpaid holds is removed (204): the holds that name it end, the others stay', async () => {
    const s = await sale()
    const second = await api(`/events/${s.eventId}/ticket-types`, { body: { name: 'Balcony', priceCents: 2000, currency: 'EUR', capacity: 10 }, token: admin.token })
    expect(second.status).toBe(201)
    const held = await buy(buyer, s, 2, { card: null })
    const kept = await api('/orders', { body: { eventId: s.eventId, items: [{ ticketTypeId: second.body.id, quantity: 1 }] }, token: other.token, headers: { 'idempotency-key': crypto.randomUUID() } })
    expect(held.status).toBe(201)
    expect(kept.status).toBe(201)

    expect((await api(`/events/${s.eventId}/ticket-types/${s.typeId}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
    const stock = await api(`/events/${s.eventId}/availability`, { token: admin.token })
    expect(stock.body.ticketTypes.map((t: { id: string }) => t.id)).toEqual([second.body.id])
    expect(stock.body.ticketTypes[0]).toMatchObject({ held: 1, sold: 0 })
    await waitFor(`order ${held.body.id} cancelled`, async () => (await api(`/orders/${held.body.id}`, { token: buyer.token })).body.status === 'cancelled', 30_000)
    expect((await cancelledNotice(buyer, held.body.id)).body).toContain('withdrew')
    expect((await api(`/orders/${kept.body.id}`, { token: other.token })).body.status).toBe('reserved')
    // The other type's hold is still good: paying it sells its seat.
    const paid = await api(`/orders/${kept.body.id}/pay`, { body: { card: CARD }, token: other.token })
    expect(paid.status).toBe(200)
    expect(paid.body.status).toBe('paid')
  }, 60_000)
})

describe('documentation', () => {
  test('the public OpenAPI document describes every orders route with its answers; internal routes are hidden', async () => {
    const r = await api('/docs/json')
    expect(r.status).toBe(200)
    const paths = r.body.paths as Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>
    expect(Object.keys(paths['/api/orders']!.post!.responses)).toEqual(expect.arrayContaining(['201', '202', '400', '401', '402', '404', '409']))
    expect(paths['/api/orders']!.get!.security).toBeDefined()
    for (const path of ['/api/orders/{id}', '/api/orders/{id}/pay', '/api/orders/{id}/cancel', '/api/orders/{id}/refund', '/api/orders/{id}/tickets', '/api/checkins'])
      expect(paths[path]).toBeDefined()
    expect(Object.keys(paths).some((p) => p.startsWith('/internal'))).toBe(false)
  })
})

describe('metrics', () => {
  test('purchase decisions are counted by outcome with their latency', async () => {
    const text = await (await fetch(`${system().urls.orders}/metrics`)).text()
    expect(text).toMatch(/orders_purchase_decisions_total\{flow="purchase",outcome="paid"\} [1-9]/)
    expect(text).toMatch(/orders_purchase_decisions_total\{flow="purchase",outcome="sold_out"\} [1-9]/)
    expect(text).toMatch(/orders_purchase_decision_seconds_bucket\{le="[0-9.]+",flow="purchase",outcome="declined"\}/)
  })
})

describe('hold reminders', () => {
  test('a buyer holding an unpaid order is told before the hold runs out; a paid one is not', async () => {
    const sys = system()
    await sys.stop('orders')
    try {
      // A 14 s hold, a reminder 4 s before its end.
      await sys.start('orders', { HOLD_TTL_SECONDS: '14', HOLD_REMINDER_SECONDS: '4' })
      const s = await sale()
      const held = await buy(buyer, s, 2, { card: null })
      expect(held.body.status).toBe('reserved')
      const paidLater = await buy(buyer, s, 1, { card: null })
      expect((await api(`/orders/${paidLater.body.id}/pay`, { body: { card: CARD }, token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(200)

      const notifications = async () => (await api('/notifications?limit=100', { token: buyer.token })).body.items as Array<{ id: string; type: string; title: string; body: string; data: Record<string, unknown>; createdAt: string }>
      const reminder = await waitFor('the reminder', async () => (await notifications()).find((n) => n.id === `hold-expiring:${held.body.id}`), 20_000, 200)
      expect(reminder).toMatchObject({ type: 'hold-expiring', data: { orderId: held.body.id, eventId: s.eventId, expiresAt: held.body.expiresAt, amountCents: held.body.totalCents } })
      expect(reminder.title).toContain('ends soon')
      // Sent before the end, not earlier than the configured time before it (with a second of slack).
      const sentAt = Date.parse(reminder.createdAt)
      expect(sentAt).toBeLessThan(Date.parse(held.body.expiresAt))
      expect(sentAt).toBeGreaterThan(Date.parse(held.body.expiresAt) - 5_000)
      // The paid order's reminder time has passed too: nothing about it.
      await Bun.sleep(1_500)
      expect((await notifications()).some((n) => n.id === `hold-expiring:${paidLater.body.id}`)).toBe(false)
    } finally {
      await sys.stop('orders')
      await sys.start('orders')
    }
  }, 90_000)
})

describe('unpaid holds per buyer', () => {
  test('at most 5 unpaid holds of one event per buyer: the 6th is 409 and holds nothing; cancelling frees a place; paying at once is not limited', async () => {
    const s = await sale({ capacity: 30 })
    const hoarder = await registerUser('hoarder')
    const held = await Promise.all(Array.from({ length: 5 }, () => buy(hoarder, s, 1, { card: null })))
    expect(held.map((r) => r.status)).toEqual([201, 201, 201, 201, 201])
    const sixth = await buy(hoarder, s, 1, { card: null })
    expect(sixth.status).toBe(409)
    expect(errorCode(sixth)).toBe('CONFLICT')
    expect(sixth.body.error.details.maxUnpaidHolds).toBe(5)
    expect(await numbers(s)).toEqual({ sold: 0, held: 5, available: 25 })
    // Many at once cannot slip past it together.
    const rush = await Promise.all(Array.from({ length: 6 }, () => buy(hoarder, s, 1, { card: null })))
    expect(rush.every((r) => r.status === 409)).toBe(true)
    // Paying in the same request is not an unpaid hold; another buyer is not affected.
    expect((await buy(hoarder, s, 1)).status).toBe(201)
    expect((await buy(other, s, 1, { card: null })).status).toBe(201)
    // A cancelled hold frees its place; a paid one too.
    expect((await api(`/orders/${held[0]!.body.id}/cancel`, { method: 'POST', token: hoarder.token })).status).toBe(200)
    expect((await api(`/orders/${held[1]!.body.id}/pay`, { body: { card: CARD }, token: hoarder.token, headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(200)
    const again = await Promise.all([buy(hoarder, s, 1, { card: null }), buy(hoarder, s, 1, { card: null })])
    expect(again.map((r) => r.status)).toEqual([201, 201])
    expect((await buy(hoarder, s, 1, { card: null })).status).toBe(409)
    expect(await numbers(s)).toEqual({ sold: 2, held: 6, available: 22 })
  })
})

describe('a charge that comes after its order ended', () => {
  test("a late charge of an order that ended unpaid is refunded, also when Redis no longer knows how the order ended", async () => {
    const s = await sale()
    const declined = await buy(buyer, s, 1, { card: DECLINED })
    expect(declined.status).toBe(402)
    // The declined order, as the buyer's list shows it (the 402 names the payment, not the order).
    const orderId = (await api('/orders?limit=5', { token: buyer.token })).body.items.find((o: { eventId: string }) => o.eventId === s.eventId)?.id as string
    expect(orderId).toBeString()
    expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('failed')
    // Redis forgot how it ended (restarted without its data, or a day went by) ...
    const redis = new RedisClient(system().env.REDIS_URL!)
    try {
      await redis.del(`${system().env.REDIS_PREFIX}:orders:settled:${orderId}`)
    } finally {
      redis.close()
    }
    // ... and then a charge for it goes through (a retry that reached the provider late).
    const late = await fetch(`${system().urls.payments}/internal/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await serviceToken('orders')}` },
      body: JSON.stringify({ orderId, userId: buyer.user.id, amountCents: 4500, currency: 'EUR', card: CARD, idempotencyKey: `late:${orderId}` }),
    })
    expect(late.status).toBe(200)
    const charge = (await late.json()) as { paymentId: string; status: string }
    expect(charge.status).toBe('succeeded')
    // The charge's fact puts the order in the worker's sweep, which finds the money taken and gives it back.
    await waitFor('the late charge refunded', async () => {
      const payment = await api(`/payments/${charge.paymentId}`, { token: buyer.token })
      return payment.body.refunds?.length === 1 && payment.body.refunds[0].amountCents === 4500
    }, 60_000)
    expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('failed')
    expect(await numbers(s)).toEqual({ sold: 0, held: 0, available: 20 })
  }, 90_000)
})

describe('facts lost in a crash', () => {
  test("an order that ended hours before the worker looked at it (a long hold, a worker down) still gets its fact: the buyer is told", async () => {
    const s = await sale()
    const held = await buy(buyer, s, 1, { card: null })
    expect(held.status).toBe(201)
    const orderId = held.body.id as string
    // The buyer's cancel was recorded three hours ago, and the process stopped before its fact: what a
    // crash between the two writes leaves. The order is due for the worker's sweep now.
    const ordersDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_orders` }).asPromise()
    const redis = new RedisClient(system().env.REDIS_URL!)
    try {
      await ordersDb.collection<{ _id: string; [field: string]: unknown }>('order_transitions').insertOne({
        _id: `${orderId}:settle`,
        orderId,
        kind: 'settle',
        to: 'cancelled',
        by: buyer.user.id,
        reason: 'cancelled by the buyer',
        at: new Date(Date.now() - 3 * 3_600_000),
      })
      await redis.send('ZADD', [`${system().env.REDIS_PREFIX}:orders:dirty`, String(Date.now()), orderId])
    } finally {
      redis.close()
      await ordersDb.close()
    }
    expect((await api(`/orders/${orderId}`, { token: buyer.token })).body.status).toBe('cancelled')
    const notice = await waitFor(`the buyer told of ${orderId}`, async () => {
      const r = await api('/notifications?limit=100', { token: buyer.token })
      return (r.body.items as Array<{ type: string; data: { orderId?: string } }>).find((n) => n.type === 'order-cancelled' && n.data.orderId === orderId)
    }, 40_000)
    expect(notice).toBeDefined()
  }, 60_000)
})
