// The organiser's own words in an event's confirmation email: set by admins per language (checked, never
// public), previewed before they are saved, and what buyers then get, each in their own language (a
// language without its own words keeps EasyPass's). New dates of the event copy them.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'

const smtp = mailingThroughTestSmtp('notifications')
const mailTo = (address: string) => eventually(`the email to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 20_000, 100)
/** The Subject header as sent (ASCII here, so not encoded). */
const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(raw)?.[1]?.trim()

const TEXTS = {
  replyTo: 'box-office@klubi.example',
  confirmation: {
    subject: { en: '  ', de: '{event}: Ihre {tickets} Tickets' },
    body: { en: 'Welcome, friend of {organizer}!\nYour order {order} came to {total}.', de: 'Servus! {tickets} Tickets, {total}. <b>Bis bald</b>' },
  },
}

async function buy(buyer: Session, eventId: string, typeId: string, language: string) {
  const r = await api('/orders', {
    token: buyer.token,
    headers: { 'idempotency-key': crypto.randomUUID(), 'accept-language': language },
    body: { eventId, items: [{ ticketTypeId: typeId, quantity: 2 }], payment: { card: TEST_CARD } },
  })
  expect(r.status).toBe(201)
  return r.body.id as string
}

describe("the organiser's words in the confirmation email", () => {
  test('set per language and checked; admins only; never part of the public event; copied to new dates', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ organizer: 'Klubi Oy', status: 'published' }) })
    const id = event.body.id as string
    const none = await api(`/events/${id}/emails`, { token: admin.token })
    expect(none.status).toBe(200)
    expect(none.body.confirmation).toEqual({ subject: {}, body: {} })
    expect(Object.keys(none.body.placeholders)).toEqual(['event', 'date', 'venue', 'organizer', 'order', 'tickets', 'total'])

    const set = await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body: TEXTS })
    expect(set.status).toBe(200)
    // Trimmed; a blank one is left out (that language keeps ours).
    expect(set.body.confirmation).toEqual({ subject: { de: TEXTS.confirmation.subject.de }, body: TEXTS.confirmation.body })
    expect(set.body.replyTo).toBe(TEXTS.replyTo)

    // Refused, naming the text, and nothing changes.
    const bad = [
      { confirmation: { body: { fr: 'Bonjour {name}' } } },
      { confirmation: { subject: { en: 'Two\nlines' } } },
      { confirmation: { subject: { it: 'Biglietti' } } },
      { confirmation: { body: { en: 'x'.repeat(2001) } } },
      { confirmation: {}, extra: true },
      { confirmation: {}, replyTo: 'not an address' },
      { confirmation: {}, replyTo: 'a@b.example\r\nBcc: x@example.com' },
    ]
    for (const body of bad) {
      const r = await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    const unknown = await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body: bad[0] })
    expect(unknown.body.error.details.fields).toEqual([{ path: 'confirmation.body.fr', message: expect.stringContaining('{name} is not a placeholder') }])
    const buyer = await registerUser('emails-nosy')
    expect((await api(`/events/${id}/emails`, { token: buyer.token })).status).toBe(403)
    expect((await api(`/events/${id}/emails`, { method: 'PUT', token: buyer.token, body: TEXTS })).status).toBe(403)
    expect((await api(`/events/${id}/emails`)).status).toBe(401)
    expect((await api('/events/0123456789abcdef01234567/emails', { token: admin.token })).status).toBe(404)
    expect((await api(`/events/${id}/emails`, { token: admin.token })).body.confirmation).toEqual(set.body.confirmation)
    const pub = await api(`/events/${id}`)
    expect(JSON.stringify(pub.body)).not.toContain('Servus')

    const dates = await api(`/events/${id}/dates`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { startsAt: [new Date(Date.parse(event.body.startsAt) + 7 * 86_400_000).toISOString()] } })
    expect(dates.status).toBe(201)
    const copied = await api(`/events/${dates.body.items[0].id}/emails`, { token: admin.token })
    expect(copied.body.confirmation).toEqual(set.body.confirmation)
    expect(copied.body.replyTo).toBe(TEXTS.replyTo)

    // Cleared: every language back to ours, and no reply-to address.
    const cleared = await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body: { confirmation: {} } })
    expect(cleared.body.confirmation).toEqual({ subject: {}, body: {} })
    expect(cleared.body.replyTo).toBeUndefined()
  })

  test('a preview shows the email as sent, with the saved words or words not saved yet; it sends nothing', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ organizer: 'Klubi Oy' }) })
    const id = event.body.id as string
    await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body: TEXTS })
    const before = smtp.received.length

    const saved = await api(`/events/${id}/emails/preview`, { token: admin.token, body: { language: 'de' } })
    expect(saved.status).toBe(200)
    expect(saved.body.subject).toBe(`${event.body.title}: Ihre 2 Tickets`)
    expect(saved.body.text).toContain('Servus! 2 Tickets, 50,00\u00a0€. <b>Bis bald</b>')
    expect(saved.body.html).toContain('&lt;b&gt;Bis bald&lt;/b&gt;')
    expect(saved.body.html).toContain('<html lang="de">')

    const draft = await api(`/events/${id}/emails/preview`, { token: admin.token, body: { language: 'fr', subject: 'Billets : {event}', body: 'Bonjour de la part de {organizer} !' } })
    expect(draft.body.subject).toBe(`Billets : ${event.body.title}`)
    expect(draft.body.text).toContain('Bonjour de la part de Klubi Oy !')
    const ours = await api(`/events/${id}/emails/preview`, { token: admin.token, body: { language: 'de', subject: '', body: ' ' } })
    expect(ours.body.subject).toBe(`Ihre Tickets für ${event.body.title}`)
    expect(ours.body.text).toContain('Ihre Bestellung ist bestätigt: 2 Tickets.')

    const bad = await api(`/events/${id}/emails/preview`, { token: admin.token, body: { language: 'en', body: 'Hi {firstName}' } })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.fields[0].path).toBe('body')
    expect((await api(`/events/${id}/emails/preview`, { token: admin.token, body: { language: 'it' } })).status).toBe(400)
    expect((await api('/events/0123456789abcdef01234567/emails/preview', { token: admin.token, body: { language: 'en' } })).status).toBe(404)
    const buyer = await registerUser('emails-preview')
    expect((await api(`/events/${id}/emails/preview`, { token: buyer.token, body: { language: 'en' } })).status).toBe(403)
    await Bun.sleep(300)
    expect(smtp.received.length).toBe(before)
  })

  test("buyers get the organiser's words in their language, and ours in a language without them", async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ organizer: 'Klubi Oy', status: 'published' }) })
    const id = event.body.id as string
    const type = await api(`/events/${id}/ticket-types`, { token: admin.token, body: { name: 'Hall', priceCents: 1500, currency: 'EUR', capacity: 20 } })
    expect((await api(`/events/${id}/emails`, { method: 'PUT', token: admin.token, body: TEXTS })).status).toBe(200)

    const [de, en, fr] = await Promise.all(['de', 'en', 'fr'].map((lang) => registerUser(`emails-${lang}`)))
    await buy(de!, id, type.body.id, 'de-AT')
    const enOrder = await buy(en!, id, type.body.id, 'en-GB')
    await buy(fr!, id, type.body.id, 'fr')

    const deMail = await mailTo(de!.user.email)
    expect(subjectOf(deMail.data)).toBe(`${event.body.title}: Ihre 2 Tickets`)
    // Replies go to the organiser.
    expect(deMail.data).toMatch(/^Reply-To: box-office@klubi\.example\r?$/m)
    const deText = decodeMime(deMail.data)
    expect(deText).toContain('Servus! 2 Tickets, 30,00\u00a0€.')
    expect(deText).not.toContain('Ihre Bestellung ist bestätigt')
    // The tickets always follow.
    expect(deText).toContain('Zeigen Sie')

    const enMail = await mailTo(en!.user.email)
    // No English subject of theirs: ours.
    expect(subjectOf(enMail.data)).toBe(`Your tickets for ${event.body.title}`)
    expect(decodeMime(enMail.data)).toContain(`Welcome, friend of Klubi Oy!\nYour order ${enOrder} came to €30.00.`.replace(/\n/g, '\r\n'))

    const frText = decodeMime((await mailTo(fr!.user.email)).data)
    expect(frText).toContain('Votre commande est confirmée')
    expect(frText).not.toContain('Servus')
    expect(frText).not.toContain('Welcome')
  })
})
