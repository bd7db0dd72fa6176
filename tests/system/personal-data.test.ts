// A person's own data. Downloading it: each service answers for its part (orders, notifications), only
// the signed-in person's, without what admits at the door. Closing an account: its owner confirms with
// the password; the account, its sessions and links are gone at once, the address can sign up anew, and
// the fact `auth.account-closed` (real NATS) makes orders and notifications forget the person. What was
// bought stays (accounting), and its tickets stay valid.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { restartedWith, system } from '../support/system'
import { totp } from '../support/totp'

// The sweep that finishes closings stopped half-way looks often here (60 s by default). The configured
// first admin is another address: with admins there already, it must not be made.
const LATE_ADMIN = { email: `late-admin-${Date.now()}@example.test`, password: 'a long enough password' }
restartedWith(['auth'], { CLOSING_SWEEP_INTERVAL_MS: '300', ADMIN_EMAIL: LATE_ADMIN.email, ADMIN_PASSWORD: LATE_ADMIN.password })

const PASSWORD = 'correct horse 1'
const dbs: Record<'auth' | 'orders' | 'notifications', mongoose.Connection> = {} as never
beforeAll(async () => {
  for (const name of ['auth', 'orders', 'notifications'] as const)
    dbs[name] = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_${name}` }).asPromise()
})
afterAll(async () => {
  await Promise.all(Object.values(dbs).map((c) => c?.close()))
})
const one = (db: keyof typeof dbs, collection: string, filter: Record<string, unknown>) => dbs[db].collection(collection).findOne(filter as never)
const count = (db: keyof typeof dbs, collection: string, filter: Record<string, unknown>) => dbs[db].collection(collection).countDocuments(filter as never)

const close = (who: Session, body: unknown) => api('/auth/me/close', { token: who.token, body })

async function onSale() {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Closing ${Math.random().toString(36).slice(2, 8)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 2500, currency: 'EUR', capacity: 20, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}
async function buy(buyer: Session, sale: { eventId: string; typeId: string }) {
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }], payment: { card: TEST_CARD } } })
  expect(order.status).toBe(201)
  expect(order.body.status).toBe('paid')
  const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
  return { id: order.body.id as string, code: tickets[0]!.code }
}

describe('closing an account', () => {
  test('with the password: the account and its sessions go, the address is free, orders and notifications forget the person, tickets stay valid', async () => {
    const buyer = await registerUser('closing')
    const sale = await onSale()
    const order = await buy(buyer, sale)
    expect((await api(`/orders/${order.id}/billing`, { token: buyer.token, method: 'PUT', body: { name: 'Ada Lovelace', address: '12 St James Square, London' } })).status).toBe(200)
    expect(await one('orders', 'billing_profiles', { _id: buyer.user.id })).toBeTruthy()
    await eventually('the confirmation in the inbox', async () => (await count('notifications', 'notifications', { userId: buyer.user.id })) > 0, 20_000)
    expect((await one('orders', 'orders', { _id: order.id }))?.userEmail).toBe(buyer.user.email)

    // Refused, nothing changed: no password, a wrong one.
    const bare = await close(buyer, {})
    expect(bare.status).toBe(400)
    expect(bare.body.error.details.fields[0].path).toBe('password')
    const wrong = await close(buyer, { password: 'not the password' })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.details.fields[0].path).toBe('password')
    expect(errorCode(await close(buyer, { password: PASSWORD, role: 'admin' }))).toBe('VALIDATION')
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(200)

    const closed = await close(buyer, { password: PASSWORD })
    expect(closed.status).toBe(200)
    expect(closed.body).toEqual({ id: buyer.user.id, closedAt: expect.any(String) })

    // Gone at once: no account, no session, no sign-in; the address signs up as someone new.
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
    expect((await api('/auth/login', { body: { email: buyer.user.email, password: PASSWORD } })).status).toBe(401)
    expect(await count('auth', 'users', { _id: new mongoose.Types.ObjectId(buyer.user.id) })).toBe(0)
    expect(await count('auth', 'refresh_tokens', { userId: buyer.user.id })).toBe(0)
    expect(errorCode(await close(buyer, { password: PASSWORD }))).toBe('UNAUTHENTICATED')
    // The access token it had is refused at the gateway within a second or so, not after its 15 minutes:
    // nothing more is bought or written under the closed account.
    await eventually('the old token refused everywhere', async () => (await api('/orders', { token: buyer.token })).status === 401, 5_000, 100)
    expect((await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }], payment: { card: TEST_CARD } } })).status).toBe(401)
    const again = await api('/auth/register', { body: { email: buyer.user.email, password: PASSWORD, name: 'Someone new' } })
    expect(again.status).toBe(201)
    expect(again.body.user.id).not.toBe(buyer.user.id)
    expect((await api('/orders', { token: again.body.accessToken })).body.items).toEqual([])

    // Orders and notifications forget the person (the fact, through NATS).
    await eventually('the address gone from the order', async () => !(await one('orders', 'orders', { _id: order.id }))?.userEmail, 20_000)
    await eventually('the saved billing details gone', async () => !(await one('orders', 'billing_profiles', { _id: buyer.user.id })), 20_000)
    await eventually('the notifications gone', async () => (await count('notifications', 'notifications', { userId: buyer.user.id })) === 0, 20_000)
    expect((await one('auth', 'closed_accounts', { _id: buyer.user.id }))?.toldAt).toBeInstanceOf(Date)

    // What was bought stays, as accounting needs it: the order, its invoice's details, a ticket that admits.
    const admin = await loginAdmin()
    const kept = await api(`/orders/${order.id}`, { token: admin.token })
    expect(kept.body).toMatchObject({ id: order.id, status: 'paid', userId: buyer.user.id })
    expect((await api(`/orders/${order.id}/billing`, { token: admin.token })).body).toMatchObject({ billing: { name: 'Ada Lovelace' } })
    const scan = await api('/checkins', { token: admin.token, body: { code: order.code } })
    expect(scan.status).toBe(200)
  }, 60_000)

  test('the billing details of an order that ended unpaid go with the account; a paid one keeps its invoice details', async () => {
    const buyer = await registerUser('closing-unpaid')
    const sale = await onSale()
    const held = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }] } })
    expect(held.status).toBe(201)
    const details = { name: 'Ada Lovelace', address: '12 St James Square, London' }
    expect((await api(`/orders/${held.body.id}/billing`, { method: 'PUT', token: buyer.token, body: details })).status).toBe(200)
    expect((await api(`/orders/${held.body.id}/cancel`, { method: 'POST', token: buyer.token })).status).toBe(200)
    const paid = await buy(buyer, sale)
    expect((await api(`/orders/${paid.id}/billing`, { method: 'PUT', token: buyer.token, body: details })).status).toBe(200)
    await eventually('the cancelled order as such', async () => (await one('orders', 'orders', { _id: held.body.id }))?.status === 'cancelled', 20_000)
    expect((await close(buyer, { password: PASSWORD })).status).toBe(200)
    await eventually('the unpaid order’s billing details gone', async () => !(await one('orders', 'billing', { _id: held.body.id })), 20_000)
    expect(await one('orders', 'billing', { _id: paid.id })).toMatchObject({ name: 'Ada Lovelace' })
  }, 60_000)

  test('closing an account that once sold at the door forgets its own address, never its door buyers’ (theirs, for refunds and messages)', async () => {
    const admin = await loginAdmin()
    const seller = await registerUser('closing-seller')
    const own = await buy(seller, await onSale())
    expect((await api(`/users/${seller.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
    const staffToken = (await api('/auth/refresh', { body: { refreshToken: seller.refreshToken } })).body.accessToken as string
    const now = Date.now()
    const tonight = await api('/events', { token: admin.token, body: futureEvent({ startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 7_200_000).toISOString() }) })
    const door = await api(`/events/${tonight.body.id}/ticket-types`, { token: admin.token, body: { name: 'Door', priceCents: 2000, currency: 'EUR', capacity: 5 } })
    const address = `door-${crypto.randomUUID().slice(0, 8)}@example.test`
    const sold = await api(`/events/${tonight.body.id}/box-office`, { token: staffToken, headers: { 'idempotency-key': crypto.randomUUID() }, body: { items: [{ ticketTypeId: door.body.id, quantity: 1 }], paidWith: 'cash', email: address } })
    expect(sold.status).toBe(201)
    // A customer again, then closed (as a door worker leaving does).
    expect((await api(`/users/${seller.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'customer' } })).status).toBe(200)
    const again = await api('/auth/login', { body: { email: seller.user.email, password: PASSWORD } })
    expect((await close({ ...seller, token: again.body.accessToken }, { password: PASSWORD })).status).toBe(200)
    await eventually('the seller’s own address gone', async () => {
      const doc = await one('orders', 'orders', { _id: own.id })
      return doc && !('userEmail' in doc)
    }, 20_000)
    expect(await one('orders', 'orders', { _id: sold.body.id })).toMatchObject({ userId: seller.user.id, userEmail: address })
  }, 60_000)

  test("the webhook deliveries that told of a closed account's orders keep no address of it", async () => {
    const buyer = await registerUser('closing-webhooks')
    const other = await registerUser('closing-webhooks-other')
    const deliveries = dbs.notifications.collection('webhook_deliveries')
    const delivery = (id: string, userId: string, email: string, gift?: string) => ({
      _id: id,
      webhookId: 'f'.repeat(24),
      type: 'order.paid',
      factId: `order-paid:${id}`,
      status: 'failed',
      attempts: 8,
      createdAt: new Date(),
      payload: { id: `order-paid:${id}`, type: 'order.paid', occurredAt: new Date().toISOString(), data: { orderId: id, userId, userEmail: email, ...(gift ? { complimentaryFor: gift } : {}) } },
    })
    const mine = crypto.randomUUID().replaceAll('-', '')
    const theirs = crypto.randomUUID().replaceAll('-', '')
    // Tickets this account gave away (as an admin once): under its id, with the guest's address, which is the guest's.
    const given = crypto.randomUUID().replaceAll('-', '')
    await deliveries.insertMany([delivery(mine, buyer.user.id, buyer.user.email), delivery(theirs, other.user.id, other.user.email), delivery(given, buyer.user.id, 'guest@example.test', 'guest@example.test')] as never[])
    expect((await close(buyer, { password: PASSWORD })).status).toBe(200)
    await eventually('the address gone from the delivery', async () => {
      const data = (await deliveries.findOne({ _id: mine } as never))?.payload.data
      return data && !('userEmail' in data)
    }, 20_000)
    expect((await deliveries.findOne({ _id: mine } as never))?.payload.data).toEqual({ orderId: mine, userId: buyer.user.id })
    // Another account's stays as it was, and so does the guest's address on the gift.
    expect((await deliveries.findOne({ _id: theirs } as never))?.payload.data.userEmail).toBe(other.user.email)
    expect((await deliveries.findOne({ _id: given } as never))?.payload.data).toMatchObject({ userEmail: 'guest@example.test', complimentaryFor: 'guest@example.test' })
    await deliveries.deleteMany({ _id: { $in: [mine, theirs, given] } } as never)
  }, 30_000)

  test('a guest closes without a password; an admin cannot close their account', async () => {
    const started = await api('/auth/guest', { body: { email: `guest-${Date.now()}@example.test`, name: 'Grace' } })
    expect(started.status).toBe(201)
    const guest: Session = { token: started.body.accessToken, refreshToken: started.body.refreshToken, user: started.body.user }
    const withPassword = await close(guest, { password: 'anything at all' })
    expect(withPassword.status).toBe(400)
    expect(withPassword.body.error.details.fields[0].path).toBe('password')
    expect((await close(guest, {})).status).toBe(200)
    expect((await api('/auth/me', { token: guest.token })).status).toBe(401)

    const admin = await loginAdmin()
    const refused = await close(admin, { password: system().admin.password })
    expect(refused.status).toBe(409)
    expect(errorCode(refused)).toBe('CONFLICT')
    expect((await api('/auth/me', { token: admin.token })).status).toBe(200)
  }, 30_000)

  test('with two-step sign-in on, a code too', async () => {
    const buyer = await registerUser('closing-2fa')
    const setup = await api('/auth/two-factor/setup', { method: 'POST', token: buyer.token })
    const on = await api('/auth/two-factor/enable', { token: buyer.token, body: { password: PASSWORD, code: totp(setup.body.secret) } })
    expect(on.status).toBe(200)
    for (const body of [{ password: PASSWORD }, { password: PASSWORD, code: '000000' }]) {
      const refused = await close(buyer, body)
      expect(refused.status).toBe(400)
      expect(refused.body.error.details.fields[0].path).toBe('code')
    }
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(200)
    expect((await close(buyer, { password: PASSWORD, code: on.body.recoveryCodes[0] })).status).toBe(200)
    expect(await count('auth', 'two_factor_uses', { userId: buyer.user.id })).toBe(0)
  }, 30_000)

  test("an admin closes a buyer's account on their request; not their own, not a role's, not one that is gone", async () => {
    const admin = await loginAdmin()
    const buyer = await registerUser('closed-by-admin')
    const staff = await registerUser('closing-staff')
    expect((await api(`/users/${staff.user.id}`, { token: admin.token, method: 'PATCH', body: { role: 'staff' } })).status).toBe(200)
    expect((await api(`/users/${buyer.user.id}`, { token: buyer.token, method: 'DELETE' })).status).toBe(403)
    expect((await api(`/users/${admin.user.id}`, { token: admin.token, method: 'DELETE' })).status).toBe(403)
    expect((await api(`/users/${staff.user.id}`, { token: admin.token, method: 'DELETE' })).status).toBe(409)
    expect((await api('/auth/me', { token: staff.token })).status).toBe(200)
    const closed = await api(`/users/${buyer.user.id}`, { token: admin.token, method: 'DELETE' })
    expect(closed.status).toBe(200)
    expect(closed.body.id).toBe(buyer.user.id)
    expect((await api('/auth/refresh', { body: { refreshToken: buyer.refreshToken } })).status).toBe(401)
    expect((await api(`/users?ids=${buyer.user.id}`, { token: admin.token })).body.items).toEqual([])
    expect((await api(`/users/${buyer.user.id}`, { token: admin.token, method: 'DELETE' })).status).toBe(404)
    expect((await api('/users/not-an-id', { token: admin.token, method: 'DELETE' })).status).toBe(400)
  }, 30_000)

  test('a closing whose account was given a role meanwhile is called off; a first admin is never made while there are admins', async () => {
    const admin = await loginAdmin()
    const worker = await registerUser('closing-then-staff')
    // As if the closing was recorded and an admin made the account door staff before it went on.
    expect((await api(`/users/${worker.user.id}`, { token: admin.token, method: 'PATCH', body: { role: 'staff' } })).status).toBe(200)
    await dbs.auth.collection('closed_accounts').insertOne({ _id: worker.user.id, closedAt: new Date() } as never)
    await eventually('the closing called off', async () => !(await one('auth', 'closed_accounts', { _id: worker.user.id })), 20_000)
    expect((await api('/auth/login', { body: { email: worker.user.email, password: PASSWORD } })).status).toBe(200)
    expect((await api(`/users?ids=${worker.user.id}`, { token: admin.token })).body.items[0].role).toBe('staff')
    // auth started with another ADMIN_EMAIL in this file: there were admins, so it made none.
    expect((await api('/auth/login', { body: LATE_ADMIN })).status).toBe(401)
  }, 30_000)

  test('a closing stopped half-way (after its record, before the rest) is finished by the sweep', async () => {
    const buyer = await registerUser('half-closed')
    // As if auth died right after recording the closing.
    await dbs.auth.collection('closed_accounts').insertOne({ _id: buyer.user.id, closedAt: new Date() } as never)
    await eventually('the sweep finishes it', async () => (await one('auth', 'closed_accounts', { _id: buyer.user.id }))?.toldAt, 20_000)
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(401)
    expect((await api('/auth/login', { body: { email: buyer.user.email, password: PASSWORD } })).status).toBe(401)
  }, 30_000)
})

describe('downloading one\'s data', () => {
  test('orders, payments and notifications each give all of the signed-in person\'s own, and nobody else\'s; tickets without their codes', async () => {
    const buyer = await registerUser('my-data')
    const other = await registerUser('my-data-other')
    const sale = await onSale()
    const first = await buy(buyer, sale)
    const second = await buy(buyer, sale)
    const theirs = await buy(other, sale)
    expect((await api(`/orders/${first.id}/billing`, { token: buyer.token, method: 'PUT', body: { name: 'Ada Lovelace', address: '12 St James Square, London' } })).status).toBe(200)
    await eventually('both confirmations in the inbox', async () => (await count('notifications', 'notifications', { userId: buyer.user.id })) >= 2, 20_000)

    const orders = await api('/orders/my-data', { token: buyer.token })
    expect(orders.status).toBe(200)
    expect(orders.body.complete).toBe(true)
    expect(orders.body.orders.map((o: { order: { id: string } }) => o.order.id).sort()).toEqual([first.id, second.id].sort())
    const one = orders.body.orders.find((o: { order: { id: string } }) => o.order.id === first.id)
    expect(one.order).toMatchObject({ status: 'paid', totalCents: 2500, userId: buyer.user.id })
    expect(one.tickets).toHaveLength(1)
    expect(one.tickets[0]).toMatchObject({ orderId: first.id, status: 'valid', ticketTypeName: 'Floor' })
    expect(one.billing.billing).toMatchObject({ name: 'Ada Lovelace' })
    expect(one.answers).toEqual({ orderId: first.id, answers: [] })
    expect(orders.body.billingDetails).toMatchObject({ name: 'Ada Lovelace' })
    // What admits at the door is not in the file.
    const text = JSON.stringify(orders.body)
    expect(text).not.toContain(first.code)
    expect(text).not.toContain('qrSvg')
    expect(text).not.toContain(theirs.id)

    const paid = await api('/payments/my-data', { token: buyer.token })
    expect(paid.status).toBe(200)
    expect(paid.body.complete).toBe(true)
    expect(paid.body.payments.map((p: { orderId: string }) => p.orderId).sort()).toEqual([first.id, second.id].sort())
    expect(paid.body.payments[0]).toMatchObject({ status: 'succeeded', amountCents: 2500, currency: 'EUR', cardLast4: '4242', refunds: [] })
    expect(JSON.stringify(paid.body)).not.toContain(theirs.id)
    expect(JSON.stringify(paid.body)).not.toContain(TEST_CARD.number)

    const notes = await api('/notifications/my-data', { token: buyer.token })
    expect(notes.status).toBe(200)
    expect(notes.body.complete).toBe(true)
    expect(notes.body.notifications.length).toBeGreaterThanOrEqual(2)
    expect(notes.body.notifications.every((n: { type: string }) => typeof n.type === 'string')).toBe(true)
    expect(notes.body.waitlist).toEqual([])

    // An admin's are their own, not every order they may read.
    const admin = await loginAdmin()
    const adminsOwn = await api('/orders/my-data', { token: admin.token })
    expect(adminsOwn.status).toBe(200)
    expect(JSON.stringify(adminsOwn.body)).not.toContain(first.id)
    expect((await api('/orders/my-data')).status).toBe(401)
    expect((await api('/notifications/my-data')).status).toBe(401)
    expect((await api('/payments/my-data')).status).toBe(401)
    expect(JSON.stringify((await api('/payments/my-data', { token: admin.token })).body)).not.toContain(first.id)
  }, 60_000)
})
