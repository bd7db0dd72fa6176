// "Email my tickets again": the order confirmation with every ticket code, sent once more through real
// SMTP when the buyer (or an admin) asks, at most once every 5 minutes per order.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const smtp = mailingThroughTestSmtp('notifications')
const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }

async function order(buyer: Session, payment = true) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 2000, currency: 'EUR', capacity: 10 } })
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], ...(payment ? { payment: { card } } : {}) } })
  expect(r.status).toBe(201)
  return { id: r.body.id as string, title: event.body.title as string }
}

const emailsTo = (address: string) => smtp.received.filter((m) => m.to.includes(address))

describe('tickets by email again', () => {
  test('the buyer asks: a second confirmation with every code arrives; asking again at once is 429', async () => {
    const buyer = await registerUser('resend')
    const paid = await order(buyer)
    await eventually('the first confirmation', async () => emailsTo(buyer.user.email).length === 1, 15_000, 100)
    const asked = await api(`/orders/${paid.id}/tickets/email`, { token: buyer.token, method: 'POST' })
    expect(asked.status).toBe(202)
    expect(asked.body).toEqual({ message: `The tickets are on their way to ${buyer.user.email}.`, to: buyer.user.email })
    const again = await eventually('the second confirmation', async () => emailsTo(buyer.user.email)[1], 15_000, 100)
    const text = decodeMime(again.data)
    const codes = ((await api(`/orders/${paid.id}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    for (const code of codes) expect(text).toContain(code)
    expect(text).toContain(paid.title)

    const tooSoon = await api(`/orders/${paid.id}/tickets/email`, { token: buyer.token, method: 'POST' })
    expect(tooSoon.status).toBe(429)
    expect(errorCode(tooSoon)).toBe('RATE_LIMITED')
    expect(Number(tooSoon.headers.get('retry-after'))).toBeGreaterThan(200)
    await Bun.sleep(1_000)
    expect(emailsTo(buyer.user.email)).toHaveLength(2)
  }, 45_000)

  test("an admin may ask for a buyer; someone else's order is 404, an unpaid one 409, a guest 401", async () => {
    const buyer = await registerUser('resend2')
    const paid = await order(buyer)
    const admin = await loginAdmin()
    const byAdmin = await api(`/orders/${paid.id}/tickets/email`, { token: admin.token, method: 'POST' })
    expect(byAdmin.status).toBe(202)
    expect(byAdmin.body.to).toBe(buyer.user.email)
    const stranger = await registerUser('resend-stranger')
    expect((await api(`/orders/${paid.id}/tickets/email`, { token: stranger.token, method: 'POST' })).status).toBe(404)
    expect((await api(`/orders/${paid.id}/tickets/email`, { method: 'POST' })).status).toBe(401)
    const held = await order(buyer, false)
    const unpaid = await api(`/orders/${held.id}/tickets/email`, { token: buyer.token, method: 'POST' })
    expect(unpaid.status).toBe(409)
    expect((await api('/orders/not-an-id/tickets/email', { token: buyer.token, method: 'POST' })).status).toBe(400)
  }, 45_000)

  test('a request still waiting when the order is refunded sends no tickets (the refund receipt comes instead)', async () => {
    const buyer = await registerUser('resend3')
    const paid = await order(buyer)
    await eventually('the first confirmation', async () => emailsTo(buyer.user.email).length === 1, 15_000, 100)
    // Notifications is away while the buyer asks and then refunds: the request waits in the stream.
    await system().stop('notifications')
    try {
      expect((await api(`/orders/${paid.id}/tickets/email`, { token: buyer.token, method: 'POST' })).status).toBe(202)
      const refunded = await api(`/orders/${paid.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
      expect([200, 202]).toContain(refunded.status)
    } finally {
      await system().start('notifications', { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })
    }
    const receipt = await eventually('the refund receipt', async () => emailsTo(buyer.user.email).find((m) => /refund/i.test(decodeMime(m.data))), 20_000, 100)
    expect(receipt).toBeDefined()
    await Bun.sleep(2_000)
    expect(emailsTo(buyer.user.email)).toHaveLength(2)
  }, 60_000)
})
