// Printable tickets: a paid order's e-tickets as a PDF, a page per ticket with the event, the ticket
// type, the name on it and the code its QR code carries; for the buyer or an admin, never for a
// refunded or unpaid order; attached to the confirmation email. Read back with PDF.js (its text layer).
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { pdfPages } from '../support/pdf'
import { mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }

async function eventWithSeats(title: string) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title, venue: { name: 'Kulttuuritalo', address: 'Sturenkatu 4', city: 'Helsinki' } }) })
  expect(event.status).toBe(201)
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Parterre', priceCents: 2500, currency: 'EUR', capacity: 20, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}

async function buy(buyer: Session, eventId: string, typeId: string, quantity: number, pay = true) {
  const r = await api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID() },
    body: { eventId, items: [{ ticketTypeId: typeId, quantity }], ...(pay ? { payment: { card } } : {}) },
  })
  expect(r.status).toBe(201)
  return r.body.id as string
}

/** The raw answer of GET /api/orders/:id/tickets/pdf (the api helper reads bodies as text). */
async function pdfOf(orderId: string, token?: string) {
  const response = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/tickets/pdf`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const bytes = new Uint8Array(await response.arrayBuffer())
  let body: any
  if (!response.headers.get('content-type')?.startsWith('application/pdf')) body = JSON.parse(new TextDecoder().decode(bytes))
  return { status: response.status, headers: response.headers, bytes, body }
}

describe('tickets as a PDF', () => {
  test('a page per ticket with the event, the type, the name on it and its code; for the buyer and an admin only', async () => {
    const title = `Jazz in the Park — Ünïcode ${Math.random().toString(36).slice(2, 6)}`
    const { eventId, typeId } = await eventWithSeats(title)
    const buyer = await registerUser('pdf')
    const orderId = await buy(buyer, eventId, typeId, 2)
    const tickets = (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body as Array<{ id: string; code: string }>
    expect(tickets).toHaveLength(2)
    const named = await api(`/orders/${orderId}/tickets/${tickets[1]!.id}`, { method: 'PATCH', token: buyer.token, body: { attendeeName: 'Åsa Öberg' } })
    expect(named.status).toBe(200)

    const answer = await pdfOf(orderId, buyer.token)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('application/pdf')
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="easypass-tickets-${orderId}.pdf"`)
    expect(answer.headers.get('cache-control')).toBe('private, no-store')
    expect(new TextDecoder().decode(answer.bytes.slice(0, 5))).toBe('%PDF-')

    const pages = await pdfPages(answer.bytes)
    expect(pages).toHaveLength(2)
    for (const [i, page] of pages.entries()) {
      expect(page).toContain(title)
      expect(page).toContain('Parterre')
      expect(page).toContain('Kulttuuritalo, Sturenkatu 4, Helsinki')
      expect(page).toContain(`${i + 1} of 2`)
      expect(page).toContain(tickets[i]!.code)
      expect(page).toContain(orderId)
    }
    expect(pages[0]).not.toContain('Åsa Öberg')
    expect(pages[1]).toContain('Name: Åsa Öberg')

    const admin = await loginAdmin()
    expect((await pdfOf(orderId, admin.token)).status).toBe(200)
    const stranger = await registerUser('pdf-stranger')
    const notYours = await pdfOf(orderId, stranger.token)
    expect(notYours.status).toBe(404)
    expect(errorCode({ ...notYours, body: notYours.body })).toBe('NOT_FOUND')
    expect((await pdfOf(orderId)).status).toBe(401)
    expect((await pdfOf('not an id!', buyer.token)).status).toBe(400)
  })

  test('a ticket already admitted says so; an unpaid, cancelled or refunded order has no PDF (409)', async () => {
    const { eventId, typeId } = await eventWithSeats(`Checked ${Math.random().toString(36).slice(2, 6)}`)
    const buyer = await registerUser('pdf-states')
    const admin = await loginAdmin()

    const held = await buy(buyer, eventId, typeId, 1, false)
    const unpaid = await pdfOf(held, buyer.token)
    expect(unpaid.status).toBe(409)
    expect(unpaid.body.error).toMatchObject({ code: 'CONFLICT', message: 'tickets are issued once the order is paid' })
    expect((await api(`/orders/${held}/cancel`, { method: 'POST', token: buyer.token })).status).toBe(200)
    const cancelled = await pdfOf(held, buyer.token)
    expect(cancelled.status).toBe(409)
    expect(cancelled.body.error.message).toBe('the order is cancelled: it has no tickets')

    const paid = await buy(buyer, eventId, typeId, 1)
    const [ticket] = (await api(`/orders/${paid}/tickets`, { token: buyer.token })).body as Array<{ code: string }>
    expect((await api('/checkins', { token: admin.token, body: { code: ticket!.code } })).status).toBe(200)
    const [page] = await pdfPages((await pdfOf(paid, buyer.token)).bytes)
    expect(page).toContain('Already checked in')

    const refundable = await buy(buyer, eventId, typeId, 1)
    expect((await api(`/orders/${refundable}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    const refunded = await pdfOf(refundable, buyer.token)
    expect(refunded.status).toBe(409)
    expect(refunded.body.error.message).toBe('the order was refunded: its tickets are no longer valid')
  })

  test('Swagger UI lists the route with its application/pdf answer', async () => {
    const doc = (await api('/docs/json')).body
    const operation = doc.paths['/api/orders/{id}/tickets/pdf']?.get
    expect(operation?.summary).toBe("An order's e-tickets as a PDF")
    expect(Object.keys(operation.responses['200'].content)).toEqual(['application/pdf'])
    expect(operation.responses['409'].content['application/json']).toBeDefined()
  })
})

describe('the confirmation email', () => {
  const smtp = mailingThroughTestSmtp('notifications')

  test('carries the tickets as a PDF attachment, the same pages the buyer downloads', async () => {
    const title = `Emailed ${Math.random().toString(36).slice(2, 6)}`
    const { eventId, typeId } = await eventWithSeats(title)
    const buyer = await registerUser('pdf-mail')
    const orderId = await buy(buyer, eventId, typeId, 3)
    const mail = await eventually('the confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email)), 20_000, 100)
    const part = mail.data.split(/\r\n--[^\r\n]+\r\n/).find((p) => /content-type:\s*application\/pdf/i.test(p))
    expect(part).toBeDefined()
    expect(part).toContain(`easypass-tickets-${orderId}.pdf`)
    expect(part).toMatch(/content-disposition:\s*attachment/i)
    const attached = Buffer.from(part!.slice(part!.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64')
    const pages = await pdfPages(new Uint8Array(attached))
    expect(pages).toHaveLength(3)
    const codes = ((await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body as Array<{ code: string }>).map((t) => t.code)
    for (const [i, page] of pages.entries()) {
      expect(page).toContain(title)
      expect(page).toContain(codes[i]!)
    }
  })
  test('an order refunded before its confirmation went out gets no printable tickets', async () => {
    const { eventId, typeId } = await eventWithSeats(`Refunded first ${Math.random().toString(36).slice(2, 6)}`)
    const buyer = await registerUser('pdf-refunded')
    // Notifications is away while the order is paid and refunded: the confirmation waits in the stream.
    await system().stop('notifications')
    try {
      const orderId = await buy(buyer, eventId, typeId, 1)
      const refunded = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
      expect([200, 202]).toContain(refunded.status)
    } finally {
      await system().start('notifications', { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })
    }
    const confirmation = await eventually('the late confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email) && /Your tickets for/.test(m.data)), 20_000, 100)
    expect(confirmation.data).not.toMatch(/content-type:\s*application\/pdf/i)
  }, 60_000)
})
