// Extras (add-ons): a ticket type marked `addOn` (a parking space, a T-shirt) is sold only with
// admission in the same order, at most one per admission ticket, however it is sold (online, given free,
// at the door); refunding some tickets never leaves extras without admission; the price from and the
// places left of an event are admission's.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { system } from '../support/system'

async function festival(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Extras ${Math.random().toString(36).slice(2, 6)}` }) })
  const day = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 6000, currency: 'EUR', capacity: 50 } })
  const parking = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Parking', priceCents: 800, currency: 'EUR', capacity: 5, addOn: true } })
  expect([day.status, parking.status]).toEqual([201, 201])
  expect(parking.body.addOn).toBe(true)
  expect(day.body.addOn).toBeUndefined()
  return { eventId: event.body.id as string, dayId: day.body.id as string, parkingId: parking.body.id as string }
}

const order = (buyer: Session, eventId: string, items: Array<[string, number]>, pay = true) =>
  api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { eventId, items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })), ...(pay ? { payment: { card: TEST_CARD } } : {}) },
  })
const counters = async (eventId: string) =>
  Object.fromEntries(((await api(`/events/${eventId}/availability`)).body.ticketTypes as Array<{ name: string; sold: number; held: number }>).map((t) => [t.name, [t.sold, t.held]]))

describe('extras sold with admission', () => {
  test('bought with admission at one per ticket; alone or more than the tickets is 400 and holds nothing; shown apart from admission', async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const buyer = await registerUser('extras')

    const alone = await order(buyer, eventId, [[parkingId, 1]])
    expect(alone.status).toBe(400)
    expect(errorCode(alone)).toBe('VALIDATION')
    expect(alone.body.error.message).toContain('only with an admission ticket')
    const tooMany = await order(buyer, eventId, [[dayId, 1], [parkingId, 2]], false)
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.error.message).toContain('at most 1 "Parking"')
    expect(await counters(eventId)).toEqual({ 'Day pass': [0, 0], Parking: [0, 0] })

    const paid = await order(buyer, eventId, [[dayId, 2], [parkingId, 2]])
    expect(paid.status).toBe(201)
    expect(paid.body.status).toBe('paid')
    // The server's price: 2 × 60.00 + 2 × 8.00.
    expect(paid.body.totalCents).toBe(13_600)
    expect(paid.body.items).toEqual([
      expect.objectContaining({ ticketTypeId: dayId, quantity: 2 }),
      expect.objectContaining({ ticketTypeId: parkingId, quantity: 2, addOn: true }),
    ])
    expect(paid.body.items[0].addOn).toBeUndefined()
    // Each extra is a ticket of its own (the parking gate scans it).
    const tickets = (await api(`/orders/${paid.body.id}/tickets`, { token: buyer.token })).body as Array<{ ticketTypeName: string; code: string }>
    expect(tickets.map((t) => t.ticketTypeName)).toEqual(['Day pass', 'Day pass', 'Parking', 'Parking'])
    const scanned = await api('/checkins', { token: admin.token, body: { code: tickets[2]!.code } })
    expect(scanned.status).toBe(200)
    expect(scanned.body.order.items.find((i: { ticketTypeId: string }) => i.ticketTypeId === parkingId)).toMatchObject({ addOn: true })
    // The door's offline list says which tickets are extras too.
    const door = (await api(`/events/${eventId}/door-list`, { token: admin.token })).body.tickets as Array<{ ticketTypeName: string; addOn?: true }>
    expect(door.map((t) => [t.ticketTypeName, !!t.addOn])).toEqual([
      ['Day pass', false],
      ['Day pass', false],
      ['Parking', true],
      ['Parking', true],
    ])
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [2, 0] })

    // The organiser tells them apart: the attendee list and the sales report mark the extras.
    const attendees = (await api(`/events/${eventId}/attendees`, { token: admin.token })).body.items as Array<{ ticketTypeName: string; addOn?: true }>
    expect(attendees.filter((a) => a.addOn).map((a) => a.ticketTypeName)).toEqual(['Parking', 'Parking'])
    const csv = await (await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv`, { headers: { authorization: `Bearer ${admin.token}` } })).text()
    const rows = csv.split('\r\n').filter(Boolean).slice(1)
    expect(rows.map((r) => [r.split(',')[2], r.split(',').at(-1)])).toEqual([
      ['Day pass', 'no'],
      ['Day pass', 'no'],
      ['Parking', 'yes'],
      ['Parking', 'yes'],
    ])
    const sales = (await api(`/events/${eventId}/sales`, { token: admin.token })).body.ticketTypes as Array<{ name: string; addOn?: true; sold: number }>
    expect(sales.find((t) => t.name === 'Parking')).toMatchObject({ addOn: true, sold: 2 })
    expect(sales.find((t) => t.name === 'Day pass')?.addOn).toBeUndefined()

    // The list of events: from the day pass's price, the places left of admission only.
    const listed = (await api('/events?limit=100')).body.items.find((e: { id: string }) => e.id === eventId)
    expect(listed).toMatchObject({ fromPriceCents: 6000, available: 48 })
  })

  test('admission sold out with extras left: the event is sold out for the waiting list', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Extras waitlist ${Math.random().toString(36).slice(2, 6)}` }) })
    const eventId = event.body.id as string
    const day = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 6000, currency: 'EUR', capacity: 1 } })
    const parking = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Parking', priceCents: 800, currency: 'EUR', capacity: 5, addOn: true } })
    const buyer = await registerUser('extras-sold-out')
    // While admission is on sale: buy it, not wait.
    expect((await api('/notifications/waitlist', { token: buyer.token, body: { eventId } })).status).toBe(409)
    expect((await order(buyer, eventId, [[day.body.id, 1], [parking.body.id, 1]])).status).toBe(201)
    // Four parking spaces left, no admission: nothing a buyer can buy, so the line is open.
    const waiting = await registerUser('extras-waiting')
    const joined = await api('/notifications/waitlist', { token: waiting.token, body: { eventId } })
    expect(joined.status).toBe(201)
  })

  test('given free or sold at the door, the same rule; a type becomes an extra and back by a change', async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const free = await api(`/events/${eventId}/complimentary`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { email: 'guest@example.test', items: [{ ticketTypeId: parkingId, quantity: 1 }] } })
    expect(free.status).toBe(400)
    const door = await api(`/events/${eventId}/box-office`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { paidWith: 'cash', items: [{ ticketTypeId: dayId, quantity: 1 }, { ticketTypeId: parkingId, quantity: 1 }] } })
    expect(door.status).toBe(201)
    expect(door.body.items[1]).toMatchObject({ ticketTypeId: parkingId, addOn: true })

    const changed = await api(`/events/${eventId}/ticket-types/${parkingId}`, { method: 'PATCH', token: admin.token, body: { addOn: false } })
    expect(changed.status).toBe(200)
    expect(changed.body.addOn).toBeUndefined()
    const buyer = await registerUser('extras-change')
    expect((await order(buyer, eventId, [[parkingId, 1]])).status).toBe(201)
    const bad = await api(`/events/${eventId}/ticket-types/${parkingId}`, { method: 'PATCH', token: admin.token, body: { addOn: 'yes' } })
    expect(bad.status).toBe(400)
    expect((await api(`/events/${eventId}/ticket-types/${parkingId}`, { method: 'PATCH', token: admin.token, body: { addOn: true } })).body.addOn).toBe(true)
    // A buyer cannot make a type an extra.
    expect((await api(`/events/${eventId}/ticket-types/${dayId}`, { method: 'PATCH', token: buyer.token, body: { addOn: true } })).status).toBe(403)
  })

  test('refunding some tickets never leaves more extras than admission tickets; extras go back on their own', async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const buyer = await registerUser('extras-refund')
    const paid = await order(buyer, eventId, [[dayId, 2], [parkingId, 2]])
    expect(paid.status).toBe(201)
    const [day1, day2, park1, park2] = (await api(`/orders/${paid.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string }>
    const refund = (ticketIds: string[]) => api(`/orders/${paid.body.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds } })

    // One day pass back with both parking spaces kept: 2 extras for 1 ticket.
    const lopsided = await refund([day1!.id])
    expect(lopsided.status).toBe(409)
    expect(lopsided.body.error.message).toContain('refund as many of them too')
    const payment = async () => (await api(`/payments/${paid.body.paymentId}`, { token: buyer.token })).body as { refunds: Array<{ amountCents: number }> }
    expect((await payment()).refunds).toEqual([])
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [2, 0] })

    // An extra alone goes back; then a day pass with its spare extra gone is fine.
    expect((await refund([park2!.id])).status).toBe(200)
    expect((await refund([day2!.id])).status).toBe(200)
    // The last day pass alone would leave the parking space without admission.
    const orphan = await refund([day1!.id])
    expect(orphan.status).toBe(409)
    expect(orphan.body.error.message).toContain('without an admission ticket')
    expect((await payment()).refunds.map((r) => r.amountCents)).toEqual([800, 6000])
    // Both together are the rest of the order: its refund.
    const rest = await refund([day1!.id, park1!.id])
    expect(rest.status).toBe(200)
    expect(rest.body.status).toBe('refunded')
    expect(await counters(eventId)).toEqual({ 'Day pass': [0, 0], Parking: [0, 0] })
  })
})
