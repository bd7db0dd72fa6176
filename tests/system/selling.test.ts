// The selling pipeline as a whole (gateway → orders → ticketing → payments → notifications), against
// the real system, proving what must hold:
//   1. many buyers racing for few tickets: exactly the capacity is sold, nothing twice, and
//      sold + held + available = capacity at every observation;
//   2. one Idempotency-Key sent 20 times at once: one order, one charge;
//   3. two refunds of one order at once: one refund, stock and money returned once;
//   4. a declined card or an expired hold leaves the stock exactly as before;
//   5. the ticketing worker SIGKILLed in the middle of a busy sale: every buyer still gets a final
//      answer, nothing sold twice, no paid order without tickets, sold = paid quantities;
//   6. NATS down during sales: every confirmation arrives afterwards, each exactly once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { Redis } from 'ioredis'
import mongoose from 'mongoose'
import { freePort, natsUserOf, waitForPort, writeNatsConfig } from '../../stack/local/infra'
import { createFactsStream } from '../../stack/nats/facts-stream'
import { createLogger } from '@easypass/kit'
import { api, buyUntilFinal as retryUntilFinal, errorCode, eventually as eventuallyWithin, futureEvent, loginAdmin, registerUser, type ApiResponse, type Session } from '../support/api'

/** Sales under load settle slower: a minute by default. */
const eventually = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000) => eventuallyWithin(what, probe, timeoutMs, 250)
import { smtpServer } from '../support/smtp'
import { system } from '../support/system'

const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' }
const DECLINED = { ...CARD, number: '4000000000000002' }

let admin: Session
let paymentsDb: mongoose.Connection

beforeAll(async () => {
  admin = await loginAdmin()
  paymentsDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_payments` }).asPromise()
})
afterAll(async () => {
  await paymentsDb?.close()
})

interface Sale {
  eventId: string
  typeId: string
  capacity: number
}

async function sale(capacity: number, maxPerOrder = 10): Promise<Sale> {
  const e = await api('/events', { body: futureEvent(), token: admin.token })
  expect(e.status).toBe(201)
  // As a client does: a 503 (ticketing not deciding yet, e.g. just restarted by the test before) is
  // sent again under the same key, which creates one type however often it arrives.
  const key = `type-${crypto.randomUUID()}`
  let t = await api(`/events/${e.body.id}/ticket-types`, { body: { name: 'General', priceCents: 2500, currency: 'EUR', capacity, maxPerOrder }, token: admin.token, headers: { 'idempotency-key': key } })
  for (let attempt = 1; t.status === 503 && attempt < 5; attempt++)
    t = await api(`/events/${e.body.id}/ticket-types`, { body: { name: 'General', priceCents: 2500, currency: 'EUR', capacity, maxPerOrder }, token: admin.token, headers: { 'idempotency-key': key } })
  expect(t.status).toBe(201)
  return { eventId: e.body.id, typeId: t.body.id, capacity }
}

/** One look at the stock; the invariant is checked on every look. */
async function look(s: Sale) {
  const r = await api(`/events/${s.eventId}/availability`, { token: admin.token })
  expect(r.status).toBe(200)
  const t = r.body.ticketTypes.find((x: { id: string }) => x.id === s.typeId)
  const { sold, held, available, capacity } = t as { sold: number; held: number; available: number; capacity: number }
  if (sold + held + available !== capacity || sold < 0 || held < 0 || available < 0 || capacity !== s.capacity)
    throw new Error(`invariant broken: sold ${sold} + held ${held} + available ${available} vs capacity ${capacity}`)
  return { sold, held, available }
}

/**
 * Looks at the stock again and again until stopped; every observation must hold the invariant. The
 * sum alone cannot see a sale lost from the counters (available is never below 0), so where nothing
 * is refunded `sold` must also never go down, and never be below the purchases already answered paid
 * before the look began (`paidSoFar`).
 */
function watch(s: Sale, paidSoFar: () => number = () => 0) {
  let stop = false
  let observations = 0
  let lastSold = 0
  const done = (async () => {
    while (!stop) {
      const paidBefore = paidSoFar()
      const { sold } = await look(s)
      if (sold < lastSold) throw new Error(`sold went down: ${lastSold} → ${sold}`)
      if (sold < paidBefore) throw new Error(`${paidBefore} purchases were answered paid, but only ${sold} tickets are sold`)
      lastSold = sold
      observations++
      await Bun.sleep(25)
    }
  })()
  return {
    async stop() {
      stop = true
      await done
      return observations
    },
  }
}

const body = (s: Sale, quantity: number, card: object | null = CARD) => ({ eventId: s.eventId, items: [{ ticketTypeId: s.typeId, quantity }], ...(card ? { payment: { card } } : {}) })

/** A buyer who does what the contract says (tests/support/api.ts). */
const buyUntilFinal = (session: Session, payload: object, key?: string, deadlineMs?: number) => retryUntilFinal(session.token, payload, key, deadlineMs)

async function registerMany(n: number, tag: string): Promise<Session[]> {
  const out: Session[] = []
  for (let i = 0; i < n; i += 5) out.push(...(await Promise.all(Array.from({ length: Math.min(5, n - i) }, () => registerUser(tag)))))
  return out
}

const chargesOf = (orderId: string) => paymentsDb.collection('payments').countDocuments({ orderId })

async function ticketsOf(order: { id: string }, session: Session) {
  const r = await api(`/orders/${order.id}/tickets`, { token: session.token })
  expect(r.status).toBe(200)
  return r.body as Array<{ id: string; code: string; status: string }>
}


describe('selling', () => {
  test('500 buyers race for 50 tickets: exactly 50 sold, none twice, the stock adds up at every observation', async () => {
    const s = await sale(50)
    const buyers = await registerMany(25, 'race')
    let paidAnswers = 0
    const watcher = watch(s, () => paidAnswers)
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        buyUntilFinal(buyers[i % buyers.length]!, body(s, 1)).then((r) => {
          if (r.status === 201) paidAnswers++
          return r
        }),
      ),
    )
    const observations = await watcher.stop()
    expect(observations).toBeGreaterThan(0)

    const paid = answers.filter((a) => a.status === 201)
    const refused = answers.filter((a) => a.status !== 201)
    expect(paid).toHaveLength(50)
    for (const r of refused) {
      expect(r.status).toBe(409)
      expect(errorCode(r)).toBe('SOLD_OUT')
    }
    expect(new Set(paid.map((a) => a.body.id)).size).toBe(50)
    for (const a of paid) expect(a.body.status).toBe('paid')
    expect(await look(s)).toEqual({ sold: 50, held: 0, available: 0 })

    const owners = new Map(buyers.map((b) => [b.user.id, b]))
    const codes = new Set<string>()
    let tickets = 0
    for (const a of paid) {
      const list = await ticketsOf(a.body, owners.get(a.body.userId)!)
      expect(list).toHaveLength(1)
      tickets += list.length
      for (const t of list) codes.add(t.code)
    }
    expect(tickets).toBe(50)
    expect(codes.size).toBe(50)
  }, 240_000)

  test('the same Idempotency-Key 20 times at once: one order, one charge', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'idem')
    const key = `same-${crypto.randomUUID()}`
    const answers = await Promise.all(Array.from({ length: 20 }, () => buyUntilFinal(buyer!, body(s, 3), key)))
    expect(answers.every((a) => a.status === 201)).toBe(true)
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
    expect(await chargesOf(answers[0]!.body.id)).toBe(1)
    expect(await look(s)).toEqual({ sold: 3, held: 0, available: 7 })
    const mine = await api(`/orders?eventId=${s.eventId}`, { token: buyer!.token })
    expect(mine.body.total).toBe(1)
  })

  test('two refunds of one order at once: one refund, stock and money returned once', async () => {
    const s = await sale(10)
    const [buyer, keeper] = await registerMany(2, 'refund')
    // Another sale that stays: seats returned twice would show (sold is never counted below 0).
    expect((await buyUntilFinal(keeper!, body(s, 3))).status).toBe(201)
    const order = (await buyUntilFinal(buyer!, body(s, 2))).body
    expect(order.status).toBe('paid')
    const [a, b] = await Promise.all([
      api(`/orders/${order.id}/refund`, { method: 'POST', token: buyer!.token, headers: { 'idempotency-key': `r1-${order.id}` } }),
      api(`/orders/${order.id}/refund`, { method: 'POST', token: admin.token, headers: { 'idempotency-key': `r2-${order.id}` } }),
    ])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    const payment = await api(`/payments/${order.paymentId}`, { token: buyer!.token })
    expect(payment.body.refunds).toHaveLength(1)
    expect(payment.body.refunds[0].amountCents).toBe(order.totalCents)
    // Money, at the provider itself: one refund of the charge, for its amount.
    const result = await paymentsDb.collection('payment_results').findOne({ _id: order.paymentId })
    const providerRefunds = await paymentsDb.collection('sandbox_refunds').find({ chargeRef: result!.providerRef }).toArray()
    expect(providerRefunds.map((r) => r.amountCents)).toEqual([order.totalCents])
    expect(await look(s)).toEqual({ sold: 3, held: 0, available: 7 })
  })

  test('a declined card leaves the stock exactly as before', async () => {
    const s = await sale(30)
    const [buyer] = await registerMany(1, 'declined')
    await buyUntilFinal(buyer!, body(s, 2))
    const before = await look(s)
    const declined = await Promise.all(Array.from({ length: 5 }, () => buyUntilFinal(buyer!, body(s, 3, DECLINED))))
    for (const r of declined) {
      expect(r.status).toBe(402)
      expect(errorCode(r)).toBe('PAYMENT_DECLINED')
    }
    expect(await look(s)).toEqual(before)
  })

  test('an expired hold leaves the stock exactly as before and can no longer be paid', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'expiry')
    const before = await look(s)
    const sys = system()
    await sys.stop('orders')
    try {
      // Long enough that the hold is still there when it is looked at on a busy machine.
      await sys.start('orders', { HOLD_TTL_SECONDS: '15' })
      const reserved = await buyUntilFinal(buyer!, body(s, 4, null))
      expect(reserved.status).toBe(201)
      expect(reserved.body.status).toBe('reserved')
      expect(Date.parse(reserved.body.expiresAt) - Date.now()).toBeLessThan(15_000)
      expect((await look(s)).held).toBe(before.held + 4)
      await eventually('the hold to run out', async () => (await look(s)).held === before.held, 60_000)
      expect(await look(s)).toEqual(before)
      const late = await api(`/orders/${reserved.body.id}/pay`, { body: { card: CARD }, token: buyer!.token })
      expect(late.status).toBe(409)
      expect(await chargesOf(reserved.body.id)).toBe(0)
      await eventually('the order to read expired', async () => (await api(`/orders/${reserved.body.id}`, { token: buyer!.token })).body.status === 'expired')
      expect(await look(s)).toEqual(before)
    } finally {
      await sys.stop('orders')
      await sys.start('orders')
    }
  }, 90_000)

  test('a hold that runs out while the card is being charged: the charge is refunded, the order ends expired, the stock is as before', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'slow-card')
    const before = await look(s)
    const sys = system()
    try {
      await sys.stop('orders')
      await sys.start('orders', { HOLD_TTL_SECONDS: '1' })
      await sys.stop('payments')
      await sys.start('payments', { SANDBOX_LATENCY_MS: '1500' })
      const r = await buyUntilFinal(buyer!, body(s, 2))
      expect(r.status).toBe(409)
      expect(errorCode(r)).toBe('CONFLICT')
      expect(r.body.error.message).toContain('refunded')
      const orderId = (await api(`/orders?eventId=${s.eventId}`, { token: buyer!.token })).body.items[0].id
      const order = await api(`/orders/${orderId}`, { token: buyer!.token })
      expect(order.body.status).toBe('expired')
      const payment = await paymentsDb.collection('payments').findOne({ orderId })
      const view = await api(`/payments/${payment!._id}`, { token: buyer!.token })
      expect(view.body.status).toBe('refunded')
      expect(view.body.refunds).toHaveLength(1)
      expect(await look(s)).toEqual(before)
      expect(await ticketsOf({ id: orderId }, buyer!)).toEqual([])
    } finally {
      for (const name of ['orders', 'payments']) {
        await sys.stop(name)
        await sys.start(name)
      }
    }
  }, 90_000)

  test('orders stopped while a purchase it answered 202 is being charged finishes that purchase before it exits: paid, with tickets, not left to the reconciler', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'drained')
    const sys = system()
    try {
      // No reconciler meanwhile: only the stopping process can finish the purchase.
      await sys.stop('orders-worker')
      await sys.stop('payments')
      await sys.start('payments', { SANDBOX_LATENCY_MS: '2500' })
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '500' })
      const r = await api('/orders', { token: buyer!.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: body(s, 2) })
      expect(r.status).toBe(202)
      // A rolling update stops it (SIGTERM) while the card is still being charged.
      await sys.stop('orders')
      await sys.start('orders')
      const order = await api(`/orders/${r.body.id}`, { token: buyer!.token })
      expect(order.body.status).toBe('paid')
      expect(await ticketsOf({ id: r.body.id }, buyer!)).toHaveLength(2)
    } finally {
      for (const name of ['payments', 'orders']) {
        await sys.stop(name)
        await sys.start(name)
      }
      await sys.start('orders-worker')
    }
  }, 90_000)

  test('a charge whose confirmation could not be made in time ends as a paid order with tickets', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'late-confirm')
    const sys = system()
    let workerStopped = false
    try {
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500' })
      await sys.stop('orders-worker')
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '3000', RECONCILE_INTERVAL_MS: '500' })
      const reserved = await buyUntilFinal(buyer!, body(s, 2, null))
      expect(reserved.status).toBe(201)

      // Ticketing cannot decide anything: the card is charged, the confirmation does not come.
      await sys.stop('ticketing-worker')
      workerStopped = true
      const key = `pay-${reserved.body.id}`
      const pay = () => api(`/orders/${reserved.body.id}/pay`, { body: { card: CARD }, token: buyer!.token, headers: { 'idempotency-key': key } })
      const first = await pay()
      expect(first.status).toBe(202)
      expect(first.body).toMatchObject({ id: reserved.body.id, status: 'pending' })
      await Bun.sleep(12_000)
      expect((await api(`/orders/${reserved.body.id}`, { token: buyer!.token })).body.status).toBe('reserved')
      await sys.start('ticketing-worker')
      workerStopped = false

      // Nobody retries: the reconciler finds the charge and finishes the order.
      await eventually('the order to be paid', async () => (await api(`/orders/${reserved.body.id}`, { token: buyer!.token })).body.status === 'paid', 60_000)
      expect(await ticketsOf(reserved.body, buyer!)).toHaveLength(2)
      expect(await chargesOf(reserved.body.id)).toBe(1)
      expect(await look(s)).toEqual({ sold: 2, held: 0, available: 8 })
      // The buyer's retry with the same key now gets the final answer.
      const again = await pay()
      expect(again.status).toBe(200)
      expect(again.body.status).toBe('paid')
      // …and keeps getting it: what the key now replays is that answer, not a refusal to pay twice.
      const third = await pay()
      expect(third.status).toBe(200)
      expect(third.body.status).toBe('paid')
    } finally {
      if (workerStopped) await sys.start('ticketing-worker')
      for (const name of ['orders', 'orders-worker']) {
        await sys.stop(name)
        await sys.start(name)
      }
    }
  }, 120_000)

  test('a purchase the reconciler ends unpaid (payments away) answers its key with a final 409, not "try again" for ever', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'ended-unpaid')
    const before = await look(s)
    const sys = system()
    let paymentsStopped = false
    try {
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500' })
      await sys.stop('orders-worker')
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '2000', RECONCILE_INTERVAL_MS: '500' })
      await sys.stop('payments')
      paymentsStopped = true
      const key = `k-${crypto.randomUUID()}`
      const buy = () => api('/orders', { body: body(s, 2), token: buyer!.token, headers: { 'idempotency-key': key } })
      // Held, and the card never reaches payments: undecided.
      const first = await buy()
      expect(first.status).toBe(202)
      const orderId = first.body.id as string
      await Bun.sleep(1_500)
      await sys.start('payments')
      paymentsStopped = false
      // The reconciler finds no payment: the hold is released and the order ends failed.
      await eventually('the order to end failed', async () => (await api(`/orders/${orderId}`, { token: buyer!.token })).body.status === 'failed', 30_000)
      // The buyer's retries under the key: a final answer (the same each time), which a client stops at.
      for (let i = 0; i < 2; i++) {
        const again = await buy()
        expect(again.status).toBe(409)
        expect(errorCode(again)).toBe('CONFLICT')
        expect(again.body.error.message).toContain('nothing was charged')
      }
      expect(await chargesOf(orderId)).toBe(0)
      expect(await look(s)).toEqual(before)
    } finally {
      if (paymentsStopped) await sys.start('payments')
      for (const name of ['orders', 'orders-worker']) {
        await sys.stop(name)
        await sys.start(name)
      }
    }
  }, 120_000)

  test('paying again under another key while the first payment is undecided does not charge the card a second time', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'pay-twice')
    const sys = system()
    try {
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500' })
      await sys.stop('orders-worker')
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '2000', RECONCILE_INTERVAL_MS: '500' })
      const reserved = await buyUntilFinal(buyer!, body(s, 2, null))
      expect(reserved.status).toBe(201)
      const orderId = reserved.body.id as string
      // The provider takes 2.5 s and payments waits for it 0.5 s: the first payment stays undecided.
      await sys.stop('payments')
      await sys.start('payments', { SANDBOX_LATENCY_MS: '2500', PROVIDER_TIMEOUT_MS: '500' })
      const pay = (key: string) => api(`/orders/${orderId}/pay`, { body: { card: CARD }, token: buyer!.token, headers: { 'idempotency-key': key } })
      const first = await pay(`pay-1-${orderId}`)
      expect(first.status).toBe(202)
      // The buyer tries again under a new key before the first is decided: no second charge is made.
      const second = await pay(`pay-2-${orderId}`)
      expect([202, 503]).toContain(second.status)
      // The provider's answers come (its records are made after 2.5 s); then a provider that answers in time.
      await Bun.sleep(3_500)
      await sys.stop('payments')
      await sys.start('payments')
      await eventually('the order to be paid', async () => (await api(`/orders/${orderId}`, { token: buyer!.token })).body.status === 'paid', 60_000)
      expect(await chargesOf(orderId)).toBe(1)
      expect(await ticketsOf(reserved.body, buyer!)).toHaveLength(2)
      expect(await look(s)).toEqual({ sold: 2, held: 0, available: 8 })
    } finally {
      for (const name of ['orders', 'orders-worker', 'payments']) {
        await sys.stop(name)
        await sys.start(name)
      }
    }
  }, 120_000)

  test('a retry that takes over a purchase whose hold ended after its card was charged gets the charge refunded', async () => {
    const s = await sale(10)
    const [buyer] = await registerMany(1, 'takeover-charged')
    const before = await look(s)
    const sys = system()
    let workerStopped = false
    try {
      await sys.stop('orders')
      await sys.start('orders', { ORDER_WAIT_MS: '1000', ORDER_GIVE_UP_MS: '500', HOLD_TTL_SECONDS: '4' })
      // The reconciler would finish the purchase itself 30 s on; here it must be the buyer's retry.
      await sys.stop('orders-worker')
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '120000', RECONCILE_INTERVAL_MS: '500' })
      await sys.stop('payments')
      await sys.start('payments', { SANDBOX_LATENCY_MS: '3000' })
      await sys.stop('ticketing')
      await sys.start('ticketing', { INVENTORY_WAIT_MS: '1000' })
      const key = `k-${crypto.randomUUID()}`
      const buy = () => api('/orders', { body: body(s, 2), token: buyer!.token, headers: { 'idempotency-key': key } })

      // Held, and the card is being charged: then ticketing stops deciding, so the charge is never confirmed.
      const first = await buy()
      expect(first.status).toBe(202)
      await sys.stop('ticketing-worker')
      workerStopped = true
      const orderId = first.body.id as string
      const charged = await eventually(
        'the charge',
        async () => {
          const payment = await paymentsDb.collection('payments').findOne({ orderId })
          return payment && (await api(`/payments/${payment._id}`, { token: buyer!.token })).body.status === 'succeeded' ? payment : undefined
        },
        20_000,
      )
      // Its fact reaches the orders worker while the purchase is still deciding (it only notes the order).
      await Bun.sleep(1_000)
      // The worker is away when the hold ends, so nothing of the order is settled from that fact meanwhile.
      await sys.stop('orders-worker')
      // The purchase gives up on the confirmation (1 s), and the hold runs out (4 s) before ticketing is back.
      await Bun.sleep(5_000)
      await sys.start('ticketing-worker')
      workerStopped = false

      // The retry finds the hold ended: the order fails, and the charge already made must come back.
      const retry = await buyUntilFinal(buyer!, body(s, 2), key, 30_000)
      expect(retry.status).toBe(409)
      await sys.start('orders-worker', { RECONCILE_AFTER_MS: '120000', RECONCILE_INTERVAL_MS: '500' })
      await eventually('the charge to be refunded', async () => (await api(`/payments/${charged._id}`, { token: buyer!.token })).body.status === 'refunded', 30_000)
      expect(await chargesOf(orderId)).toBe(1)
      expect(await look(s)).toEqual(before)
      expect((await api(`/orders/${orderId}`, { token: buyer!.token })).body.status).toBe('failed')
    } finally {
      if (workerStopped) await sys.start('ticketing-worker')
      for (const name of ['orders', 'orders-worker', 'payments', 'ticketing']) {
        await sys.stop(name)
        await sys.start(name)
      }
    }
  }, 150_000)

  test('the ticketing worker SIGKILLed in the middle of a busy sale: every buyer gets a final answer, nothing is sold twice or lost', async () => {
    const s = await sale(60)
    const buyers = await registerMany(20, 'crash')
    const sys = system()
    const watcher = watch(s)
    let answered = 0
    const sales = Array.from({ length: 150 }, async (_, i) => {
      await Bun.sleep(i * 15)
      const r = await buyUntilFinal(buyers[i % buyers.length]!, body(s, 1))
      answered++
      return r
    })
    await Bun.sleep(700)
    // The kill lands while a job runs (its batch is cut off midway), with most of the sale still to come.
    const redis = new Redis(sys.env.REDIS_URL!)
    const activeLists = Array.from({ length: 8 }, (_, n) => `${sys.env.REDIS_PREFIX}:inventory-${n}:active`)
    let running = false
    for (let tries = 0; tries < 1000 && !running; tries++) {
      running = (await Promise.all(activeLists.map((key) => redis.llen(key)))).some((n) => n > 0)
      if (!running) await Bun.sleep(2)
    }
    redis.disconnect()
    const answeredBeforeKill = answered
    await sys.stop('ticketing-worker', true)
    expect(running).toBe(true)
    expect(answeredBeforeKill).toBeLessThan(150)
    let answers: ApiResponse[]
    try {
      await Bun.sleep(1_000)
    } finally {
      await sys.start('ticketing-worker')
    }
    answers = await Promise.all(sales)
    const paid = answers.filter((a) => a.status === 201)
    for (const a of answers) if (a.status !== 201) expect(a.status).toBe(409)
    expect(paid.length).toBeGreaterThan(0)
    expect(paid.length).toBeLessThanOrEqual(60)
    expect(new Set(paid.map((a) => a.body.id)).size).toBe(paid.length)

    // Whatever was left unfinished (holds of purchases that gave up) is finished by the reconciler.
    const settled = await eventually('no seats held any more', async () => {
      const n = await look(s)
      return n.held === 0 && n
    }, 120_000)
    await watcher.stop()

    // Every paid order (as orders knows them, not only the answers) has its tickets; sold = paid quantities.
    const owners = new Map(buyers.map((b) => [b.user.id, b]))
    const paidOrders: Array<{ id: string; userId: string; items: Array<{ quantity: number }> }> = []
    for (let page = 1; ; page++) {
      const r = await api(`/orders?eventId=${s.eventId}&limit=100&page=${page}`, { token: admin.token })
      paidOrders.push(...r.body.items.filter((o: { status: string }) => o.status === 'paid'))
      if (page * 100 >= r.body.total) break
    }
    expect(paidOrders.map((o) => o.id).sort()).toEqual(paid.map((a) => a.body.id).sort())
    const quantity = paidOrders.reduce((sum, o) => sum + o.items.reduce((n, i) => n + i.quantity, 0), 0)
    expect(settled.sold).toBe(quantity)
    const codes = new Set<string>()
    for (const o of paidOrders) {
      const list = await ticketsOf(o, owners.get(o.userId)!)
      expect(list).toHaveLength(o.items.reduce((n, i) => n + i.quantity, 0))
      for (const t of list) codes.add(t.code)
      expect(await chargesOf(o.id)).toBe(1)
    }
    expect(codes.size).toBe(quantity)
  }, 300_000)

  /**
   * `victim` SIGKILLed 0.4 s into a sale of 40 tickets to 100 buyers, back 1 s later (with `env`):
   * every buyer gets a final answer, every paid order its ticket, and every charge that succeeded pays a
   * paid order or was refunded.
   */
  async function killedMidSale(victim: 'orders' | 'payments', env: Record<string, string> = {}) {
    const s = await sale(40)
    const buyers = await registerMany(20, `${victim}-crash`)
    const sys = system()
    const startedAt = new Date()
    const sales = Array.from({ length: 100 }, async (_, i) => {
      await Bun.sleep(i * 10)
      return buyUntilFinal(buyers[i % buyers.length]!, body(s, 1))
    })
    await Bun.sleep(400)
    await sys.stop(victim, true)
    try {
      await Bun.sleep(1_000)
    } finally {
      await sys.start(victim, env)
    }
    const answers = await Promise.all(sales)
    const paid = answers.filter((a) => a.status === 201)
    for (const a of answers) {
      if (a.status === 201) continue
      // A charge cut off before the gateway saw it is given up, as a real gateway's processing error (the card untouched).
      if (victim === 'payments' && a.status === 402) expect(a.body.error.details).toMatchObject({ declineCode: 'processing_error' })
      else expect(a.status).toBe(409)
    }
    expect(paid.length).toBeGreaterThan(0)
    expect(new Set(paid.map((a) => a.body.id)).size).toBe(paid.length)
    const settled = await eventually('no seats held any more', async () => {
      const n = await look(s)
      return n.held === 0 && n
    }, 120_000)
    expect(settled.sold).toBe(paid.length)

    const owners = new Map(buyers.map((b) => [b.user.id, b]))
    for (const a of paid) expect(await ticketsOf(a.body, owners.get(a.body.userId)!)).toHaveLength(1)
    // Every charge of these buyers since the sale began, once decided (one cut off by the crash is
    // settled from the provider's record): it pays a paid order, or it was refunded.
    const paidIds = new Set(paid.map((a) => a.body.id as string))
    const charges = await paymentsDb
      .collection('payments')
      .find({ userId: { $in: buyers.map((b) => b.user.id) }, createdAt: { $gte: startedAt } })
      .toArray()
    await eventually('every charge decided', async () => (await paymentsDb.collection('payment_results').countDocuments({ _id: { $in: charges.map((c) => c._id) as never[] } })) === charges.length, 90_000)
    let succeeded = 0
    for (const charge of charges) {
      const result = await paymentsDb.collection('payment_results').findOne({ _id: charge._id as never })
      if (result?.status !== 'succeeded') continue
      succeeded++
      const refunded = await eventually(`charge ${charge._id} pays a paid order or is refunded`, async () => paidIds.has(charge.orderId) || (await paymentsDb.collection('refunds').findOne({ _id: `${charge._id}:refund` as never })), 60_000)
      expect(refunded).toBeTruthy()
    }
    expect(succeeded).toBeGreaterThanOrEqual(paid.length)
  }

  test('the orders process SIGKILLed in the middle of a sale: every charge ends as a paid order with tickets or is refunded', async () => {
    await killedMidSale('orders')
  }, 300_000)

  test('the payments process SIGKILLed in the middle of a sale: every buyer gets a final answer, every charge ends as a paid order with tickets or is refunded', async () => {
    // Its reconciler quick (the charges cut off are settled from the provider's record, or given up, in seconds).
    const fast = { RECONCILE_AFTER_SECONDS: '2', RECONCILE_GIVE_UP_SECONDS: '10' }
    const sys = system()
    await sys.stop('payments')
    await sys.start('payments', fast)
    try {
      await killedMidSale('payments', fast)
    } finally {
      await sys.stop('payments')
      await sys.start('payments')
    }
  }, 300_000)

  test('NATS down during sales (and services restarted meanwhile): every confirmation arrives afterwards, each exactly once', async () => {
    const sys = system()
    // Every process that publishes or consumes facts (the orders API relays its own facts).
    const users = ['orders', 'orders-worker', 'notifications', 'payments'].filter((n) => sys.urls[n])
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'easypass-nats-'))
    // The stack's users and permissions, as the system's own NATS has them: each process its own user.
    const config = writeNatsConfig(dir, port)
    const natsEnv = (name: string) => ({ NATS_URL: config.urls[natsUserOf(name)!]!, ...(name === 'notifications' ? { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` } : {}) })
    let nats: Subprocess | undefined
    // Confirmations are also emailed: the emails, unlike the stored notifications (one per fact id by
    // construction), would show a fact handled twice.
    const smtp = smtpServer()
    const startNats = async () => {
      nats = Bun.spawn(['nats-server', '-c', config.file, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'store')], { stdout: 'ignore', stderr: 'ignore' })
      await waitForPort(port, 'test nats-server')
    }
    try {
      await startNats()
      // The operator makes the facts stream, as nats-init does (no service's user may); the store keeps it across the restart below.
      await createFactsStream(config.urls.easypass!, sys.env.BUS_PREFIX!, createLogger('nats-init', 'warn'))
      for (const name of users) {
        await sys.stop(name)
        await sys.start(name, natsEnv(name))
      }
      const s = await sale(40)
      const buyers = await registerMany(8, 'nats')
      const buy = (i: number) => buyUntilFinal(buyers[i % buyers.length]!, body(s, 1))

      const before = await Promise.all(Array.from({ length: 8 }, (_, i) => buy(i)))
      // NATS dies while purchases are being decided and their facts published: a publish or an
      // acknowledgement cut off midway must neither lose nor double a confirmation.
      // (Started 60 ms apart, NATS killed as the first is answered: the later ones are still on their way.)
      const cutting = Array.from({ length: 8 }, async (_, i) => {
        await Bun.sleep(i * 60)
        return buy(i)
      })
      await Promise.race(cutting)
      nats!.kill('SIGKILL')
      await nats!.exited
      const cut = await Promise.all(cutting)
      // Processes (re)started while NATS is away start and serve: a deploy or a crash during an outage
      // must not take payments (and with it every sale) down.
      for (const name of users.filter((n) => n !== 'orders')) {
        await sys.stop(name)
        await sys.start(name, natsEnv(name))
      }
      const during = await Promise.all(Array.from({ length: 16 }, (_, i) => buy(i)))
      const owners = new Map(buyers.map((b) => [b.user.id, b]))
      const confirmations = async (b: Session) => {
        const r = await api('/notifications?limit=100', { token: b.token })
        return (r.body.items as Array<{ type: string; data: { orderId?: string } }>).filter((n) => n.type === 'order-paid')
      }
      // The outage is real: none of the sales made while NATS was down has been told yet.
      await Bun.sleep(2_000)
      for (const a of during) {
        expect(a.status).toBe(201)
        expect((await confirmations(owners.get(a.body.userId)!)).map((n) => n.data.orderId)).not.toContain(a.body.id)
      }
      await startNats()
      const after = await Promise.all(Array.from({ length: 8 }, (_, i) => buy(i)))

      const paid = [...before, ...cut, ...during, ...after]
      for (const a of paid) expect(a.status).toBe(201)
      await eventually(
        'every confirmation',
        async () => {
          for (const b of buyers) {
            const mine = paid.filter((a) => a.body.userId === b.user.id).map((a) => a.body.id)
            const got = (await confirmations(b)).map((n) => n.data.orderId)
            if (!mine.every((id) => got.includes(id))) return false
          }
          return true
        },
        90_000,
      )
      const emailsOf = (orderId: string) => smtp.received.filter((m) => m.data.includes(orderId)).length
      await eventually('every confirmation email', async () => paid.every((a) => emailsOf(a.body.id) > 0), 60_000)
      // Give any duplicate the time to show up, then count: exactly one per paid order, in the feed and by email.
      await Bun.sleep(3_000)
      for (const b of buyers) {
        const mine = paid.filter((a) => a.body.userId === b.user.id).map((a) => a.body.id as string).sort()
        const got = (await confirmations(b)).map((n) => n.data.orderId!).sort()
        expect(got).toEqual(mine)
      }
      expect(paid.map((a) => emailsOf(a.body.id))).toEqual(paid.map(() => 1))
    } finally {
      smtp.stop()
      nats?.kill('SIGKILL')
      for (const name of users) {
        await sys.stop(name)
        await sys.start(name)
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }, 240_000)
})
