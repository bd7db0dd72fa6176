// Closing an account: its owner confirms with the password; the account, its sessions and links are
// gone at once, the address can sign up anew, and the fact `auth.account-closed` (real NATS) makes orders
// and notifications forget the person. What was bought stays (accounting), and its tickets stay valid.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { restartedWith, system } from '../support/system'
import { totp } from '../support/totp'

// The sweep that finishes closings stopped half-way looks often here (60 s by default).
restartedWith(['auth'], { CLOSING_SWEEP_INTERVAL_MS: '300' })

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

  test('a closing stopped half-way (after its record, before the rest) is finished by the sweep', async () => {
    const buyer = await registerUser('half-closed')
    // As if auth died right after recording the closing.
    await dbs.auth.collection('closed_accounts').insertOne({ _id: buyer.user.id, closedAt: new Date() } as never)
    await eventually('the sweep finishes it', async () => (await one('auth', 'closed_accounts', { _id: buyer.user.id }))?.toldAt, 20_000)
    expect((await api('/auth/me', { token: buyer.token })).status).toBe(401)
    expect((await api('/auth/login', { body: { email: buyer.user.email, password: PASSWORD } })).status).toBe(401)
  }, 30_000)
})
