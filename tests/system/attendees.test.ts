// Names on tickets: the buyer (or an admin) names who uses each ticket; the door sees the name when it
// scans the ticket, and a ticket that was checked in, or of a refunded order, keeps its name.
import { describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { system } from '../support/system'

const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }

async function paidOrder(buyer: Session, quantity: number) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 2000, currency: 'EUR', capacity: 10, maxPerOrder: 4 } })
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity }], payment: { card } } })
  expect(order.status).toBe(201)
  const tickets = await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })
  expect(tickets.body).toHaveLength(quantity)
  return { orderId: order.body.id as string, tickets: tickets.body as Array<{ id: string; code: string; attendeeName?: string }> }
}

const name = (session: Session, orderId: string, ticketId: string, body: unknown) => api(`/orders/${orderId}/tickets/${ticketId}`, { token: session.token, method: 'PATCH', body })

describe('names on tickets', () => {
  test('the buyer names a ticket; the name shows on that ticket only, and at the door', async () => {
    const buyer = await registerUser('namer')
    const { orderId, tickets } = await paidOrder(buyer, 2)
    const named = await name(buyer, orderId, tickets[0]!.id, { attendeeName: '  Grace   Hopper ' })
    expect(named.status).toBe(200)
    expect(named.body).toMatchObject({ id: tickets[0]!.id, attendeeName: 'Grace Hopper', status: 'valid' })
    const listed = (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body
    expect(listed.map((t: { attendeeName?: string }) => t.attendeeName)).toEqual(['Grace Hopper', undefined])

    const admin = await loginAdmin()
    const scanned = await api('/checkins', { token: admin.token, body: { code: tickets[0]!.code } })
    expect(scanned.status).toBe(200)
    expect(scanned.body.ticket.attendeeName).toBe('Grace Hopper')
    // Admitted under that name: it stays.
    const late = await name(buyer, orderId, tickets[0]!.id, { attendeeName: 'Someone Else' })
    expect(late.status).toBe(409)
    expect(errorCode(late)).toBe('CONFLICT')
    // The other ticket can still be named, also by an admin; a blank name removes it.
    expect((await name(admin, orderId, tickets[1]!.id, { attendeeName: 'Ada' })).body.attendeeName).toBe('Ada')
    const removed = await name(buyer, orderId, tickets[1]!.id, { attendeeName: '   ' })
    expect(removed.status).toBe(200)
    expect(removed.body.attendeeName).toBeUndefined()
  }, 30_000)

  test('renamed while the door scans it: each ticket shows the name its check-in answer gave', async () => {
    const buyer = await registerUser('racer')
    const { orderId, tickets } = await paidOrder(buyer, 4)
    for (const t of tickets) expect((await name(buyer, orderId, t.id, { attendeeName: 'Alice' })).status).toBe(200)
    const admin = await loginAdmin()
    const races = await Promise.all(
      tickets.map(async (t) => {
        const [door, renamed] = await Promise.all([api('/checkins', { token: admin.token, body: { code: t.code } }), name(buyer, orderId, t.id, { attendeeName: 'Bob' })])
        return { id: t.id, door, renamed }
      }),
    )
    const after = (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body as Array<{ id: string; attendeeName?: string; status: string }>
    for (const { id, door, renamed } of races) {
      expect(door.status).toBe(200)
      expect([200, 409]).toContain(renamed.status)
      // Renamed before the scan: the door read Bob; after it: refused, and Alice stays.
      expect(door.body.ticket.attendeeName).toBe(renamed.status === 200 ? 'Bob' : 'Alice')
      expect(after.find((t) => t.id === id)).toMatchObject({ status: 'checked_in', attendeeName: door.body.ticket.attendeeName })
    }
  }, 30_000)

  test('a checked-in ticket shows the name the door admitted, whatever is written to its name afterwards', async () => {
    const buyer = await registerUser('snapshot')
    const { orderId, tickets } = await paidOrder(buyer, 1)
    await name(buyer, orderId, tickets[0]!.id, { attendeeName: 'Alice' })
    const admin = await loginAdmin()
    expect((await api('/checkins', { token: admin.token, body: { code: tickets[0]!.code } })).body.ticket.attendeeName).toBe('Alice')
    // A write that slipped past every check (a lock that ran out): the ticket still says what the door saw.
    const db = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_orders` }).asPromise()
    try {
      await db.collection('ticket_attendees').updateOne({ _id: tickets[0]!.id as never }, { $set: { name: 'Mallory' } })
    } finally {
      await db.close()
    }
    expect((await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body[0]).toMatchObject({ status: 'checked_in', attendeeName: 'Alice' })
  }, 30_000)

  test("someone else's order is 404; bad input is 400 and changes nothing; a refunded order's tickets are 409", async () => {
    const buyer = await registerUser('namer2')
    const { orderId, tickets } = await paidOrder(buyer, 1)
    const other = await registerUser('stranger')
    expect((await name(other, orderId, tickets[0]!.id, { attendeeName: 'Mallory' })).status).toBe(404)
    expect((await name(buyer, orderId, `${orderId}-2`, { attendeeName: 'Nobody' })).status).toBe(404)
    expect((await name(buyer, orderId, 'not-a-ticket', { attendeeName: 'X' })).status).toBe(400)
    expect((await name(buyer, orderId, tickets[0]!.id, { attendeeName: 'x'.repeat(101) })).status).toBe(400)
    expect((await name(buyer, orderId, tickets[0]!.id, { attendeeName: 'X', status: 'checked_in' })).status).toBe(400)
    expect((await name(buyer, orderId, tickets[0]!.id, {})).status).toBe(400)
    expect((await api(`/orders/${orderId}/tickets/${tickets[0]!.id}`, { method: 'PATCH', body: { attendeeName: 'Guest' } })).status).toBe(401)
    expect((await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body[0].attendeeName).toBeUndefined()

    const refunded = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect([200, 202]).toContain(refunded.status)
    expect((await name(buyer, orderId, tickets[0]!.id, { attendeeName: 'Too late' })).status).toBe(409)
    // Invisible or direction-changing characters could make the door read another name.
    const { orderId: second, tickets: more } = await paidOrder(buyer, 1)
    const sneaky = await name(buyer, second, more[0]!.id, { attendeeName: 'Bob\u202eecilA' })
    expect(sneaky.status).toBe(400)
    expect(sneaky.body.error.details.fields[0].path).toBe('attendeeName')
  }, 30_000)
})
