// Tax and invoices: a ticket type's price includes its tax rate; an order keeps the rate (and each
// line's part of a voucher's discount) as sold; with an issuer configured its receipt is an invoice
// with a sequential number, given once per order, and the tax per rate.
import { describe, expect, test } from 'bun:test'
import { api, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { restartedWith, system } from '../support/system'

const ISSUER = { INVOICE_ISSUER_NAME: 'Nordic Tickets Oy', INVOICE_ISSUER_ADDRESS: 'Mannerheimintie 1, 00100 Helsinki', INVOICE_ISSUER_TAX_ID: 'FI12345678', INVOICE_NUMBER_PREFIX: 'T-' }
restartedWith(['orders'], ISSUER)

async function invoiceOf(orderId: string, token: string) {
  const response = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/receipt`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  const name = /filename="easypass-invoice-(T-\d{6})\.pdf"/.exec(response.headers.get('content-disposition') ?? '')?.[1]
  return { number: name, page: (await pdfPages(new Uint8Array(await response.arrayBuffer())))[0]! }
}
const seqOf = (number: string | undefined) => Number(number!.slice(2))

async function taxedEvent(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Taxed ${Math.random().toString(36).slice(2, 6)}`, organizer: 'Kallio Orchestra' }) })
  const add = (body: object) => api(`/events/${event.body.id}/ticket-types`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body })
  const concert = await add({ name: 'Concert', priceCents: 5000, currency: 'EUR', capacity: 50, taxRateBasisPoints: 1900 })
  expect(concert.status).toBe(201)
  expect(concert.body.taxRateBasisPoints).toBe(1900)
  const programme = await add({ name: 'Programme', priceCents: 1000, currency: 'EUR', capacity: 50, taxRateBasisPoints: 700 })
  return { eventId: event.body.id as string, concert: concert.body.id as string, programme: programme.body.id as string }
}

const buy = async (buyer: Session, eventId: string, items: object[], extra: object = {}) => {
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items, payment: { card: TEST_CARD }, ...extra } })
  expect(r.status).toBe(201)
  return r.body
}

describe('tax rates and invoices', () => {
  test('the order keeps each rate and discount share as sold; the invoice shows its number, the issuer and the tax per rate', async () => {
    const admin = await loginAdmin()
    const { eventId, concert, programme } = await taxedEvent(admin)
    expect((await api(`/events/${eventId}/vouchers`, { token: admin.token, body: { code: 'HALFCONCERT', percentOff: 50, ticketTypeIds: [concert], maxUses: 10 } })).status).toBe(201)
    // Buyers see the rate with the price.
    const detail = await api(`/events/${eventId}`)
    expect(detail.body.ticketTypes.map((t: { taxRateBasisPoints?: number }) => t.taxRateBasisPoints).sort()).toEqual([1900, 700])

    const buyer = await registerUser('invoice')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 2 }, { ticketTypeId: programme, quantity: 1 }], { voucherCode: 'halfconcert' })
    expect(order.totalCents).toBe(6000)
    expect(order.items).toEqual([
      { ticketTypeId: concert, name: 'Concert', quantity: 2, unitPriceCents: 5000, taxRateBasisPoints: 1900, discountCents: 5000 },
      { ticketTypeId: programme, name: 'Programme', quantity: 1, unitPriceCents: 1000, taxRateBasisPoints: 700 },
    ])

    const invoice = await invoiceOf(order.id, buyer.token)
    expect(invoice.number).toMatch(/^T-\d{6}$/)
    // 19 % of 50.00 gross (100.00 less the 50.00 discount) is 7.98; 7 % of 10.00 is 0.65.
    for (const part of [
      'Invoice',
      `Invoice number ${invoice.number}`,
      `Order ${order.id}`,
      'Issued by Nordic Tickets Oy, Mannerheimintie 1, 00100 Helsinki; tax number FI12345678',
      'For the event by Kallio Orchestra',
      '2 × Concert at €50.00 (19% tax)',
      '1 × Programme at €10.00 (7% tax)',
      'Includes 19% tax €7.98 on €42.02 net',
      'Includes 7% tax €0.65 on €9.35 net',
      '€60.00',
      'Prices include the tax shown.',
    ])
      expect(invoice.page).toContain(part)
    expect(invoice.page).not.toContain('not a tax invoice')
    // Downloaded again, by the buyer or an admin: the same number.
    expect((await invoiceOf(order.id, buyer.token)).number).toBe(invoice.number)
    expect((await invoiceOf(order.id, admin.token)).number).toBe(invoice.number)

    // A new rate applies to orders made afterwards; this order's invoice keeps the rate it was sold at.
    expect((await api(`/events/${eventId}/ticket-types/${concert}`, { method: 'PATCH', token: admin.token, body: { taxRateBasisPoints: 0 } })).status).toBe(200)
    const later = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }])
    expect(later.items[0]).toEqual({ ticketTypeId: concert, name: 'Concert', quantity: 1, unitPriceCents: 5000 })
    expect((await invoiceOf(order.id, buyer.token)).page).toContain('Includes 19% tax €7.98 on €42.02 net')
    const untaxed = await invoiceOf(later.id, buyer.token)
    expect(untaxed.page).not.toContain('Includes')
    expect(seqOf(untaxed.number)).toBe(seqOf(invoice.number) + 1)
    expect(untaxed.page).toContain('No tax is included in these prices.')

    // The sales report sums each paid order's tax per currency and rate; the untaxed order counts at 0 %.
    const sales = await api(`/events/${eventId}/sales`, { token: admin.token })
    expect(sales.body.taxes).toEqual([
      { currency: 'EUR', rateBasisPoints: 1900, grossCents: 5000, taxCents: 798, netCents: 4202 },
      { currency: 'EUR', rateBasisPoints: 700, grossCents: 1000, taxCents: 65, netCents: 935 },
      { currency: 'EUR', rateBasisPoints: 0, grossCents: 5000, taxCents: 0, netCents: 5000 },
    ])
  })

  test('numbers follow one another without gaps or repeats: many first downloads of one order get one number, of many orders one each', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('invoice-race')
    const orders: Array<{ id: string }> = []
    for (let i = 0; i < 7; i++) orders.push(await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }]))
    const first = seqOf((await invoiceOf(orders[0]!.id, buyer.token)).number)
    const together = await Promise.all(Array.from({ length: 6 }, () => invoiceOf(orders[1]!.id, buyer.token)))
    expect(new Set(together.map((i) => i.number)).size).toBe(1)
    expect(seqOf(together[0]!.number)).toBe(first + 1)
    // Five orders at once: five numbers, the next five, none drawn in vain.
    const five = await Promise.all(orders.slice(2).map((o) => invoiceOf(o.id, buyer.token)))
    expect(five.map((i) => seqOf(i.number)).sort((a, b) => a - b)).toEqual([first + 2, first + 3, first + 4, first + 5, first + 6])
  })

  test('an invoice stays as it was issued when the issuer changes; an order refunded before its first invoice gets a receipt, no number', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('invoice-issuer')
    const issued = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }])
    const refunded = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }])
    const before = await invoiceOf(issued.id, buyer.token)
    expect(before.page).toContain('Issued by Nordic Tickets Oy')
    expect((await api(`/orders/${refunded.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)

    await system().stop('orders')
    await system().start('orders', { ...ISSUER, INVOICE_ISSUER_NAME: 'Renamed Tickets Oy' })
    const again = await invoiceOf(issued.id, buyer.token)
    expect(again.number).toBe(before.number)
    expect(again.page).toContain('Issued by Nordic Tickets Oy, Mannerheimintie 1, 00100 Helsinki; tax number FI12345678')
    expect(again.page).not.toContain('Renamed')
    const receipt = await fetch(`${system().gatewayUrl}/api/orders/${refunded.id}/receipt`, { headers: { authorization: `Bearer ${buyer.token}` } })
    expect(receipt.headers.get('content-disposition')).toBe(`attachment; filename="easypass-receipt-${refunded.id}.pdf"`)
    expect((await pdfPages(new Uint8Array(await receipt.arrayBuffer())))[0]).toContain('Receipt (refunded)')
    const next = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }])
    const renamed = await invoiceOf(next.id, buyer.token)
    expect(renamed.page).toContain('Issued by Renamed Tickets Oy')
    // The refunded order took no number.
    expect(seqOf(renamed.number)).toBe(seqOf(before.number) + 1)
    await system().stop('orders')
    await system().start('orders', ISSUER)
  }, 60_000)

  test('a tax rate must be 0–100 % in basis points: 400, and nothing changes', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    for (const taxRateBasisPoints of [10_001, -1, 19.5, '1900']) {
      const r = await api(`/events/${eventId}/ticket-types/${concert}`, { method: 'PATCH', token: admin.token, body: { taxRateBasisPoints } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect((await api(`/events/${eventId}/ticket-types/${concert}`, { token: admin.token })).body.taxRateBasisPoints).toBe(1900)
  })
})

describe('the confirmation email', () => {
  const smtp = mailingThroughTestSmtp('notifications')

  test('carries the invoice, numbered as the order is confirmed: the same number the buyer downloads later', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('invoice-mail')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 2 }])
    const mail = await eventually('the confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email) && /Your tickets for/.test(m.data)), 20_000, 100)
    const part = mail.data.split(/\r\n--[^\r\n]+\r\n/).find((p) => /easypass-invoice-T-\d{6}\.pdf/.test(p))
    expect(part).toBeDefined()
    const number = /easypass-invoice-(T-\d{6})\.pdf/.exec(part!)![1]
    const attached = (await pdfPages(new Uint8Array(Buffer.from(part!.slice(part!.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64'))))[0]!
    expect(attached).toContain(`Invoice number ${number}`)
    expect(attached).toContain('Includes 19% tax €15.97 on €84.03 net')
    expect(decodeMime(mail.data)).toContain('Your invoice is attached.')
    expect((await invoiceOf(order.id, buyer.token)).number).toBe(number)
  })
})
