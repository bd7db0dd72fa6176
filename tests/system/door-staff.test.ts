// Door staff: an account an admin gives the role `staff` checks tickets in and reads an event's attendee
// list, and can do nothing else an admin can; lowering the role takes it away at once.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'

const card = TEST_CARD
const decodeRole = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).role as string

/** The account with `role`, signed in again so that its token carries it. */
async function withRole(admin: Session, session: Session, role: string): Promise<Session> {
  const changed = await api(`/users/${session.user.id}`, { method: 'PATCH', token: admin.token, body: { role } })
  expect(changed.status).toBe(200)
  expect(changed.body.role).toBe(role)
  const refreshed = await api('/auth/refresh', { body: { refreshToken: session.refreshToken } })
  expect(refreshed.status).toBe(200)
  expect(decodeRole(refreshed.body.accessToken)).toBe(role)
  return { token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken, user: refreshed.body.user }
}

describe('door staff', () => {
  test('check tickets in and read the attendee list; nothing else an admin may do; a demotion takes the door away at once', async () => {
    const admin = await loginAdmin()
    const eventId = (await api('/events', { token: admin.token, body: futureEvent({ status: 'published' }) })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 10 } })).body.id as string
    const buyer = await registerUser('door-buyer')
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 3 }], payment: { card } } })
    expect(order.status).toBe(201)
    const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string }>

    // Before the role: a customer is refused at the door.
    const worker = await registerUser('door-worker')
    const early = await api('/checkins', { token: worker.token, body: { code: tickets[0]!.code } })
    expect(early.status).toBe(403)
    expect(errorCode(early)).toBe('FORBIDDEN')

    const staff = await withRole(admin, worker, 'staff')
    expect((await api('/auth/me', { token: staff.token })).body.role).toBe('staff')
    const scanned = await api('/checkins', { token: staff.token, body: { code: tickets[0]!.code, eventId } })
    expect(scanned.status).toBe(200)
    expect(scanned.body.firstScan).toBe(true)
    // Door staff are told what the ticket is for: not its code, nor the order's money, payment or voucher.
    expect(scanned.body.ticket).toMatchObject({ id: tickets[0]!.id, status: 'checked_in' })
    expect(scanned.body.ticket.code).toBeUndefined()
    expect(scanned.body.ticket.qrSvg).toBeUndefined()
    expect(scanned.body.order).toEqual({ id: order.body.id, eventId, eventTitle: expect.any(String), items: [{ ticketTypeId: typeId, name: 'Floor', quantity: 3 }], status: 'paid' })
    // The guest list, without the codes (door staff never hold codes to pass on); a guest without their
    // code is checked in by the ticket found there.
    const list = await api(`/events/${eventId}/attendees`, { token: staff.token })
    expect(list.status).toBe(200)
    expect(list.body.counts).toEqual({ tickets: 3, valid: 2, checkedIn: 1, refunded: 0 })
    expect(list.body.items.map((i: { code?: string }) => i.code)).toEqual([undefined, undefined, undefined])
    expect((await api(`/events/${eventId}/attendees`, { token: admin.token })).body.items.map((i: { code?: string }) => i.code)).toEqual(tickets.map((t) => t.code))
    const byId = await api('/checkins', { token: staff.token, body: { ticketId: list.body.items[1].ticketId, eventId } })
    expect(byId.status).toBe(200)
    expect(byId.body.ticket).toMatchObject({ id: tickets[1]!.id, status: 'checked_in' })
    // Scanned afterwards, its code is a second scan; by id again too.
    expect((await api('/checkins', { token: staff.token, body: { code: tickets[1]!.code } })).status).toBe(409)
    expect((await api('/checkins', { token: staff.token, body: { ticketId: tickets[1]!.id } })).status).toBe(409)
    for (const body of [{}, { code: tickets[2]!.code, ticketId: tickets[2]!.id }, { ticketId: 'nope' }, { ticketId: `${tickets[2]!.id}0000` }]) {
      const r = await api('/checkins', { token: staff.token, body })
      expect([JSON.stringify(body), r.status]).toEqual([JSON.stringify(body), 400])
      expect(errorCode(r)).toBe('VALIDATION')
    }
    const unknown = await api('/checkins', { token: staff.token, body: { ticketId: `${'f'.repeat(24)}-1` } })
    expect(unknown.status).toBe(404)
    expect(errorCode(unknown)).toBe('NOT_FOUND')

    // Everything else stays an admin's (or the buyer's own): refused, or not there for them.
    const refused: Array<[string, Parameters<typeof api>[1]]> = [
      [`/events/${eventId}/attendees.csv`, {}],
      [`/events/${eventId}/sales`, {}],
      ['/events', { body: futureEvent() }],
      [`/events/${eventId}`, { method: 'PATCH', body: { title: 'Taken over' } }],
      [`/events/${eventId}/cancel`, { body: {} }],
      [`/events/${eventId}/ticket-types`, { body: { name: 'Free', priceCents: 0, currency: 'EUR', capacity: 100 } }],
      [`/events/${eventId}/vouchers`, { body: { code: 'MINE', percentOff: 100, maxUses: 5 } }],
      ['/events?status=all', {}],
      ['/users', {}],
      [`/users/${staff.user.id}`, { method: 'PATCH', body: { role: 'admin' } }],
      ['/webhooks', {}],
    ]
    for (const [path, opts] of refused) {
      const r = await api(path, { ...opts, token: staff.token })
      expect([path, r.status]).toEqual([path, 403])
      expect(errorCode(r)).toBe('FORBIDDEN')
    }
    for (const path of [`/orders/${order.body.id}`, `/payments/${order.body.paymentId}`, `/orders/${order.body.id}/receipt`]) expect([path, (await api(path, { token: staff.token })).status]).toEqual([path, 404])
    const refund = await api(`/orders/${order.body.id}/refund`, { token: staff.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refund.status).toBe(404)
    expect((await api(`/orders?eventId=${eventId}`, { token: staff.token })).body.total).toBe(0)
    expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe('paid')

    // Lowered to customer: the staff token signed before is refused at once; the next one is a customer's.
    const lowered = await api(`/users/${staff.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'customer' } })
    expect(lowered.status).toBe(200)
    const stale = await api('/checkins', { token: staff.token, body: { code: tickets[2]!.code } })
    expect(stale.status).toBe(401)
    expect(errorCode(stale)).toBe('UNAUTHENTICATED')
    const again = await api('/auth/refresh', { body: { refreshToken: staff.refreshToken } })
    expect(decodeRole(again.body.accessToken)).toBe('customer')
    expect((await api('/checkins', { token: again.body.accessToken, body: { code: tickets[2]!.code } })).status).toBe(403)
    expect((await api(`/events/${eventId}/attendees`, { token: again.body.accessToken })).status).toBe(403)
    // Nothing was admitted by the refused scans.
    expect((await api(`/events/${eventId}/attendees`, { token: admin.token })).body.counts.checkedIn).toBe(2)
  })

  test('an admin lowered to door staff loses the admin token at once and keeps the door', async () => {
    const admin = await loginAdmin()
    const deputy = await withRole(admin, await registerUser('door-deputy'), 'admin')
    expect((await api('/users', { token: deputy.token })).status).toBe(200)
    const lowered = await api(`/users/${deputy.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })
    expect(lowered.status).toBe(200)
    expect((await api('/users', { token: deputy.token })).status).toBe(401)
    const refreshed = await api('/auth/refresh', { body: { refreshToken: deputy.refreshToken } })
    expect(decodeRole(refreshed.body.accessToken)).toBe('staff')
    expect((await api('/users', { token: refreshed.body.accessToken })).status).toBe(403)
    const eventId = (await api('/events', { token: admin.token, body: futureEvent() })).body.id as string
    expect((await api(`/events/${eventId}/attendees`, { token: refreshed.body.accessToken })).status).toBe(200)
    // Door staff are listed by their role.
    const listed = await api('/users?role=staff&limit=100', { token: admin.token })
    expect(listed.body.items.map((u: { id: string }) => u.id)).toContain(deputy.user.id)
    expect(listed.body.items.every((u: { role: string }) => u.role === 'staff')).toBe(true)
    // Lowered again and raised back: what was withdrawn stays withdrawn; only tokens signed since count.
    expect((await api(`/users/${deputy.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'customer' } })).status).toBe(200)
    expect((await api(`/events/${eventId}/attendees`, { token: refreshed.body.accessToken })).status).toBe(401)
    await Bun.sleep(1_100)
    expect((await api(`/users/${deputy.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'admin' } })).status).toBe(200)
    for (const old of [deputy.token, refreshed.body.accessToken]) expect((await api('/users', { token: old })).status).toBe(401)
    const back = await api('/auth/refresh', { body: { refreshToken: refreshed.body.refreshToken } })
    expect(decodeRole(back.body.accessToken)).toBe('admin')
    expect((await api('/users', { token: back.body.accessToken })).status).toBe(200)
  })
})

describe('a door without a network', () => {
  test('the door list knows every admitting ticket by a hash of its code; a scan sent later keeps its time, within a day', async () => {
    const admin = await loginAdmin()
    const eventId = (await api('/events', { token: admin.token, body: futureEvent({ status: 'published' }) })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 10 } })).body.id as string
    const buyer = await registerUser('door-list-buyer')
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 3 }], payment: { card } } })
    const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string }>
    // One refunded on its own: not in the list.
    expect((await api(`/orders/${order.body.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[2]!.id] } })).status).toBe(200)

    const list = await api(`/events/${eventId}/door-list`, { token: admin.token })
    expect(list.status).toBe(200)
    expect(list.headers.get('cache-control')).toBe('private, no-store')
    const sha = (code: string) => new Bun.CryptoHasher('sha256').update(code.toUpperCase()).digest('hex')
    expect(list.body.tickets.map((t: { hash: string; ticketId: string }) => [t.ticketId, t.hash])).toEqual([
      [tickets[0]!.id, sha(tickets[0]!.code)],
      [tickets[1]!.id, sha(tickets[1]!.code)],
    ])
    expect(JSON.stringify(list.body)).not.toContain(tickets[0]!.code)
    expect((await api(`/events/${eventId}/door-list`, { token: buyer.token })).status).toBe(403)
    expect((await api(`/events/${'f'.repeat(24)}/door-list`, { token: admin.token })).status).toBe(404)
    // A door holds the list now and may let the buyer in offline: the buyer can no longer refund by themselves; an admin can.
    const buyerLate = await api(`/orders/${order.body.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[1]!.id] } })
    expect(buyerLate.status).toBe(403)
    expect(buyerLate.body.error.message).toContain('doors are open')
    expect((await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body[1].status).toBe('valid')
    // Nor pass one on: the new holder's code would let a second person in.
    const passedOn = await api(`/tickets/${tickets[1]!.id}/transfer`, { token: buyer.token, body: { email: `door-friend-${crypto.randomUUID()}@example.com` } })
    expect(passedOn.status).toBe(409)
    expect(passedOn.body.error.message).toContain('doors are open')

    // Sent later: recorded at the scan's time; a time in the future or over a week old is refused, and admits nobody.
    for (const scannedAt of [new Date(Date.now() + 3_600_000).toISOString(), new Date(Date.now() - 8 * 86_400_000).toISOString(), 'yesterday']) {
      const r = await api('/checkins', { token: admin.token, body: { code: tickets[0]!.code, scannedAt } })
      expect(r.status, scannedAt).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    // A door reopened two days later sends what it admitted then: recorded at that time.
    const scannedAt = new Date(Date.now() - 2 * 86_400_000).toISOString()
    const late = await api('/checkins', { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { code: tickets[0]!.code, eventId, scannedAt } })
    expect(late.status).toBe(200)
    expect(late.body.ticket.checkedInAt).toBe(scannedAt)
    const after = await api(`/events/${eventId}/door-list`, { token: admin.token })
    expect(after.body.tickets[0]).toMatchObject({ ticketId: tickets[0]!.id, checkedInAt: scannedAt })
  }, 30_000)
})

describe('door staff given some events', () => {
  /** A published event with a ticket bought: its id, its type and the ticket's code. */
  async function eventWithTicket(admin: Session, buyer: Session) {
    const eventId = (await api('/events', { token: admin.token, body: futureEvent({ status: 'published' }) })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 10 } })).body.id as string
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }], payment: { card } } })
    expect(order.status).toBe(201)
    const [ticket] = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string }>
    return { eventId, typeId, code: ticket!.code }
  }

  test("work those doors only: another event's check-in, lists and door sales are 403 and use nothing up; a change of their events applies at once", async () => {
    const admin = await loginAdmin()
    const buyer = await registerUser('scoped-door-buyer')
    const mine = await eventWithTicket(admin, buyer)
    const other = await eventWithTicket(admin, buyer)
    const worker = await registerUser('scoped-door-worker')

    // Refused, nothing changed: events without the staff role, none, too many, not ids.
    for (const body of [{ role: 'customer', events: [mine.eventId] }, { role: 'staff', events: [] }, { role: 'staff', events: ['nope'] }, { role: 'staff', events: Array.from({ length: 51 }, (_, i) => i.toString(16).padStart(24, '0')) }]) {
      const r = await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body })
      expect({ body, status: r.status }).toEqual({ body, status: 400 })
    }
    expect((await api(`/users?ids=${worker.user.id}`, { token: admin.token })).body.items[0].role).toBe('customer')

    const given = await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff', events: [mine.eventId] } })
    expect(given.status).toBe(200)
    expect(given.body).toMatchObject({ role: 'staff', events: [mine.eventId] })
    const refreshed = await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })
    expect(refreshed.body.user.events).toEqual([mine.eventId])
    let staff: Session = { token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken, user: refreshed.body.user }

    // Their event's door: as any door worker.
    expect((await api('/checkins', { token: staff.token, body: { code: mine.code } })).status).toBe(200)
    expect((await api(`/events/${mine.eventId}/attendees`, { token: staff.token })).status).toBe(200)
    expect((await api(`/events/${mine.eventId}/door-list`, { token: staff.token })).status).toBe(200)
    // Another event's: 403, and its ticket stays unused; a scan says which event the ticket is for.
    const foreign = await api('/checkins', { token: staff.token, body: { code: other.code } })
    expect(foreign.body.error.details).toMatchObject({ wrongEvent: true, eventId: other.eventId })
    for (const r of [
      await api('/checkins', { token: staff.token, body: { code: other.code } }),
      await api('/checkins', { token: staff.token, body: { code: other.code, eventId: other.eventId } }),
      await api(`/events/${other.eventId}/attendees`, { token: staff.token }),
      await api(`/events/${other.eventId}/door-list`, { token: staff.token }),
      await api(`/events/${other.eventId}/box-office`, { token: staff.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { items: [{ ticketTypeId: other.typeId, quantity: 1 }], paidWith: 'cash' } }),
    ]) {
      expect(r.status).toBe(403)
      expect(errorCode(r)).toBe('FORBIDDEN')
    }
    expect((await api(`/events/${other.eventId}/attendees`, { token: admin.token })).body.counts).toMatchObject({ tickets: 1, valid: 1, checkedIn: 0 })
    // A scan sent for a door they do not work (another member of staff's offline scans, on a shared
    // browser) says so, for the door page to keep it for one who does.
    const notTheirs = await api('/checkins', { token: staff.token, body: { code: other.code, eventId: other.eventId } })
    expect(notTheirs.body.error.details).toMatchObject({ notYourEvent: true, eventId: other.eventId })

    // Given the other event instead (in the same second as its token, too): the token with the old events
    // is refused (the client refreshes), and the new one works the other door only.
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff', events: [other.eventId] } })).status).toBe(200)
    expect((await api(`/events/${mine.eventId}/attendees`, { token: staff.token })).status).toBe(401)
    const again = await api('/auth/refresh', { body: { refreshToken: staff.refreshToken } })
    staff = { token: again.body.accessToken, refreshToken: again.body.refreshToken, user: again.body.user }
    expect((await api(`/events/${mine.eventId}/attendees`, { token: staff.token })).status).toBe(403)
    expect((await api('/checkins', { token: staff.token, body: { code: other.code } })).status).toBe(200)

    // Every door again: the role without events.
    const every = await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })
    expect(every.body.events).toBeUndefined()
    expect((await api(`/events/${mine.eventId}/attendees`, { token: staff.token })).status).toBe(401)
    const third = await api('/auth/refresh', { body: { refreshToken: staff.refreshToken } })
    expect(third.body.user.events).toBeUndefined()
    expect((await api(`/events/${mine.eventId}/attendees`, { token: third.body.accessToken })).status).toBe(200)

    // Made an admin and then door staff of one event again: the every-door staff token is refused.
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'admin' } })).status).toBe(200)
    expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff', events: [other.eventId] } })).status).toBe(200)
    expect((await api(`/events/${mine.eventId}/attendees`, { token: third.body.accessToken })).status).toBe(401)
    const fourth = await api('/auth/refresh', { body: { refreshToken: third.body.refreshToken } })
    expect(fourth.body.user).toMatchObject({ role: 'staff', events: [other.eventId] })
    expect((await api(`/events/${mine.eventId}/attendees`, { token: fourth.body.accessToken })).status).toBe(403)
  }, 60_000)
})
