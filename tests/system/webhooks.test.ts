// Webhooks: an admin points EasyPass at an organiser's endpoint (here a real HTTP server of the test);
// orders paid and refunded arrive there as signed POSTs, once per fact, tried again after a failure
// with the same delivery id, and never for kinds it did not ask for or while switched off.
import { afterAll, describe, expect, test } from 'bun:test'
import { spawnSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import mongoose from 'mongoose'
import { restartedWith, system } from '../support/system'

const card = { number: '4242424242424242', expMonth: 12, expYear: new Date().getFullYear() + 2, cvc: '123' }

interface Received {
  path: string
  headers: Record<string, string>
  body: string
  json: { id: string; type: string; occurredAt: string; data: Record<string, any> }
}

/** The organiser's endpoint: records every POST; `answer` decides the status per request (200 unless told). */
function receiver() {
  const received: Received[] = []
  const control: { answer?: (r: Received) => number } = {}
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      const body = await request.text()
      const r: Received = { path: new URL(request.url).pathname, headers: Object.fromEntries(request.headers), body, json: JSON.parse(body) }
      received.push(r)
      return new Response('ok', { status: control.answer?.(r) ?? 200 })
    },
  })
  return {
    url: (path: string) => `http://127.0.0.1:${server.port}${path}`,
    /** The same endpoint by a host name (resolved once per try, then reached at that address). */
    named: (path: string) => `http://localhost:${server.port}${path}`,
    port: () => server.port,
    received,
    control,
    stop: () => server.stop(true),
  }
}

/** What a receiver does with the signature header: HMAC-SHA256 of "<t>.<raw body>" with the secret. */
function signedBy(secret: string, r: Received) {
  const parts = Object.fromEntries(r.headers['easypass-signature']!.split(',').map((p) => p.split('=') as [string, string]))
  const expected = createHmac('sha256', secret).update(`${parts.t}.${r.body}`).digest('hex')
  return parts.v1 === expected && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300
}

async function eventWithSeats(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 3000, currency: 'EUR', capacity: 20, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}

const buy = async (buyer: Session, eventId: string, typeId: string) => {
  const r = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 2 }], payment: { card } } })
  expect(r.status).toBe(201)
  return r.body.id as string
}

/** A certificate for the name `localhost`, as a receiver's would be for its host name; the worker trusts it (NODE_EXTRA_CA_CERTS). */
const tlsDir = mkdtempSync(join(tmpdir(), 'webhook-receiver-'))
const madeCert = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')])
if (madeCert.status !== 0) throw new Error(`openssl: ${madeCert.stderr}`)

const hook = receiver()
// Retries within the test's patience: 5 tries, 200 ms before the second, doubling (the API queues tests, the worker facts).
const RUN_ENV = { WEBHOOK_RETRY_MS: '200', WEBHOOK_ATTEMPTS: '5', NODE_EXTRA_CA_CERTS: join(tlsDir, 'cert.pem') }
restartedWith(['notifications', 'notifications-worker'], RUN_ENV)
afterAll(async () => {
  // The other test files' orders must not keep this file's webhooks busy.
  const admin = await loginAdmin()
  for (const w of (await api('/webhooks', { token: admin.token })).body.items as Array<{ id: string }>) await api(`/webhooks/${w.id}`, { method: 'DELETE', token: admin.token })
  hook.stop()
  rmSync(tlsDir, { recursive: true, force: true })
}, 60_000)

describe('webhooks', () => {
  test('an order paid and then refunded reaches the endpoint, signed, once each; the deliveries list says so', async () => {
    const admin = await loginAdmin()
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.url('/paid-and-refunded'), events: ['order.paid', 'order.refunded'], description: 'CRM' } })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ url: hook.url('/paid-and-refunded'), events: ['order.paid', 'order.refunded'], description: 'CRM', active: true })
    const secret = created.body.secret as string
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    // The secret is shown once: never in the list or the webhook itself.
    const listed = (await api('/webhooks', { token: admin.token })).body.items as Array<Record<string, unknown>>
    expect(listed.find((w) => w.id === created.body.id)).not.toHaveProperty('secret')
    expect((await api(`/webhooks/${created.body.id}`, { token: admin.token })).body).not.toHaveProperty('secret')
    // Stored sealed: the database alone does not hold it (the deliveries below are still signed with it).
    const env = system().env
    const db = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_notifications` }).asPromise()
    try {
      const stored = await db.collection('webhooks').findOne({ _id: created.body.id })
      expect(stored?.secret).toStartWith('v1.')
      expect(JSON.stringify(stored)).not.toContain(secret.slice('whsec_'.length))
    } finally {
      await db.close()
    }

    const { eventId, typeId } = await eventWithSeats(admin)
    const buyer = await registerUser('webhook')
    const orderId = await buy(buyer, eventId, typeId)
    const mine = () => hook.received.filter((r) => r.path === '/paid-and-refunded' && r.json.data.orderId === orderId)
    const paid = await eventually('order.paid at the endpoint', async () => mine().find((r) => r.json.type === 'order.paid'), 20_000, 100)
    expect(paid.headers['content-type']).toBe('application/json')
    expect(paid.headers['easypass-event']).toBe('order.paid')
    expect(paid.headers['easypass-delivery']).toMatch(/^[0-9a-f]{32}$/)
    expect(signedBy(secret, paid)).toBe(true)
    expect(signedBy('whsec_someone-else', paid)).toBe(false)
    expect(paid.json).toMatchObject({ id: `order-paid:${orderId}`, type: 'order.paid', data: { orderId, eventId, totalCents: 6000, currency: 'EUR', userEmail: buyer.user.email } })

    const refunded = await api(`/orders/${orderId}/refund`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })
    expect(refunded.status).toBe(200)
    const refund = await eventually('order.refunded at the endpoint', async () => mine().find((r) => r.json.type === 'order.refunded'), 20_000, 100)
    expect(refund.json.data).toMatchObject({ orderId, amountCents: 6000, currency: 'EUR' })
    expect(signedBy(secret, refund)).toBe(true)

    // Each once, after a while for any duplicate to arrive.
    await Bun.sleep(1_000)
    expect(mine().map((r) => r.json.type).sort()).toEqual(['order.paid', 'order.refunded'])
    const deliveries = (await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items as Array<Record<string, unknown>>
    // (This order's: facts of a moment before the webhook was added may reach it too, for the clocks' skew.)
    const ofOrder = deliveries.filter((d) => String(d.factId).endsWith(orderId))
    expect(ofOrder.filter((d) => d.status === 'delivered' && d.attempts === 1 && d.lastStatusCode === 200).map((d) => d.type).sort()).toEqual(['order.paid', 'order.refunded'])
    expect(ofOrder).toHaveLength(2)
    expect(deliveries.map((d) => d.id)).toContain(paid.headers['easypass-delivery'])
  })

  test('a receiver that fails (named by its host name) is tried again with the same delivery id until it answers 2xx, then never again', async () => {
    const admin = await loginAdmin()
    let failures = 2
    hook.control.answer = (r) => (r.path === '/flaky' && failures-- > 0 ? 503 : 200)
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.named('/flaky'), events: ['order.paid'] } })
    const { eventId, typeId } = await eventWithSeats(admin)
    const orderId = await buy(await registerUser('webhook-flaky'), eventId, typeId)
    const tries = () => hook.received.filter((r) => r.path === '/flaky' && r.json.data.orderId === orderId)
    await eventually('the third try', async () => tries().length >= 3, 20_000, 100)
    await Bun.sleep(1_500)
    expect(tries()).toHaveLength(3)
    expect(new Set(tries().map((r) => r.headers['easypass-delivery'])).size).toBe(1)
    // Under the webhook's name (that it went to the address the name resolved to is the HTTPS test's and the unit tests' to show).
    expect(new Set(tries().map((r) => r.headers.host))).toEqual(new Set([`localhost:${hook.port()}`]))
    expect(new Set(tries().map((r) => r.json.id))).toEqual(new Set([`order-paid:${orderId}`]))
    const [delivery] = (await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200 })
    hook.control.answer = undefined
  })

  test('a receiver that never answers 2xx is given up after the last try, and the delivery says why; sent again once fixed', async () => {
    const admin = await loginAdmin()
    hook.control.answer = (r) => (r.path === '/down' ? 500 : 200)
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.url('/down'), events: ['order.paid'] } })
    const ping = await api(`/webhooks/${created.body.id}/ping`, { method: 'POST', token: admin.token })
    expect(ping.status).toBe(202)
    const failed = await eventually(
      'the delivery given up',
      async () => ((await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items as Array<Record<string, any>>).find((d) => d.status === 'failed'),
      20_000,
      200,
    )
    expect(failed).toMatchObject({ id: ping.body.deliveryId, type: 'webhook.ping', attempts: 5, lastStatusCode: 500, lastError: 'the receiver answered 500' })
    expect(hook.received.filter((r) => r.path === '/down')).toHaveLength(5)

    // The receiver is fixed: the admin sends it again, once however often asked at once, with the same id and payload.
    hook.control.answer = undefined
    const retry = `/webhooks/${created.body.id}/deliveries/${ping.body.deliveryId}/retry`
    const asked = await Promise.all([1, 2, 3].map(() => api(retry, { method: 'POST', token: admin.token })))
    expect(asked.map((r) => r.status).sort()).toEqual([202, 409, 409])
    const delivered = await eventually(
      'the delivery sent again',
      async () => ((await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items as Array<Record<string, any>>).find((d) => d.id === ping.body.deliveryId && d.status === 'delivered'),
      20_000,
      200,
    )
    expect(delivered).toMatchObject({ attempts: 1, lastStatusCode: 200 })
    expect(delivered).not.toHaveProperty('lastError')
    const down = hook.received.filter((r) => r.path === '/down')
    expect(down).toHaveLength(6)
    expect(down[5]!.body).toBe(down[0]!.body)
    expect(down[5]!.headers['easypass-delivery']).toBe(ping.body.deliveryId)
    // Delivered: not again; an unknown delivery: 404.
    expect((await api(retry, { method: 'POST', token: admin.token })).status).toBe(409)
    expect((await api(`/webhooks/${created.body.id}/deliveries/${'0'.repeat(32)}/retry`, { method: 'POST', token: admin.token })).status).toBe(404)
  })

  test('a delivery given up is not sent again once the webhook no longer asks for it (narrowed to another event since)', async () => {
    const admin = await loginAdmin()
    const first = await eventWithSeats(admin)
    const second = await eventWithSeats(admin)
    hook.control.answer = (r) => (r.path === '/narrowed' ? 500 : 200)
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.url('/narrowed'), events: ['order.paid'], eventIds: [first.eventId] } })
    const orderId = await buy(await registerUser('webhook-narrowed'), first.eventId, first.typeId)
    const failed = await eventually(
      'the delivery given up',
      async () => ((await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items as Array<Record<string, any>>).find((d) => d.status === 'failed' && d.type === 'order.paid'),
      20_000,
      200,
    )
    const tries = hook.received.filter((r) => r.path === '/narrowed' && r.json.data.orderId === orderId).length
    expect(tries).toBe(5)
    // Narrowed to the other event (an organiser's endpoint for that one now), the receiver fixed: nothing of the first event goes to it.
    expect((await api(`/webhooks/${created.body.id}`, { method: 'PATCH', token: admin.token, body: { eventIds: [second.eventId] } })).status).toBe(200)
    hook.control.answer = undefined
    const again = await api(`/webhooks/${created.body.id}/deliveries/${failed.id}/retry`, { method: 'POST', token: admin.token })
    expect(again.status).toBe(409)
    expect(again.body.error.message).toContain('no longer asks')
    await Bun.sleep(500)
    expect(hook.received.filter((r) => r.path === '/narrowed' && r.json.data.orderId === orderId)).toHaveLength(tries)
  })

  test('only the kinds and events asked for, nothing while switched off, nothing after removal; a renewed secret signs from then on', async () => {
    const admin = await loginAdmin()
    const other = await eventWithSeats(admin)
    const oneEvent = await api('/webhooks', { token: admin.token, body: { url: hook.url('/one-event'), events: ['order.paid'], eventIds: [other.eventId] } })
    expect(oneEvent.body.eventIds).toEqual([other.eventId])
    await api('/webhooks', { token: admin.token, body: { url: hook.url('/refunds-only'), events: ['order.refunded'] } })
    const off = await api('/webhooks', { token: admin.token, body: { url: hook.url('/off'), events: ['order.paid'] } })
    const removed = await api('/webhooks', { token: admin.token, body: { url: hook.url('/removed'), events: ['order.paid'] } })
    const renewed = await api('/webhooks', { token: admin.token, body: { url: hook.url('/renewed'), events: ['order.paid'] } })
    expect((await api(`/webhooks/${off.body.id}`, { method: 'PATCH', token: admin.token, body: { active: false } })).body.active).toBe(false)
    expect((await api(`/webhooks/${removed.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
    expect((await api(`/webhooks/${removed.body.id}`, { token: admin.token })).status).toBe(404)
    const fresh = await api(`/webhooks/${renewed.body.id}/secret`, { method: 'POST', token: admin.token })
    expect(fresh.body.secret).not.toBe(renewed.body.secret)
    // A switched-off webhook cannot be tested.
    const offPing = await api(`/webhooks/${off.body.id}/ping`, { method: 'POST', token: admin.token })
    expect(offPing.status).toBe(409)

    const { eventId, typeId } = await eventWithSeats(admin)
    const orderId = await buy(await registerUser('webhook-kinds'), eventId, typeId)
    const arrived = await eventually('order.paid at the renewed one', async () => hook.received.find((r) => r.path === '/renewed' && r.json.data.orderId === orderId), 20_000, 100)
    expect(signedBy(fresh.body.secret, arrived)).toBe(true)
    expect(signedBy(renewed.body.secret, arrived)).toBe(false)
    // The webhook of one event hears of that event's order only.
    const otherOrder = await buy(await registerUser('webhook-other'), other.eventId, other.typeId)
    await eventually('the other event at its webhook', async () => hook.received.find((r) => r.path === '/one-event' && r.json.data.orderId === otherOrder), 20_000, 100)
    await Bun.sleep(1_000)
    for (const path of ['/refunds-only', '/off', '/removed']) expect(hook.received.filter((r) => r.path === path)).toHaveLength(0)
    expect(hook.received.filter((r) => r.path === '/one-event').map((r) => r.json.data.orderId)).toEqual([otherOrder])
    // Every event again.
    expect((await api(`/webhooks/${oneEvent.body.id}`, { method: 'PATCH', token: admin.token, body: { eventIds: [] } })).body).not.toHaveProperty('eventIds')
  })

  test('with every webhook off the worker reads no facts; switched on again, what happened meanwhile is not sent, what happens next is', async () => {
    const admin = await loginAdmin()
    for (const w of (await api('/webhooks', { token: admin.token })).body.items as Array<{ id: string }>) await api(`/webhooks/${w.id}`, { method: 'DELETE', token: admin.token })
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.url('/paused'), events: ['order.paid'] } })
    await api(`/webhooks/${created.body.id}`, { method: 'PATCH', token: admin.token, body: { active: false } })
    await Bun.sleep(1_500) // the worker notices within a second and stops reading facts
    const { eventId, typeId } = await eventWithSeats(admin)
    const meanwhile = await buy(await registerUser('webhook-paused'), eventId, typeId)
    await Bun.sleep(2_500) // past the 2 s allowed for clock skew

    expect((await api(`/webhooks/${created.body.id}`, { method: 'PATCH', token: admin.token, body: { active: true } })).body.active).toBe(true)
    await Bun.sleep(1_500) // reading again, from where it stopped: the order made meanwhile comes by
    const next = await buy(await registerUser('webhook-resumed'), eventId, typeId)
    await eventually('the order made after', async () => hook.received.find((r) => r.path === '/paused' && r.json.data.orderId === next), 20_000, 100)
    await Bun.sleep(500)
    expect(hook.received.filter((r) => r.path === '/paused').map((r) => r.json.data.orderId)).toEqual([next])
    expect(hook.received.some((r) => r.json.data.orderId === meanwhile)).toBe(false)
  })

  test('over HTTPS by host name: sent to the address the name resolved to, with the name for TLS (the certificate is for the name, not the address)', async () => {
    const admin = await loginAdmin()
    const seen: Array<{ host: string | null; type: string }> = []
    // Listens on 127.0.0.1 only, with a certificate for `localhost`: reached at the address, checked against the name.
    const server = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      tls: { cert: Bun.file(join(tlsDir, 'cert.pem')), key: Bun.file(join(tlsDir, 'key.pem')) },
      async fetch(request) {
        seen.push({ host: request.headers.get('host'), type: JSON.parse(await request.text()).type })
        return new Response('ok')
      },
    })
    try {
      const created = await api('/webhooks', { token: admin.token, body: { url: `https://localhost:${server.port}/tls`, events: ['order.paid'] } })
      expect(created.status).toBe(201)
      const ping = await api(`/webhooks/${created.body.id}/ping`, { method: 'POST', token: admin.token })
      expect(ping.status).toBe(202)
      const delivered = await eventually(
        'the ping delivered over TLS',
        async () => ((await api(`/webhooks/${created.body.id}/deliveries`, { token: admin.token })).body.items as Array<Record<string, any>>).find((d) => d.id === ping.body.deliveryId && d.status === 'delivered'),
        20_000,
        100,
      )
      expect(delivered).toMatchObject({ attempts: 1, lastStatusCode: 200 })
      expect(seen).toEqual([{ host: `localhost:${server.port}`, type: 'webhook.ping' }])
      await api(`/webhooks/${created.body.id}`, { method: 'DELETE', token: admin.token })
    } finally {
      server.stop(true)
    }
  })

  test('a signing secret stored before secrets were sealed is sealed at the next start, and still signs', async () => {
    const admin = await loginAdmin()
    const created = await api('/webhooks', { token: admin.token, body: { url: hook.url('/sealed-at-start'), events: ['order.paid'] } })
    expect(created.status).toBe(201)
    const secret = created.body.secret as string
    const env = system().env
    const db = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_notifications` }).asPromise()
    try {
      // As a version before sealing stored it.
      await db.collection('webhooks').updateOne({ _id: created.body.id }, { $set: { secret } })
      await system().stop('notifications')
      await system().start('notifications', RUN_ENV)
      const stored = await eventually('sealed at start', async () => {
        const doc = await db.collection('webhooks').findOne({ _id: created.body.id })
        return typeof doc?.secret === 'string' && doc.secret.startsWith('v1.') && doc
      }, 15_000, 200)
      expect(JSON.stringify(stored)).not.toContain(secret.slice('whsec_'.length))
    } finally {
      await db.close()
    }
    const ping = await api(`/webhooks/${created.body.id}/ping`, { method: 'POST', token: admin.token })
    expect(ping.status).toBe(202)
    const got = await eventually('the ping', async () => hook.received.find((r) => r.path === '/sealed-at-start'), 15_000, 100)
    expect(signedBy(secret, got)).toBe(true)
    expect((await api(`/webhooks/${created.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
  }, 60_000)

  test('only admins manage webhooks, and bad input is a 400 that adds nothing', async () => {
    const admin = await loginAdmin()
    const buyer = await registerUser('webhook-nobody')
    expect((await api('/webhooks', { token: buyer.token, body: { url: hook.url('/x'), events: ['order.paid'] } })).status).toBe(403)
    expect((await api('/webhooks', { token: buyer.token })).status).toBe(403)
    expect((await api('/webhooks', { body: { url: hook.url('/x'), events: ['order.paid'] } })).status).toBe(401)
    const before = (await api('/webhooks', { token: admin.token })).body.items.length
    for (const body of [
      { url: 'ftp://example.com/hook', events: ['order.paid'] },
      { url: 'not a url at all', events: ['order.paid'] },
      { url: 'https://user:pass@example.com/hook', events: ['order.paid'] },
      { url: 'https://example.com/hook', events: [] },
      { url: 'https://example.com/hook', events: ['order.shipped'] },
      { url: 'https://example.com/hook', events: ['order.paid', 'order.paid'] },
      { url: 'https://example.com/hook', events: ['order.paid'], secret: 'mine' },
    ]) {
      const r = await api('/webhooks', { token: admin.token, body })
      expect(r.status).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    const some = (await api('/webhooks', { token: admin.token })).body.items[0]
    if (some) expect((await api(`/webhooks/${some.id}`, { method: 'PATCH', token: admin.token, body: {} })).status).toBe(400)
    expect((await api('/webhooks', { token: admin.token })).body.items.length).toBe(before)
    expect((await api('/webhooks/665f1c2b9d3e4a0012345678', { token: admin.token })).status).toBe(404)
  })
})

describe('webhooks outside development', () => {
  restartedWith(['notifications'], { WEBHOOK_ALLOW_PRIVATE: 'false' })

  test('must be HTTPS to a public address: plain HTTP, loopback, private and link-local addresses are refused', async () => {
    const admin = await loginAdmin()
    for (const [url, message] of [
      ['http://example.com/hook', 'url: must start with https://'],
      ['https://127.0.0.1/hook', 'url: must be a public address'],
      ['https://10.1.2.3/hook', 'url: must be a public address'],
      ['https://169.254.169.254/latest/meta-data', 'url: must be a public address'],
      ['https://[::1]/hook', 'url: must be a public address'],
      ['https://[::ffff:192.168.0.1]/hook', 'url: must be a public address'],
      ['https://localhost/hook', 'url: must be a public host name'],
      ['https://localhost./hook', 'url: must be a public host name'],
      ['https://[::127.0.0.1]/hook', 'url: must be a public address'],
      ['https://2130706433/hook', 'url: must be a public address'],
      ['https://redis/hook', 'url: must be a public host name'],
    ] as const) {
      const r = await api('/webhooks', { token: admin.token, body: { url, events: ['order.paid'] } })
      expect(r.status).toBe(400)
      expect(r.body.error.message).toBe(message)
    }
    const ok = await api('/webhooks', { token: admin.token, body: { url: 'https://hooks.example.com/easypass', events: ['event.cancelled'] } })
    expect(ok.status).toBe(201)
    expect((await api(`/webhooks/${ok.body.id}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
  })
})
