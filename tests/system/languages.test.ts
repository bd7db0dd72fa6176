// An order placed in German is told in German, everywhere the buyer hears of it: the confirmation email,
// the in-app notification, the tickets' PDF and the receipt, a message from the organiser, the refund's email. A ticket offered in
// French reaches its recipient in French; a password link asked for in French comes in French. Without
// a language we speak (none said, or Japanese), English, as before.
import { describe, expect, test } from 'bun:test'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { pdfPages } from '../support/pdf'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const smtp = mailingThroughTestSmtp('notifications')
const mailTo = (address: string, n = 0) => eventually(`email ${n + 1} to ${address}`, async () => smtp.received.filter((m) => m.to.includes(address))[n], 20_000, 100)

async function saleable() {
  const admin = await loginAdmin()
  const title = `Sprachabend ${Math.random().toString(36).slice(2, 7)}`
  const event = await api('/events', { token: admin.token, body: futureEvent({ title }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Stehplatz', priceCents: 2000, currency: 'EUR', capacity: 20 } })
  expect(type.status).toBe(201)
  return { admin, title, eventId: event.body.id as string, typeId: type.body.id as string }
}

async function buy(buyer: Session, eventId: string, typeId: string, acceptLanguage?: string) {
  const r = await api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID(), ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) },
    body: { eventId, items: [{ ticketTypeId: typeId, quantity: 2 }], payment: { card: TEST_CARD } },
  })
  expect(r.status).toBe(201)
  expect(r.body.status).toBe('paid')
  return r.body.id as string
}

async function pdf(path: string, token: string) {
  const response = await fetch(`${system().gatewayUrl}/api${path}`, { headers: { authorization: `Bearer ${token}`, 'accept-language': 'en' } })
  expect(response.headers.get('content-type')).toStartWith('application/pdf')
  return (await pdfPages(new Uint8Array(await response.arrayBuffer()))).join('\n')
}

const notificationOf = (token: string, orderId: string, type: string) =>
  eventually(`the ${type} notification`, async () =>
    ((await api('/notifications', { token })).body.items as Array<{ type: string; title: string; body: string; data: { orderId?: string } }>).find((n) => n.type === type && n.data.orderId === orderId),
  )

describe('languages', () => {
  test('an order placed in German is confirmed, documented and refunded in German', async () => {
    const { admin, title, eventId, typeId } = await saleable()
    const buyer = await registerUser('deutsch')
    // Swiss German first, English as a fallback: German (the region is not ours to keep apart).
    const orderId = await buy(buyer, eventId, typeId, 'de-CH, en;q=0.5')

    const mail = decodeMime((await mailTo(buyer.user.email)).data)
    expect(mail).toContain(`Ihre Tickets für ${title}`)
    expect(mail).toContain('Vielen Dank! Ihre Bestellung ist bestätigt: 2 Tickets.')
    expect(mail).toMatch(/Gesamt\s+40,00\s€/)
    expect(mail).toContain('<html lang="de">')
    expect(mail).not.toContain('Your tickets')

    const told = await notificationOf(buyer.token, orderId, 'order-paid')
    expect(told.title).toBe(`Ihre Tickets für ${title}`)
    expect(told.body).toMatch(/40,00\s€/)

    // The order's documents speak the order's language, whatever the download asks in.
    const tickets = await pdf(`/orders/${orderId}/tickets/pdf`, buyer.token)
    expect(tickets).toContain('EasyPass-E-Ticket · 1 von 2')
    const receipt = await pdf(`/orders/${orderId}/receipt`, buyer.token)
    expect(receipt).toContain('Quittung')
    expect(receipt).toMatch(/Bezahlt am/)

    // The organiser writes to the event's ticket holders: the frame of the message speaks the order's language, the message as written.
    const sent = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { subject: 'Doors at 19:00', body: 'Bring your ticket.' } })
    expect(sent.status).toBe(202)
    const note = decodeMime((await mailTo(buyer.user.email, 1)).data)
    expect(note).toContain(`hat an alle mit einem Ticket für ${title} geschrieben:`)
    expect(note).toContain('Bring your ticket.')

    const refund = await api(`/orders/${orderId}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { reason: 'refunded by an admin' } })
    expect(refund.status).toBe(200)
    const refundMail = decodeMime((await mailTo(buyer.user.email, 2)).data)
    expect(refundMail).toContain('Ihre Bestellung wurde erstattet')
    expect(refundMail).toMatch(/Wir haben 40,00\s€ für Ihre Bestellung/)
    // The receipt says so, with the reason the web app sends said in German, to its last word (a German line is longer).
    const refunded = await eventually('the refund on the receipt', async () => {
      const text = await pdf(`/orders/${orderId}/receipt`, buyer.token)
      return text.includes('auf dieselbe Karte') && text
    })
    expect(refunded).toMatch(/\(von einem Administrator erstattet\)/)
    expect(refunded).toMatch(/Die Tickets sind nicht mehr\s+gültig\./)
  }, 60_000)

  test('a ticket offered in French reaches its recipient in French; the sender hears of its acceptance in French', async () => {
    const { eventId, typeId } = await saleable()
    const sender = await registerUser('francais')
    const recipient = await registerUser('recipient')
    const orderId = await buy(sender, eventId, typeId, 'fr-FR,fr;q=0.9')
    await mailTo(sender.user.email)
    const ticketId = ((await api(`/orders/${orderId}/tickets`, { token: sender.token })).body as Array<{ id: string }>)[0]!.id
    const offer = await api(`/tickets/${ticketId}/transfer`, { token: sender.token, headers: { 'accept-language': 'fr' }, body: { email: recipient.user.email } })
    expect(offer.status).toBe(201)
    const offered = decodeMime((await mailTo(recipient.user.email)).data)
    expect(offered).toContain('<html lang="fr">')
    expect(offered).toContain('Accepter le billet')
    expect(offered).not.toContain('Accept the ticket')
    // Accepted by someone whose app speaks English: the sender is still told in the offer's language.
    const link = /\/transfer#id=([0-9a-f]{24})&token=([A-Za-z0-9_-]+)/.exec(offered)
    expect(link).not.toBeNull()
    const accepted = await api(`/ticket-transfers/${link![1]}/accept`, { token: recipient.token, headers: { 'accept-language': 'en' }, body: { token: link![2] } })
    expect(accepted.status).toBe(200)
    const told = await eventually('the sender told', async () => ((await api('/notifications', { token: sender.token })).body.items as Array<{ type: string; title: string }>).find((n) => n.type === 'ticket-transferred'))
    expect(told.title).toMatch(/^Votre billet pour .* a été accepté$/)
  }, 60_000)

  test('no language we speak: English, as before', async () => {
    const { title, eventId, typeId } = await saleable()
    const none = await registerUser('nolanguage')
    const japanese = await registerUser('japanese')
    const first = await buy(none, eventId, typeId)
    const second = await buy(japanese, eventId, typeId, 'ja-JP, ja;q=0.9')
    for (const [buyer, orderId] of [[none, first], [japanese, second]] as const) {
      const mail = decodeMime((await mailTo(buyer.user.email)).data)
      expect(mail).toContain(`Your tickets for ${title}`)
      expect(mail).toContain('Thank you! Your order is confirmed: 2 tickets.')
      expect((await notificationOf(buyer.token, orderId, 'order-paid')).title).toBe(`Your tickets for ${title}`)
    }
  }, 60_000)
})
