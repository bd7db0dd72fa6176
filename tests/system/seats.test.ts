// Reserved seating: a ticket type of numbered seats in rows. Buyers name the seats they want (or get the
// best ones left); each seat is held and sold once, its ticket names it, and a refund frees that seat.
import { describe, expect, test } from 'bun:test'
import { api, buyUntilFinal, errorCode, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'

const ROWS = [
  { label: 'A', seats: 4 },
  { label: 'B', seats: 4 },
]
const ALL = ROWS.flatMap((r) => Array.from({ length: r.seats }, (_, i) => `${r.label}-${i + 1}`))

async function seatedEvent(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Stalls', priceCents: 3000, currency: 'EUR', capacity: 8, maxPerOrder: 4, seating: { rows: ROWS } } })
  expect(type.status).toBe(201)
  expect(type.body).toMatchObject({ capacity: 8, available: 8, seating: { rows: ROWS, taken: [] } })
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}
/** A purchase paid at once, asked again under its key until decided (202 and 503 are not answers). */
const buy = (who: Session, eventId: string, item: object) => buyUntilFinal(who.token, { eventId, items: [item], payment: { card: TEST_CARD } })

describe('reserved seating', () => {
  test('60 buyers race for the seats they picked: each seat is sold once, its ticket names it, and a refunded seat is sold again', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await seatedEvent(admin)
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => registerUser(`seat-${i}`)))
    // 59 race for the first six seats; one asks for the last two, which nobody else wants (so some
    // order surely has a pair, whatever the race decides).
    const contested = ALL.slice(0, 6)
    const wishes = Array.from({ length: 60 }, (_, i) => {
      if (i === 30) return ['B-3', 'B-4']
      const first = i % contested.length
      return i % 3 === 0 ? [contested[first]!] : [contested[first]!, contested[(first + 1 + (i % 4)) % contested.length]!]
    })
    const answers = await Promise.all(wishes.map((seats, i) => buy(buyers[i % 6]!, eventId, { ticketTypeId: typeId, quantity: seats.length, seats })))
    const paid = answers.filter((r) => r.status === 201).map((r) => r.body)
    expect(answers.every((r) => r.status === 201 || (r.status === 409 && errorCode(r) === 'SOLD_OUT'))).toBe(true)
    // Every paid order got exactly the seats it asked for, and no seat went to two orders.
    for (const order of paid) expect(order.items[0].seats).toEqual(wishes[answers.findIndex((r) => r.body === order)])
    const sold = paid.flatMap((o) => o.items[0].seats as string[])
    expect(new Set(sold).size).toBe(sold.length)
    expect(sold.length).toBeGreaterThan(0)
    const availability = (await api(`/events/${eventId}/availability`)).body.ticketTypes[0]
    expect(availability).toMatchObject({ sold: sold.length, held: 0, available: 8 - sold.length })
    expect([...availability.seating.taken].sort()).toEqual([...sold].sort())

    // The tickets carry their seats, in the order's order.
    const pair = paid.find((o) => o.items[0].seats.join() === 'B-3,B-4')!
    const owner = buyers[answers.findIndex((r) => r.body === pair) % 6]!
    const tickets = (await api(`/orders/${pair.id}/tickets`, { token: owner.token })).body
    expect(tickets.map((t: { seat: string }) => t.seat)).toEqual(pair.items[0].seats)

    // One of the two refunded: that seat, and only it, is free again, and someone else buys it by name.
    const refund = await api(`/orders/${pair.id}/refund`, { token: owner.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[1].id] } })
    expect(refund.status).toBe(200)
    const freed = tickets[1].seat as string
    const after = (await api(`/events/${eventId}/availability`)).body.ticketTypes[0]
    expect(after.seating.taken).not.toContain(freed)
    expect(after.seating.taken).toContain(tickets[0].seat)
    // The still-valid ticket of that order keeps its seat: asking for it is refused, by its name.
    const taken = await buy(buyers[4]!, eventId, { ticketTypeId: typeId, quantity: 1, seats: [tickets[0].seat] })
    expect(taken.status).toBe(409)
    expect(errorCode(taken)).toBe('SOLD_OUT')
    expect(taken.body.error.message).toBe(`seat ${tickets[0].seat} of "Stalls" is taken`)
    const again = await buy(buyers[5]!, eventId, { ticketTypeId: typeId, quantity: 1, seats: [freed] })
    expect(again.status).toBe(201)
    expect(again.body.items[0].seats).toEqual([freed])

    // Without seats named, the best left are given, as many as asked for; none beyond the hall.
    const left = 8 - (after.seating.taken.length + 1)
    if (left > 0) {
      const any = await buy(buyers[3]!, eventId, { ticketTypeId: typeId, quantity: 1 })
      expect(any.status).toBe(201)
      expect(any.body.items[0].seats).toHaveLength(1)
      expect(after.seating.taken).not.toContain(any.body.items[0].seats[0])
    }
    const final = (await api(`/events/${eventId}/availability`)).body.ticketTypes[0]
    expect(new Set(final.seating.taken).size).toBe(final.sold + final.held)
  }, 120_000)

  test('bad seats and bad layouts are refused with 400 or 409 and change nothing', async () => {
    const admin = await loginAdmin()
    const buyer = await registerUser('seat-bad')
    const { eventId, typeId } = await seatedEvent(admin)
    const before = (await api(`/events/${eventId}/availability`)).body.ticketTypes[0]
    // A seat the hall lacks, a seat count that is not the quantity, a seat twice, seats of an unseated type.
    expect((await buy(buyer, eventId, { ticketTypeId: typeId, quantity: 1, seats: ['C-1'] })).status).toBe(400)
    expect((await buy(buyer, eventId, { ticketTypeId: typeId, quantity: 2, seats: ['A-1'] })).status).toBe(400)
    expect((await buy(buyer, eventId, { ticketTypeId: typeId, quantity: 2, seats: ['A-1', 'A-1'] })).status).toBe(400)
    expect((await buy(buyer, eventId, { ticketTypeId: typeId, quantity: 1, seats: ['not a seat'] })).status).toBe(400)
    const plain = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Standing', priceCents: 1000, currency: 'EUR', capacity: 10 } })
    const unseated = await buy(buyer, eventId, { ticketTypeId: plain.body.id, quantity: 1, seats: ['A-1'] })
    expect(unseated.status).toBe(400)
    expect(unseated.body.error.message).toContain('no numbered seats')
    // Layouts: the capacity must be the seats; a row named twice; a capacity alone on a seated type.
    const wrong = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Circle', priceCents: 1000, currency: 'EUR', capacity: 9, seating: { rows: ROWS } } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.error.message).toContain('capacity must be the number of seats (8)')
    const twice = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Circle', priceCents: 1000, currency: 'EUR', capacity: 8, seating: { rows: [ROWS[0], { label: 'a', seats: 4 }] } } })
    expect(twice.status).toBe(400)
    expect((await api(`/events/${eventId}/ticket-types/${typeId}`, { token: admin.token, method: 'PATCH', body: { capacity: 12 } })).status).toBe(400)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[0]).toEqual(before)

    // A sold seat cannot leave the layout; a bigger layout keeps it and grows the capacity.
    expect((await buy(buyer, eventId, { ticketTypeId: typeId, quantity: 1, seats: ['B-4'] })).status).toBe(201)
    const smaller = await api(`/events/${eventId}/ticket-types/${typeId}`, { token: admin.token, method: 'PATCH', body: { seating: { rows: [ROWS[0], { label: 'B', seats: 3 }] } } })
    expect(smaller.status).toBe(409)
    expect(smaller.body.error.message).toContain('B-4')
    const bigger = await api(`/events/${eventId}/ticket-types/${typeId}`, { token: admin.token, method: 'PATCH', body: { seating: { rows: [...ROWS, { label: 'C', seats: 6 }] } } })
    expect(bigger.status).toBe(200)
    expect(bigger.body).toMatchObject({ capacity: 14, sold: 1, available: 13, seating: { taken: ['B-4'] } })
  }, 60_000)
})
