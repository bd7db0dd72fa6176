// Messages to ticket holders: an admin writes to everyone holding a ticket of an event (its buyer, or
// whoever it was passed on to, each account once); each gets a notification and an email (a test SMTP
// server receives what notifications sends). Nobody refunded or merely holding seats is told.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import mongoose from 'mongoose'

const buy = (buyer: Session, eventId: string, ticketTypeId: string, quantity: number, pay = true) =>
  api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId, quantity }], ...(pay ? { payment: { card: TEST_CARD } } : {}) } })

describe('messages to ticket holders', () => {
  const smtp = mailingThroughTestSmtp('notifications')
  const mailTo = (address: string) => eventually(`the email to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 20_000, 100)

  test('every holder once, the one it was passed on to too; refunded and unpaid buyers not; the same request twice tells nobody twice', async () => {
    const admin = await loginAdmin()
    const title = `Message night ${Math.random().toString(36).slice(2, 6)}`
    const eventId = (await api('/events', { token: admin.token, body: futureEvent({ title, organizer: 'Helsinki Jazz Society', status: 'published' }) })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 20, maxPerOrder: 5 } })).body.id as string
    const [ada, friend, bob, cy] = await Promise.all(['msg-ada', 'msg-friend', 'msg-bob', 'msg-cy'].map((tag) => registerUser(tag)))
    // Ada buys two tickets and passes one on to her friend.
    const adaOrder = await buy(ada!, eventId, typeId, 2)
    expect(adaOrder.status).toBe(201)
    const given = (await api(`/orders/${adaOrder.body.id}/tickets`, { token: ada!.token })).body[0].id as string
    expect((await api(`/tickets/${given}/transfer`, { token: ada!.token, body: { email: friend!.user.email } })).status).toBe(201)
    const offer = decodeMime((await mailTo(friend!.user.email)).data)
    const link = /\/transfer#id=([0-9a-f]{24})&token=([A-Za-z0-9_-]+)/.exec(offer)!
    expect((await api(`/ticket-transfers/${link[1]}/accept`, { token: friend!.token, body: { token: link[2] } })).status).toBe(200)
    // Bob bought and was refunded; Cy holds seats without paying.
    const bobOrder = await buy(bob!, eventId, typeId, 1)
    expect((await api(`/orders/${bobOrder.body.id}/refund`, { token: bob!.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    expect((await buy(cy!, eventId, typeId, 1, false)).body.status).toBe('reserved')

    const key = crypto.randomUUID()
    const message = { subject: 'Doors open at 20:00', body: 'The support act is delayed.\n\nDoors open an hour later; your tickets stay valid. <b>Bring this email</b>' }
    const sent = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': key }, body: message })
    expect(sent.status).toBe(202)
    expect(sent.body).toMatchObject({ eventId, ...message, recipients: 2, sentBy: admin.user.email })
    // Sent again (its answer lost): the same message; another message under that key is refused.
    const again = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': key }, body: message })
    expect(again.status).toBe(202)
    expect(again.body.id).toBe(sent.body.id)
    const other = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': key }, body: { ...message, subject: 'Something else' } })
    expect(other.status).toBe(409)
    expect(errorCode(other)).toBe('CONFLICT')
    const listed = await eventually('the message recorded for every holder', async () => {
      const r = await api(`/events/${eventId}/messages`, { token: admin.token })
      return r.body.items[0]?.status === 'sent' && r.body
    })
    expect(listed.items.map((m: { id: string }) => m.id)).toEqual([sent.body.id])

    // Each holder: a notification, and one email, with the organiser's words.
    for (const holder of [ada!, friend!]) {
      const told = await eventually(`the notification of ${holder.user.email}`, async () =>
        ((await api('/notifications', { token: holder.token })).body.items as Array<{ type: string; title: string; body: string; data: Record<string, string> }>).find((n) => n.type === 'event-message'),
      )
      expect(told).toMatchObject({ title: message.subject, body: message.body, data: { eventId, eventTitle: title, organizer: 'Helsinki Jazz Society' } })
      const text = decodeMime((await eventually(`the message emailed to ${holder.user.email}`, async () => smtp.received.find((m) => m.to.includes(holder.user.email) && decodeMime(m.data).includes('Doors open at 20:00')), 20_000, 100)).data)
      expect(text).toContain(`Helsinki Jazz Society wrote to everyone with a ticket for ${title}`)
      expect(text).toContain('Doors open an hour later; your tickets stay valid.')
      // The organiser's text is text: escaped in the HTML part, never markup.
      expect(text).toContain('&lt;b&gt;Bring this email&lt;/b&gt;')
      expect(text).not.toContain('<b>Bring this email</b></p>')
    }
    // Nobody else: not the refunded buyer, not the one holding unpaid seats; and nobody twice.
    await Bun.sleep(1_000)
    const messagesTo = (address: string) => smtp.received.filter((m) => m.to.includes(address) && decodeMime(m.data).includes('Doors open at 20:00')).length
    expect([messagesTo(ada!.user.email), messagesTo(friend!.user.email), messagesTo(bob!.user.email), messagesTo(cy!.user.email)]).toEqual([1, 1, 0, 0])
    for (const other of [bob!, cy!]) expect(((await api('/notifications', { token: other.token })).body.items as Array<{ type: string }>).some((n) => n.type === 'event-message')).toBe(false)

    // Sent: the message keeps who was told, not their addresses or languages.
    const orders = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_orders` }).asPromise()
    try {
      const stored = await orders.collection('event_messages').findOne({ _id: sent.body.id } as never)
      expect(stored?.state).toBe('sent')
      expect(stored?.holders).toEqual(expect.arrayContaining([{ userId: ada!.user.id }, { userId: friend!.user.id }]))
      expect(stored?.holders).toHaveLength(2)
      expect(stored?.addressesRemovedAt).toBeInstanceOf(Date)
    } finally {
      await orders.close()
    }
  })

  test('two guest checkouts with one address are two holders and one inbox: one message', async () => {
    const admin = await loginAdmin()
    const eventId = (await api('/events', { token: admin.token, body: futureEvent() })).body.id as string
    const typeId = (await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 20 } })).body.id as string
    const address = `twice-${crypto.randomUUID().slice(0, 8)}@example.test`
    for (const name of ['Ada', 'Ada again']) {
      const guest = await api('/auth/guest', { body: { email: address, name } })
      expect(guest.status).toBe(201)
      expect((await buy({ token: guest.body.accessToken, refreshToken: guest.body.refreshToken, user: guest.body.user }, eventId, typeId, 1)).body.status).toBe('paid')
    }
    const sent = await api(`/events/${eventId}/messages`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { subject: 'Once each', body: 'One inbox, one message.' } })
    expect(sent.status).toBe(202)
    expect(sent.body.recipients).toBe(1)
    await eventually('the message emailed', async () => smtp.received.some((m) => m.to.includes(address) && decodeMime(m.data).includes('One inbox, one message.')), 20_000, 100)
  })

  test('admins only; bad messages are 400, an unknown event 404; at most 10 a day per event', async () => {
    const admin = await loginAdmin()
    const customer = await registerUser('msg-peek')
    const eventId = (await api('/events', { token: admin.token, body: futureEvent() })).body.id as string
    const ok = { subject: 'Hello', body: 'A word to everyone.' }
    const asCustomer = await api(`/events/${eventId}/messages`, { token: customer.token, body: ok })
    expect(asCustomer.status).toBe(403)
    expect((await api(`/events/${eventId}/messages`, { token: customer.token })).status).toBe(403)
    const post = (body: unknown, key: string | null = crypto.randomUUID()) => api(`/events/${eventId}/messages`, { token: admin.token, body, headers: key ? { 'idempotency-key': key } : {} })
    for (const body of [
      {},
      { ...ok, subject: '' },
      { ...ok, subject: '   ' },
      { ...ok, body: 'x'.repeat(2001) },
      { ...ok, subject: 'x'.repeat(151) },
      { ...ok, to: 'everyone@example.test' },
      // A subject is one header line: no line breaks (no "Bcc:" smuggled in), no text turned around.
      { ...ok, subject: 'Hello\r\nBcc: everyone@example.test' },
      { ...ok, subject: 'Hello \u202Edlrow' },
      { ...ok, body: 'A bell \u0007' },
    ]) {
      const r = await post(body)
      expect([JSON.stringify(body).slice(0, 40), r.status]).toEqual([JSON.stringify(body).slice(0, 40), 400])
      expect(errorCode(r)).toBe('VALIDATION')
    }
    // Without a key a lost answer would tell everyone twice: refused.
    const keyless = await post(ok, null)
    expect(keyless.status).toBe(400)
    expect(errorCode(keyless)).toBe('VALIDATION')
    expect((await api(`/events/${'f'.repeat(24)}/messages`, { token: admin.token, body: ok, headers: { 'idempotency-key': crypto.randomUUID() } })).status).toBe(404)
    // An event nobody holds tickets of: sent to nobody, and counted all the same (ten at once: never more).
    const tens = await Promise.all(Array.from({ length: 12 }, (_, i) => post({ ...ok, subject: `Hello ${i}` })))
    expect(tens.filter((r) => r.status === 202)).toHaveLength(10)
    expect(tens.filter((r) => r.status === 429)).toHaveLength(2)
    for (const r of tens.filter((x) => x.status === 202)) expect(r.body).toMatchObject({ recipients: 0, status: 'sent' })
    const eleventh = await post(ok)
    expect(eleventh.status).toBe(429)
    expect(errorCode(eleventh)).toBe('RATE_LIMITED')
    expect((await api(`/events/${eventId}/messages`, { token: admin.token })).body.items).toHaveLength(10)
  })
})
