// Passing a ticket on: its holder offers it to an email address, which gets a link; whoever accepts
// it (signed in) holds it from then on, with a new code, and the old code is refused at the door. The
// links come from the real email notifications sends (a test SMTP server receives it).
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, uniqueEmail, type Session, TEST_CARD } from '../support/api'
import { pdfPages } from '../support/pdf'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'

const card = TEST_CARD

type Ticket = { id: string; code?: string; status: string; transferOffer?: { id: string; toEmail: string }; eventTitle?: string; attendeeName?: string }

async function paidOrder(buyer: Session, quantity: number, title = `Passed on ${Math.random().toString(36).slice(2, 6)}`) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title, timeZone: 'Europe/Helsinki' }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Balcony', priceCents: 3000, currency: 'EUR', capacity: 30, maxPerOrder: 25 } })
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity }], payment: { card } } })
  expect(order.status).toBe(201)
  const tickets = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Ticket[]
  expect(tickets).toHaveLength(quantity)
  return { orderId: order.body.id as string, eventId: event.body.id as string, title, tickets }
}

const offer = (session: Session, ticketId: string, email: string) => api(`/tickets/${ticketId}/transfer`, { token: session.token, body: { email } })
const accept = (session: Session, id: string, token: string) => api(`/ticket-transfers/${id}/accept`, { token: session.token, body: { token } })
const orderTickets = async (session: Session, orderId: string) => (await api(`/orders/${orderId}/tickets`, { token: session.token })).body as Ticket[]

describe('passing a ticket on', () => {
  const smtp = mailingThroughTestSmtp('notifications')

  /** The offer's link from the email to `address` (waits for it). */
  async function linkTo(address: string) {
    const mail = await eventually(`the offer emailed to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 20_000, 100)
    const text = decodeMime(mail.data)
    const link = /(http:\/\/\S+)\/transfer#id=([0-9a-f]{24})&token=([A-Za-z0-9_-]+)/.exec(text)
    expect(link).not.toBeNull()
    return { text, id: link![2]!, token: link![3]! }
  }

  test('the recipient accepts the emailed link: a new code opens the door, the old one is refused, and the buyer sees it passed on', async () => {
    const buyer = await registerUser('giver')
    const friend = await registerUser('friend')
    const { orderId, eventId, title, tickets } = await paidOrder(buyer, 2)
    const [given, kept] = tickets
    const named = await api(`/orders/${orderId}/tickets/${given!.id}`, { method: 'PATCH', token: buyer.token, body: { attendeeName: 'Someone Else' } })
    expect(named.status).toBe(200)

    const offered = await offer(buyer, given!.id, friend.user.email)
    expect(offered.status).toBe(201)
    expect(offered.body).toMatchObject({ ticketId: given!.id, eventId, eventTitle: title, eventTimeZone: 'Europe/Helsinki', ticketTypeName: 'Balcony', toEmail: friend.user.email, status: 'pending' })
    // Still the buyer's, and valid, until it is accepted; the order shows the offer.
    const pending = await orderTickets(buyer, orderId)
    expect(pending[0]).toMatchObject({ status: 'valid', code: given!.code, transferOffer: { id: offered.body.id, toEmail: friend.user.email } })
    expect(pending[1]!.transferOffer).toBeUndefined()

    const mail = await linkTo(friend.user.email)
    expect(mail.id).toBe(offered.body.id)
    expect(mail.text).toContain(`The EasyPass account ${buyer.user.email} sent you a Balcony ticket for ${title}`)
    // The offer as its link shows it: what and until when, never to whom.
    const seen = await api(`/ticket-transfers/${mail.id}`, { token: friend.token })
    expect(seen.status).toBe(200)
    expect(seen.body).toMatchObject({ id: mail.id, eventTitle: title, eventTimeZone: 'Europe/Helsinki', status: 'pending' })
    expect(seen.body.toEmail).toBeUndefined()

    const forged = await accept(friend, mail.id, `${mail.token.slice(0, -2)}xx`)
    expect(forged.status).toBe(404)
    expect(errorCode(forged)).toBe('NOT_FOUND')
    const taken = await accept(friend, mail.id, mail.token)
    expect(taken.status).toBe(200)
    expect(taken.body).toMatchObject({ id: given!.id, status: 'valid', eventId, eventTitle: title })
    expect(taken.body.code).toMatch(/^[A-Z2-7]{26}$/)
    expect(taken.body.code).not.toBe(given!.code)
    // The sender's name for whoever was to use it is gone.
    expect(taken.body.attendeeName).toBeUndefined()
    // Accepting again answers the same; anyone else is too late.
    const again = await accept(friend, mail.id, mail.token)
    expect(again.status).toBe(200)
    expect(again.body.code).toBe(taken.body.code)
    const late = await registerUser('late')
    const tooLate = await accept(late, mail.id, mail.token)
    expect(tooLate.status).toBe(409)

    // The buyer's order: that ticket passed on (no code), the other as it was.
    const after = await orderTickets(buyer, orderId)
    expect(after[0]).toMatchObject({ id: given!.id, status: 'transferred' })
    expect(after[0]!.code).toBeUndefined()
    expect(after[1]).toMatchObject({ id: kept!.id, status: 'valid', code: kept!.code })
    expect((await api(`/tickets/${given!.id}`, { token: buyer.token })).status).toBe(404)
    expect((await offer(buyer, given!.id, uniqueEmail('again'))).status).toBe(404)
    const rename = await api(`/orders/${orderId}/tickets/${given!.id}`, { method: 'PATCH', token: buyer.token, body: { attendeeName: 'Not Mine' } })
    expect(rename.status).toBe(409)

    // The friend's tickets: this one, with its event; they name it.
    const received = (await api('/tickets', { token: friend.token })).body as Ticket[]
    expect(received.map((t) => t.id)).toEqual([given!.id])
    // With the event's zone, for its start on the venue's clock.
    expect(received[0]).toMatchObject({ code: taken.body.code, eventTitle: title, eventTimeZone: 'Europe/Helsinki', status: 'valid' })
    const renamed = await api(`/tickets/${given!.id}`, { method: 'PATCH', token: friend.token, body: { attendeeName: 'Fran Friend' } })
    expect(renamed.status).toBe(200)
    expect(renamed.body.attendeeName).toBe('Fran Friend')
    expect((await api('/tickets', { token: buyer.token })).body).toEqual([])
    // The organiser's attendee list: who holds it now, under the name they gave, with the code that admits them.
    const admin = await loginAdmin()
    const attendees = (await api(`/events/${eventId}/attendees`, { token: admin.token })).body.items
    expect(attendees).toEqual([
      expect.objectContaining({ ticketId: given!.id, passedOn: true, holderEmail: friend.user.email, buyerEmail: buyer.user.email, attendeeName: 'Fran Friend', code: taken.body.code, status: 'valid' }),
      expect.objectContaining({ ticketId: kept!.id, passedOn: false, holderEmail: buyer.user.email, code: kept!.code }),
    ])

    // Printable: the friend's page carries the new code; the buyer's order PDF only the ticket they kept.
    const pdf = async (path: string, session: Session) => {
      const response = await fetch(`${system().gatewayUrl}/api${path}`, { headers: { authorization: `Bearer ${session.token}` } })
      expect(response.status).toBe(200)
      return pdfPages(new Uint8Array(await response.arrayBuffer()))
    }
    const friendsPages = await pdf(`/tickets/${given!.id}/pdf`, friend)
    expect(friendsPages).toHaveLength(1)
    expect(friendsPages[0]).toContain(taken.body.code)
    expect(friendsPages[0]).toContain('Fran Friend')
    const buyersPages = await pdf(`/orders/${orderId}/tickets/pdf`, buyer)
    expect(buyersPages).toHaveLength(1)
    expect(buyersPages[0]).toContain(kept!.code!)
    expect(buyersPages[0]).not.toContain(given!.code!)

    // The buyer is told, and can no longer refund the order alone (an admin decides).
    await eventually('the buyer told of the hand-over', async () => {
      const feed = await api('/notifications', { token: buyer.token })
      return (feed.body.items as Array<{ type: string; data: { ticketId?: string } }>).find((n) => n.type === 'ticket-transferred' && n.data.ticketId === given!.id)
    }, 20_000)
    const refund = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refund.status).toBe(403)
    expect(refund.body.error.message).toContain('passed on')

    // The door: the old code is void, the new one admits with the new holder's name.
    const old = await api('/checkins', { token: admin.token, body: { code: given!.code } })
    expect(old.status).toBe(410)
    expect(old.body.error.message).toContain('passed on')
    const door = await api('/checkins', { token: admin.token, body: { code: taken.body.code } })
    expect(door.status).toBe(200)
    expect(door.body.ticket).toMatchObject({ id: given!.id, status: 'checked_in', attendeeName: 'Fran Friend' })

    // An admin refunds the order after all: the friend's ticket is refunded with it, and the friend is told.
    const refunded = await api(`/orders/${orderId}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { reason: 'double booking' } })
    expect(refunded.status).toBe(200)
    expect(((await api('/tickets', { token: friend.token })).body as Ticket[])[0]).toMatchObject({ id: given!.id, status: 'refunded' })
    // The buyer's view of the refunded order still shows nothing of the friend's copy.
    const refundedView = (await orderTickets(buyer, orderId))[0]!
    expect(refundedView).toMatchObject({ id: given!.id, status: 'refunded' })
    expect(refundedView.code).toBeUndefined()
    expect(refundedView.attendeeName).toBeUndefined()
    await eventually('the friend told of the refund', async () => {
      const feed = await api('/notifications', { token: friend.token })
      return (feed.body.items as Array<{ type: string; data: { ticketId?: string } }>).find((n) => n.type === 'ticket-refunded' && n.data.ticketId === given!.id)
    }, 20_000)
    const told = await eventually('the refund emailed to the friend', async () => smtp.received.find((m) => m.to.includes(friend.user.email) && decodeMime(m.data).includes('is no longer valid')), 20_000, 100)
    expect(decodeMime(told.data)).toContain(`Your ticket for ${title} is no longer valid`)
  })

  test('who may offer, to whom, how often; a taken-back or refunded offer cannot be accepted', async () => {
    const buyer = await registerUser('offerer')
    const stranger = await registerUser('not-holder')
    const friend = await registerUser('maybe-friend')
    const { orderId, tickets } = await paidOrder(buyer, 4)
    const [a, b, c, d] = tickets

    // Only the holder; not to themselves; a real address; nothing more than the address.
    expect((await offer(stranger, a!.id, friend.user.email)).status).toBe(404)
    const self = await offer(buyer, a!.id, buyer.user.email.toUpperCase())
    expect(self.status).toBe(400)
    expect(errorCode(self)).toBe('VALIDATION')
    expect((await offer(buyer, a!.id, 'not an address')).status).toBe(400)
    const extra = await api(`/tickets/${a!.id}/transfer`, { token: buyer.token, body: { email: friend.user.email, priceCents: 0 } })
    expect(extra.status).toBe(400)
    expect((await api(`/tickets/${a!.id}/transfer`, { body: { email: friend.user.email } })).status).toBe(401)
    expect((await offer(buyer, 'nonsense', friend.user.email)).status).toBe(400)
    // Nothing was offered by any of those.
    expect((await orderTickets(buyer, orderId))[0]!.transferOffer).toBeUndefined()

    // One offer per ticket a minute (each is an email).
    const first = await offer(buyer, a!.id, friend.user.email)
    expect(first.status).toBe(201)
    const soon = await offer(buyer, a!.id, uniqueEmail('other'))
    expect(soon.status).toBe(429)
    expect(Number(soon.headers.get('retry-after'))).toBeGreaterThan(0)

    // Taken back: the link no longer works, the ticket stays the buyer's.
    const link = await linkTo(friend.user.email)
    expect((await api(`/tickets/${a!.id}/transfer`, { method: 'DELETE', token: stranger.token })).status).toBe(404)
    expect((await api(`/tickets/${a!.id}/transfer`, { method: 'DELETE', token: buyer.token })).status).toBe(204)
    expect((await api(`/tickets/${a!.id}/transfer`, { method: 'DELETE', token: buyer.token })).status).toBe(404)
    const cancelled = await accept(friend, link.id, link.token)
    expect(cancelled.status).toBe(409)
    expect(cancelled.body.error.message).toContain('took this offer back')
    expect((await orderTickets(buyer, orderId))[0]).toMatchObject({ status: 'valid', code: a!.code })

    // A ticket used at the door cannot change hands, nor can one whose offer came before the door.
    const admin = await loginAdmin()
    const offeredB = await offer(buyer, b!.id, uniqueEmail('b'))
    expect(offeredB.status).toBe(201)
    expect((await api('/checkins', { token: admin.token, body: { code: c!.code } })).status).toBe(200)
    expect((await offer(buyer, c!.id, uniqueEmail('c'))).status).toBe(409)
    expect((await api('/checkins', { token: admin.token, body: { code: b!.code } })).status).toBe(200)
    const recipientB = await registerUser('b-recipient')
    const linkB = await linkTo(offeredB.body.toEmail)
    const usedFirst = await accept(recipientB, linkB.id, linkB.token)
    expect(usedFirst.status).toBe(409)
    expect(usedFirst.body.error.message).toContain('used at the door')

    // Refunded (by an admin): the pending offer of the last ticket cannot be accepted any more.
    const offeredD = await offer(buyer, d!.id, uniqueEmail('d'))
    expect(offeredD.status).toBe(201)
    const linkD = await linkTo(offeredD.body.toEmail)
    const refund = await api(`/orders/${orderId}/refund`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect([200, 202]).toContain(refund.status)
    const afterRefund = await accept(recipientB, linkD.id, linkD.token)
    expect(afterRefund.status).toBe(409)
    expect(afterRefund.body.error.message).toContain('refunded')
    expect((await api('/tickets', { token: recipientB.token })).body).toEqual([])
  })

  test('an order whose every ticket was passed on has nothing left to email or print; offers are limited per sender and per address', async () => {
    const buyer = await registerUser('all-given')
    const friend = await registerUser('all-taken')
    const { orderId, tickets } = await paidOrder(buyer, 1)
    const offered = await offer(buyer, tickets[0]!.id, friend.user.email)
    const link = await linkTo(friend.user.email)
    expect((await accept(friend, link.id, link.token)).status).toBe(200)
    const resend = await api(`/orders/${orderId}/tickets/email`, { method: 'POST', token: buyer.token })
    expect(resend.status).toBe(409)
    expect(resend.body.error.message).toContain('passed on')
    const printed = await fetch(`${system().gatewayUrl}/api/orders/${orderId}/tickets/pdf`, { headers: { authorization: `Bearer ${buyer.token}` } })
    expect(printed.status).toBe(409)
    expect(offered.status).toBe(201)

    // 20 offers an hour per sender: the 21st is refused (and sends nothing), on any ticket.
    const sender = await registerUser('many-offers')
    const many = (await paidOrder(sender, 21)).tickets
    const answers = []
    for (const t of many) answers.push((await offer(sender, t.id, uniqueEmail('many'))).status)
    expect(answers.filter((s) => s === 201)).toHaveLength(20)
    expect(answers[20]).toBe(429)
    // ... and per recipient address, whoever sends.
    const target = uniqueEmail('popular')
    const senders = await Promise.all(Array.from({ length: 3 }, (_, i) => registerUser(`to-one-${i}`)))
    const toOne: number[] = []
    for (const s of senders) for (const t of (await paidOrder(s, 7)).tickets) toOne.push((await offer(s, t.id, target)).status)
    expect(toOne.filter((s) => s === 201)).toHaveLength(20)
    expect(toOne[20]).toBe(429)
  }, 60_000)

  test('two people racing for one link: exactly one gets the ticket; a scan racing the hand-over admits at most one code', async () => {
    const buyer = await registerUser('racer')
    const { orderId, tickets } = await paidOrder(buyer, 3)
    const admin = await loginAdmin()
    for (const ticket of tickets) {
      const to = uniqueEmail('race')
      expect((await offer(buyer, ticket.id, to)).status).toBe(201)
      const link = await linkTo(to)
      const [one, two] = [await registerUser('race-a'), await registerUser('race-b')]
      const [ra, rb, door] = await Promise.all([accept(one, link.id, link.token), accept(two, link.id, link.token), api('/checkins', { token: admin.token, body: { code: ticket.code } })])
      const accepted = [ra, rb].filter((r) => r.status === 200)
      // The door admitted the old code, or it was handed over (once) and the old code refused.
      if (door.status === 200) {
        expect(accepted).toHaveLength(0)
        expect([ra.status, rb.status]).toEqual([409, 409])
      } else {
        expect(door.status).toBe(410)
        expect(accepted).toHaveLength(1)
        expect([ra, rb].filter((r) => r.status === 409)).toHaveLength(1)
        const holder = ra.status === 200 ? one : two
        expect(((await api('/tickets', { token: holder.token })).body as Ticket[]).map((t) => t.id)).toEqual([ticket.id])
      }
    }
    // Whatever happened, the order's tickets add up: each either admitted with its first code or passed on.
    const after = await orderTickets(buyer, orderId)
    for (const t of after) expect(['checked_in', 'transferred']).toContain(t.status)
  })
})
