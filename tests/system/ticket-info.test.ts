// The organiser's information for ticket holders (doors, what to bring): kept with the event, changed
// or removed like its other fields, and carried by the confirmation email and every printed ticket.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const card = TEST_CARD
const INFO = 'Doors open at 19:00.\nBring a photo ID & no large bags <please>.'

describe('information for ticket holders', () => {
  const smtp = mailingThroughTestSmtp('notifications')

  test('in the confirmation email and on every printed ticket; changed and removed like any field', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ ticketInfo: `  ${INFO}  ` }) })
    expect(event.status).toBe(201)
    expect(event.body.ticketInfo).toBe(INFO)
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Hall', priceCents: 1000, currency: 'EUR', capacity: 5 } })
    const buyer = await registerUser('info')
    const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], payment: { card } } })
    expect(order.status).toBe(201)

    const mail = await eventually('the confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email)), 20_000, 100)
    const text = decodeMime(mail.data).replace(/\r\n/g, '\n')
    expect(text.includes(`From the organiser:\n${INFO}`)).toBe(true)
    expect(text.includes('Bring a photo ID &amp; no large bags &lt;please&gt;.')).toBe(true)

    const pdf = await fetch(`${system().gatewayUrl}/api/orders/${order.body.id}/tickets/pdf`, { headers: { authorization: `Bearer ${buyer.token}` } })
    const pages = await pdfPages(new Uint8Array(await pdf.arrayBuffer()))
    expect(pages).toHaveLength(2)
    for (const page of pages) expect(page).toContain('Doors open at 19:00. Bring a photo ID & no large bags <please>.')

    // Changed, then removed; a blank or too long one is refused and changes nothing.
    for (const bad of ['   ', 'x'.repeat(1001), 42]) {
      const r = await api(`/events/${event.body.id}`, { method: 'PATCH', token: admin.token, body: { ticketInfo: bad } })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api(`/events/${event.body.id}`)).body.ticketInfo).toBe(INFO)
    const changed = await api(`/events/${event.body.id}`, { method: 'PATCH', token: admin.token, body: { ticketInfo: 'Doors at 18:30.' } })
    expect(changed.body.ticketInfo).toBe('Doors at 18:30.')
    const removed = await api(`/events/${event.body.id}`, { method: 'PATCH', token: admin.token, body: { ticketInfo: null } })
    expect(removed.status).toBe(200)
    expect(removed.body.ticketInfo).toBeUndefined()
    expect((await api(`/events/${event.body.id}`)).body.ticketInfo).toBeUndefined()
  })
})
