// Vouchers (discount codes): an admin adds one to an event, a buyer looks it up and uses it; the server
// prices the order with it, charges and refunds that price, and counts its uses in the same per-event
// decision that holds the tickets, so buyers racing for its last use never use it more than allowed.
import { describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { serviceToken } from '../support/tokens'
import { system } from '../support/system'

const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }
const declined = { ...card, number: '4000000000000002' }

async function eventWithTypes(admin: Session, prices: number[] = [4500]) {
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  expect(event.status).toBe(201)
  const types: string[] = []
  for (const [i, priceCents] of prices.entries()) {
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: `Type ${i}`, priceCents, currency: 'EUR', capacity: 50, maxPerOrder: 4 } })
    expect(type.status).toBe(201)
    types.push(type.body.id)
  }
  return { eventId: event.body.id as string, types }
}

const addVoucher = (admin: Session, eventId: string, body: unknown) => api(`/events/${eventId}/vouchers`, { token: admin.token, body })
const buy = (buyer: Session, eventId: string, items: Array<{ ticketTypeId: string; quantity: number }>, extra: Record<string, unknown> = {}) =>
  api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items, ...extra } })
const vouchersOf = async (admin: Session, eventId: string) => (await api(`/events/${eventId}/vouchers`, { token: admin.token })).body.items as Array<Record<string, unknown>>
const held = async (eventId: string, typeId: string) =>
  (await api(`/events/${eventId}/availability`)).body.ticketTypes.find((t: { id: string }) => t.id === typeId) as { sold: number; held: number; available: number }

describe('vouchers', () => {
  test('a buyer looks a code up in any case and pays the lowered price; the charge and the refund are that price', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    const created = await addVoucher(admin, eventId, { code: 'EarlyBird', percentOff: 20, maxUses: 5 })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ code: 'EARLYBIRD', eventId, percentOff: 20, maxUses: 5, used: 0, held: 0, remaining: 5, active: true })

    const offer = await api(`/events/${eventId}/vouchers/earlybird`)
    expect(offer.status).toBe(200)
    expect(offer.body).toEqual({ code: 'EARLYBIRD', eventId, percentOff: 20 })

    const buyer = await registerUser('voucher')
    const order = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 2 }], { voucherCode: 'earlybird', payment: { card } })
    expect(order.status).toBe(201)
    expect(order.body).toMatchObject({ status: 'paid', totalCents: 7200, voucher: { code: 'EARLYBIRD', discountCents: 1800 } })
    // The lines keep the ticket's price; the total is after the discount.
    expect(order.body.items).toEqual([expect.objectContaining({ quantity: 2, unitPriceCents: 4500 })])
    const payment = await api(`/payments/${order.body.paymentId}`, { token: buyer.token })
    expect(payment.body).toMatchObject({ amountCents: 7200, status: 'succeeded' })
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 1, held: 0, remaining: 4 })
    expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.voucher).toEqual({ code: 'EARLYBIRD', discountCents: 1800 })

    // A refund returns what was paid, and the use.
    const refund = await api(`/orders/${order.body.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refund.status).toBe(200)
    const after = await api(`/payments/${order.body.paymentId}`, { token: buyer.token })
    expect(after.body.refunds.reduce((sum: number, r: { amountCents: number }) => sum + r.amountCents, 0)).toBe(7200)
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 0, held: 0, remaining: 5 })
  })

  test('20 buyers race for a voucher with 3 uses: exactly 3 orders get it, the others are told it is used up and hold nothing', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    expect((await addVoucher(admin, eventId, { code: 'FIRST3', amountOffCents: 1000, currency: 'EUR', maxUses: 3 })).status).toBe(201)
    const buyers = await Promise.all(Array.from({ length: 20 }, () => registerUser('racer')))
    const answers = await Promise.all(buyers.map((b) => buy(b, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'FIRST3', payment: { card } })))
    const paid = answers.filter((a) => a.status === 201)
    expect(paid).toHaveLength(3)
    for (const a of paid) expect(a.body).toMatchObject({ status: 'paid', totalCents: 3500, voucher: { code: 'FIRST3', discountCents: 1000 } })
    const refused = answers.filter((a) => a.status !== 201)
    expect(refused.every((a) => a.status === 409 && errorCode(a) === 'CONFLICT' && a.body.error.details?.reason === 'used-up')).toBe(true)
    expect(await held(eventId, types[0]!)).toMatchObject({ sold: 3, held: 0, available: 47 })
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 3, held: 0, remaining: 0 })
    const lookup = await api(`/events/${eventId}/vouchers/first3`)
    expect(lookup.status).toBe(409)
    expect(lookup.body.error.details).toMatchObject({ reason: 'used-up' })
  })

  test('an unpaid hold keeps its use until it ends; a declined card and a cancelled hold give it back', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    await addVoucher(admin, eventId, { code: 'ONCE', percentOff: 50, maxUses: 1 })
    const buyer = await registerUser('holder')
    const hold = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'ONCE' })
    expect(hold.body).toMatchObject({ status: 'reserved', totalCents: 2250, voucher: { code: 'ONCE', discountCents: 2250 } })
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 0, held: 1, remaining: 0 })
    const other = await registerUser('second')
    expect(errorCode(await buy(other, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'ONCE', payment: { card } }))).toBe('CONFLICT')
    expect((await api(`/orders/${hold.body.id}/cancel`, { token: buyer.token, method: 'POST' })).status).toBe(200)
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 0, held: 0, remaining: 1 })
    const refusedCard = await buy(other, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'ONCE', payment: { card: declined } })
    expect(refusedCard.status).toBe(402)
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 0, held: 0, remaining: 1 })
    const paid = await buy(other, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'once', payment: { card } })
    expect(paid.body).toMatchObject({ status: 'paid', totalCents: 2250 })
  })

  test('a voucher that takes everything off: the hold is confirmed without a card, and nothing is charged', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    await addVoucher(admin, eventId, { code: 'GUEST', percentOff: 100, maxUses: 2 })
    const buyer = await registerUser('guest')
    const hold = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 2 }], { voucherCode: 'GUEST' })
    expect(hold.body).toMatchObject({ status: 'reserved', totalCents: 0, voucher: { code: 'GUEST', discountCents: 9000 } })
    const confirmed = await api(`/orders/${hold.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(confirmed.status).toBe(200)
    expect(confirmed.body).toMatchObject({ status: 'paid', totalCents: 0 })
    expect(confirmed.body.paymentId).toBeUndefined()
    expect((await api(`/orders/${hold.body.id}/tickets`, { token: buyer.token })).body).toHaveLength(2)
    // An order that costs something still needs its card, and nothing happens without it.
    const priced = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }])
    const cardless = await api(`/orders/${priced.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(cardless.status).toBe(400)
    expect(errorCode(cardless)).toBe('VALIDATION')
    expect((await api(`/orders/${priced.body.id}`, { token: buyer.token })).body.status).toBe('reserved')
  })

  test('a voucher for some ticket types lowers only those; an amount never makes a ticket cost less than nothing', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin, [4500, 800])
    await addVoucher(admin, eventId, { code: 'CHEAP', amountOffCents: 1000, currency: 'EUR', maxUses: 10, ticketTypeIds: [types[1]!] })
    const buyer = await registerUser('mixed')
    const onlyOther = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'CHEAP', payment: { card } })
    expect(onlyOther.status).toBe(400)
    expect(errorCode(onlyOther)).toBe('VALIDATION')
    const both = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }, { ticketTypeId: types[1]!, quantity: 2 }], { voucherCode: 'CHEAP', payment: { card } })
    expect(both.body).toMatchObject({ status: 'paid', totalCents: 4500, voucher: { code: 'CHEAP', discountCents: 1600 } })
    expect(await held(eventId, types[0]!)).toMatchObject({ sold: 1, held: 0 })
  })

  test('bad vouchers and bad codes are refused with 4xx and change nothing', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    const buyer = await registerUser('badcode')
    for (const body of [
      { code: 'BOTH', percentOff: 10, amountOffCents: 100, currency: 'EUR', maxUses: 1 },
      { code: 'NOCUR', amountOffCents: 100, currency: 'ABC', maxUses: 1 },
      { code: 'NOCUR', amountOffCents: 100, maxUses: 1 },
      { code: 'PCTCUR', percentOff: 10, currency: 'EUR', maxUses: 1 },
      { code: 'PAST', percentOff: 10, maxUses: 1, validUntil: new Date(Date.now() - 60_000).toISOString() },
      { code: 'NONE', maxUses: 1 },
      { code: 'x!', percentOff: 10, maxUses: 1 },
      { code: 'PCT', percentOff: 101, maxUses: 1 },
      { code: 'ZERO', percentOff: 10, maxUses: 0 },
      { code: 'TYPE', percentOff: 10, maxUses: 1, ticketTypeIds: ['0'.repeat(24)] },
      { code: 'DATE', percentOff: 10, maxUses: 1, validUntil: '2027-02-30T10:00:00Z' },
      { code: 'Y10K', percentOff: 10, maxUses: 1, validUntil: '9999-12-31T23:30:00-01:00' },
      { code: 'EXTRA', percentOff: 10, maxUses: 1, used: 5 },
    ]) {
      const r = await addVoucher(admin, eventId, body)
      expect(`${body.code} ${r.status} ${errorCode(r)}`).toBe(`${body.code} 400 VALIDATION`)
    }
    expect((await api(`/events/${eventId}/vouchers`, { token: buyer.token, body: { code: 'MINE', percentOff: 100, maxUses: 9 } })).status).toBe(403)
    expect((await api(`/events/${eventId}/vouchers`, { body: { code: 'MINE', percentOff: 100, maxUses: 9 } })).status).toBe(401)
    expect((await api(`/events/${eventId}/vouchers`, { token: buyer.token })).status).toBe(403)
    expect(await vouchersOf(admin, eventId)).toEqual([])

    // The same body again (a retry) answers the voucher; another voucher under the code is 409.
    expect((await addVoucher(admin, eventId, { code: 'TWICE', percentOff: 10, maxUses: 2 })).status).toBe(201)
    expect((await addVoucher(admin, eventId, { code: 'twice', percentOff: 10, maxUses: 2 })).body).toMatchObject({ code: 'TWICE', maxUses: 2 })
    const clash = await addVoucher(admin, eventId, { code: 'TWICE', percentOff: 90, maxUses: 2 })
    expect(clash.status).toBe(409)
    expect(await vouchersOf(admin, eventId)).toHaveLength(1)

    const unknown = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'NOPE123', payment: { card } })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.message).toContain('NOPE123')
    const malformed = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'no pe', payment: { card } })
    expect(malformed.status).toBe(400)
    expect((await api(`/events/${eventId}/vouchers/NOPE123`)).status).toBe(404)
    expect(await held(eventId, types[0]!)).toMatchObject({ sold: 0, held: 0, available: 50 })
    expect((await api('/orders', { token: buyer.token })).body.total).toBe(0)
    expect((await addVoucher(admin, '0'.repeat(24), { code: 'GHOST', percentOff: 10, maxUses: 1 })).status).toBe(404)
    expect((await api(`/events/${'0'.repeat(24)}/vouchers`, { token: admin.token })).status).toBe(404)
  })

  test('an admin switches a voucher off or ends it; maxUses never goes below the orders using it', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    await addVoucher(admin, eventId, { code: 'SPRING', percentOff: 10, maxUses: 3 })
    const buyer = await registerUser('spring')
    expect((await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'SPRING', payment: { card } })).status).toBe(201)
    expect((await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'SPRING' })).status).toBe(201)
    const patch = (body: unknown, code = 'spring') => api(`/events/${eventId}/vouchers/${code}`, { token: admin.token, method: 'PATCH', body })
    const tooLow = await patch({ maxUses: 1 })
    expect(tooLow.status).toBe(409)
    expect(tooLow.body.error.details).toMatchObject({ used: 1, held: 1 })
    expect((await patch({ maxUses: 2 })).body).toMatchObject({ maxUses: 2, remaining: 0 })
    expect((await patch({ maxUses: 5, validUntil: new Date(Date.now() - 1000).toISOString() })).body).toMatchObject({ maxUses: 5, remaining: 3 })
    const ended = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'SPRING', payment: { card } })
    expect(ended.status).toBe(409)
    expect(ended.body.error.details).toMatchObject({ reason: 'expired' })
    expect((await patch({ validUntil: null, active: false })).body).toMatchObject({ active: false })
    expect((await api(`/events/${eventId}/vouchers/SPRING`)).status).toBe(404)
    expect((await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'SPRING', payment: { card } })).status).toBe(404)
    expect((await patch({ active: true })).body).toMatchObject({ active: true, remaining: 3 })
    expect((await patch({ active: 'yes' })).status).toBe(400)
    expect((await patch({})).status).toBe(400)
    expect((await patch({ maxUses: 9 }, 'OTHER')).status).toBe(404)
    // Removed only while nothing counts on it; its code is then free for another voucher.
    const remove = (code: string) => api(`/events/${eventId}/vouchers/${code}`, { token: admin.token, method: 'DELETE' })
    expect((await remove('spring')).status).toBe(409)
    await addVoucher(admin, eventId, { code: 'UNUSED', percentOff: 10, maxUses: 3 })
    expect((await api(`/events/${eventId}/vouchers/unused`, { token: buyer.token, method: 'DELETE' })).status).toBe(403)
    expect((await remove('unused')).status).toBe(204)
    expect((await remove('unused')).status).toBe(404)
    expect((await vouchersOf(admin, eventId)).map((v) => v.code)).toEqual(['SPRING'])
    expect((await addVoucher(admin, eventId, { code: 'UNUSED', percentOff: 50, maxUses: 1 })).body).toMatchObject({ percentOff: 50, used: 0, held: 0 })
    expect((await api(`/events/${eventId}/vouchers/spring`, { token: buyer.token, method: 'PATCH', body: { maxUses: 9 } })).status).toBe(403)
  })

  test("a batch that died between its writes is rebuilt from the ledger, the voucher's uses too", async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    await addVoucher(admin, eventId, { code: 'SOLE', percentOff: 10, maxUses: 1 })
    const buyer = await registerUser('rebuild')
    // What a worker killed after inserting a hold with the voucher, before updating the counters, leaves behind.
    const conn = await mongoose.createConnection(system().env.MONGO_URL!, { dbName: `${system().env.MONGO_DB_PREFIX}_ticketing` }).asPromise()
    try {
      const doc = await conn.db!.collection<{ _id: string; seq: number }>('inventories').findOne({ _id: eventId })
      const orphan = new mongoose.Types.ObjectId().toHexString()
      await conn.db!.collection<{ _id: string }>('ledger').insertOne({
        _id: `${orphan}:hold`,
        kind: 'hold',
        eventId,
        orderId: orphan,
        userId: buyer.user.id,
        items: [{ ticketTypeId: types[0]!, name: 'Type 0', quantity: 1, unitPriceCents: 4500 }],
        currency: 'EUR',
        totalCents: 4050,
        voucher: { code: 'SOLE', discountCents: 450 },
        expiresAt: new Date(Date.now() + 600_000),
        seq: doc!.seq + 1,
        at: new Date(),
      } as never)
      await conn.db!.collection<{ _id: string }>('inventories').updateOne({ _id: eventId }, { $set: { pendingSeq: doc!.seq + 1 } })
    } finally {
      await conn.close()
    }
    // The next order finds the batch unfinished and counts the orphan hold's use: nothing is left.
    const late = await buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'SOLE', payment: { card } })
    expect(late.status).toBe(409)
    expect(late.body.error.details).toMatchObject({ reason: 'used-up' })
    expect((await vouchersOf(admin, eventId))[0]).toMatchObject({ used: 0, held: 1, remaining: 0 })
    expect(await held(eventId, types[0]!)).toMatchObject({ held: 1, sold: 0 })
  })

  test('wrong codes are limited: an address that looked up 30 unknown codes, or a buyer who tried 30 in orders, is refused (429) before the next', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin)
    await addVoucher(admin, eventId, { code: 'REAL', percentOff: 10, maxUses: 100 })
    // Ticketing counts by the address the gateway saw (`x-real-ip`); asked directly, as the gateway asks it.
    const lookup = (code: string, address: string) => fetch(`${system().urls.ticketing}/api/events/${eventId}/vouchers/${code}`, { headers: { 'x-real-ip': address } })
    const guesser = `198.51.100.${Math.floor(Math.random() * 250) + 1}`
    for (let i = 0; i < 30; i++) expect((await lookup(`WRONG${i}`, guesser)).status).toBe(404)
    const refused = await lookup('REAL', guesser)
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: { code: string; details: { retryAfterSeconds: number } } }).error).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: expect.any(Number) } })
    // Right codes never count, and another address is not held to the guesser's limit.
    for (let i = 0; i < 3; i++) expect((await lookup('REAL', '192.0.2.7')).status).toBe(200)
    // A service (orders describing an undecided order) is not a guesser: its lookups are not counted.
    const asService = { 'x-real-ip': '192.0.2.8', authorization: `Bearer ${await serviceToken('orders')}` }
    for (let i = 0; i < 31; i++) expect((await fetch(`${system().urls.ticketing}/api/events/${eventId}/vouchers/MISS${i}`, { headers: asService })).status).toBe(404)
    // Orders only: another service's token is not taken there (it would guess codes without a limit).
    const asCatalog = { 'x-real-ip': '192.0.2.8', authorization: `Bearer ${await serviceToken('catalog')}` }
    expect((await fetch(`${system().urls.ticketing}/api/events/${eventId}/vouchers/MISS99`, { headers: asCatalog })).status).toBe(403)

    const buyer = await registerUser('guesser')
    const order = (code: string) => buy(buyer, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: code })
    // One order with the right code first, under a key of its own.
    const firstKey = crypto.randomUUID()
    const firstBody = { eventId, items: [{ ticketTypeId: types[0]!, quantity: 1 }], voucherCode: 'REAL' }
    const first = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': firstKey }, body: firstBody })
    expect(first.status).toBe(201)
    expect((await api(`/orders/${first.body.id}/cancel`, { token: buyer.token, method: 'POST' })).status).toBe(200)
    for (let i = 0; i < 30; i++) expect((await order(`NOPE${i}`)).status).toBe(404)
    const blocked = await order('REAL')
    expect(blocked.status).toBe(429)
    expect(errorCode(blocked)).toBe('RATE_LIMITED')
    // The first request sent again under its key is answered as it was: the limit reached since does not change its answer.
    const replay = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': firstKey }, body: firstBody })
    expect(replay.status).toBe(201)
    expect(replay.body.id).toBe(first.body.id)
    expect(await held(eventId, types[0]!)).toMatchObject({ held: 0, sold: 0 })
    // Another buyer uses the code.
    expect((await buy(await registerUser('honest'), eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: 'REAL' })).body).toMatchObject({ status: 'reserved', totalCents: 4050 })
    // Guesses sent at once are each taken before they are tried: never more than 30 reach ticketing.
    const crowd = await registerUser('guesser-at-once')
    const answers = await Promise.all(Array.from({ length: 45 }, (_, i) => buy(crowd, eventId, [{ ticketTypeId: types[0]!, quantity: 1 }], { voucherCode: `AT${i}ONCE`, payment: { card: TEST_CARD } })))
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(30)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15)
    expect(statuses.every((s) => s === 404 || s === 429)).toBe(true)
  })

  test('a cancelled event keeps its ticket types, vouchers and pools as they were: changes and removals are 409', async () => {
    const admin = await loginAdmin()
    const { eventId, types } = await eventWithTypes(admin, [4500, 2000])
    expect((await addVoucher(admin, eventId, { code: 'KEPT', percentOff: 10, maxUses: 3 })).status).toBe(201)
    const pool = await api(`/events/${eventId}/pools`, { token: admin.token, body: { name: 'Hall', capacity: 60, ticketTypeIds: types } })
    expect(pool.status).toBe(201)
    expect((await api(`/events/${eventId}/cancel`, { token: admin.token, method: 'POST' })).status).toBe(202)
    const before = (await api(`/events/${eventId}/availability`, { token: admin.token })).body
    const tries = [
      await api(`/events/${eventId}/ticket-types/${types[0]}`, { token: admin.token, method: 'PATCH', body: { capacity: 500, priceCents: 1 } }),
      await api(`/events/${eventId}/ticket-types/${types[1]}`, { token: admin.token, method: 'DELETE' }),
      await api(`/events/${eventId}/vouchers/KEPT`, { token: admin.token, method: 'PATCH', body: { maxUses: 50 } }),
      await api(`/events/${eventId}/vouchers/KEPT`, { token: admin.token, method: 'DELETE' }),
      await api(`/events/${eventId}/pools/${pool.body.id}`, { token: admin.token, method: 'PATCH', body: { capacity: 2 } }),
      await api(`/events/${eventId}/pools/${pool.body.id}`, { token: admin.token, method: 'DELETE' }),
    ]
    expect(tries.map((r) => `${r.status} ${errorCode(r)}`)).toEqual(Array(6).fill('409 CONFLICT'))
    expect((await api(`/events/${eventId}/availability`, { token: admin.token })).body).toEqual(before)
    expect(await vouchersOf(admin, eventId)).toEqual([expect.objectContaining({ code: 'KEPT', maxUses: 3 })])
  })

  test('a draft event hides its vouchers from buyers; a cancelled one says so', async () => {
    const admin = await loginAdmin()
    const cancelled = await eventWithTypes(admin)
    await addVoucher(admin, cancelled.eventId, { code: 'GONE', percentOff: 10, maxUses: 1 })
    expect((await api(`/events/${cancelled.eventId}/cancel`, { token: admin.token, method: 'POST' })).status).toBe(202)
    // Ticketing learns the event's status from the catalog within its cache's 10 seconds.
    const lookup = await eventually('the lookup says cancelled', async () => {
      const r = await api(`/events/${cancelled.eventId}/vouchers/GONE`)
      return r.status !== 200 && r
    }, 15_000, 500)
    expect(lookup.status).toBe(409)
    expect(lookup.body.error.details).toMatchObject({ reason: 'cancelled' })
    const draft = await api('/events', { token: admin.token, body: futureEvent({ status: 'draft' }) })
    expect(draft.status).toBe(201)
    expect((await addVoucher(admin, draft.body.id, { code: 'SECRET', percentOff: 10, maxUses: 1 })).status).toBe(201)
    expect((await api(`/events/${draft.body.id}/vouchers/SECRET`)).status).toBe(404)
    expect((await api(`/events/${draft.body.id}/vouchers/SECRET`, { token: admin.token })).status).toBe(200)
  })
})
