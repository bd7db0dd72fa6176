// Personal data kept only while it serves. The log of emails sent keeps an address for 30 days
// (EMAIL_LOG_ADDRESS_DAYS), and not a moment after its account closes; what notifications stored for a
// closed account afterwards (the refund of an event cancelled later) goes at the next sweep; a message to
// ticket holders keeps who was told, not their addresses, once it is sent. Real SMTP, NATS and FerretDB.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const dbs: Record<'orders' | 'notifications', mongoose.Connection> = {} as never
beforeAll(async () => {
  for (const name of ['orders', 'notifications'] as const) dbs[name] = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_${name}` }).asPromise()
})
afterAll(async () => {
  await Promise.all(Object.values(dbs).map((c) => c?.close()))
})
const emailsOf = (userId: string) => dbs.notifications.collection('emails').find({ userId }).toArray()

describe('personal data past its time', () => {
  const smtp = mailingThroughTestSmtp('notifications', { RETENTION_SWEEP_INTERVAL_MS: '300' })

  test("a closed account's addresses leave the email log at once, and its later notifications at the next sweep; others' addresses after 30 days", async () => {
    const admin = await loginAdmin()
    const eventId = (await api('/events', { token: admin.token, body: futureEvent({ title: `Retention ${Math.random().toString(36).slice(2, 6)}`, status: 'published' }) })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1000, currency: 'EUR', capacity: 10, maxPerOrder: 2 } })).body.id as string
    const [leaving, staying] = (await Promise.all(['retention-leaving', 'retention-staying'].map((tag) => registerUser(tag)))) as [Session, Session]
    const orders: string[] = []
    for (const buyer of [leaving, staying]) {
      const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }], payment: { card: TEST_CARD } } })
      expect(order.body.status).toBe('paid')
      orders.push(order.body.id)
    }
    // Each confirmation emailed and logged with its address and account.
    for (const buyer of [leaving, staying]) {
      await eventually(`the confirmation to ${buyer.user.email}`, async () => smtp.received.find((m) => m.to.includes(buyer.user.email)), 20_000, 100)
      const [logged] = await eventually('the email logged', async () => ((await emailsOf(buyer.user.id)).length ? emailsOf(buyer.user.id) : undefined), 10_000, 100)
      expect(logged).toMatchObject({ to: buyer.user.email, status: 'sent', userId: buyer.user.id })
    }
    // The admin also gave the leaving buyer a complimentary ticket: its email is logged under the admin's id.
    const given = await api(`/events/${eventId}/complimentary`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { items: [{ ticketTypeId: typeId, quantity: 1 }], email: leaving.user.email, name: 'Guest' } })
    expect(given.status).toBe(201)
    const underAdmin = async () => dbs.notifications.collection('emails').find({ userId: admin.user.id }).toArray()
    await eventually('the complimentary email logged', async () => (await underAdmin()).some((e) => e.to === leaving.user.email), 20_000, 100)

    expect((await api('/auth/me/close', { token: leaving.token, body: { password: 'correct horse 1' } })).status).toBe(200)
    await eventually('the address gone from the email log', async () => (await emailsOf(leaving.user.id)).every((e) => e.to === undefined), 20_000, 100)
    // Also where it was logged under the admin's id; the admin's other records keep theirs.
    await eventually('the complimentary email without the address', async () => !(await underAdmin()).some((e) => e.to === leaving.user.email), 10_000, 100)
    expect((await emailsOf(leaving.user.id))[0]).toMatchObject({ status: 'sent', subject: expect.any(String) })
    expect((await emailsOf(staying.user.id))[0]?.to).toBe(staying.user.email)

    // The event is cancelled afterwards: both are refunded; the closed account's refund notice is not kept.
    expect((await api(`/events/${eventId}/cancel`, { token: admin.token, body: {} })).status).toBe(202)
    await eventually('both orders refunded', async () => {
      const statuses = await Promise.all(orders.map(async (id) => (await api(`/orders/${id}`, { token: admin.token })).body.status))
      return statuses.every((s) => s === 'refunded')
    }, 30_000)
    await eventually("the staying buyer's refund notice", async () => (await api('/notifications', { token: staying.token })).body.items.some((n: { type: string }) => n.type === 'order-refunded'), 20_000)
    // The closed account's refund fact reached notifications (its email, without an address, is logged as skipped)…
    await eventually("the closed account's refund handled", async () => (await emailsOf(leaving.user.id)).some((e) => e.subject === 'refund receipt' && e.status === 'skipped'), 20_000, 100)
    // …and what it stored for the account is gone at the next sweep.
    await eventually("the closed account's late notification gone", async () => (await dbs.notifications.collection('notifications').countDocuments({ userId: leaving.user.id })) === 0, 10_000, 100)

    // The staying buyer's address goes once its record is 30 days old (moved back here: the sweep runs every 300 ms).
    const [record] = await emailsOf(staying.user.id)
    await dbs.notifications.collection('emails').updateOne({ _id: record!._id }, { $set: { at: new Date(Date.now() - 31 * 86_400_000) } })
    await eventually('the old address gone', async () => (await emailsOf(staying.user.id)).find((e) => e._id === record!._id)?.to === undefined, 10_000, 100)
    expect((await emailsOf(staying.user.id)).filter((e) => e._id !== record!._id).every((e) => e.to === staying.user.email)).toBe(true)
  }, 90_000)

  test('a message to holders sent before addresses were removed loses them when the orders worker starts', async () => {
    const id = `retention-${Math.random().toString(36).slice(2, 10)}`
    await dbs.orders.collection('event_messages').insertOne({
      _id: id as never,
      eventId: '0123456789abcdef01234567',
      subject: 'Doors open later',
      body: 'An hour later.',
      by: '0123456789abcdef01234567',
      recipients: 2,
      holders: [{ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa', email: 'one@example.test', language: 'de' }, { userId: 'bbbbbbbbbbbbbbbbbbbbbbbb', email: 'two@example.test' }],
      cursor: 2,
      state: 'sent',
      at: new Date(),
    })
    await system().stop('orders-worker')
    await system().start('orders-worker')
    const cleaned = await eventually('the old message without addresses', async () => {
      const doc = await dbs.orders.collection('event_messages').findOne({ _id: id as never })
      return doc?.addressesRemovedAt ? doc : undefined
    }, 20_000)
    expect(cleaned.holders).toEqual([{ userId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, { userId: 'bbbbbbbbbbbbbbbbbbbbbbbb' }])
    expect(cleaned.recipients).toBe(2)
  }, 60_000)
})
