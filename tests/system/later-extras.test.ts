// Extras bought later for a paid order (`addOnTo`): a parking space added after the tickets, as an order
// of its own. Only extras, at most one of each per admission ticket the paid order keeps, counting
// those it and its earlier extras hold, also when several are asked at once; the paid order's admission
// tickets are never given back from under them.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'

async function festival(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Later extras ${Math.random().toString(36).slice(2, 6)}` }) })
  const day = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 6000, currency: 'EUR', capacity: 50 } })
  const parking = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Parking', priceCents: 800, currency: 'EUR', capacity: 20, addOn: true } })
  expect([day.status, parking.status]).toEqual([201, 201])
  return { eventId: event.body.id as string, dayId: day.body.id as string, parkingId: parking.body.id as string }
}

const buy = (buyer: Session, eventId: string, items: Array<[string, number]>, extra: Record<string, unknown> = {}, pay = true) =>
  api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { eventId, items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })), ...(pay ? { payment: { card: TEST_CARD } } : {}), ...extra },
  })
const refund = (who: Session, orderId: string, ticketIds?: string[]) =>
  api(`/orders/${orderId}/refund`, { token: who.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: ticketIds ? { ticketIds } : {} })
const ticketsOf = async (who: Session, orderId: string) => (await api(`/orders/${orderId}/tickets`, { token: who.token })).body as Array<{ id: string; ticketTypeName: string; status: string }>
const counters = async (eventId: string) =>
  Object.fromEntries(((await api(`/events/${eventId}/availability`)).body.ticketTypes as Array<{ name: string; sold: number; held: number }>).map((t) => [t.name, [t.sold, t.held]]))

describe('extras bought later for a paid order', () => {
  test('only extras, one per admission ticket counting those held; the tickets stay until the extras go', async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const buyer = await registerUser('later-extras')
    const first = await buy(buyer, eventId, [[dayId, 2]])
    expect(first.body.status).toBe('paid')
    const parentId = first.body.id as string

    // Admission is bought in an order of its own; more extras than tickets are refused; nothing held.
    const ticket = await buy(buyer, eventId, [[dayId, 1]], { addOnTo: parentId })
    expect(ticket.status).toBe(400)
    expect(ticket.body.error.message).toContain('only extras are added to a paid order')
    expect(ticket.body.error.details.ticketTypeIds).toEqual([dayId])
    const three = await buy(buyer, eventId, [[parkingId, 3]], { addOnTo: parentId })
    expect(three.status).toBe(400)
    expect(three.body.error.message).toContain('at most 2 "Parking" with 2 admission tickets')
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [0, 0] })

    // One parking space paid at once: an order of its own, priced by the server, linked to the first.
    const one = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parentId })
    expect(one.status).toBe(201)
    expect(one.body).toMatchObject({ status: 'paid', addOnTo: parentId, totalCents: 800 })
    expect(one.body.items).toEqual([expect.objectContaining({ ticketTypeId: parkingId, quantity: 1, addOn: true })])
    expect((await ticketsOf(buyer, one.body.id)).map((t) => t.ticketTypeName)).toEqual(['Parking'])
    expect((await api(`/orders/${one.body.id}`, { token: buyer.token })).body.addOnTo).toBe(parentId)

    // Two more would be three for two tickets; a hold counts as held until it ends.
    const twoMore = await buy(buyer, eventId, [[parkingId, 2]], { addOnTo: parentId })
    expect(twoMore.status).toBe(400)
    expect(twoMore.body.error.message).toContain('1 more at most')
    const held = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parentId }, false)
    expect(held.status).toBe(201)
    expect(held.body).toMatchObject({ status: 'reserved', addOnTo: parentId })
    const beyond = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parentId })
    expect(beyond.status).toBe(400)
    expect(beyond.body.error.message).toContain('no more can be added')
    const paidLater = await api(`/orders/${held.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })
    expect(paidLater.body.status).toBe('paid')
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [2, 0] })

    // The first order's tickets are not given back from under the extras: the extras go first.
    const whole = await refund(buyer, parentId)
    expect(whole.status).toBe(409)
    expect(whole.body.error.details.addOnOrders.sort()).toEqual([one.body.id, held.body.id].sort())
    const days = (await ticketsOf(buyer, parentId)).map((t) => t.id)
    const oneDay = await refund(buyer, parentId, [days[0]!])
    expect(oneDay.status).toBe(409)
    expect(oneDay.body.error.message).toContain('counting the extras bought later')
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [2, 0] })
    // An extra goes back on its own; then one day pass may go; then the rest, in that order.
    expect((await refund(buyer, held.body.id)).status).toBe(200)
    expect((await refund(buyer, parentId, [days[0]!])).status).toBe(200)
    expect(await counters(eventId)).toEqual({ 'Day pass': [1, 0], Parking: [1, 0] })
    expect((await refund(buyer, parentId)).status).toBe(409)
    expect((await refund(buyer, one.body.id)).status).toBe(200)
    expect((await refund(buyer, parentId)).status).toBe(200)
    expect(await counters(eventId)).toEqual({ 'Day pass': [0, 0], Parking: [0, 0] })

    // A refunded order takes no extras.
    const afterRefund = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parentId })
    expect(afterRefund.status).toBe(409)
    expect(afterRefund.body.error.message).toContain('refunded')
  })

  test("refused: another's order, another event's, extras of extras, with answers, a sale at the door", async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const other = await festival(admin)
    const buyer = await registerUser('later-extras-refused')
    const parent = await buy(buyer, eventId, [[dayId, 1]])
    const stranger = await registerUser('later-extras-stranger')
    const theirs = await buy(stranger, eventId, [[parkingId, 1]], { addOnTo: parent.body.id })
    expect(theirs.status).toBe(404)
    expect(theirs.body.error.details.fields[0].path).toBe('addOnTo')
    // Even an admin does not buy extras for someone else's order.
    expect((await buy(admin, eventId, [[parkingId, 1]], { addOnTo: parent.body.id })).status).toBe(404)
    const elsewhere = await buy(buyer, other.eventId, [[other.parkingId, 1]], { addOnTo: parent.body.id })
    expect(elsewhere.status).toBe(400)
    expect(elsewhere.body.error.message).toContain('another event')
    const extra = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parent.body.id })
    expect(extra.status).toBe(201)
    const ofExtra = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: extra.body.id })
    expect(ofExtra.status).toBe(400)
    expect(ofExtra.body.error.message).toContain(`add them to that one`)
    // The answers are the first order's: none with extras, none given to them later.
    const withAnswers = await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parent.body.id, answers: [{ questionId: 'q1', value: 'yes' }] })
    expect([withAnswers.status, errorCode(withAnswers)]).toEqual([400, 'VALIDATION'])
    expect(withAnswers.body.error.message).toContain('extras added to an order take no answers')
    const answersLater = await api(`/orders/${extra.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [] } })
    expect(answersLater.status).toBe(409)
    expect(answersLater.body.error.details.orderId).toBe(parent.body.id)
    const reserved = await buy(buyer, eventId, [[dayId, 1]], {}, false)
    expect((await buy(buyer, eventId, [[parkingId, 1]], { addOnTo: reserved.body.id })).status).toBe(409)
    const door = await api(`/events/${eventId}/box-office`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { paidWith: 'cash', items: [{ ticketTypeId: dayId, quantity: 1 }] } })
    expect(door.status).toBe(201)
    const toDoorSale = await buy(admin, eventId, [[parkingId, 1]], { addOnTo: door.body.id })
    expect(toDoorSale.status).toBe(409)
    expect(toDoorSale.body.error.message).toContain('bought online')
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 1], Parking: [1, 0] })
  })

  test('asked many times at once: never more than one per admission ticket; a refund racing them keeps the rule', async () => {
    const admin = await loginAdmin()
    const { eventId, dayId, parkingId } = await festival(admin)
    const buyer = await registerUser('later-extras-race')
    const parent = await buy(buyer, eventId, [[dayId, 2]])
    const answers = await Promise.all(Array.from({ length: 6 }, () => buy(buyer, eventId, [[parkingId, 1]], { addOnTo: parent.body.id })))
    const statuses = answers.map((a) => a.status).sort()
    expect(statuses.filter((s) => s === 201)).toHaveLength(2)
    expect(statuses.filter((s) => s !== 201 && s !== 400)).toEqual([])
    expect(await counters(eventId)).toEqual({ 'Day pass': [2, 0], Parking: [2, 0] })

    // A second paid order: its refund and an extra for it at the same moment. Either the refund went
    // first (the extra is refused) or the extra did (the refund is refused): never an extra without a ticket.
    const second = await buy(buyer, eventId, [[dayId, 1]])
    const [refunded, added] = await Promise.all([refund(buyer, second.body.id), buy(buyer, eventId, [[parkingId, 1]], { addOnTo: second.body.id })])
    expect([refunded.status, added.status].sort()).toEqual(refunded.status === 200 ? [200, 409] : [201, 409])
    const sold = await counters(eventId)
    expect(sold['Parking']![0]).toBeLessThanOrEqual(sold['Day pass']![0]!)
    expect(sold).toEqual(refunded.status === 200 ? { 'Day pass': [2, 0], Parking: [2, 0] } : { 'Day pass': [3, 0], Parking: [3, 0] })
  })

  test('at most 20 orders of extras for one order at a time; one refunded makes room again', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Many extras ${Math.random().toString(36).slice(2, 6)}` }) })
    const eventId = event.body.id as string
    const day = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 1000, currency: 'EUR', capacity: 30, maxPerOrder: 30 } })
    const parking = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Parking', priceCents: 100, currency: 'EUR', capacity: 30, addOn: true } })
    const buyer = await registerUser('later-extras-many')
    const parent = await buy(buyer, eventId, [[day.body.id, 25]])
    expect(parent.body.status).toBe('paid')
    const extras: string[] = []
    for (let i = 0; i < 20; i++) {
      const one = await buy(buyer, eventId, [[parking.body.id, 1]], { addOnTo: parent.body.id })
      expect(one.status).toBe(201)
      extras.push(one.body.id)
    }
    const twentyFirst = await buy(buyer, eventId, [[parking.body.id, 1]], { addOnTo: parent.body.id })
    expect(twentyFirst.status).toBe(409)
    expect(twentyFirst.body.error.details.maxOrders).toBe(20)
    expect((await refund(buyer, extras[0]!)).status).toBe(200)
    const again = await buy(buyer, eventId, [[parking.body.id, 1]], { addOnTo: parent.body.id })
    expect(again.status).toBe(201)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[1].sold).toBe(20)
  }, 60_000)
})
