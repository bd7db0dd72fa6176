// Complimentary tickets (a guest list): an admin gives free tickets to a guest by email. They are held and
// confirmed like any sale (never past the capacity), free, outside the per-order limit and the sales
// window, named for the guest, and the confirmation with every code reaches the guest's address.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, uniqueEmail } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'

const smtp = mailingThroughTestSmtp('notifications')

async function eventWithType(fields: object = {}) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const salesStart = new Date(Date.now() + 86_400_000).toISOString()
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Guest list', priceCents: 4000, currency: 'EUR', capacity: 5, maxPerOrder: 2, taxRateBasisPoints: 1900, salesStart, ...fields } })
  expect(type.status).toBe(201)
  return { admin, eventId: event.body.id as string, typeId: type.body.id as string }
}
const give = (token: string, eventId: string, body: object, key: string = crypto.randomUUID()) => api(`/events/${eventId}/complimentary`, { token, headers: { 'idempotency-key': key }, body })

describe('complimentary tickets', () => {
  test('free, past the per-order limit and before the sale opens, named for the guest, emailed to them; never past the capacity', async () => {
    const { admin, eventId, typeId } = await eventWithType()
    const email = uniqueEmail('guest')
    const key = crypto.randomUUID()
    const body = { items: [{ ticketTypeId: typeId, quantity: 3 }], email, name: '  Grace   Hopper ' }
    const given = await give(admin.token, eventId, body, key)
    expect(given.status).toBe(201)
    expect(given.body).toMatchObject({ status: 'paid', totalCents: 0, complimentary: { email, name: 'Grace Hopper' }, items: [{ ticketTypeId: typeId, quantity: 3, unitPriceCents: 0 }] })
    expect(given.body.items[0].taxRateBasisPoints).toBeUndefined()
    // The same request again under its key is the same order.
    const again = await give(admin.token, eventId, body, key)
    expect(again.status).toBe(201)
    expect(again.body.id).toBe(given.body.id)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[0]).toMatchObject({ sold: 3, held: 0, available: 2 })
    // The sales report counts them as sold, for nothing, and says they were given.
    const sales = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
    expect(sales.ticketTypes).toEqual([{ ticketTypeId: typeId, name: 'Guest list', currency: 'EUR', sold: 3, complimentary: 3, refunded: 0, checkedIn: 0, salesCents: 0 }])

    const tickets = (await api(`/orders/${given.body.id}/tickets`, { token: admin.token })).body as Array<{ code: string; attendeeName?: string; status: string }>
    expect(tickets.map((t) => [t.status, t.attendeeName])).toEqual([['valid', 'Grace Hopper'], ['valid', 'Grace Hopper'], ['valid', 'Grace Hopper']])
    const mail = await eventually('the confirmation to the guest', async () => smtp.received.find((m) => m.to.includes(email)), 15_000, 100)
    const text = decodeMime(mail.data)
    for (const t of tickets) expect(text).toContain(t.code)
    expect(smtp.received.filter((m) => m.to.includes(admin.user.email))).toHaveLength(0)
    // The admin who gave them is told where they went.
    const told = await eventually('the admin told', async () =>
      ((await api('/notifications', { token: admin.token })).body.items as Array<{ title: string; body: string; data: { orderId?: string } }>).find((n) => n.data.orderId === given.body.id),
    )
    expect(told.body).toBe(`3 complimentary tickets given to ${email}: the tickets went to that address.`)

    // The admin's account holds them for the guest, who has the codes: it cannot pass one on (that would void the guest's code).
    const ids = ((await api(`/orders/${given.body.id}/tickets`, { token: admin.token })).body as Array<{ id: string }>).map((t) => t.id)
    const offered = await api(`/tickets/${ids[0]}/transfer`, { token: admin.token, body: { email: uniqueEmail('accomplice') } })
    expect(offered.status).toBe(409)
    expect(errorCode(offered)).toBe('CONFLICT')
    expect(((await api(`/orders/${given.body.id}/tickets`, { token: admin.token })).body as Array<{ code: string }>).map((t) => t.code)).toEqual(tickets.map((t) => t.code))

    // Three more do not fit in what is left (2): refused whole, nothing held.
    const more = await give(admin.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 3 }], email })
    expect(more.status).toBe(409)
    expect(errorCode(more)).toBe('SOLD_OUT')
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[0]).toMatchObject({ sold: 3, held: 0, available: 2 })

    // Refunded by an admin: the tickets go back to sale; no money moves, as none came.
    const refund = await api(`/orders/${given.body.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refund.status).toBe(200)
    expect(refund.body.status).toBe('refunded')
    await eventually('the stock back', async () => (await api(`/events/${eventId}/availability`)).body.ticketTypes[0].available === 5, 10_000, 100)
  }, 60_000)

  test('a message to the ticket holders reaches each guest at their own address, and not the admin who gave the tickets', async () => {
    const { admin, eventId, typeId } = await eventWithType({ capacity: 10 })
    const guests = [uniqueEmail('guest-a'), uniqueEmail('guest-b')]
    for (const email of guests) expect((await give(admin.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 1 }], email })).status).toBe(201)
    const sent = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { subject: 'Doors at 19:00', body: 'See you there.' } })
    expect(sent.status).toBe(202)
    expect(sent.body.recipients).toBe(2)
    for (const email of guests) await eventually(`the message to ${email}`, async () => smtp.received.find((m) => m.to.includes(email) && decodeMime(m.data).includes('Doors at 19:00')), 20_000, 100)
    expect(smtp.received.filter((m) => m.to.includes(admin.user.email) && decodeMime(m.data).includes('Doors at 19:00'))).toHaveLength(0)
  }, 60_000)

  test('admins only; bad input is 400 and gives nothing', async () => {
    const { admin, eventId, typeId } = await eventWithType()
    const buyer = await registerUser('not-admin')
    const item = { ticketTypeId: typeId, quantity: 1 }
    expect((await give(buyer.token, eventId, { items: [item], email: uniqueEmail('g') })).status).toBe(403)
    expect((await api(`/events/${eventId}/complimentary`, { body: { items: [item], email: uniqueEmail('g') } })).status).toBe(401)
    for (const bad of [
      { items: [item], email: 'not an email' },
      { items: [item], email: uniqueEmail('g'), name: 'Grace\u202eHopper' },
      { items: [item], email: uniqueEmail('g'), name: '   ' },
      { items: [], email: uniqueEmail('g') },
      { items: [item] },
      { items: [{ ...item, unitPriceCents: 0 }], email: uniqueEmail('g') },
      { items: [item], email: uniqueEmail('g'), totalCents: 0 },
    ]) {
      const r = await give(admin.token, eventId, bad)
      expect(r.status, JSON.stringify(bad)).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await give(admin.token, 'f'.repeat(24), { items: [item], email: uniqueEmail('g') })).status).toBe(404)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[0]).toMatchObject({ sold: 0, held: 0, available: 5 })
  }, 30_000)
})
