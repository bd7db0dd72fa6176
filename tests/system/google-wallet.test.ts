// Tickets in Google Wallet: with the operator's issuer and service account set up (here a key made by the
// test), a valid ticket's holder gets a link to Google's save page whose JWT is signed with that key
// (RS256, checked here with its public key) and holds the event as an event ticket class and the ticket
// as its object: its code as the QR code, its type and name, in the order's language; used once checked
// in. Nobody else gets it, nor a refunded ticket; without the settings, no ticket offers one.
import { describe, expect, test } from 'bun:test'
import { generateKeyPairSync } from 'node:crypto'
import { jwtVerify } from 'jose'
import { api, errorCode, loginAdmin, registerUser, type Session } from '../support/api'
import { restartedWith } from '../support/system'
import { paidWalletOrder as paidOrder } from '../support/wallet'

const ISSUER = '3388000000012345678'
const ACCOUNT = 'tickets@easypass-test.iam.gserviceaccount.com'
const SITE = 'https://tickets.example.test'
const SAVE = 'https://pay.google.com/gp/v/save/'


const linkOf = (who: Session, ticketId: string) => api(`/tickets/${ticketId}/google-wallet`, { token: who.token })

describe('with a Google Wallet issuer', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  restartedWith(['orders'], { GOOGLE_WALLET_ISSUER_ID: ISSUER, GOOGLE_WALLET_SERVICE_ACCOUNT: ACCOUNT, GOOGLE_WALLET_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), PUBLIC_URL: `${SITE}/` })

  /** The JWT of a save link, its signature checked with the service account's public key. */
  async function saved(url: string) {
    expect(url.startsWith(SAVE)).toBe(true)
    const { payload, protectedHeader } = await jwtVerify(url.slice(SAVE.length), publicKey, { algorithms: ['RS256'], issuer: ACCOUNT, audience: 'google' })
    expect(protectedHeader.alg).toBe('RS256')
    return payload as { typ: string; origins: string[]; iat: number; payload: { eventTicketClasses: any[]; eventTicketObjects: any[] } }
  }

  test("a valid ticket's holder gets a signed save link with the event, the ticket and its code; a used ticket says so", async () => {
    const buyer = await registerUser('google-wallet')
    const { event, orderId, tickets } = await paidOrder(buyer, 'de-DE')
    expect(tickets.map((t) => t.googleWallet)).toEqual([true, true])
    expect((await api(`/orders/${orderId}/tickets/${tickets[0]!.id}`, { method: 'PATCH', token: buyer.token, body: { attendeeName: 'Grace Hopper' } })).status).toBe(200)

    const link = await linkOf(buyer, tickets[0]!.id)
    expect(link.status).toBe(200)
    const jwt = await saved(link.body.url)
    expect(jwt).toMatchObject({ typ: 'savetowallet', origins: [SITE] })
    expect(Math.abs(jwt.iat - Date.now() / 1000)).toBeLessThan(60)
    const [eventClass] = jwt.payload.eventTicketClasses
    const [object] = jwt.payload.eventTicketObjects
    expect(eventClass).toMatchObject({
      id: `${ISSUER}.ep-e-${event.id}`,
      issuerName: 'Wallet Club',
      reviewStatus: 'UNDER_REVIEW',
      eventId: event.id,
      eventName: { defaultValue: { language: 'de', value: event.title } },
      venue: { name: { defaultValue: { language: 'de', value: event.venue.name } } },
    })
    // Short, as Google asks of save links (about 1,800 characters at most): no fine print.
    expect(eventClass.finePrint).toBeUndefined()
    expect(link.body.url.length).toBeLessThan(1800)
    expect(Date.parse(eventClass.dateTime.start)).toBe(Date.parse(event.startsAt))
    // With Helsinki's offset: Google shows the time as it is there.
    expect(eventClass.dateTime.start).toMatch(/\+0[23]:00$/)
    expect(object).toMatchObject({
      classId: eventClass.id,
      state: 'ACTIVE',
      barcode: { type: 'QR_CODE', value: tickets[0]!.code },
      ticketType: { defaultValue: { language: 'de', value: 'Parkett' } },
      ticketHolderName: 'Grace Hopper',
    })
    // A link of the other ticket: its own object under the same class (Wallet groups them as one event).
    const second = await saved((await linkOf(buyer, tickets[1]!.id)).body.url)
    expect(second.payload.eventTicketObjects[0]).toMatchObject({ classId: eventClass.id, barcode: { value: tickets[1]!.code } })
    // Each object's id names the ticket and its code: a code given anew (the ticket passed on) is a new object, never the stale one Google keeps.
    expect(object.id).toMatch(new RegExp(`^${ISSUER}\\.ep-t-${tickets[0]!.id}-[A-Za-z0-9_-]{12}$`))
    expect(second.payload.eventTicketObjects[0].id).not.toBe(object.id)
    expect(second.payload.eventTicketObjects[0].ticketHolderName).toBeUndefined()

    // Checked in at the door: saved again, it shows as used.
    const admin = await loginAdmin()
    expect((await api('/checkins', { token: admin.token, body: { code: tickets[0]!.code } })).status).toBe(200)
    expect((await saved((await linkOf(buyer, tickets[0]!.id)).body.url)).payload.eventTicketObjects[0].state).toBe('COMPLETED')
  })

  test('nobody else gets it; a refunded ticket has none', async () => {
    const buyer = await registerUser('google-wallet-refund')
    const { orderId, tickets } = await paidOrder(buyer, 'en')
    const stranger = await linkOf(await registerUser('google-wallet-other'), tickets[0]!.id)
    expect(stranger.status).toBe(404)
    expect(errorCode(stranger)).toBe('NOT_FOUND')
    const refund = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { ticketIds: [tickets[1]!.id] } })
    expect(refund.status).toBe(200)
    const refunded = await linkOf(buyer, tickets[1]!.id)
    expect(refunded.status).toBe(409)
    expect(errorCode(refunded)).toBe('CONFLICT')
    const after = (await api(`/orders/${orderId}/tickets`, { token: buyer.token })).body as Array<{ id: string; googleWallet?: boolean }>
    expect(after.find((t) => t.id === tickets[1]!.id)!.googleWallet).toBeUndefined()
    expect((await linkOf(buyer, tickets[0]!.id)).status).toBe(200)
  })
})

describe('without a Google Wallet issuer', () => {
  test('no ticket offers a link, and asking for one is 404', async () => {
    const buyer = await registerUser('google-wallet-none')
    const { tickets } = await paidOrder(buyer, 'en')
    expect(tickets[0]!.googleWallet).toBeUndefined()
    const r = await linkOf(buyer, tickets[0]!.id)
    expect(r.status).toBe(404)
    expect(errorCode(r)).toBe('NOT_FOUND')
    expect(r.body.error.message).toContain('not offered here')
  })
})
