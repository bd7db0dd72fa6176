// Buying without an account: a guest gives an address and a name, buys as any customer does, gets the
// confirmation at that address, and comes back later through an emailed link (real SMTP). A guest is no
// account: no password, no role, and never another's orders, also when an account has the address.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, uniqueEmail, type Session } from '../support/api'
import { decodeMime, smtpServer } from '../support/smtp'
import { restartedWith, system } from '../support/system'

// One test server for both senders: auth (the links) and notifications (the confirmations).
const smtp = smtpServer()
restartedWith(['auth', 'notifications'], { SMTP_URL: `smtp://127.0.0.1:${smtp.port}` })
afterAll(() => smtp.stop())

let authDb: mongoose.Connection
beforeAll(async () => {
  authDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_auth` }).asPromise()
})
afterAll(async () => {
  await authDb?.close()
})

const asGuest = (body: unknown) => api('/auth/guest', { body })
const askForLinks = (email: string) => api('/auth/guest/link', { body: { email } })
const openLink = (token: string) => api('/auth/guest/session', { body: { token } })
const session = (r: { body: any }): Session => ({ token: r.body.accessToken, refreshToken: r.body.refreshToken, user: r.body.user })

const mailTo = (address: string) => smtp.received.filter((m) => m.to.includes(address)).map((m) => decodeMime(m.data))
/** The tokens of the guest links in the `n`th such email to `address` (waits for it). */
async function guestLinks(address: string, n = 1) {
  const text = await eventually(`guest link email ${n} to ${address}`, async () => mailTo(address).filter((t) => t.includes('/guest#token='))[n - 1], 15_000, 100)
  // Each link is in the text part once (the HTML part repeats it).
  const plain = text.slice(0, text.indexOf('<!doctype html>') >= 0 ? text.indexOf('<!doctype html>') : undefined)
  return { text, tokens: [...plain.matchAll(/\/guest#token=([A-Za-z0-9_-]+)/g)].map((m) => m[1]!) }
}

let eventSerial = 0
async function onSale() {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Guests welcome ${++eventSerial} ${Math.random().toString(36).slice(2, 6)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 2000, currency: 'EUR', capacity: 50, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, title: event.body.title as string, typeId: type.body.id as string }
}
async function buy(buyer: Session, sale: { eventId: string; typeId: string }, quantity = 1) {
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity }], payment: { card: TEST_CARD } } })
  expect(order.status).toBe(201)
  expect(order.body.status).toBe('paid')
  return order.body.id as string
}
const myOrders = async (who: Session) => ((await api('/orders', { token: who.token })).body.items as Array<{ id: string }>).map((o) => o.id)

describe('buying as a guest', () => {
  test('an address and a name are enough to buy; the confirmation goes there; an emailed link brings the guest back, once', async () => {
    const address = uniqueEmail('guest')
    const started = await asGuest({ email: address.toUpperCase(), name: ' Grace Hopper ' })
    expect(started.status).toBe(201)
    expect(started.body.user).toMatchObject({ email: address, name: 'Grace Hopper', role: 'customer', guest: true })
    expect(typeof started.body.refreshToken).toBe('string')
    const guest = session(started)
    expect((await api('/auth/me', { token: guest.token })).body).toMatchObject({ id: guest.user.id, email: address, guest: true })

    const sale = await onSale()
    const orderId = await buy(guest, sale, 2)
    expect(await myOrders(guest)).toEqual([orderId])
    // The confirmation, with the tickets, at the address the guest gave.
    const confirmation = await eventually('confirmation to the guest', async () => mailTo(address).find((t) => t.includes(sale.title)), 20_000, 100)
    expect(confirmation).toContain(orderId)
    // With the way to the tickets in the web app (where a guest asks for a link back).
    expect(confirmation).toContain(`Your tickets: ${system().gatewayUrl.replace('127.0.0.1', 'localhost')}/tickets`)

    // Later, on another device: a link by email.
    const asked = await askForLinks(address.toUpperCase())
    expect(asked.status).toBe(202)
    const { text, tokens } = await guestLinks(address)
    expect(tokens).toHaveLength(1)
    expect(text).toContain('within 60 minutes')
    // Greeted by no name: the newest guest session's name was typed by whoever started it.
    expect(text).toContain('Hello,')
    expect(text).not.toContain('Grace Hopper')
    // Only the token's hash is stored.
    expect(JSON.stringify(await authDb.collection('guest_links').find({}).toArray())).not.toContain(tokens[0]!)

    const back = await openLink(tokens[0]!)
    expect(back.status).toBe(200)
    expect(back.body.user).toMatchObject({ id: guest.user.id, email: address, guest: true })
    const again = session(back)
    expect(await myOrders(again)).toEqual([orderId])
    expect((await api(`/orders/${orderId}/tickets`, { token: again.token })).body).toHaveLength(2)
    // The session goes on like any other.
    expect((await api('/auth/refresh', { body: { refreshToken: again.refreshToken } })).status).toBe(200)
    // The link proves the mailbox: the session begun earlier (perhaps by someone else with this address,
    // to watch what the owner buys in it) is over.
    expect((await api('/auth/refresh', { body: { refreshToken: guest.refreshToken } })).status).toBe(401)

    // A link works once.
    const used = await openLink(tokens[0]!)
    expect(used.status).toBe(400)
    expect(used.body.error.details.fields[0].path).toBe('token')
    // A fresh link sent twice at once opens one session.
    expect((await askForLinks(address)).status).toBe(202)
    const { tokens: fresh } = await guestLinks(address, 2)
    const both = await Promise.all([openLink(fresh[0]!), openLink(fresh[0]!)])
    expect(both.map((r) => r.status).sort()).toEqual([200, 400])
  }, 60_000)

  test('a guest is no account: no password sign-in, no password to set, no role, and never anyone else’s orders', async () => {
    const admin = await loginAdmin()
    const sale = await onSale()
    // An account has the address, and it checks out as a guest twice.
    const address = uniqueEmail('shared')
    const account = await api('/auth/register', { body: { email: address, password: 'correct horse 1', name: 'Has An Account' } })
    expect(account.status).toBe(201)
    const owner = session(account)
    const first = session(await asGuest({ email: address, name: 'First Guest' }))
    const second = session(await asGuest({ email: address, name: 'Second Guest' }))
    expect(new Set([owner.user.id, first.user.id, second.user.id]).size).toBe(3)
    const ownersOrder = await buy(owner, sale)
    const firstOrder = await buy(first, sale)
    const secondOrder = await buy(second, sale)
    expect(await myOrders(owner)).toEqual([ownersOrder])
    expect(await myOrders(first)).toEqual([firstOrder])
    expect(await myOrders(second)).toEqual([secondOrder])
    expect((await api(`/orders/${firstOrder}`, { token: second.token })).status).toBe(404)

    // The address signs in to its account, never to a guest; a guest's own key signs in to nothing.
    const signedIn = await api('/auth/login', { body: { email: address, password: 'correct horse 1' } })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.id).toBe(owner.user.id)
    const key = (await authDb.collection('users').findOne({ _id: new mongoose.Types.ObjectId(first.user.id) }))!.email as string
    expect(key.startsWith('guest:')).toBe(true)
    const byKey = await fetch(`${system().urls.auth}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-real-ip': '198.18.9.1' }, body: JSON.stringify({ email: key, password: '!guest' }) })
    expect(byKey.status).toBe(401)

    // No password to change, no two-step sign-in, no role (409), and nothing changed.
    expect((await api('/auth/password', { token: first.token, body: { currentPassword: 'anything at all', newPassword: 'a new password 1' } })).status).toBe(409)
    expect((await api('/auth/two-factor/setup', { token: first.token, body: {} })).status).toBe(409)
    const promoted = await api(`/users/${first.user.id}`, { method: 'PATCH', token: admin.token, body: { role: 'staff' } })
    expect(promoted.status).toBe(409)
    expect((await authDb.collection('users').findOne({ _id: new mongoose.Types.ObjectId(first.user.id) }))!.role).toBe('customer')
    // The name can change, as anyone's.
    expect((await api('/auth/me', { method: 'PATCH', token: first.token, body: { name: 'Renamed Guest' } })).body).toMatchObject({ name: 'Renamed Guest', guest: true })

    // Admins find guests by the address they bought with.
    const found = await api(`/users?q=${encodeURIComponent(address)}`, { token: admin.token })
    expect(found.status).toBe(200)
    expect(found.body.items.map((u: any) => [u.id, u.email, u.guest ?? false]).sort()).toEqual(
      [
        [owner.user.id, address, false],
        [first.user.id, address, true],
        [second.user.id, address, true],
      ].sort(),
    )

    // An address that never bought as a guest gets nothing; this one gets a link per guest session,
    // the newest first, each opening its own.
    const neverGuest = (await registerUser('never-guest')).user.email
    expect((await askForLinks(neverGuest)).status).toBe(202)
    expect((await askForLinks(address)).status).toBe(202)
    const { text, tokens } = await guestLinks(address)
    expect(tokens).toHaveLength(2)
    expect(text).toContain('bought as a guest 2 times')
    const [newest, oldest] = await Promise.all(tokens.map(openLink))
    expect([newest!.body.user.id, oldest!.body.user.id]).toEqual([second.user.id, first.user.id])
    expect(await myOrders(session(oldest!))).toEqual([firstOrder])
    expect(mailTo(neverGuest)).toEqual([])
    expect(await authDb.collection('guest_links').countDocuments({ userId: { $in: [owner.user.id] } })).toBe(0)

    // A guest may pass a ticket on to the address they bought with: an account there is someone else.
    const firstTickets = (await api(`/orders/${firstOrder}/tickets`, { token: first.token })).body
    expect((await api(`/tickets/${firstTickets[0].id}/transfer`, { token: first.token, body: { email: address } })).status).toBe(201)
  }, 60_000)

  test('a guest keeps their purchases in an account with a password; an address that has an account is 409 and nothing changes', async () => {
    const sale = await onSale()
    const address = uniqueEmail('keeps')
    const guest = session(await asGuest({ email: address, name: 'Keeps It' }))
    const orderId = await buy(guest, sale)
    const keep = (who: Session, password: string) => api('/auth/guest/account', { token: who.token, body: { password } })
    expect((await keep(guest, 'short')).status).toBe(400)
    expect((await api('/auth/guest/account', { body: { password: 'a good password 1' } })).status).toBe(401)
    const kept = await keep(guest, 'a good password 1')
    expect(kept.status).toBe(200)
    expect(kept.body.user).toMatchObject({ id: guest.user.id, email: address, role: 'customer' })
    expect(kept.body.user.guest).toBeUndefined()
    // Now it signs in with the address and the password, and has what it bought.
    const signedIn = await api('/auth/login', { body: { email: address, password: 'a good password 1' } })
    expect(signedIn.status).toBe(200)
    expect(signedIn.body.user.id).toBe(guest.user.id)
    expect(await myOrders(session(signedIn))).toEqual([orderId])
    expect((await keep(session(signedIn), 'another password 1')).status).toBe(409)
    // The guest's sessions ended with it: only the new one (and later sign-ins) go on.
    expect((await api('/auth/refresh', { body: { refreshToken: guest.refreshToken } })).status).toBe(401)
    expect((await api('/auth/refresh', { body: { refreshToken: kept.body.refreshToken } })).status).toBe(200)

    // An address that has an account: the guest stays a guest, and the account's password is unchanged.
    const taken = uniqueEmail('taken')
    expect((await api('/auth/register', { body: { email: taken, password: 'correct horse 1', name: 'Owner' } })).status).toBe(201)
    const other = session(await asGuest({ email: taken, name: 'Not The Owner' }))
    const refused = await keep(other, 'a good password 1')
    expect(refused.status).toBe(409)
    expect((await api('/auth/me', { token: other.token })).body).toMatchObject({ id: other.user.id, guest: true })
    expect((await api('/auth/login', { body: { email: taken, password: 'a good password 1' } })).status).toBe(401)
    expect((await api('/auth/login', { body: { email: taken, password: 'correct horse 1' } })).status).toBe(200)
  }, 60_000)

  test('bad input is refused (400) and creates nothing', async () => {
    const users = () => authDb.collection('users').countDocuments({})
    const before = await users()
    const address = uniqueEmail('bad')
    for (const body of [
      {},
      { email: address },
      { name: 'No Address' },
      { email: 'not an address', name: 'Bad' },
      { email: address, name: '   ' },
      { email: address, name: 'x'.repeat(101) },
      { email: address, name: 'Wants More', role: 'admin' },
      { email: address, name: 'Wants More', password: 'a password 123' },
    ]) {
      const r = await asGuest(body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect(await users()).toBe(before)
    expect((await askForLinks('not an address')).status).toBe(400)
    for (const token of ['', 'x'.repeat(513), 'not-a-link-we-sent']) expect((await openLink(token)).status).toBe(400)
    expect((await api('/auth/guest/session', { body: {} })).status).toBe(400)
    const guest = session(await asGuest({ email: address, name: 'Fine' }))
    for (const body of [{}, { password: 'a good password 1', email: 'other@example.test' }, { password: 'a good password 1', role: 'admin' }]) {
      const r = await api('/auth/guest/account', { token: guest.token, body })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect((await api('/auth/me', { token: guest.token })).body).toMatchObject({ guest: true, email: address })
  })
})
