// Payments, end to end on the real stack: the sandbox card gateway, idempotent charges, one payment per
// order, refunds that move money once, the reconciler after a crash, and what is never stored.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { createHash, randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { serviceToken as serviceTokenOf } from '../support/tokens'
import { defineModels } from '../../services/payments/src/db'
import { sandboxProvider } from '../../services/payments/src/provider/sandbox'
import { api, errorCode, loginAdmin, registerUser, type Session } from '../support/api'
import { system } from '../support/system'

// Real servers on a shared 2-core machine: generous, not timed.
setDefaultTimeout(30_000)

const objectId = () => randomBytes(12).toString('hex')
const nextYear = new Date().getUTCFullYear() + 1
const card = (number: string, extra: Record<string, unknown> = {}) => ({ number, expMonth: 12, expYear: nextYear, cvc: '123', ...extra })
const CARDS = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  insufficient: '4000000000009995',
  lostAnswer: '4000000000000119',
  otherValid: '5555555555554444',
}

let serviceToken = ''
/** A call straight to the payments service; `token: ''` sends none. */
async function internal(path: string, body?: unknown, given?: string) {
  // A fresh token for every call (a service's token lasts 5 minutes; this file runs longer).
  const token = given ?? (await serviceTokenOf('orders'))
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const r = await fetch(`${system().urls.payments}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await r.text()
  let json: any = text
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: r.status, body: json }
}

function charge(input: { orderId: string; userId: string; amountCents?: number; currency?: string; card?: unknown; idempotencyKey?: string }) {
  return internal('/internal/charges', {
    amountCents: 4500,
    currency: 'EUR',
    card: card(CARDS.approved),
    idempotencyKey: `test:${objectId()}`,
    ...input,
  })
}

let conn: mongoose.Connection
const db = () => conn.db!
let buyer: Session
let other: Session

beforeAll(async () => {
  const env = system().env
  serviceToken = await serviceTokenOf('orders')
  conn = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_payments` }).asPromise()
  ;[buyer, other] = await Promise.all([registerUser('payer'), registerUser('other')])
})

afterAll(async () => {
  await conn?.close()
})

describe('charges through the sandbox gateway', () => {
  test('an approved card: succeeded, visible to its owner with only the last four digits kept', async () => {
    const orderId = objectId()
    const r = await charge({ orderId, userId: buyer.user.id, card: card('4242 4242 4242 4242', { cvc: '987' }) })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ status: 'succeeded', amountCents: 4500, currency: 'EUR' })
    expect(r.body.declineCode).toBeUndefined()

    const p = await api(`/payments/${r.body.paymentId}`, { token: buyer.token })
    expect(p.status).toBe(200)
    expect(p.body).toMatchObject({ id: r.body.paymentId, orderId, amountCents: 4500, currency: 'EUR', status: 'succeeded', cardLast4: '4242', brand: 'visa', refunds: [] })
    expect(p.body._id).toBeUndefined()

    // Neither our records nor the provider's hold the card number or the cvc. No record anywhere has
    // a card field or the full number; this charge's own records (other tests' random ids and hashes
    // may contain any digits) are read field by field for the cvc too.
    for (const name of ['payments', 'payment_results', 'charge_markers', 'sandbox_charges']) {
      const text = JSON.stringify(await db().collection(name).find({}).toArray())
      expect(text).not.toContain('4242424242424242')
      expect(text).not.toContain('4242 4242')
      expect(text).not.toMatch(/"(cvc|number|card)"/)
    }
    const own = {
      payments: r.body.paymentId,
      payment_results: r.body.paymentId,
      charge_markers: `${orderId}:succeeded`,
      sandbox_charges: `pay_${r.body.paymentId}`,
    }
    // Random by nature: ids, keys, hashes and references; dates are not strings here.
    const random = new Set(['_id', 'orderId', 'userId', 'paymentId', 'idempotencyKey', 'paramsHash', 'ref', 'providerRef'])
    for (const [name, id] of Object.entries(own)) {
      const doc = await db().collection(name).findOne({ _id: id as any })
      expect(`${name} ${doc ? 'found' : 'missing'}`).toBe(`${name} found`)
      const leaves: Array<[string, unknown]> = []
      const walk = (value: unknown, path: string) => {
        if (value && typeof value === 'object' && !(value instanceof Date)) for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k)
        else leaves.push([path, value])
      }
      walk(doc, '')
      for (const [path, value] of leaves) {
        expect(`${name}.${path}`).not.toMatch(/\b(cvc|number|card)\b/i)
        if (typeof value === 'number') expect(`${name}.${path}=${value}`).not.toBe(`${name}.${path}=987`)
        if (typeof value === 'string' && !random.has(path.split('.').pop()!)) expect(`${name}.${path}=${value}`).not.toContain('987')
      }
    }
    const provider = await db().collection('sandbox_charges').findOne({ _id: `pay_${r.body.paymentId}` as any })
    expect(provider?.ref).toMatch(/^ch_/)
    expect(provider?.last4).toBe('4242')
  })

  test('declines answer 200 with a decline code and a human message, and stay declined', async () => {
    const cases = [
      [CARDS.declined, 'card_declined', 'Your card was declined.'],
      [CARDS.insufficient, 'insufficient_funds', 'Insufficient funds.'],
    ] as const
    for (const [number, declineCode, message] of cases) {
      const orderId = objectId()
      const r = await charge({ orderId, userId: buyer.user.id, card: card(number) })
      expect(r.status).toBe(200)
      expect(r.body).toMatchObject({ status: 'declined', declineCode, message })
      const p = await api(`/payments/${r.body.paymentId}`, { token: buyer.token })
      expect(p.body).toMatchObject({ status: 'declined', declineCode })
      // No payment claims the order.
      expect((await internal(`/internal/orders/${orderId}/payment`)).status).toBe(404)
    }
    const other = await charge({ orderId: objectId(), userId: buyer.user.id, card: card(CARDS.otherValid) })
    expect(other.body.status).toBe('succeeded')
    expect((await api(`/payments/${other.body.paymentId}`, { token: buyer.token })).body.brand).toBe('mastercard')
  })

  test('an invalid card is a 400 VALIDATION that records nothing', async () => {
    const thisYear = new Date().getUTCFullYear()
    const bad = [
      card('4242424242424241'), // Luhn
      card('42424242424'), // too short
      card('4242-4242-4242-4242'),
      card(CARDS.approved, { expYear: thisYear - 1 }),
      card(CARDS.approved, { expMonth: 13 }),
      card(CARDS.approved, { expMonth: 0 }),
      card(CARDS.approved, { expYear: 30 }),
      card(CARDS.approved, { cvc: '12' }),
      card(CARDS.approved, { cvc: '12a' }),
      card(CARDS.approved, { cvc: '12345' }),
      { number: CARDS.approved, expMonth: 12, expYear: nextYear },
    ]
    if (new Date().getUTCMonth() > 0) bad.push(card(CARDS.approved, { expYear: thisYear, expMonth: new Date().getUTCMonth() }))
    const orderId = objectId()
    for (const c of bad) {
      const r = await charge({ orderId, userId: buyer.user.id, card: c })
      expect(r.status, JSON.stringify(c)).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    for (const body of [
      { amountCents: 0 },
      { amountCents: -5 },
      { amountCents: 12.5 },
      { currency: 'eur' },
      { idempotencyKey: '' },
      { orderId: 'nope' },
    ]) {
      const r = await charge({ orderId, userId: buyer.user.id, ...body })
      expect(r.status, JSON.stringify(body)).toBe(400)
    }
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(0)
    // This month is still valid.
    const now = new Date()
    const ok = await charge({ orderId, userId: buyer.user.id, card: card(CARDS.approved, { expYear: now.getUTCFullYear(), expMonth: now.getUTCMonth() + 1 }) })
    expect(ok.body.status).toBe('succeeded')
  })

  test('a retry of a payment whose answer was lost, its card expired since, is answered from the charge made, never recorded declined', async () => {
    const orderId = objectId()
    const key = `test:${objectId()}`
    const first = await charge({ orderId, userId: buyer.user.id, card: card(CARDS.lostAnswer), idempotencyKey: key })
    expect(first.status).toBe(503)
    // The month turned meanwhile: the same payment, sent again, is no longer a card that passes.
    const expired = card(CARDS.lostAnswer, { expMonth: 1, expYear: new Date().getUTCFullYear() - 1 })
    const retry = await charge({ orderId, userId: buyer.user.id, card: expired, idempotencyKey: key })
    expect(retry.status).toBe(200)
    expect(retry.body).toMatchObject({ status: 'succeeded', amountCents: 4500 })
    expect(await db().collection('payment_results').findOne({ _id: retry.body.paymentId })).toMatchObject({ status: 'succeeded' })
    // A new payment with that card is refused, and records nothing.
    const other = objectId()
    const refused = await charge({ orderId: other, userId: buyer.user.id, card: expired })
    expect(refused.status).toBe(400)
    expect(await db().collection('payments').countDocuments({ orderId: other })).toBe(0)
  })

  test('the same idempotency key is the same payment, and one provider charge, even concurrently', async () => {
    const orderId = objectId()
    const idempotencyKey = `order:${orderId}:pay:1`
    const answers = await Promise.all(Array.from({ length: 6 }, () => charge({ orderId, userId: buyer.user.id, idempotencyKey })))
    for (const a of answers) expect(a.status).toBe(200)
    const ids = new Set(answers.map((a) => a.body.paymentId))
    expect(ids.size).toBe(1)
    const again = await charge({ orderId, userId: buyer.user.id, idempotencyKey })
    expect(again.body.paymentId).toBe(answers[0]!.body.paymentId)
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(1)
    expect(await db().collection('sandbox_charges').countDocuments({ _id: `pay_${again.body.paymentId}` as any })).toBe(1)

    // The same key with other parameters is refused and charges nothing.
    const changed = await charge({ orderId, userId: buyer.user.id, idempotencyKey, amountCents: 1 })
    expect(changed.status).toBe(409)
    expect(changed.body.error.code).toBe('CONFLICT')
    const otherCard = await charge({ orderId, userId: buyer.user.id, idempotencyKey, card: card(CARDS.otherValid) })
    expect(otherCard.status).toBe(409)
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(1)

    // A declined key stays declined (the buyer retries with a new key).
    const declinedOrder = objectId()
    const d1 = await charge({ orderId: declinedOrder, userId: buyer.user.id, idempotencyKey: `k:${declinedOrder}`, card: card(CARDS.declined) })
    const d2 = await charge({ orderId: declinedOrder, userId: buyer.user.id, idempotencyKey: `k:${declinedOrder}`, card: card(CARDS.declined) })
    expect(d2.body).toEqual(d1.body)
    const retry = await charge({ orderId: declinedOrder, userId: buyer.user.id, idempotencyKey: `k2:${declinedOrder}` })
    expect(retry.body.status).toBe('succeeded')
    expect(retry.body.paymentId).not.toBe(d1.body.paymentId)
  })

  test('an order is paid once: a second approved charge is never kept', async () => {
    // Sequential: the second charge does not even reach the provider.
    const orderId = objectId()
    const first = await charge({ orderId, userId: buyer.user.id })
    const second = await charge({ orderId, userId: buyer.user.id })
    expect(second.body).toMatchObject({ status: 'succeeded', paymentId: first.body.paymentId })
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(1)

    // Concurrent, with different keys: whatever reached the provider, exactly one charge is kept. One
    // that finds another still undecided is not sent to the provider: 503, and its retry gets the winner.
    const raced = objectId()
    const keys = Array.from({ length: 5 }, () => `test:${objectId()}`)
    let answers = await Promise.all(keys.map((idempotencyKey) => charge({ orderId: raced, userId: buyer.user.id, idempotencyKey })))
    for (const a of answers) if (a.status !== 200) expect(a).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } })
    answers = await Promise.all(keys.map((idempotencyKey) => charge({ orderId: raced, userId: buyer.user.id, idempotencyKey })))
    const winners = new Set(answers.map((a) => a.body.paymentId))
    expect(winners.size).toBe(1)
    for (const a of answers) expect(a.body.status).toBe('succeeded')
    const payments = await db().collection('payments').find({ orderId: raced }).toArray()
    const ids = payments.map((p) => String(p._id))
    const results = await db().collection('payment_results').find({ _id: { $in: ids as any[] } }).toArray()
    const refunds = await db().collection('refunds').find({ orderId: raced }).toArray()
    const kept = results.filter((r) => r.status === 'succeeded' && !refunds.some((f) => f.paymentId === String(r._id)))
    expect(kept.map((r) => String(r._id))).toEqual([...winners])
    for (const f of refunds) expect(f.reason).toBe('duplicate_charge')
    expect(refunds.length).toBe(results.filter((r) => r.status === 'succeeded').length - 1)
    const order = await internal(`/internal/orders/${raced}/payment`)
    expect(order.body).toMatchObject({ paymentId: [...winners][0], status: 'succeeded', amountCents: 4500 })
  })

  test('an approved charge that had not yet claimed its order (a crash between the two) is the order\'s payment: a charge under another key does not take the card again', async () => {
    const orderId = objectId()
    const first = await charge({ orderId, userId: buyer.user.id })
    expect(first.body.status).toBe('succeeded')
    // As if payments stopped between the provider's approval (recorded) and the order's claim.
    expect((await db().collection('charge_markers').deleteOne({ paymentId: first.body.paymentId })).deletedCount).toBe(1)
    const again = await charge({ orderId, userId: buyer.user.id })
    expect(again.body).toMatchObject({ status: 'succeeded', paymentId: first.body.paymentId })
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(1)
    expect(await db().collection('charge_markers').countDocuments({ paymentId: first.body.paymentId })).toBe(1)
  })
})

describe('refunds', () => {
  test('ten concurrent refunds: one refund record, one provider refund, the full amount once', async () => {
    const orderId = objectId()
    const paid = await charge({ orderId, userId: buyer.user.id, amountCents: 12345 })
    expect(paid.body.status).toBe('succeeded')
    const answers = await Promise.all(Array.from({ length: 10 }, () => internal('/internal/refunds', { orderId, reason: 'changed my mind' })))
    for (const a of answers) {
      expect(a.status).toBe(200)
      expect(a.body).toEqual({ refundId: `${paid.body.paymentId}:refund`, paymentId: paid.body.paymentId, amountCents: 12345, currency: 'EUR', status: 'succeeded' })
    }
    expect(await db().collection('refunds').countDocuments({ orderId })).toBe(1)
    const result = await db().collection('payment_results').findOne({ _id: paid.body.paymentId })
    const providerRefunds = await db().collection('sandbox_refunds').find({ chargeRef: result!.providerRef }).toArray()
    expect(providerRefunds.length).toBe(1)
    expect(providerRefunds[0]!.amountCents).toBe(12345)
    expect(providerRefunds[0]!.ref).toMatch(/^re_/)

    // Later repeats return the same refund and move nothing.
    const later = await internal('/internal/refunds', { orderId })
    expect(later.body.refundId).toBe(`${paid.body.paymentId}:refund`)
    expect(await db().collection('sandbox_refunds').countDocuments({ chargeRef: result!.providerRef })).toBe(1)

    const p = await api(`/payments/${paid.body.paymentId}`, { token: buyer.token })
    expect(p.body.status).toBe('refunded')
    expect(p.body.refunds).toHaveLength(1)
    expect(p.body.refunds[0]).toMatchObject({ id: `${paid.body.paymentId}:refund`, amountCents: 12345, reason: 'changed my mind' })
    expect((await internal(`/internal/orders/${orderId}/payment`)).body).toMatchObject({ status: 'refunded', refundId: `${paid.body.paymentId}:refund` })

    // A refunded order cannot be charged again: the order's payment stays the refunded one.
    const recharge = await charge({ orderId, userId: buyer.user.id, amountCents: 12345 })
    expect(recharge.body.paymentId).toBe(paid.body.paymentId)
    expect(await db().collection('payments').countDocuments({ orderId })).toBe(1)
  })

  test('an order without a succeeded payment cannot be refunded', async () => {
    const unknown = await internal('/internal/refunds', { orderId: objectId() })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('NOT_FOUND')
    const orderId = objectId()
    await charge({ orderId, userId: buyer.user.id, card: card(CARDS.declined) })
    const declined = await internal('/internal/refunds', { orderId })
    expect(declined.status).toBe(404)
    expect(await db().collection('refunds').countDocuments({ orderId })).toBe(0)
    expect((await internal('/internal/refunds', { orderId: 'x' })).status).toBe(400)
  })
})

describe('who may see what', () => {
  test('owner and admins see a payment; others get 404, guests 401; internal routes are for services only', async () => {
    const r = await charge({ orderId: objectId(), userId: buyer.user.id })
    const path = `/payments/${r.body.paymentId}`
    expect((await api(path, { token: buyer.token })).status).toBe(200)
    const admin = await loginAdmin()
    expect((await api(path, { token: admin.token })).body.id).toBe(r.body.paymentId)
    const foreign = await api(path, { token: other.token })
    expect(foreign.status).toBe(404)
    expect(errorCode(foreign)).toBe('NOT_FOUND')
    const guest = await api(path)
    expect(guest.status).toBe(401)
    expect(errorCode(guest)).toBe('UNAUTHENTICATED')
    expect((await api('/payments/not-an-id', { token: buyer.token })).status).toBe(400)
    expect((await api(`/payments/${objectId()}`, { token: buyer.token })).status).toBe(404)

    const asUser = await internal('/internal/charges', { orderId: objectId(), userId: buyer.user.id, amountCents: 1, currency: 'EUR', card: card(CARDS.approved), idempotencyKey: 'x' }, buyer.token)
    expect(asUser.status).toBe(403)
    expect((await internal('/internal/refunds', { orderId: objectId() }, '')).status).toBe(401)
    expect((await internal(`/internal/orders/${objectId()}/payment`, undefined, admin.token)).status).toBe(403)
  })

  test('health, metrics and the documented public route', async () => {
    const health = await fetch(`${system().urls.payments}/health`).then((r) => r.json())
    expect(health).toMatchObject({ status: 'ok', checks: { mongo: 'ok', nats: 'ok' } })
    const metrics = await fetch(`${system().urls.payments}/metrics`).then((r) => r.text())
    expect(metrics).toContain('payments_charges_total')
    const doc = await fetch(`${system().urls.payments}/openapi/json`).then((r) => r.json())
    const route = doc.paths['/api/payments/{id}']?.get
    expect(route.tags).toEqual(['Payments'])
    expect(route.security).toEqual([{ bearer: [] }])
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '401', '404']))
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/internal'))).toEqual([])
  })
})

describe('the reconciler', () => {
  /** A payment recorded before the provider call, as the charge path writes it, and nothing after. */
  const insertPendingPayment = (id: string, orderId: string, amountCents: number, createdAt: Date) =>
    db()
      .collection('payments')
      .insertOne({ _id: id as any, orderId, userId: buyer.user.id, amountCents, currency: 'EUR', idempotencyKey: `sim:${id}`, cardLast4: '4242', brand: 'visa', createdAt })

  afterAll(async () => {
    // Back to the run's normal settings for the files after this one.
    await system().stop('payments')
    await system().start('payments')
  }, 60_000)

  test('settles payments left without a result from the provider record', async () => {
    await system().stop('payments')
    await system().start('payments', { RECONCILE_AFTER_SECONDS: '1', RECONCILE_GIVE_UP_SECONDS: '1', PROVIDER_TIMEOUT_MS: '500' })

    // A crash between the provider call and the result insert: the provider charged, we recorded only the payment.
    const crashedOrder = objectId()
    const crashedId = objectId()
    const now = new Date()
    await db().collection('sandbox_charges').insertOne({
      _id: `pay_${crashedId}` as any,
      paramsHash: 'simulated',
      ref: `ch_sim${objectId()}`,
      status: 'succeeded',
      amountCents: 7000,
      currency: 'EUR',
      last4: '4242',
      brand: 'visa',
      createdAt: now,
    })
    await insertPendingPayment(crashedId, crashedOrder, 7000, now)
    // A payment whose charge never reached the provider: given up as failed, never invented as paid.
    const lostId = objectId()
    const lostOrder = objectId()
    await insertPendingPayment(lostId, lostOrder, 100, now)
    // The provider charges but its answer never arrives: 503, pending, then settled.
    const lateOrder = objectId()
    const late = await charge({ orderId: lateOrder, userId: buyer.user.id, card: card(CARDS.lostAnswer) })
    expect(late.status).toBe(503)
    expect(late.body.error.code).toBe('UNAVAILABLE')
    const lateId = late.body.error.details.paymentId as string
    // Pending until the reconciler looks (it may already have, on a slow machine): never failed.
    expect(['pending', 'succeeded']).toContain((await api(`/payments/${lateId}`, { token: buyer.token })).body.status)

    const statusOf = async (id: string) => (await api(`/payments/${id}`, { token: buyer.token })).body.status
    let states: string[] = []
    for (let i = 0; i < 60; i++) {
      states = await Promise.all([statusOf(crashedId), statusOf(lateId), statusOf(lostId)])
      if (!states.includes('pending')) break
      await Bun.sleep(250)
    }
    expect(states).toEqual(['succeeded', 'succeeded', 'declined'])
    expect((await db().collection('payment_results').findOne({ _id: lostId as any }))?.declineCode).toBe('processing_error')

    // The settled charges now pay their orders, and can be refunded.
    expect((await internal(`/internal/orders/${crashedOrder}/payment`)).body).toMatchObject({ paymentId: crashedId, status: 'succeeded', amountCents: 7000 })
    expect((await internal(`/internal/orders/${lateOrder}/payment`)).body).toMatchObject({ paymentId: lateId, status: 'succeeded' })
    expect((await internal(`/internal/orders/${lostOrder}/payment`)).status).toBe(404)
    const refund = await internal('/internal/refunds', { orderId: crashedOrder })
    expect(refund.body).toMatchObject({ paymentId: crashedId, amountCents: 7000, status: 'succeeded' })
    // A retry of the timed-out charge with its key returns the settled payment, without a second charge.
    const retried = await charge({ orderId: lateOrder, userId: buyer.user.id, card: card(CARDS.lostAnswer), idempotencyKey: (await db().collection('payments').findOne({ _id: lateId as any }))!.idempotencyKey })
    expect(retried.body).toMatchObject({ paymentId: lateId, status: 'succeeded' })
    expect(await db().collection('sandbox_charges').countDocuments({ _id: `pay_${lateId}` as any })).toBe(1)
  }, 60_000)

  test('a second approved charge left unrefunded (a crash, or a provider down when it was found) is refunded once', async () => {
    // Still the fast settings of the test above.
    const orderId = objectId()
    const first = await charge({ orderId, userId: buyer.user.id })
    expect(first.body.status).toBe('succeeded')
    // The losing charge as a crash leaves it: approved at the provider, its result recorded, no refund.
    const secondId = objectId()
    const ref = `ch_sim${objectId()}`
    const now = new Date()
    await db().collection('sandbox_charges').insertOne({ _id: `pay_${secondId}` as any, paramsHash: 'simulated', ref, status: 'succeeded', amountCents: 4500, currency: 'EUR', last4: '4242', brand: 'visa', createdAt: now })
    await insertPendingPayment(secondId, orderId, 4500, now)
    await db().collection('payment_results').insertOne({ _id: secondId as any, status: 'succeeded', providerRef: ref, at: now })
    let refund: any = null
    for (let i = 0; i < 60 && !refund; i++) {
      refund = await db().collection('refunds').findOne({ _id: `${secondId}:refund` as any })
      if (!refund) await Bun.sleep(250)
    }
    expect(refund).toMatchObject({ paymentId: secondId, orderId, amountCents: 4500, reason: 'duplicate_charge' })
    expect(await db().collection('sandbox_refunds').countDocuments({ chargeRef: ref })).toBe(1)
    // The order is still paid by the first charge, which nothing refunded.
    expect((await internal(`/internal/orders/${orderId}/payment`)).body).toMatchObject({ paymentId: first.body.paymentId, status: 'succeeded' })
    expect(await db().collection('refunds').countDocuments({ orderId })).toBe(1)
    await Bun.sleep(1_000) // more reconciler passes: still one refund
    expect(await db().collection('refunds').countDocuments({ orderId })).toBe(1)
  }, 60_000)

  test('more payments made in one millisecond than a pass reads (200) do not stop the reconciler: the one after them is still refunded', async () => {
    // Still the fast settings of the tests above.
    const orderId = objectId()
    const first = await charge({ orderId, userId: buyer.user.id })
    expect(first.body.status).toBe('succeeded')
    const at = new Date()
    // 201 declined payments of one millisecond, settled already, then (in _id order) a second approved
    // charge of the order left unrefunded by a crash.
    const crowd = Array.from({ length: 201 }, (_, i) => `000000000000${String(i).padStart(12, '0')}`)
    await db().collection('payments').insertMany(crowd.map((id) => ({ _id: id as any, orderId: objectId(), userId: buyer.user.id, amountCents: 100, currency: 'EUR', idempotencyKey: `sim:${id}`, cardLast4: '0002', brand: 'visa', createdAt: at })))
    await db().collection('payment_results').insertMany(crowd.map((id) => ({ _id: id as any, status: 'declined', declineCode: 'card_declined', at })))
    const secondId = `ffffffffffff${objectId().slice(12)}`
    const ref = `ch_sim${objectId()}`
    await db().collection('sandbox_charges').insertOne({ _id: `pay_${secondId}` as any, paramsHash: 'simulated', ref, status: 'succeeded', amountCents: 4500, currency: 'EUR', last4: '4242', brand: 'visa', createdAt: at })
    await insertPendingPayment(secondId, orderId, 4500, at)
    await db().collection('payment_results').insertOne({ _id: secondId as any, status: 'succeeded', providerRef: ref, at })
    let refund: any = null
    for (let i = 0; i < 80 && !refund; i++) {
      refund = await db().collection('refunds').findOne({ _id: `${secondId}:refund` as any })
      if (!refund) await Bun.sleep(250)
    }
    expect(refund).toMatchObject({ paymentId: secondId, orderId, amountCents: 4500, reason: 'duplicate_charge' })
  }, 60_000)

  test('a charge approved after it was recorded declined, whose refund failed then, is refunded by the reconciler', async () => {
    const paymentId = objectId()
    const orderId = objectId()
    const ref = `ch_sim${objectId()}`
    const at = new Date()
    await db().collection('sandbox_charges').insertOne({ _id: `pay_${paymentId}` as any, paramsHash: 'simulated', ref, status: 'succeeded', amountCents: 3000, currency: 'EUR', last4: '4242', brand: 'visa', createdAt: at })
    await insertPendingPayment(paymentId, orderId, 3000, at)
    await db().collection('payment_results').insertOne({ _id: paymentId as any, status: 'declined', declineCode: 'processing_error', at })
    // As the charge leaves it when the provider was away for its refund.
    await db().collection('late_approvals').insertOne({ _id: paymentId as any, chargeRef: ref, at })
    let refund: any = null
    for (let i = 0; i < 60 && !refund; i++) {
      refund = await db().collection('refunds').findOne({ _id: `${paymentId}:refund` as any })
      if (!refund) await Bun.sleep(250)
    }
    expect(refund).toMatchObject({ paymentId, orderId, amountCents: 3000, reason: 'late_approval' })
    expect(await db().collection('sandbox_refunds').countDocuments({ chargeRef: ref })).toBe(1)
    for (let i = 0; i < 20 && (await db().collection('late_approvals').countDocuments({ _id: paymentId as any })); i++) await Bun.sleep(250)
    expect(await db().collection('late_approvals').countDocuments({ _id: paymentId as any })).toBe(0)
  }, 60_000)

  test('a payment written late, behind payments the reconciler has passed, is still settled', async () => {
    // Still the fast settings of the tests above. A payment settled now: the passes move past it.
    const settled = await charge({ orderId: objectId(), userId: buyer.user.id })
    expect(settled.body.status).toBe('succeeded')
    await Bun.sleep(3_000)
    // Stamped before it (a lookup, then a batched insert), written only now, its provider charge made.
    const lateId = objectId()
    const at = new Date(Date.now() - 5_000)
    await db().collection('sandbox_charges').insertOne({ _id: `pay_${lateId}` as any, paramsHash: 'simulated', ref: `ch_sim${objectId()}`, status: 'succeeded', amountCents: 4500, currency: 'EUR', last4: '4242', brand: 'visa', createdAt: at })
    await insertPendingPayment(lateId, objectId(), 4500, at)
    let result: any = null
    for (let i = 0; i < 60 && !result; i++) {
      result = await db().collection('payment_results').findOne({ _id: lateId as any })
      if (!result) await Bun.sleep(250)
    }
    expect(result).toMatchObject({ status: 'succeeded' })
  }, 60_000)

  test('a retry of a payment near its give-up is decided from the provider record, never charged again', async () => {
    // A payment recorded long ago whose charge never reached the provider, retried with its key now.
    const orderId = objectId()
    const key = `test:${objectId()}`
    // Payments are found by an id derived from their key, as the charge path derives it.
    const id = createHash('sha256').update(`payment:${key}`).digest('hex').slice(0, 24)
    await db()
      .collection('payments')
      .insertOne({ _id: id as any, orderId, userId: buyer.user.id, amountCents: 4500, currency: 'EUR', idempotencyKey: key, cardLast4: '4242', brand: 'visa', createdAt: new Date(Date.now() - 60_000) })
    const retried = await charge({ orderId, userId: buyer.user.id, idempotencyKey: key })
    expect(retried.body).toMatchObject({ paymentId: id, status: 'declined', declineCode: 'processing_error' })
    // The provider cancelled the key before the payment was given up: it holds no charge under it.
    expect(await db().collection('sandbox_charges').find({ _id: `pay_${id}` as any }).toArray()).toMatchObject([{ cancelled: true, status: 'declined', amountCents: 0 }])
    // A call that outlived its timeout reaching the provider only now is declined: no money moves.
    const provider = sandboxProvider(defineModels(conn), { min: 0, max: 0 })
    const late = await provider.charge(`pay_${id}`, { amountCents: 4500, currency: 'EUR', card: { digits: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 2, cvc: '123' }, reference: orderId })
    expect(late).toMatchObject({ status: 'declined', declineCode: 'processing_error' })
    expect(await db().collection('sandbox_charges').countDocuments({ status: 'succeeded', _id: `pay_${id}` as any })).toBe(0)
    expect(await provider.lookup(`pay_${id}`)).toBeNull()
  }, 60_000)
})

describe('in production', () => {
  test('payments does not start without a named provider: the sandbox, which moves no money, is never taken by default', async () => {
    const { join } = await import('node:path')
    const child = Bun.spawn([process.execPath, join(import.meta.dir, '../../services/payments/src/index.ts')], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        LOG_LEVEL: 'error',
        PORT: '0',
        MONGO_URL: system().infra.mongoUrl,
        NATS_URL: system().infra.natsUrl,
        JWT_PUBLIC_KEY: system().env.JWT_PUBLIC_KEY!,
        SERVICE_PUBLIC_KEYS: system().env.SERVICE_PUBLIC_KEYS!,
        MONGO_DB_PREFIX: `${system().namespace}prod`,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const code = await Promise.race([child.exited, Bun.sleep(20_000).then(() => 'still running' as const)])
    if (code === 'still running') child.kill('SIGKILL')
    const output = (await new Response(child.stdout).text()) + (await new Response(child.stderr).text())
    expect(code).not.toBe('still running')
    expect(code).not.toBe(0)
    expect(output).toContain('PAYMENT_PROVIDER must be set in production')
  }, 30_000)
})
