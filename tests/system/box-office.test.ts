// Selling at the door (box office): door staff sell tickets in person, paid in cash or on the venue's
// own terminal. Priced by the server, never past the capacity, after online sales closed and after the
// event started (until it ends); the card gateway is never asked; the buyer gets the tickets by email
// when they give an address. The sales report says what the till should hold; an admin refunds a door
// sale, paid back at the door, with the stock returned once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { pdfPages } from '../support/pdf'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const smtp = mailingThroughTestSmtp('notifications')
let paymentsDb: mongoose.Connection
beforeAll(async () => {
  paymentsDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_payments` }).asPromise()
})
afterAll(async () => {
  await paymentsDb?.close()
})
/** The card payments recorded for the order (a door sale has none). */
const paymentRecords = (orderId: string) => paymentsDb.collection('payments').countDocuments({ orderId })

const decodeRole = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')).role as string
async function doorStaff(admin: Session): Promise<Session> {
  const worker = await registerUser('box-office')
  expect((await api(`/users/${worker.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })).status).toBe(200)
  const refreshed = await api('/auth/refresh', { body: { refreshToken: worker.refreshToken } })
  expect(decodeRole(refreshed.body.accessToken)).toBe('staff')
  return { token: refreshed.body.accessToken, refreshToken: refreshed.body.refreshToken, user: refreshed.body.user }
}

/** An event that started an hour ago and ends in two, whose online sales closed yesterday. */
async function tonight(admin: Session, capacity = 5) {
  const now = Date.now()
  const event = await api('/events', { token: admin.token, body: futureEvent({ startsAt: new Date(now - 3_600_000).toISOString(), endsAt: new Date(now + 2 * 3_600_000).toISOString() }) })
  expect(event.status).toBe(201)
  const type = await api(`/events/${event.body.id}/ticket-types`, {
    token: admin.token,
    body: { name: 'Door', priceCents: 2500, currency: 'EUR', capacity, maxPerOrder: 2, taxRateBasisPoints: 1900, salesEnd: new Date(now - 86_400_000).toISOString() },
  })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, title: event.body.title as string, typeId: type.body.id as string }
}

const sell = (token: string, eventId: string, body: object, key: string = crypto.randomUUID()) => api(`/events/${eventId}/box-office`, { token, headers: { 'idempotency-key': key }, body })
const availability = async (eventId: string) => (await api(`/events/${eventId}/availability`)).body.ticketTypes[0]

async function receiptText(orderId: string, token: string) {
  const response = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/receipt`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  return (await pdfPages(new Uint8Array(await response.arrayBuffer()))).join('\n')
}

describe('selling at the door', () => {
  test('cash, past the per-order limit, after online sales closed and the start; tickets named and emailed; no card charged', async () => {
    const admin = await loginAdmin()
    const staff = await doorStaff(admin)
    const { eventId, title, typeId } = await tonight(admin)
    // Online, the event has started: nobody can buy.
    const buyer = await registerUser('late')
    const online = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }] } })
    expect(online.status).toBe(409)

    const email = `door-${crypto.randomUUID().slice(0, 8)}@example.test`
    const key = crypto.randomUUID()
    const body = { items: [{ ticketTypeId: typeId, quantity: 3 }], paidWith: 'cash', email, name: ' Ada  Lovelace ' }
    const sold = await sell(staff.token, eventId, body, key)
    expect(sold.status).toBe(201)
    expect(sold.body).toMatchObject({ status: 'paid', totalCents: 7500, currency: 'EUR', boxOffice: { paidWith: 'cash' }, items: [{ quantity: 3, unitPriceCents: 2500, taxRateBasisPoints: 1900 }] })
    expect(sold.body.paymentId).toBeUndefined()
    // Sent again under its key (the answer was lost): the same sale, nothing sold twice.
    const again = await sell(staff.token, eventId, body, key)
    expect(again.body.id).toBe(sold.body.id)
    expect(await availability(eventId)).toMatchObject({ sold: 3, held: 0, available: 2 })
    expect(await paymentRecords(sold.body.id)).toBe(0)

    // The seller shows or prints the tickets; each carries the name given.
    const tickets = (await api(`/orders/${sold.body.id}/tickets`, { token: staff.token })).body as Array<{ code: string; attendeeName?: string; status: string }>
    expect(tickets.map((t) => [t.status, t.attendeeName])).toEqual([['valid', 'Ada Lovelace'], ['valid', 'Ada Lovelace'], ['valid', 'Ada Lovelace']])
    // The walk-in buyer's invoice details go on their order, never into the seller's own saved details.
    const billTo = { name: 'Ada Lovelace', address: '12 St James Square\nLondon' }
    expect((await api(`/orders/${sold.body.id}/billing`, { method: 'PUT', token: staff.token, body: billTo })).body).toMatchObject({ billing: billTo })
    expect((await api('/orders/billing-details', { token: staff.token })).body).toEqual({ billing: null })
    const mail = decodeMime((await eventually('the tickets emailed to the buyer', async () => smtp.received.find((m) => m.to.includes(email)), 20_000, 100)).data)
    for (const t of tickets) expect(mail).toContain(t.code)
    expect(smtp.received.some((m) => m.to.includes(staff.user.email))).toBe(false)
    expect(await receiptText(sold.body.id, staff.token)).toContain('Paid in cash at the door.')

    // The till: the report counts the door sale and its cash.
    const report = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
    expect(report.ticketTypes[0]).toMatchObject({ sold: 3, atTheDoor: 3, salesCents: 7500 })
    expect(report.money).toEqual([expect.objectContaining({ currency: 'EUR', takenCents: 7500, atTheDoor: { cashCents: 7500, cashPaidBackCents: 0, terminalCents: 0, terminalPaidBackCents: 0 } })])

    // The organiser writes to the ticket holders: the door's buyer (by the address given) hears, the seller does not.
    const note = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { subject: 'Encore at 23:00', body: 'Stay a little longer.' } })
    expect(note.status).toBe(202)
    expect(note.body.recipients).toBe(1)
    await eventually('the message to the door buyer', async () => smtp.received.filter((m) => m.to.includes(email)).length === 2, 20_000, 100)
    expect(smtp.received.some((m) => m.to.includes(staff.user.email))).toBe(false)
    const sellerFeed = (await api('/notifications', { token: staff.token })).body.items as unknown[]
    expect(sellerFeed).toEqual([])

    // More than is left: refused whole, nothing held.
    const tooMany = await sell(staff.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 3 }], paidWith: 'card-terminal' })
    expect(tooMany.status).toBe(409)
    expect(errorCode(tooMany)).toBe('SOLD_OUT')
    expect(await availability(eventId)).toMatchObject({ sold: 3, held: 0, available: 2 })
  }, 60_000)

  test('an admin refunds a door sale: paid back at the door, stock back once; the seller cannot; no email without an address', async () => {
    const admin = await loginAdmin()
    const staff = await doorStaff(admin)
    const { eventId, typeId } = await tonight(admin)
    const sold = await sell(staff.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 2 }], paidWith: 'card-terminal' })
    expect(sold.status).toBe(201)
    const email = `door-${crypto.randomUUID().slice(0, 8)}@example.test`
    const withAddress = await sell(staff.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 2 }], paidWith: 'cash', email })
    expect(withAddress.status).toBe(201)
    // No address given: nothing to email, and the seller's own address is not the buyer's.
    const resend = await api(`/orders/${sold.body.id}/tickets/email`, { token: staff.token, method: 'POST' })
    expect(resend.status).toBe(409)
    // The seller owns the order but the money is an admin's to give back.
    const bySeller = await api(`/orders/${sold.body.id}/refund`, { token: staff.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(bySeller.status).toBe(403)
    const key = crypto.randomUUID()
    const [first, second] = await Promise.all([0, 1].map(() => api(`/orders/${sold.body.id}/refund`, { token: admin.token, headers: { 'idempotency-key': key }, body: { reason: 'refunded by an admin' } })))
    expect(first!.status).toBe(200)
    expect(second!.body.status).toBe('refunded')
    expect(await availability(eventId)).toMatchObject({ sold: 2, held: 0, available: 3 })
    expect(await receiptText(sold.body.id, admin.token)).toContain('paid back at the door the way it was paid')

    // One ticket of the cash sale given back, then the rest: each email says what goes back then, at the door.
    const [first2] = (await api(`/orders/${withAddress.body.id}/tickets`, { token: admin.token })).body as Array<{ id: string }>
    const part = await api(`/orders/${withAddress.body.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [first2!.id] } })
    expect(part.status).toBe(200)
    const rest = await api(`/orders/${withAddress.body.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(rest.status).toBe(200)
    const refundMails = await eventually('both refund emails', async () => {
      const mails = smtp.received.filter((m) => m.to.includes(email)).map((m) => decodeMime(m.data)).filter((text) => text.includes('We refunded'))
      return mails.length === 2 && mails
    }, 20_000, 100)
    for (const text of refundMails) {
      expect(text).toContain('We refunded €25.00 for your order')
      expect(text).toContain('it is paid back to you there, the way you paid')
    }
    expect(await availability(eventId)).toMatchObject({ sold: 0, held: 0, available: 5 })
    const report = await eventually('the refunds in the report', async () => {
      const r = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
      return r.money[0]?.refundedCents === 10_000 && r
    })
    expect(report.money[0]).toMatchObject({ takenCents: 10_000, refundedCents: 10_000, netCents: 0, atTheDoor: { cashCents: 5000, cashPaidBackCents: 5000, terminalCents: 5000, terminalPaidBackCents: 5000 } })
  }, 60_000)

  test('a seller no longer at the door keeps nothing of the guests they sold to: the order and its codes are 404', async () => {
    const admin = await loginAdmin()
    const staff = await doorStaff(admin)
    const { eventId, typeId } = await tonight(admin)
    const sold = await sell(staff.token, eventId, { items: [{ ticketTypeId: typeId, quantity: 1 }], paidWith: 'cash' })
    expect(sold.status).toBe(201)
    expect((await api(`/orders/${sold.body.id}/tickets`, { token: staff.token })).status).toBe(200)
    expect((await api(`/users/${staff.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'customer' } })).status).toBe(200)
    const customer = await api('/auth/refresh', { body: { refreshToken: staff.refreshToken } })
    expect(decodeRole(customer.body.accessToken)).toBe('customer')
    for (const path of [`/orders/${sold.body.id}`, `/orders/${sold.body.id}/tickets`]) {
      const r = await api(path, { token: customer.body.accessToken })
      expect({ path, status: r.status }).toEqual({ path, status: 404 })
    }
    // The admin still sees the sale.
    expect((await api(`/orders/${sold.body.id}/tickets`, { token: admin.token })).status).toBe(200)
  })

  test('who may sell, and what is refused: customers 403; bad input 400; an event that ended 409; nothing sold', async () => {
    const admin = await loginAdmin()
    const staff = await doorStaff(admin)
    const { eventId, typeId } = await tonight(admin)
    const customer = await registerUser('not-staff')
    const items = [{ ticketTypeId: typeId, quantity: 1 }]
    expect((await sell(customer.token, eventId, { items, paidWith: 'cash' })).status).toBe(403)
    for (const body of [{ items, paidWith: 'cheque' }, { items }, { items, paidWith: 'cash', voucherCode: 'HALF' }, { items, paidWith: 'cash', totalCents: 1 }, { items, paidWith: 'cash', email: 'not an address' }, { items: [], paidWith: 'cash' }]) {
      const r = await sell(staff.token, eventId, body)
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    const now = Date.now()
    const over = await api('/events', { token: admin.token, body: futureEvent({ startsAt: new Date(now - 3 * 3_600_000).toISOString(), endsAt: new Date(now - 3_600_000).toISOString() }) })
    const overType = await api(`/events/${over.body.id}/ticket-types`, { token: admin.token, body: { name: 'Late', priceCents: 1000, currency: 'EUR', capacity: 5 } })
    const late = await sell(staff.token, over.body.id, { items: [{ ticketTypeId: overType.body.id, quantity: 1 }], paidWith: 'cash' })
    expect(late.status).toBe(409)
    expect(late.body.error.message).toMatch(/over/)
    expect(await availability(eventId)).toMatchObject({ sold: 0, held: 0, available: 5 })
  }, 60_000)
})
