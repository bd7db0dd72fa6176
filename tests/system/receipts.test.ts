// A paid order's receipt: what was bought, from whom, for how much and how it was paid; once refunded,
// the refund too. For the buyer or an admin only; none for an order nothing was paid for.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { system } from '../support/system'

const card = TEST_CARD

async function receiptOf(orderId: string, token?: string) {
  const response = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/receipt`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (!response.headers.get('content-type')?.startsWith('application/pdf')) return { status: response.status, headers: response.headers, body: JSON.parse(new TextDecoder().decode(bytes)), pages: [] as string[] }
  return { status: response.status, headers: response.headers, body: undefined, pages: await pdfPages(bytes) }
}

async function order(buyer: Session, eventId: string, typeId: string, quantity: number, pay = true) {
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity }], ...(pay ? { payment: { card } } : {}) } })
  expect(r.status).toBe(201)
  return r.body.id as string
}

describe('receipts', () => {
  test('what was paid, to whom and how; the refund once refunded; the buyer and an admin only', async () => {
    const admin = await loginAdmin()
    const title = `Receipt night ${Math.random().toString(36).slice(2, 6)}`
    const event = await api('/events', { token: admin.token, body: futureEvent({ title, organizer: 'Helsinki Jazz Society' }) })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Parterre', priceCents: 2500, currency: 'EUR', capacity: 20 } })
    const buyer = await registerUser('receipt')
    const orderId = await order(buyer, event.body.id, type.body.id, 2)

    const paid = await receiptOf(orderId, buyer.token)
    expect(paid.status).toBe(200)
    expect(paid.headers.get('content-disposition')).toBe(`attachment; filename="easypass-receipt-${orderId}.pdf"`)
    expect(paid.pages).toHaveLength(1)
    const page = paid.pages[0]!
    for (const part of [`Receipt number ${orderId}`, `Customer ${buyer.user.email}`, 'Sold by Helsinki Jazz Society, through EasyPass', title, '2 × Parterre at €25.00', '€50.00', 'ending 4242', 'not a tax invoice'])
      expect(page).toContain(part)
    expect(page).not.toContain('Refunded')

    expect((await receiptOf(orderId, admin.token)).status).toBe(200)
    const stranger = await registerUser('receipt-stranger')
    const notYours = await receiptOf(orderId, stranger.token)
    expect(notYours.status).toBe(404)
    expect(errorCode({ status: 404, body: notYours.body, headers: notYours.headers })).toBe('NOT_FOUND')
    expect((await receiptOf(orderId)).status).toBe(401)

    const refund = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { reason: 'cannot come' } })
    expect(refund.status).toBe(200)
    const refunded = await receiptOf(orderId, buyer.token)
    expect(refunded.status).toBe(200)
    expect(refunded.pages[0]).toContain('Receipt (refunded)')
    expect(refunded.pages[0]).toContain('Refunded €50.00')
    expect(refunded.pages[0]).toContain('cannot come')

    // Nothing paid, nothing to show: a hold not paid yet, and one cancelled.
    const held = await order(buyer, event.body.id, type.body.id, 1, false)
    const unpaid = await receiptOf(held, buyer.token)
    expect(unpaid.status).toBe(409)
    expect(unpaid.body.error.code).toBe('CONFLICT')
    expect((await api(`/orders/${held}/cancel`, { method: 'POST', token: buyer.token })).status).toBe(200)
    expect((await receiptOf(held, buyer.token)).status).toBe(409)
  })

  test('a free order has a receipt that says nothing was paid', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent() })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Guest list', priceCents: 0, currency: 'EUR', capacity: 5 } })
    const buyer = await registerUser('free-receipt')
    const held = await order(buyer, event.body.id, type.body.id, 1, false)
    expect((await api(`/orders/${held}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    const receipt = await receiptOf(held, buyer.token)
    expect(receipt.status).toBe(200)
    expect(receipt.pages[0]).toContain('Nothing to pay: these tickets were free.')
    expect(receipt.pages[0]).toContain('€0.00')
  })

  test('Swagger UI lists the receipt as application/pdf', async () => {
    const doc = (await api('/docs/json')).body
    const answer = doc.paths['/api/orders/{id}/receipt'].get.responses['200'].content
    expect(Object.keys(answer)).toEqual(['application/pdf'])
  })
})
