// Rotating SERVICE_SECRET (orders' and notifications' HMAC key) on a running system: with the secret it
// replaced given as SERVICE_PREVIOUS_SECRET, a link emailed before still opens, a purchase retried with
// the same card under the same Idempotency-Key is still the same request (its card fingerprint was keyed
// with the old secret), and webhook signing secrets sealed under the old one still sign and are sealed
// again under the new one; once the previous secret is gone, the old links open no more and the webhooks
// still sign. Afterwards the run's own secret comes back (the webhooks sealed back under it).
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHmac, randomBytes } from 'node:crypto'
import mongoose from 'mongoose'
import { TRANSFER_LINK_PURPOSE } from '@easypass/contracts/orders'
import { linkToken, sealer } from '@easypass/kit'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { restart, system } from '../support/system'

/** The processes that hold SERVICE_SECRET. */
const HOLDERS = ['orders', 'orders-worker', 'notifications', 'notifications-worker']
const NEW_SECRET = randomBytes(48).toString('base64url')

const received: Array<{ body: string; signature: string }> = []
const endpoint = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  async fetch(request) {
    received.push({ body: await request.text(), signature: request.headers.get('easypass-signature') ?? '' })
    return new Response('ok')
  },
})

let notificationsDb: mongoose.Connection
let admin: Session
let buyer: Session
let friend: Session
let sale: { eventId: string; typeId: string }
let hook: { id: string; secret: string; sealed: string }
let retried: { key: string; body: object; orderId: string }
let offerId = ''
/** The webhook's secret as stored once sealed under this file's secret. */
let underNew = ''

const storedSecret = async () => ((await notificationsDb.collection('webhooks').findOne({ _id: hook.id as never }, { projection: { secret: 1 } })) as { secret?: string } | null)?.secret

/** A ping sent to the endpoint, and whether it is signed with the secret the organiser was shown. */
async function pingSigned(): Promise<boolean> {
  const before = received.length
  const ping = await api(`/webhooks/${hook.id}/ping`, { method: 'POST', token: admin.token })
  expect(ping.status).toBe(202)
  const got = await eventually('the ping', async () => received.slice(before).find((r) => (JSON.parse(r.body) as { type: string }).type === 'webhook.ping'), 20_000, 100)
  const parts = Object.fromEntries(got.signature.split(',').map((p) => p.split('=') as [string, string]))
  return parts.v1 === createHmac('sha256', hook.secret).update(`${parts.t}.${got.body}`).digest('hex')
}

async function offeredTicket(): Promise<string> {
  const order = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }], payment: { card: TEST_CARD } } })
  expect(order.body.status).toBe('paid')
  const [ticket] = (await api(`/orders/${order.body.id}/tickets`, { token: buyer.token })).body as Array<{ id: string }>
  const offered = await api(`/tickets/${ticket!.id}/transfer`, { token: buyer.token, body: { email: friend.user.email } })
  expect(offered.status).toBe(201)
  return offered.body.id as string
}
const accept = (id: string, secret: string) => api(`/ticket-transfers/${id}/accept`, { token: friend.token, body: { token: linkToken(secret, TRANSFER_LINK_PURPOSE, id) } })

beforeAll(async () => {
  notificationsDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_notifications` }).asPromise()
  admin = await loginAdmin()
  ;[buyer, friend] = await Promise.all([registerUser('secret-rotation'), registerUser('secret-rotation-friend')])
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Secret rotation ${Math.random().toString(36).slice(2, 6)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 50, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  sale = { eventId: event.body.id, typeId: type.body.id }
  // Made under the run's own secret: a webhook, a purchase under a key, and a ticket offered by email.
  const created = await api('/webhooks', { token: admin.token, body: { url: `http://127.0.0.1:${endpoint.port}/hook`, events: ['order.paid'], eventIds: [sale.eventId] } })
  expect(created.status).toBe(201)
  hook = { id: created.body.id, secret: created.body.secret, sealed: '' }
  hook.sealed = (await storedSecret())!
  expect(hook.sealed).toMatch(/^v1\./)
  const body = { eventId: sale.eventId, items: [{ ticketTypeId: sale.typeId, quantity: 1 }], payment: { card: TEST_CARD } }
  const key = crypto.randomUUID()
  const first = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body })
  expect(first.body.status).toBe('paid')
  retried = { key, body, orderId: first.body.id }
  offerId = await offeredTicket()
}, 30_000)

afterAll(async () => {
  // The run's own secret back, notifications first given this file's as the previous one, so the
  // webhooks it resealed are sealed back before it goes; then this file's webhook is removed.
  const underRunSecret = sealer(system().env.SERVICE_SECRET!, 'webhook signing secrets v1')
  const opensUnderRunSecret = async () => {
    try {
      return underRunSecret.open((await storedSecret())!) === hook.secret
    } catch {
      return false
    }
  }
  try {
    await restart(['notifications'], () => ({ SERVICE_PREVIOUS_SECRET: NEW_SECRET }))
    for (let i = 0; i < 150 && !(await opensUnderRunSecret()); i++) await Bun.sleep(200)
    expect(await opensUnderRunSecret()).toBe(true)
    await api(`/webhooks/${hook.id}`, { method: 'DELETE', token: admin.token })
  } finally {
    await restart(HOLDERS)
    await notificationsDb.close()
    endpoint.stop(true)
  }
}, 120_000)

describe('rotating SERVICE_SECRET', () => {
  test('with the previous secret given: old links open, a retried purchase is the same request, webhooks sign and are resealed', async () => {
    const run = system().env.SERVICE_SECRET!
    await restart(HOLDERS, () => ({ SERVICE_SECRET: NEW_SECRET, SERVICE_PREVIOUS_SECRET: run }))
    // The purchase sent again (its answer lost, say): the same order, not a 409 for a "different" card.
    const again = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': retried.key }, body: retried.body })
    expect(again.status).toBe(201)
    expect(again.body.id).toBe(retried.orderId)
    // A different request under that key is still refused.
    const other = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': retried.key }, body: { ...retried.body, items: [{ ticketTypeId: sale.typeId, quantity: 2 }] } })
    expect(other.status).toBe(409)
    // The webhook's secret, sealed under the old secret, was sealed again under the new one, and still signs.
    for (let i = 0; i < 150 && (await storedSecret()) === hook.sealed; i++) await Bun.sleep(200)
    underNew = (await storedSecret())!
    expect(underNew).not.toBe(hook.sealed)
    expect(await pingSigned()).toBe(true)
    // The link emailed before the change still opens.
    const taken = await accept(offerId, run)
    expect(taken.status).toBe(200)
  }, 120_000)

  test('once the previous secret is gone: links made with it open no more, new ones do, and the resealed webhook still signs', async () => {
    const run = system().env.SERVICE_SECRET!
    await restart(HOLDERS, () => ({ SERVICE_SECRET: NEW_SECRET }))
    expect(await pingSigned()).toBe(true)
    const offer = await offeredTicket()
    expect((await accept(offer, run)).status).toBe(404)
    expect((await accept(offer, NEW_SECRET)).status).toBe(200)
  }, 120_000)
})
