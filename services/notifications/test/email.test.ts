// The email templates as pure functions: what a buyer reads, and that nothing from outside becomes markup.
import { describe, expect, test } from 'bun:test'
import { formatDate, formatMoney } from '@easypass/kit'
import { escapeHtml, renderOrderConfirmation, renderRefundReceipt, renderTicketOffered, renderTicketsAvailable } from '../src/modules/email/template'
import { beforeTheMessage, notDelivered } from '../src/modules/email/service'
import { describe as describeFact } from '../src/modules/facts/messages'

const svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'

describe('order confirmation', () => {
  const email = renderOrderConfirmation({
    orderId: '665f1c2b9d3e4a0012345678',
    eventTitle: 'Rock & <Roll> "Night"',
    startsAt: '2027-06-01T18:00:00.000Z',
    venue: 'Hall <b>1</b>, Oulu',
    items: [
      { ticketTypeId: 'a'.repeat(24), name: 'Standing', quantity: 2, unitPriceCents: 4500 },
      { ticketTypeId: 'b'.repeat(24), name: 'VIP <script>', quantity: 1, unitPriceCents: 12000 },
    ],
    totalCents: 21000,
    currency: 'EUR',
    tickets: [
      { code: 'CODEAAAA1111', qrSvg: svg, ticketTypeId: 'a'.repeat(24) },
      { code: 'CODEAAAA2222', qrSvg: svg, ticketTypeId: 'a'.repeat(24) },
      { code: 'CODEBBBB3333', ticketTypeId: 'b'.repeat(24) },
    ],
  })

  test('names the event, its date, the items, the total and every ticket code', () => {
    expect(email.subject).toBe('Your tickets for Rock & <Roll> "Night"')
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Tuesday, 1 June 2027')
      expect(part).toContain('18:00 UTC')
      expect(part).toContain('€90.00')
      expect(part).toContain('€120.00')
      expect(part).toContain('€210.00')
      expect(part).toContain('3 tickets')
      for (const code of ['CODEAAAA1111', 'CODEAAAA2222', 'CODEBBBB3333']) expect(part).toContain(code)
    }
    expect(email.text).toContain('Standing: CODEAAAA1111')
  })

  test('an event with a zone is dated on the venue\'s clock, in the buyer\'s language', () => {
    const base = { orderId: '665f1c2b9d3e4a0012345678', eventTitle: 'Jazz', startsAt: '2027-06-01T18:00:00.000Z', timeZone: 'Europe/Helsinki', items: [], totalCents: 0, currency: 'EUR', tickets: [] }
    expect(renderOrderConfirmation(base).text).toContain('Tuesday, 1 June 2027 at 21:00 EEST')
    expect(renderOrderConfirmation({ ...base, language: 'de' }).text).toContain('Dienstag, 1. Juni 2027 um 21:00 OESZ')
    const offered = renderTicketOffered({ eventTitle: 'Jazz', startsAt: base.startsAt, timeZone: 'America/New_York', expiresAt: '2027-05-20T10:00:00.000Z', link: 'https://x.example/t' })
    expect(offered.text).toContain('Tuesday, 1 June 2027 at 14:00 GMT-4')
  })

  test('escapes everything that comes from outside', () => {
    expect(email.html).toContain('Rock &amp; &lt;Roll&gt; &quot;Night&quot;')
    expect(email.html).toContain('VIP &lt;script&gt;')
    expect(email.html).toContain('Hall &lt;b&gt;1&lt;/b&gt;, Oulu')
    expect(email.html).not.toContain('<script>')
    expect(email.html).not.toContain('<b>1</b>')
    expect(email.html).not.toContain('<svg')
  })

  test('QR codes travel as inline attachments referenced by cid', () => {
    expect(email.attachments).toHaveLength(2)
    for (const [i, a] of email.attachments.entries()) {
      expect(a).toMatchObject({ contentType: 'image/svg+xml', content: svg, filename: `ticket-${i + 1}.svg` })
      expect(email.html).toContain(`src="cid:${a.cid}"`)
    }
  })

  test('the tickets PDF from orders goes along as a plain attachment, and the email says so', () => {
    const pdf = Buffer.from('%PDF-1.3 test')
    const withPdf = renderOrderConfirmation({ orderId: 'o1', items: [], totalCents: 0, currency: 'EUR', tickets: [{ code: 'CODE1' }], ticketsPdf: pdf })
    expect(withPdf.attachments).toEqual([{ filename: 'easypass-tickets-o1.pdf', content: pdf, contentType: 'application/pdf' }])
    expect(withPdf.html).toContain('They are attached as a PDF too, to print.')
    expect(withPdf.text).toContain('They are attached as a PDF too, to print.')
    // Without it (orders could not make one just then) the email says nothing of a PDF.
    expect(email.html).not.toContain('PDF')
    expect(email.attachments.every((a) => a.contentType !== 'application/pdf')).toBe(true)
  })

  test('without tickets it points to the account, and header lines stay single lines', () => {
    const e = renderOrderConfirmation({ orderId: 'x', eventTitle: 'Evil\r\nBcc: victim@example.com', items: [], totalCents: 0, currency: 'EUR', tickets: [] })
    expect(e.subject).not.toMatch(/[\r\n]/)
    expect(e.html).toContain('waiting in your EasyPass account')
    expect(e.attachments).toEqual([])
  })

  test('a voucher shows as its own line, and the total is what was paid', () => {
    const e = renderOrderConfirmation({
      orderId: 'x',
      items: [{ ticketTypeId: 'a'.repeat(24), name: 'Standing', quantity: 2, unitPriceCents: 4500 }],
      totalCents: 7200,
      currency: 'EUR',
      voucher: { code: 'EARLYBIRD', discountCents: 1800 },
      tickets: [],
    })
    expect(e.text).toContain('  Voucher EARLYBIRD  −€18.00\n  Total  €72.00')
    expect(e.html).toMatch(/Voucher EARLYBIRD<\/td><td[^>]*>−€18.00</)
  })
})

test('refund receipt', () => {
  const e = renderRefundReceipt({ orderId: 'o1', eventTitle: 'Jazz', amountCents: 4500, currency: 'EUR', reason: '<i>ill</i>' })
  expect(e.subject).toBe('Refund for Jazz: €45.00')
  expect(e.html).toContain('&lt;i&gt;ill&lt;/i&gt;')
  expect(e.text).toContain('Reason: <i>ill</i>')
})

test('money given back without tickets: part of the price, the tickets stay valid, in each language', () => {
  const en = renderRefundReceipt({ orderId: 'o1', eventTitle: 'Jazz', amountCents: 2500, currency: 'EUR', ticketCount: 0, moneyOnly: true, reason: 'a late start' })
  expect(en.subject).toBe('Refund for Jazz: €25.00')
  expect(en.text).toContain('Part of what your order cost was refunded')
  expect(en.text).toContain('Your tickets stay valid')
  expect(en.text).not.toContain('no longer valid')
  expect(renderRefundReceipt({ orderId: 'o1', amountCents: 2500, currency: 'EUR', ticketCount: 0, moneyOnly: true, language: 'de' }).text).toContain('Ihre Tickets bleiben gültig')
  expect(renderRefundReceipt({ orderId: 'o1', amountCents: 2500, currency: 'EUR', ticketCount: 0, moneyOnly: true, language: 'fr' }).text).toContain('Vos billets restent valables')
})

test('free tickets refunded (complimentary ones) are cancelled, with no money and no card to speak of', () => {
  const e = renderRefundReceipt({ orderId: 'o1', eventTitle: 'Jazz', amountCents: 0, currency: 'EUR' })
  expect(e.subject).toBe('Your tickets for Jazz were cancelled')
  expect(e.text).toContain('nothing was paid, so nothing goes back')
  expect(e.text).not.toContain('card')
  expect(e.html).not.toContain('card you paid with')
})

test('money follows the currency, dates are UTC, escaping covers the five characters', () => {
  expect(formatMoney(4500, 'EUR')).toBe('€45.00')
  expect(formatMoney(4500, 'JPY')).toBe('¥4,500')
  expect(formatMoney(199, 'USD')).toBe('$1.99')
  expect(formatDate('not a date')).toBeUndefined()
  expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;')
})

test('facts become messages; a fact naming no buyer becomes none', () => {
  const paid = describeFact({
    id: 'order-paid:1',
    subject: 'orders.order-paid',
    occurredAt: new Date().toISOString(),
    data: { orderId: '1', userId: 'u', eventId: 'e', eventTitle: 'Jazz', items: [{ ticketTypeId: 't', name: 'A', quantity: 3, unitPriceCents: 100 }], totalCents: 300, currency: 'EUR', paymentId: 'p', ticketIds: [] },
  })
  expect(paid).toMatchObject({ userId: 'u', type: 'order-paid', title: 'Your tickets for Jazz', data: { orderId: '1', ticketCount: 3, amountCents: 300 } })
  expect(paid!.body).toContain('3 tickets, €3.00')
  // Complimentary tickets: the admin who gave them is told where they went, not that they are in their inbox.
  const given = describeFact({
    id: 'order-paid:2',
    subject: 'orders.order-paid',
    occurredAt: new Date().toISOString(),
    data: { orderId: '2', userId: 'admin', eventId: 'e', eventTitle: 'Jazz', items: [{ ticketTypeId: 't', name: 'A', quantity: 2, unitPriceCents: 0 }], totalCents: 0, currency: 'EUR', paymentId: '', ticketIds: [], userEmail: 'guest@example.com', complimentaryFor: 'guest@example.com' },
  })
  expect(given).toMatchObject({ userId: 'admin', title: 'Complimentary tickets for Jazz', body: '2 complimentary tickets given to guest@example.com: the tickets went to that address.' })
  const refunded = (data: Record<string, unknown>) =>
    describeFact({ id: 'r', subject: 'orders.order-refunded', occurredAt: '', data: { orderId: '1', userId: 'u', eventId: 'e', eventTitle: 'Jazz', amountCents: 300, currency: 'EUR', ...data } as any })!.title
  // Orders says whether the event was cancelled; a reason someone typed never decides it.
  expect(refunded({ reason: 'the event was cancelled', eventCancelled: true })).toBe('Jazz was cancelled')
  expect(refunded({ reason: 'the event was cancelled, so I want my money', eventCancelled: false })).toBe('Refund for Jazz')
  expect(refunded({ reason: 'cancelled my trip' })).toBe('Refund for Jazz')
  // A fact recorded before the flag existed: only the system's own words count.
  expect(refunded({ reason: 'the event was cancelled (removed by the organizer)' })).toBe('Jazz was cancelled')
  expect(describeFact({ id: 'c', subject: 'catalog.event-cancelled', occurredAt: '', data: { eventId: 'e', title: 'Jazz' } })).toBeNull()
})

test('a send that failed before the message, or was refused for now, uses up no claim; one that may have delivered it does', () => {
  const failure = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)
  // Nothing reached the server.
  expect(beforeTheMessage(failure('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET', command: 'CONN' }))).toBe(true)
  expect(beforeTheMessage(failure('Connection timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'CONNECT_TIMEOUT' }))).toBe(true)
  expect(beforeTheMessage(failure('Greeting never received', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }))).toBe(true)
  expect(beforeTheMessage(failure('Invalid greeting. response=554 not now', { code: 'EPROTOCOL', command: 'CONN' }))).toBe(true)
  expect(beforeTheMessage(failure('Invalid login: 535', { code: 'EAUTH', command: 'AUTH PLAIN' }))).toBe(true)
  expect(beforeTheMessage(failure('Mail command failed: 451', { code: 'EENVELOPE', command: 'MAIL FROM' }))).toBe(true)
  // Maybe delivered, or refused for this message: counted.
  expect(beforeTheMessage(failure('Timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }))).toBe(false)
  expect(beforeTheMessage(failure('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }))).toBe(false)
  expect(beforeTheMessage(failure('Message failed: 451 try later', { code: 'EMESSAGE', command: 'DATA', responseCode: 451 }))).toBe(false)
  expect(beforeTheMessage(failure('Recipient command failed: 450', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 }))).toBe(false)
  // A refusal for now (4xx, to the recipient or the data) is an answer: the server did not take it.
  expect(notDelivered(failure('Message failed: 451 try later', { code: 'EMESSAGE', command: 'DATA', responseCode: 451 }))).toBe(true)
  expect(notDelivered(failure('Recipient command failed: 450', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 }))).toBe(true)
  expect(notDelivered(failure('connect ECONNREFUSED 127.0.0.1:25', { code: 'ESOCKET', command: 'CONN' }))).toBe(true)
  // No answer after the data went out: it may have been delivered.
  expect(notDelivered(failure('Timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }))).toBe(false)
  expect(notDelivered(failure('Connection closed unexpectedly', { code: 'ECONNECTION', command: 'CONN' }))).toBe(false)
  expect(notDelivered(failure('Message failed: 554 rejected', { code: 'EMESSAGE', command: 'DATA', responseCode: 554 }))).toBe(false)
})

describe('tickets available (waiting list)', () => {
  const email = renderTicketsAvailable({ eventTitle: 'Rock & <Roll>', available: 2, link: 'https://tickets.example.com/events/665f1c2b9d3e4a0012345678?x="1"' })

  test('says how many came back, links to the event, and says why it was sent', () => {
    expect(email.subject).toBe('Tickets are available: Rock & <Roll>')
    expect(email.text).toContain('2 tickets can be bought again for Rock & <Roll>')
    expect(email.text).toContain('Get tickets: https://tickets.example.com/events/665f1c2b9d3e4a0012345678')
    expect(email.html).toContain('because you joined the event&#39;s waiting list')
  })

  test('nothing from outside becomes markup', () => {
    expect(email.html).not.toContain('<Roll>')
    expect(email.html).toContain('Rock &amp; &lt;Roll&gt;')
    expect(email.html).toContain('href="https://tickets.example.com/events/665f1c2b9d3e4a0012345678?x=&quot;1&quot;"')
  })

  test('without a public address there is no link, and no count when none is known', () => {
    const plain = renderTicketsAvailable({ eventTitle: 'Jazz', available: 0 })
    expect(plain.html).not.toContain('href=')
    expect(plain.text).toContain('Tickets can be bought again for Jazz')
  })
})

describe('a ticket offered (passed on)', () => {
  const link = 'https://tickets.example.com/transfer#id=665f1c2b9d3e4a0012345678&token=abc_-123'
  const email = renderTicketOffered({ eventTitle: 'Rock & <Roll>\r\nBcc: x@y', startsAt: '2027-06-01T18:00:00.000Z', ticketTypeName: 'Balcony', fromEmail: 'ada@example.com', expiresAt: '2027-05-20T10:00:00.000Z', link })

  test('says who sent what, until when, and carries the link to accept it', () => {
    expect(email.subject).toBe('A ticket was sent to you: a Balcony ticket for Rock & <Roll> Bcc: x@y')
    expect(email.text).toContain('The EasyPass account ada@example.com sent you a Balcony ticket for Rock & <Roll>')
    expect(email.text).toContain(`Accept the ticket: ${link}`)
    expect(email.text).toContain('Accept it by ')
    expect(email.text).toContain("the sender's copy stops working")
    expect(email.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`)
  })

  test('nothing from outside becomes markup or a header', () => {
    expect(email.subject).not.toMatch(/[\r\n]/)
    expect(email.html).not.toContain('<Roll>')
    expect(email.html).toContain('Rock &amp; &lt;Roll&gt;')
  })
})

test("the organiser's information for ticket holders: escaped, its lines kept, in both parts", () => {
  const email = renderOrderConfirmation({ orderId: 'o1', eventTitle: 'Jazz', items: [{ ticketTypeId: 't', name: 'Hall', quantity: 1, unitPriceCents: 1000 }], totalCents: 1000, currency: 'EUR', ticketInfo: 'Doors 19:00\n<b>No bags</b>', tickets: [] })
  expect(email.html).toContain('From the organiser')
  expect(email.html).toContain('Doors 19:00\n&lt;b&gt;No bags&lt;/b&gt;')
  expect(email.html).not.toContain('<b>No bags</b>')
  expect(email.text).toContain('From the organiser:\nDoors 19:00\n<b>No bags</b>')
})

describe('in the buyer’s language', () => {
  const items = [{ ticketTypeId: 't', name: 'Parkett', quantity: 2, unitPriceCents: 2250 }]
  const tickets = [{ code: 'AAAA-1111', ticketTypeName: 'Parkett', seat: 'B-4' }]

  test('German and French confirmations: words, money, dates, the page language; data as it is', () => {
    const de = renderOrderConfirmation({ orderId: 'o1', eventTitle: 'Jazz <live>', startsAt: '2027-06-01T18:00:00Z', items, totalCents: 4500, currency: 'EUR', tickets, language: 'de' })
    expect(de.subject).toBe('Ihre Tickets für Jazz <live>')
    expect(de.html).toContain('<html lang="de">')
    expect(de.html).toContain('Jazz &lt;live&gt;')
    expect(de.text).toContain('Dienstag, 1. Juni 2027 um 18:00 UTC')
    expect(de.text).toContain('Ihre Bestellung ist bestätigt: 2 Tickets.')
    expect(de.text).toContain('Gesamt  45,00\u00a0€')
    expect(de.text).toContain('Parkett · Platz B-4: AAAA-1111')
    const fr = renderOrderConfirmation({ orderId: 'o1', eventTitle: 'Jazz', items: [{ ...items[0]!, quantity: 1 }], totalCents: 2250, currency: 'EUR', tickets, language: 'fr' })
    expect(fr.subject).toBe('Vos billets pour Jazz')
    expect(fr.html).toContain('<html lang="fr">')
    expect(fr.text).toContain('Votre commande est confirmée\u00a0: 1 billet.')
    expect(fr.text).toContain('22,50\u00a0€')
    expect(fr.text).not.toMatch(/\bticket\b/i)
  })

  test('refunds: one ticket or several, in French and German', () => {
    const one = renderRefundReceipt({ orderId: 'o1', eventTitle: 'Jazz', amountCents: 2250, currency: 'EUR', ticketCount: 1, language: 'fr' })
    expect(one.text).toContain('1 billet de votre commande a été remboursé')
    const two = renderRefundReceipt({ orderId: 'o1', eventTitle: 'Jazz', amountCents: 4500, currency: 'EUR', ticketCount: 2, language: 'de' })
    expect(two.subject).toBe('Erstattung für Jazz: 45,00\u00a0€')
    expect(two.text).toContain('2 Tickets Ihrer Bestellung wurden erstattet')
  })

  test('in-app notifications follow the fact’s language; an unknown one is English', () => {
    const fact = (language: unknown) =>
      describeFact({
        id: 'order-paid:1',
        subject: 'orders.order-paid',
        occurredAt: new Date().toISOString(),
        data: { orderId: '1', userId: 'u', eventId: 'e', eventTitle: 'Jazz', items, totalCents: 4500, currency: 'EUR', paymentId: 'p', ticketIds: [], language } as any,
      })!
    expect(fact('de').title).toBe('Ihre Tickets für Jazz')
    expect(fact('fr').title).toBe('Vos billets pour Jazz')
    expect(fact('xx').title).toBe('Your tickets for Jazz')
    expect(fact('de').data).toEqual(fact(undefined).data)
  })
})

describe("the organiser's own words", () => {
  const base = {
    orderId: '665f1c2b9d3e4a0012345678',
    eventTitle: 'Jazz & Blues',
    startsAt: '2027-06-01T18:00:00.000Z',
    venue: 'Hall 1, Oulu',
    organizer: 'Oulu Jazz',
    items: [{ ticketTypeId: 't', name: 'Parkett', quantity: 3, unitPriceCents: 2000 }],
    totalCents: 6000,
    currency: 'EUR',
    tickets: [{ code: 'AAAA-1111', ticketTypeName: 'Parkett' }],
  }

  test('their subject and opening text, filled for the order in its language, in place of ours; the order and tickets stay', () => {
    const email = renderOrderConfirmation({
      ...base,
      language: 'de',
      own: { subject: '{event}: {tickets} Tickets für {total}', body: 'Hallo!\nBestellung {order} bei {organizer}, {date}, {venue}. {nothing} bleibt, { so } auch.' },
    })
    expect(email.subject).toBe('Jazz & Blues: 3 Tickets für 60,00\u00a0€')
    expect(email.text).toContain('Hallo!\nBestellung 665f1c2b9d3e4a0012345678 bei Oulu Jazz, Dienstag, 1. Juni 2027 um 18:00 UTC, Hall 1, Oulu. {nothing} bleibt, { so } auch.')
    expect(email.text).not.toContain('Ihre Bestellung ist bestätigt')
    expect(email.html).not.toContain('Vielen Dank')
    expect(email.html).toContain('Hallo!\nBestellung 665f1c2b9d3e4a0012345678')
    // What always follows: the lines, the total, the tickets.
    expect(email.text).toContain('3 x Parkett  60,00\u00a0€')
    expect(email.text).toContain('Parkett: AAAA-1111')
  })

  test('escaped like everything else; a subject stays one header line; one that comes out blank is ours', () => {
    const email = renderOrderConfirmation({ ...base, own: { subject: '<b>{event}</b>\r\nBcc: x@example.com', body: '<script>alert(1)</script> at {venue}' } })
    expect(email.subject).toBe('<b>Jazz & Blues</b> Bcc: x@example.com')
    expect(email.html).not.toContain('<script>alert(1)')
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; at Hall 1, Oulu')
    const blank = renderOrderConfirmation({ ...base, venue: undefined, own: { subject: '{venue}', body: '  {venue} ' } })
    expect(blank.subject).toBe('Your tickets for Jazz & Blues')
    expect(blank.text).toContain('Your order is confirmed: 3 tickets.')
  })
})

describe('extras bought later', () => {
  test('the confirmation says which order they go with, in the buyer\'s language; an ordinary one says nothing of it', () => {
    const extras = { orderId: 'o2', eventTitle: 'Jazz', items: [{ ticketTypeId: 'p', name: 'Parking', quantity: 1, unitPriceCents: 800 }], totalCents: 800, currency: 'EUR', tickets: [{ code: 'PARK-1', ticketTypeName: 'Parking' }], addOnTo: '665f1c2b9d3e4a0012345678' }
    const en = renderOrderConfirmation(extras)
    expect(en.text).toContain('These extras go with your order 665f1c2b9d3e4a0012345678: its tickets came in an earlier email.')
    expect(en.html).toContain('These extras go with your order 665f1c2b9d3e4a0012345678')
    expect(renderOrderConfirmation({ ...extras, language: 'de' }).text).toContain('Diese Zusatzleistungen gehören zu Ihrer Bestellung 665f1c2b9d3e4a0012345678')
    expect(renderOrderConfirmation({ ...extras, language: 'fr' }).text).toContain('Ces options accompagnent votre commande 665f1c2b9d3e4a0012345678')
    const { addOnTo: _, ...plain } = extras
    expect(renderOrderConfirmation(plain).text).not.toContain('extras go with')
  })
})

describe('answers in the confirmation', () => {
  test('listed after the total, a ticket\'s with its number; none: no section', () => {
    const input = { orderId: 'o3', eventTitle: 'Jazz', items: [], totalCents: 0, currency: 'EUR', tickets: [], answers: [{ label: 'Diet', value: 'vegan <none>\nno nuts' }, { label: 'Size', value: 'M', ticket: 2, ticketName: 'Day pass' }] }
    const email = renderOrderConfirmation(input)
    expect(email.text).toContain('Your answers to the organiser\n  Diet: vegan <none>\n    no nuts\n  Ticket 2 (Day pass) · Size: M')
    expect(email.html).toContain('<li style="white-space:pre-line">Diet: vegan &lt;none&gt;\nno nuts</li>')
    expect(renderOrderConfirmation({ ...input, language: 'fr' }).text).toContain('Billet 2 (Day pass) · Size: M')
    expect(renderOrderConfirmation({ ...input, answers: [] }).text).not.toContain('Your answers')
  })
})
