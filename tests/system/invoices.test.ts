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

const documentsOf = async (orderId: string, token: string) => {
  const r = await api(`/orders/${orderId}/documents`, { token })
  expect(r.status).toBe(200)
  return r.body as Array<{ kind: string; number: string; issuedAt: string; totalCents: number; currency: string; tickets?: number; refundPart?: number; invoiceNumber?: string }>
}
async function creditNoteOf(orderId: string, number: string, token: string) {
  const response = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/credit-notes/${number}`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-disposition')).toBe(`attachment; filename="easypass-credit-note-${number}.pdf"`)
  // One sign for the minus, whichever fonts the PDF was made with.
  return (await pdfPages(new Uint8Array(await response.arrayBuffer())))[0]!.replaceAll('−', '-')
}

describe('billing details and credit notes', () => {
  test('the invoice is made out to the details given before it; bad details are refused and change nothing; after it, none change', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('billing')
    const held = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: concert, quantity: 1 }] } })
    expect(held.body.status).toBe('reserved')
    const id = held.body.id as string
    expect((await api(`/orders/${id}/billing`, { token: buyer.token })).body).toEqual({ orderId: id, billing: null, editable: true, invoices: true })

    const put = (body: unknown, token = buyer.token) => api(`/orders/${id}/billing`, { method: 'PUT', token, body })
    for (const [body, field] of [
      [{ name: '   ', address: 'Street 1' }, 'name'],
      [{ name: 'Grace', address: ' \n ' }, 'address'],
      [{ name: 'Gr\u0007ace', address: 'Street 1' }, 'name'],
      [{ name: 'Grace\nHopper', address: 'Street 1' }, 'name'],
      [{ name: 'Grace', address: 'Street 1\tFlat 2' }, 'address'],
      [{ name: 'Grace', address: 'Street 1\u2028Flat 2' }, 'address'],
      [{ name: 'Grace', company: 'Cobol\u0085Ltd', address: 'Street 1' }, 'company'],
      [{ name: 'x'.repeat(201), address: 'Street 1' }, 'name'],
      [{ name: 'Grace', address: 'Street 1', taxId: 'x'.repeat(41) }, 'taxId'],
      [{ name: 'Grace', address: 'Street 1', role: 'admin' }, 'role'],
      [{ address: 'Street 1' }, 'name'],
    ] as const) {
      const r = await put(body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
      expect(JSON.stringify(r.body.error.details?.fields ?? r.body.error.message)).toContain(field)
    }
    expect((await api(`/orders/${id}/billing`, { token: buyer.token })).body.billing).toBeNull()
    // Another customer's order does not exist for them.
    const stranger = await registerUser('billing-stranger')
    expect((await put({ name: 'Mallory', address: 'Elsewhere 1' }, stranger.token)).status).toBe(404)
    expect((await api(`/orders/${id}/billing`, { token: stranger.token })).status).toBe(404)

    // Given, then taken back: none.
    expect((await put({ name: 'Grace', address: 'Street 1' })).status).toBe(200)
    expect((await api(`/orders/${id}/billing`, { method: 'DELETE', token: buyer.token })).body.billing).toBeNull()
    // Any line break in the address (a Windows one too); blank lines and spaces around go.
    const saved = await put({ name: ' Grace Hopper ', company: 'Cobol Ltd', address: '1 Harbour Street\r\n   \n 00100 Helsinki ', taxId: 'FI99999999' })
    expect(saved.status).toBe(200)
    const details = { name: 'Grace Hopper', company: 'Cobol Ltd', address: '1 Harbour Street\n00100 Helsinki', taxId: 'FI99999999' }
    expect(saved.body).toEqual({ orderId: id, billing: details, editable: true, invoices: true })
    expect((await api(`/orders/${id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })).body.status).toBe('paid')

    const invoice = await invoiceOf(id, buyer.token)
    for (const part of ['Bill to Grace Hopper, Cobol Ltd', '1 Harbour Street, 00100 Helsinki', 'Customer tax number FI99999999', 'Issued by Nordic Tickets Oy']) expect(invoice.page).toContain(part)
    expect(invoice.page).not.toContain(`Customer ${buyer.user.email}`)
    // Issued: the details are the invoice's now, and stay.
    const late = await put({ name: 'Someone Else', address: 'Another Street 2' })
    expect(late.status).toBe(409)
    expect(late.body.error.message).toContain(invoice.number!)
    expect((await api(`/orders/${id}/billing`, { method: 'DELETE', token: buyer.token })).status).toBe(409)
    expect((await api(`/orders/${id}/billing`, { token: admin.token })).body).toEqual({ orderId: id, billing: details, invoiceNumber: invoice.number, editable: false, invoices: true })
    expect((await invoiceOf(id, buyer.token)).page).toContain('Bill to Grace Hopper, Cobol Ltd')

    // An order that gets no invoice takes no details.
    const cancelled = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: concert, quantity: 1 }] } })
    expect((await api(`/orders/${cancelled.body.id}/cancel`, { method: 'POST', token: buyer.token })).status).toBe(200)
    expect((await api(`/orders/${cancelled.body.id}/billing`, { method: 'PUT', token: buyer.token, body: details })).status).toBe(409)
  })

  test('each refund of an invoiced order gets one credit note with its own number: the tickets, the tax and the amount it takes back', async () => {
    const admin = await loginAdmin()
    const { eventId, concert, programme } = await taxedEvent(admin)
    const buyer = await registerUser('credit')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 3 }, { ticketTypeId: programme, quantity: 1 }])
    expect(order.totalCents).toBe(16_000)
    // Before the invoice: no documents, and a refund then would need none.
    expect(await documentsOf(order.id, buyer.token)).toEqual([])
    const invoice = await invoiceOf(order.id, buyer.token)
    const n = seqOf(invoice.number)
    const number = (seq: number) => `T-${String(seq).padStart(6, '0')}`
    expect(await documentsOf(order.id, buyer.token)).toEqual([{ kind: 'invoice', number: invoice.number!, issuedAt: expect.any(String), totalCents: 16_000, currency: 'EUR' }])

    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; ticketTypeId: string }>
    const oneConcert = tickets.find((t) => t.ticketTypeId === concert)!.id
    const part = await api(`/orders/${order.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [oneConcert] } })
    expect(part.status).toBe(200)
    // Asked for by many at once: one credit note, one number.
    const together = await Promise.all(Array.from({ length: 5 }, () => documentsOf(order.id, buyer.token)))
    for (const docs of together)
      expect(docs.slice(1)).toEqual([{ kind: 'credit-note', number: number(n + 1), issuedAt: expect.any(String), totalCents: 5000, currency: 'EUR', invoiceNumber: invoice.number!, tickets: 1, refundPart: 1 }])
    const first = await creditNoteOf(order.id, number(n + 1), buyer.token)
    for (const text of [
      'Credit note',
      `Credit note number ${number(n + 1)}`,
      `Cancels invoice ${invoice.number} in part; order ${order.id}`,
      'Issued by Nordic Tickets Oy, Mannerheimintie 1, 00100 Helsinki; tax number FI12345678',
      '1 × Concert at €50.00 (19% tax)',
      'Total credited',
      '-€50.00',
      'Includes 19% tax €7.98 on €42.02 net',
      'this ticket is no longer valid',
    ])
      expect(first).toContain(text)
    expect(first).not.toContain('Programme')
    expect((await invoiceOf(order.id, buyer.token)).page).toContain(`Credit note ${number(n + 1)} (€50.00) cancels this invoice in part.`)

    // The rest of the order: a second credit note, for the three tickets the part left.
    expect((await api(`/orders/${order.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { reason: 'double booking' } })).status).toBe(200)
    const docs = await documentsOf(order.id, admin.token)
    expect(docs.map((d) => [d.kind, d.number, d.totalCents, d.tickets ?? null])).toEqual([
      ['invoice', invoice.number!, 16_000, null],
      ['credit-note', number(n + 1), 5000, 1],
      ['credit-note', number(n + 2), 11_000, 3],
    ])
    const rest = await creditNoteOf(order.id, number(n + 2), admin.token)
    for (const text of ['2 × Concert at €50.00 (19% tax)', '1 × Programme at €10.00 (7% tax)', '-€110.00', 'Includes 19% tax €15.97 on €84.03 net', 'Includes 7% tax €0.65 on €9.35 net', 'double booking', `Cancels invoice ${invoice.number} in part`])
      expect(rest).toContain(text)
    expect((await invoiceOf(order.id, buyer.token)).page).toContain(`Credit notes ${number(n + 1)} (€50.00), ${number(n + 2)} (€110.00) cancel this invoice in full.`)

    // Another order's number, a number that is none, another customer: 404.
    const other = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 1 }])
    const otherInvoice = await invoiceOf(other.id, buyer.token)
    // The next number after both credit notes: one sequence, none drawn in vain.
    expect(otherInvoice.number).toBe(number(n + 3))
    const get = (orderId: string, no: string, token = buyer.token) => fetch(`${system().gatewayUrl}/api/orders/${orderId}/credit-notes/${no}`, { headers: { authorization: `Bearer ${token}` } })
    expect((await get(other.id, number(n + 1))).status).toBe(404)
    expect((await get(order.id, 'T-999999')).status).toBe(404)
    expect((await get(order.id, number(n + 1), (await registerUser('credit-stranger')).token)).status).toBe(404)
  })

  test('money given back without tickets: a credit note of a price reduction with its tax; tickets after it credit their share of what is left', async () => {
    const admin = await loginAdmin()
    const { eventId, concert, programme } = await taxedEvent(admin)
    const buyer = await registerUser('credit-amount')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 2 }, { ticketTypeId: programme, quantity: 1 }])
    expect(order.totalCents).toBe(11_000)
    const invoice = await invoiceOf(order.id, buyer.token)
    const n = seqOf(invoice.number)
    const number = (seq: number) => `T-${String(seq).padStart(6, '0')}`
    const refund = (body: object) => api(`/orders/${order.id}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body })

    // 22.00 of 110.00 back: a fifth of each rate's share.
    expect((await refund({ amountCents: 2200, reason: 'the show started an hour late' })).status).toBe(200)
    const reduction = await creditNoteOf(order.id, number(n + 1), buyer.token)
    for (const text of [
      `Cancels invoice ${invoice.number} in part`,
      '1 × Price reduction (the tickets stay valid) at €20.00 (19% tax)',
      '1 × Price reduction (the tickets stay valid) at €2.00 (7% tax)',
      '-€22.00',
      'Includes 19% tax €3.20 on €16.80 net',
      'Includes 7% tax €0.13 on €1.87 net',
      'the show started an hour late',
      'the tickets stay valid.',
    ])
      expect(reduction).toContain(text)
    // The sales report keeps the tax of what the order still holds.
    expect((await api(`/events/${eventId}/sales`, { token: admin.token })).body.taxes).toEqual([
      { currency: 'EUR', rateBasisPoints: 1900, grossCents: 8000, taxCents: 1277, netCents: 6723 },
      { currency: 'EUR', rateBasisPoints: 700, grossCents: 800, taxCents: 52, netCents: 748 },
    ])

    // A concert ticket now: its share of the 88.00 left (40.00), shown against its price.
    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string; ticketTypeId: string }>
    expect((await refund({ ticketIds: [tickets.find((t) => t.ticketTypeId === concert)!.id] })).status).toBe(200)
    const ticket = await creditNoteOf(order.id, number(n + 2), buyer.token)
    for (const text of ['1 × Concert at €50.00 (19% tax)', 'Less what was refunded before without tickets', '-€40.00', 'Includes 19% tax €6.38 on €33.62 net', 'this ticket is no longer valid'])
      expect(ticket).toContain(text)
    expect(ticket).not.toContain('7% tax')
    // The rest: 48.00; the three credit notes add up to the invoice, its tax included.
    expect((await refund({})).status).toBe(200)
    const docs = await documentsOf(order.id, admin.token)
    expect(docs.map((d) => [d.kind, d.totalCents, d.tickets ?? null])).toEqual([
      ['invoice', 11_000, null],
      ['credit-note', 2200, 0],
      ['credit-note', 4000, 1],
      ['credit-note', 4800, 2],
    ])
    const last = await creditNoteOf(order.id, number(n + 3), buyer.token)
    for (const text of ['-€48.00', 'Includes 19% tax €6.39 on €33.61 net', 'Includes 7% tax €0.52 on €7.48 net']) expect(last).toContain(text)
  })

  test("a buyer's details are kept for their next order (an admin's change of them is not) until they forget them", async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('billing-kept')
    const hold = async () => (await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: concert, quantity: 1 }] } })).body.id as string
    expect((await api('/orders/billing-details', { token: buyer.token })).body).toEqual({ billing: null })
    expect((await api('/orders/billing-details')).status).toBe(401)
    const first = await hold()
    const details = { name: 'Grace Hopper', company: 'Cobol Ltd', address: '1 Harbour Street\n00100 Helsinki' }
    expect((await api(`/orders/${first}/billing`, { method: 'PUT', token: buyer.token, body: details })).status).toBe(200)
    expect((await api('/orders/billing-details', { token: buyer.token })).body).toEqual({ billing: details })
    // An admin correcting another order's details does not change what the buyer keeps.
    const second = await hold()
    expect((await api(`/orders/${second}/billing`, { method: 'PUT', token: admin.token, body: { name: 'Someone Else', address: 'Elsewhere 2' } })).status).toBe(200)
    expect((await api('/orders/billing-details', { token: buyer.token })).body.billing.name).toBe('Grace Hopper')
    expect((await api('/orders/billing-details', { token: (await registerUser('billing-kept-other')).token })).body).toEqual({ billing: null })
    // Forgotten: gone for the next order; the order's own details stay.
    expect((await api('/orders/billing-details', { method: 'DELETE', token: buyer.token })).status).toBe(204)
    expect((await api('/orders/billing-details', { token: buyer.token })).body).toEqual({ billing: null })
    expect((await api(`/orders/${first}/billing`, { token: buyer.token })).body.billing).toEqual(details)
  })

  test("the credit notes' tax adds up to the invoice's, whatever the rounding of each refund", async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent() })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { name: 'Seat', priceCents: 1000, currency: 'EUR', capacity: 10, taxRateBasisPoints: 1900 } })
    const buyer = await registerUser('credit-rounding')
    const order = await buy(buyer, event.body.id, [{ ticketTypeId: type.body.id, quantity: 3 }])
    // 19 % of 30.00 is 4.79; of each 10.00 ticket alone it would be 1.60 (three times: 4.80).
    expect((await invoiceOf(order.id, buyer.token)).page).toContain('Includes 19% tax €4.79 on €25.21 net')
    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string }>
    for (const t of tickets.slice(0, 2))
      expect((await api(`/orders/${order.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [t.id] } })).status).toBe(200)
    expect((await api(`/orders/${order.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    const notes = (await documentsOf(order.id, buyer.token)).filter((d) => d.kind === 'credit-note')
    expect(notes.map((n) => n.totalCents)).toEqual([1000, 1000, 1000])
    const taxes = []
    for (const note of notes) taxes.push(/Includes 19% tax €(\d+\.\d\d) on/.exec(await creditNoteOf(order.id, note.number, buyer.token))![1])
    // Each the tax of what stood before it less the tax of what stands after: 4.79 − 3.19, 3.19 − 1.60, 1.60.
    expect(taxes).toEqual(['1.60', '1.59', '1.60'])
    expect(taxes.reduce((sum, t) => sum + Math.round(Number(t) * 100), 0)).toBe(479)
  })

  test('an order refunded whole at once: one credit note cancelling the invoice in full', async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('credit-whole')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 2 }])
    const invoice = await invoiceOf(order.id, buyer.token)
    expect((await api(`/orders/${order.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    const [, note, ...more] = await documentsOf(order.id, buyer.token)
    expect(more).toEqual([])
    expect(note).toMatchObject({ kind: 'credit-note', totalCents: 10_000, tickets: 2, invoiceNumber: invoice.number })
    expect(note!.refundPart).toBeUndefined()
    const page = await creditNoteOf(order.id, note!.number, buyer.token)
    expect(page).toContain(`Cancels invoice ${invoice.number} in full`)
    expect(page).toContain('these 2 tickets are no longer valid')
    expect((await invoiceOf(order.id, buyer.token)).page).toContain(`Credit note ${note!.number} (€100.00) cancels this invoice in full.`)
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

  test("a refund of an invoiced order carries its credit note", async () => {
    const admin = await loginAdmin()
    const { eventId, concert } = await taxedEvent(admin)
    const buyer = await registerUser('credit-mail')
    const order = await buy(buyer, eventId, [{ ticketTypeId: concert, quantity: 2 }])
    await eventually('the confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email) && /Your tickets for/.test(m.data)), 20_000, 100)
    const tickets = (await api(`/orders/${order.id}/tickets`, { token: buyer.token })).body as Array<{ id: string }>
    expect((await api(`/orders/${order.id}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[0]!.id] } })).status).toBe(200)
    const mail = await eventually('the refund email', async () => smtp.received.find((m) => m.to.includes(buyer.user.email) && /Refund for/.test(m.data)), 20_000, 100)
    const part = mail.data.split(/\r\n--[^\r\n]+\r\n/).find((p) => /easypass-credit-note-T-\d{6}\.pdf/.test(p))
    expect(part).toBeDefined()
    const number = /easypass-credit-note-(T-\d{6})\.pdf/.exec(part!)![1]!
    const attached = (await pdfPages(new Uint8Array(Buffer.from(part!.slice(part!.indexOf('\r\n\r\n') + 4).replace(/\s+/g, ''), 'base64'))))[0]!
    expect(attached).toContain(`Credit note number ${number}`)
    expect(decodeMime(mail.data)).toContain('The credit note for your invoice is attached.')
    // The same credit note the buyer finds with the order.
    expect((await documentsOf(order.id, buyer.token)).filter((d) => d.kind === 'credit-note').map((d) => d.number)).toEqual([number])
  })
})
