// Guest accounts nobody uses are deleted, as their owner could close them: auth looks for guests unused
// for GUEST_RETENTION_DAYS (here a few seconds) and asks orders when the latest event they hold tickets
// for starts; a guest with a coming event stays, one whose event is long past is told (by email,
// GUEST_NOTICE_DAYS ahead: here two seconds) and then goes (its order, invoice and tickets stay, and the
// tickets still admit), one who comes back in between stays, and with orders away nobody goes.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, uniqueEmail, type Session } from '../support/api'
import { decodeMime, smtpServer } from '../support/smtp'
import { restartedWith, system } from '../support/system'

const RETENTION_SECONDS = 4
const NOTICE_SECONDS = 2
const smtp = smtpServer()
restartedWith(['auth'], {
  GUEST_RETENTION_DAYS: String(RETENTION_SECONDS / 86_400),
  GUEST_NOTICE_DAYS: String(NOTICE_SECONDS / 86_400),
  GUEST_SWEEP_INTERVAL_MS: '300',
  CLOSING_SWEEP_INTERVAL_MS: '300',
  SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
})
afterAll(() => smtp.stop())
const noticesTo = (address: string) => smtp.received.filter((m) => m.to.includes(address)).map((m) => decodeMime(m.data)).filter((text) => text.includes('will be deleted'))

let authDb: mongoose.Connection
let ordersDb: mongoose.Connection
let catalogDb: mongoose.Connection
beforeAll(async () => {
  const { infra, namespace } = system()
  authDb = await mongoose.createConnection(infra.mongoUrl, { dbName: `${namespace}_auth` }).asPromise()
  ordersDb = await mongoose.createConnection(infra.mongoUrl, { dbName: `${namespace}_orders` }).asPromise()
  catalogDb = await mongoose.createConnection(infra.mongoUrl, { dbName: `${namespace}_catalog` }).asPromise()
})
afterAll(async () => {
  await authDb?.close()
  await ordersDb?.close()
  await catalogDb?.close()
})

const oid = (id: string) => new mongoose.Types.ObjectId(id)
const account = (id: string) => authDb.collection('users').findOne({ _id: oid(id) })
const closedRecord = (id: string) => authDb.collection('closed_accounts').findOne({ _id: id as never })

async function guest(tag: string): Promise<Session & { address: string }> {
  const address = uniqueEmail(tag)
  const started = await api('/auth/guest', { body: { email: address, name: 'Grace' } })
  expect(started.status).toBe(201)
  return { token: started.body.accessToken, refreshToken: started.body.refreshToken, user: started.body.user, address }
}

/** An order of one ticket, placed in `language` (`Accept-Language`) when given. */
async function buyFor(buyer: Session, language?: string) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Kept for ${Math.random().toString(36).slice(2, 8)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 2000, currency: 'EUR', capacity: 10 } })
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID(), ...(language ? { 'accept-language': language } : {}) }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 1 }], payment: { card: TEST_CARD } } })
  expect(order.status).toBe(201)
  expect(order.body.status).toBe('paid')
  const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
  return { admin, orderId: order.body.id as string, eventId: event.body.id as string, code: tickets[0]!.code }
}

/** Long enough for the retention to pass and several sweeps to run after it. */
const pastRetention = () => Bun.sleep((RETENTION_SECONDS + 2) * 1000)

describe('unused guest accounts', () => {
  test('a guest who bought nothing is told, then goes; one holding a ticket to a coming event stays; an account with a password is never looked at', async () => {
    const idle = await guest('idle-guest')
    const holder = await guest('holding-guest')
    await buyFor(holder)
    const member = await registerUser('retention-member')

    // Told first, by email, with the day and the way back; the account is still there then.
    const notice = await eventually('the notice to the idle guest', async () => noticesTo(idle.address)[0], 15_000, 100)
    expect(notice).toContain('Your orders and tickets stay')
    expect(notice).toContain(`${system().gatewayUrl.replace('127.0.0.1', 'localhost')}/tickets`)
    expect(notice).toContain('Dieses Gastkonto')
    expect((await account(idle.user.id))?.guestNoticeAt).toBeInstanceOf(Date)
    await eventually('the idle guest deleted', async () => !(await account(idle.user.id)) && !!(await closedRecord(idle.user.id))?.toldAt, 15_000)
    // One notice, though the pass ran many times meanwhile.
    expect(noticesTo(idle.address)).toHaveLength(1)
    expect(noticesTo(holder.address)).toHaveLength(0)
    // Refused at once, as any closed account's tokens are.
    await eventually('the idle guest refused', async () => (await api('/auth/me', { token: idle.token })).status === 401, 5_000)

    // Kept, and not looked at again until the retention has passed from the event's start.
    const kept = await account(holder.user.id)
    expect(kept?.guest).toBe(true)
    expect(kept?.guestKeptUntil).toBeInstanceOf(Date)
    expect((kept!.guestKeptUntil as Date).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000)
    expect((await api('/auth/me', { token: holder.token })).status).toBe(200)
    expect(await account(member.user.id)).not.toBeNull()
  }, 60_000)

  test('a guest whose event was moved later stays; once it started longer ago than the retention, the guest goes; the order stays paid, the ticket still admits, the address is forgotten', async () => {
    const buyer = await guest('past-guest')
    const { admin, orderId, eventId, code } = await buyFor(buyer, 'de')
    const longAgo = new Date(Date.now() - 400 * 86_400_000)
    // Bought for a date long past (as the order keeps it from the sale); the event has since moved to its
    // date now, 30 days on: the guest is kept for it.
    await ordersDb.collection('orders').updateOne({ _id: orderId as never }, { $set: { eventStartsAt: longAgo } })
    await pastRetention()
    const kept = await eventually('the guest kept for the moved event', async () => {
      const doc = await account(buyer.user.id)
      return doc?.guestKeptUntil instanceof Date ? doc : undefined
    }, 15_000)
    expect((kept.guestKeptUntil as Date).getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000)

    // Time passes: the event took place long ago too (past orders' 3-second cache of it), and the mark has run out.
    await catalogDb.collection('events').updateOne({ _id: oid(eventId) }, { $set: { startsAt: longAgo, endsAt: new Date(longAgo.getTime() + 3 * 3_600_000) } })
    await Bun.sleep(3_500)
    await authDb.collection('users').updateOne({ _id: oid(buyer.user.id) }, { $unset: { guestKeptUntil: 1 } })
    await eventually('the past guest deleted', async () => !(await account(buyer.user.id)), 15_000)
    // Told in the language the guest bought in (the idle guest, who bought nothing, in all three).
    const told = smtp.received.filter((m) => m.to.includes(buyer.address)).map((m) => decodeMime(m.data))
    expect(told).toHaveLength(1)
    expect(told[0]).toContain('Dieses Gastkonto')
    expect(told[0]).not.toContain('Your orders and tickets stay')
    expect(told[0]).not.toContain('Vos commandes')
    await eventually("orders forgot the guest's address", async () => {
      const order = await ordersDb.collection('orders').findOne({ _id: orderId as never })
      return order !== null && order.userEmail === undefined
    })
    expect((await api(`/orders/${orderId}`, { token: admin.token })).body).toMatchObject({ id: orderId, status: 'paid' })
    expect((await api('/checkins', { token: admin.token, body: { code } })).status).toBe(200)
  }, 60_000)

  test('a guest told their account will go who comes back in time (a refresh) keeps it', async () => {
    const g = await guest('comes-back')
    await eventually('the notice', async () => noticesTo(g.address)[0], 15_000, 100)
    const refreshed = await api('/auth/refresh', { body: { refreshToken: g.refreshToken } })
    expect(refreshed.status).toBe(200)
    const after = await account(g.user.id)
    expect(after?.guestNoticeAt).toBeUndefined()
    // Past the notice (though not yet unused for a whole retention again): still there.
    await Bun.sleep((NOTICE_SECONDS + 1) * 1000)
    expect(await account(g.user.id)).not.toBeNull()
  }, 30_000)

  test("a guest's refresh counts as use (written once a day), so sessions swept after their 30 days do not make a guest in use look unused", async () => {
    const g = await guest('refreshing-guest')
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000)
    await authDb.collection('users').updateOne({ _id: oid(g.user.id) }, { $set: { guestUsedAt: twoDaysAgo } })
    const refreshed = await api('/auth/refresh', { body: { refreshToken: g.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect(((await account(g.user.id))!.guestUsedAt as Date).getTime()).toBeGreaterThan(Date.now() - 60_000)
  }, 30_000)

  test('a deletion left half-way (auth stopped after recording it) is called off when the guest came back meanwhile, and finished when not', async () => {
    const back = await guest('came-back')
    const gone = await guest('stayed-away')
    const cutoff = new Date(Date.now() - 60_000)
    // As the pass records a deletion before it deletes: the condition, and no `toldAt` yet.
    await authDb.collection('users').updateOne({ _id: oid(gone.user.id) }, { $set: { guestUsedAt: new Date(cutoff.getTime() - 1_000) } })
    for (const g of [back, gone]) await authDb.collection('closed_accounts').insertOne({ _id: g.user.id as never, closedAt: new Date(), ifGuestUnusedBefore: cutoff })
    // The sweep that finishes closings: the guest used since the cutoff stays, its closing called off.
    // Settled: the one deleted and told (its `toldAt` is written after the account goes), the other called off.
    await eventually('the half-way deletions settled', async () => !(await account(gone.user.id)) && !!(await closedRecord(gone.user.id))?.toldAt && !(await closedRecord(back.user.id)), 15_000)
    expect(await account(back.user.id)).not.toBeNull()
    expect((await api('/auth/me', { token: back.token })).status).toBe(200)
    expect((await closedRecord(gone.user.id))?.toldAt).toBeInstanceOf(Date)
  }, 30_000)

  test('while orders cannot answer, no guest is deleted; once it answers, the unused one is', async () => {
    const idle = await guest('orders-away')
    await system().stop('orders')
    try {
      await pastRetention()
      // Several sweeps ran without orders: still there.
      expect(await account(idle.user.id)).not.toBeNull()
    } finally {
      await system().start('orders')
    }
    await eventually('the guest deleted once orders answers', async () => !(await account(idle.user.id)), 15_000)
  }, 60_000)
})
