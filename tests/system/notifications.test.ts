// Notifications, end to end: facts published on the real bus (as orders publishes them) become a
// user's notifications exactly once, arrive live on the SSE stream, and become real emails over SMTP.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import mongoose from 'mongoose'
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/transport-node'
import type { Fact, FactData } from '@easypass/contracts/facts'
import { Bus, connectNats, createLogger, fact, Outbox } from '@easypass/kit'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'
import { system } from '../support/system'
import { freePort, waitForPort } from '../../stack/local/infra'

// Real servers on a shared 2-core machine: generous, not timed.
setDefaultTimeout(30_000)

const objectId = () => randomBytes(12).toString('hex')
const log = createLogger('notifications-test', 'silent')

let nc: NatsConnection
let bus: Bus
let producerDb: mongoose.Connection
let notificationsDb: mongoose.Connection
let outbox: Outbox
let buyer: Session
let stranger: Session

beforeAll(async () => {
  const env = system().env
  nc = await connectNats(env.NATS_URL!, 'notifications-test', log)
  bus = new Bus({ nc, prefix: env.BUS_PREFIX!, log })
  // A producer's outbox of its own, as orders has one in its database.
  producerDb = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_testproducer` }).asPromise()
  notificationsDb = await mongoose.createConnection(env.MONGO_URL!, { dbName: `${env.MONGO_DB_PREFIX}_notifications` }).asPromise()
  outbox = new Outbox(producerDb, bus, log)
  ;[buyer, stranger] = await Promise.all([registerUser('notified'), registerUser('stranger')])
})

afterAll(async () => {
  await outbox?.stop()
  await nc?.drain()
  await producerDb?.close()
  await notificationsDb?.close()
})

function paidFact(userId: string, overrides: Partial<FactData['orders.order-paid']> = {}) {
  const orderId = objectId()
  return fact(
    'orders.order-paid',
    {
      orderId,
      userId,
      eventId: objectId(),
      eventTitle: 'Jazz night',
      items: [{ ticketTypeId: objectId(), name: 'Standing', quantity: 2, unitPriceCents: 4500 }],
      totalCents: 9000,
      currency: 'EUR',
      paymentId: objectId(),
      ticketIds: [`${orderId}-1`, `${orderId}-2`],
      ...overrides,
    },
    `order-paid:${orderId}`,
  )
}


async function notificationsOf(session: Session, query = '') {
  const r = await api(`/notifications${query}`, { token: session.token })
  expect(r.status).toBe(200)
  return r.body as { items: any[]; total: number; page: number; limit: number; unread: number }
}

const shows = (session: Session, id: string) =>
  eventually(`notification ${id} listed`, async () => (await notificationsOf(session, '?limit=100')).items.find((n) => n.id === id), 12_000, 100)

/** Waits until the notifications service has handled and acknowledged every order-paid fact sent so far. */
/** Both consumers of order-paid facts (the notifications, and the emails) have handled every one. */
async function allPaidFactsHandled() {
  const jsm = await jetstreamManager(nc)
  await eventually('the order-paid consumers to catch up', async () => {
    for (const name of ['notifications-orders_order-paid', 'notifications-email-orders_order-paid']) {
      const info = await jsm.consumers.info(bus.stream, name)
      if (info.num_pending !== 0 || info.num_ack_pending !== 0) return false
    }
    return true
  }, 12_000, 100)
}

describe('facts become notifications', () => {
  test('an order-paid fact becomes the buyer\'s notification, and nobody else\'s', async () => {
    const f = paidFact(buyer.user.id)
    await outbox.record([f])
    await outbox.relayOnce()
    const n = await shows(buyer, f.id)
    expect(n).toMatchObject({
      id: f.id,
      type: 'order-paid',
      title: 'Your tickets for Jazz night',
      data: { orderId: f.data.orderId, eventId: f.data.eventId, eventTitle: 'Jazz night', amountCents: 9000, currency: 'EUR', ticketCount: 2 },
      createdAt: f.occurredAt,
    })
    expect(n.body).toContain('2 tickets, €90.00')
    expect(n.readAt).toBeUndefined()
    expect(n._id).toBeUndefined()
    expect((await notificationsOf(stranger)).items.some((x) => x.id === f.id)).toBe(false)
    const guest = await api('/notifications')
    expect(guest.status).toBe(401)
    expect(errorCode(guest)).toBe('UNAUTHENTICATED')
  })

  test('a fact published again, relayed again or redelivered makes one notification', async () => {
    const f = paidFact(buyer.user.id)
    await outbox.record([f])
    await outbox.relayOnce()
    // A relay that died after the publish and before the delete: the next process's poll sends it again.
    await new Outbox(producerDb, bus, log).relayOnce()
    // Recorded again once deleted (a retried flow), relayed again, and published directly.
    expect(await outbox.pending()).toBe(0)
    await outbox.record([f])
    await outbox.relayOnce()
    await bus.publish(f)
    await shows(buyer, f.id)
    // A redelivery the bus cannot de-duplicate: the same fact under another message id.
    await jetstream(nc).publish(bus.subject(f.subject), JSON.stringify(f), { msgID: `redelivered-${objectId()}` })
    await allPaidFactsHandled()
    const all = await notificationsOf(buyer, '?limit=100')
    expect(all.items.filter((n) => n.id === f.id)).toHaveLength(1)
    expect(await notificationsDb.db!.collection('notifications').countDocuments({ _id: f.id as any })).toBe(1)
    // One email record too: skipped, as the fact names no address.
    const emails = await notificationsDb.db!.collection('emails').find({ _id: f.id as any }).toArray()
    expect(emails).toHaveLength(1)
    expect(emails[0]!.status).toBe('skipped')
  })

  test('refunded, expired and cancelled orders are told too; catalog facts name no buyer and make nothing', async () => {
    const user = await registerUser('lifecycle')
    const orderId = objectId()
    const eventId = objectId()
    const facts: Fact[] = [
      fact('orders.order-cancelled', { orderId: objectId(), userId: user.user.id, eventId, eventTitle: 'Opera' }, `order-cancelled:${objectId()}`),
      fact('orders.order-expired', { orderId: objectId(), userId: user.user.id, eventId }, `order-expired:${objectId()}`),
      fact('catalog.event-cancelled', { eventId, title: 'Opera' }, `event-cancelled:${eventId}`),
      fact('orders.order-refunded', { orderId, userId: user.user.id, eventId, eventTitle: 'Opera', amountCents: 4500, currency: 'EUR', reason: 'the event was cancelled', eventCancelled: true }, `order-refunded:${orderId}`),
    ]
    for (const f of facts) await bus.publish(f)
    await shows(user, facts[3]!.id)
    // The buyer's own words never make it an event cancellation.
    const ownId = objectId()
    const own = fact('orders.order-refunded', { orderId: ownId, userId: user.user.id, eventId, eventTitle: 'Opera', amountCents: 1500, currency: 'EUR', reason: 'cancelled my trip' }, `order-refunded:${ownId}`)
    await bus.publish(own)
    await shows(user, own.id)
    // One consumer per subject, each handling facts in parallel: the others may still be on their way.
    const list = await eventually('all four listed', async () => {
      const l = await notificationsOf(user)
      return l.total >= 4 && l
    }, 12_000, 100)
    expect(list.total).toBe(4)
    expect(list.items.map((n) => n.type).sort()).toEqual(['order-cancelled', 'order-expired', 'order-refunded', 'order-refunded'])
    const byOrder = (id: string) => list.items.find((n) => n.data?.orderId === id)!
    expect(byOrder(orderId)).toMatchObject({ title: 'Opera was cancelled', data: { orderId, amountCents: 4500 } })
    expect(byOrder(orderId).body).toContain('€45.00')
    expect(byOrder(ownId).title).toBe('Refund for Opera')
    expect(list.items.find((n) => n.type === 'order-cancelled')!.body).toContain('Opera')
  })

  test('newest first, paginated; read marks are mine only and counted', async () => {
    const user = await registerUser('pages')
    const base = Date.now() - 60_000
    const facts = [0, 1, 2, 3, 4].map((i) => ({ ...paidFact(user.user.id, { eventTitle: `Show ${i}` }), occurredAt: new Date(base + i * 1000).toISOString() }))
    for (const f of facts) await bus.publish(f)
    await shows(user, facts[4]!.id)
    await eventually('all five listed', async () => (await notificationsOf(user)).total === 5, 12_000, 100)

    const first = await notificationsOf(user, '?page=1&limit=2')
    expect(first).toMatchObject({ total: 5, page: 1, limit: 2, unread: 5 })
    expect(first.items.map((n) => n.id)).toEqual([facts[4]!.id, facts[3]!.id])
    const third = await notificationsOf(user, '?page=3&limit=2')
    expect(third.items.map((n) => n.id)).toEqual([facts[0]!.id])

    const read = await api(`/notifications/${encodeURIComponent(facts[3]!.id)}/read`, { method: 'POST', token: user.token })
    expect(read.status).toBe(204)
    const firstRead = (await notificationsOf(user)).items.find((n) => n.id === facts[3]!.id).readAt
    expect(firstRead).toBeString()
    // Marking it again changes nothing, not even when it was read.
    expect((await api(`/notifications/${encodeURIComponent(facts[3]!.id)}/read`, { method: 'POST', token: user.token })).status).toBe(204)
    const after = await notificationsOf(user)
    expect(after.unread).toBe(4)
    expect(after.items.find((n) => n.id === facts[3]!.id).readAt).toBe(firstRead)
    const unread = await notificationsOf(user, '?unread=true')
    expect(unread.total).toBe(4)
    expect(unread.items.some((n) => n.id === facts[3]!.id)).toBe(false)

    const foreign = await api(`/notifications/${encodeURIComponent(facts[2]!.id)}/read`, { method: 'POST', token: stranger.token })
    expect(foreign.status).toBe(404)
    expect(errorCode(foreign)).toBe('NOT_FOUND')
    expect((await api(`/notifications/order-paid:nope/read`, { method: 'POST', token: user.token })).status).toBe(404)
    expect((await api(`/notifications/${encodeURIComponent('bad id!')}/read`, { method: 'POST', token: user.token })).status).toBe(400)
    expect((await api(`/notifications/${encodeURIComponent(facts[2]!.id)}/read`, { method: 'POST' })).status).toBe(401)
    // Nobody else's attempt marked it.
    expect((await notificationsOf(user)).unread).toBe(4)

    expect((await api('/notifications/read-all', { method: 'POST', token: user.token })).status).toBe(204)
    expect((await notificationsOf(user)).unread).toBe(0)
    expect((await notificationsOf(stranger)).items.every((n) => n.readAt === undefined)).toBe(true)

    for (const q of ['?limit=0', '?limit=101', '?page=0', '?limit=abc', '?unread=maybe', '?page=1.5', '?limit=2.5']) {
      const r = await api(`/notifications${q}`, { token: user.token })
      expect(r.status, q).toBe(400)
      expect(errorCode(r)).toBe('VALIDATION')
    }
  })
})

test('read marks kept as records by an older version become readAt at start', async () => {
  const user = await registerUser('marks')
  const facts = [paidFact(user.user.id), paidFact(user.user.id)]
  for (const f of facts) await bus.publish(f)
  await eventually('both listed', async () => (await notificationsOf(user)).total === 2, 12_000, 100)
  const markedAt = new Date(Date.now() - 3_600_000)
  await notificationsDb.db!.collection('notification_reads').insertOne({ _id: facts[0]!.id as any, userId: user.user.id, at: markedAt })
  await system().stop('notifications')
  await system().start('notifications')
  // The list's items and its unread count are two reads (no snapshot): a list read while the mark was
  // being moved can count it read and show it unread. Waited for until both say so.
  const list = await eventually('the mark moved', async () => {
    const l = await notificationsOf(user).catch(() => undefined)
    return l?.unread === 1 && l.items.find((n: { id: string; readAt?: string }) => n.id === facts[0]!.id)?.readAt ? l : undefined
  }, 20_000, 200)
  expect(list.items.find((n) => n.id === facts[0]!.id).readAt).toBe(markedAt.toISOString())
  expect(list.items.find((n) => n.id === facts[1]!.id).readAt).toBeUndefined()
  // The mark is removed just after it is moved: a moment after the list shows it.
  await eventually('the old mark removed', async () => (await notificationsDb.db!.collection('notification_reads').countDocuments({ _id: facts[0]!.id as any })) === 0, 5_000, 100)
}, 60_000)

describe('the live stream', () => {
  /** Reads SSE messages from a stream until `want` returns a value. */
  async function readUntil<T>(reader: ReadableStreamDefaultReader<Uint8Array>, seen: string[], want: (text: string) => T | undefined): Promise<T> {
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const found = want(seen.join(''))
      if (found !== undefined) return found
      const { value, done } = await reader.read()
      if (done) throw new Error(`stream ended; got ${JSON.stringify(seen.join(''))}`)
      buffer = decoder.decode(value, { stream: true })
      seen.push(buffer)
    }
  }

  test('a fact handled again soon after (its first live signal lost with a crash) is signalled live again, and stored once', async () => {
    const user = await registerUser('signal-again')
    const f = paidFact(user.user.id)
    await bus.publish(f)
    await shows(user, f.id)
    // A screen that opens now, then the fact comes again (a handler that stored it and died before its signal).
    const controller = new AbortController()
    const response = await fetch(`${system().gatewayUrl}/api/notifications/stream`, { headers: { authorization: `Bearer ${user.token}` }, signal: controller.signal })
    const reader = response.body!.getReader()
    const seen: string[] = []
    try {
      await readUntil(reader, seen, (text) => (text.includes(': connected') ? true : undefined))
      await jetstream(nc).publish(bus.subject(f.subject), JSON.stringify(f), { msgID: `again-${objectId()}` })
      await readUntil(reader, seen, (text) => (text.includes(`id: ${f.id}`) ? true : undefined))
    } finally {
      controller.abort()
      await reader.cancel().catch(() => {})
    }
    expect(await notificationsDb.db!.collection('notifications').countDocuments({ _id: f.id as any })).toBe(1)
  })

  test('a new notification arrives on its owner\'s stream', async () => {
    const user = await registerUser('live')
    const controller = new AbortController()
    const response = await fetch(`${system().gatewayUrl}/api/notifications/stream`, { headers: { authorization: `Bearer ${user.token}` }, signal: controller.signal })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const reader = response.body!.getReader()
    const seen: string[] = []
    try {
      await readUntil(reader, seen, (text) => (text.includes(': connected') ? true : undefined))
      const others = paidFact(stranger.user.id)
      const mine = paidFact(user.user.id, { eventTitle: 'Live show' })
      await bus.publish(others)
      await bus.publish(mine)
      const message = await readUntil(reader, seen, (text) => {
        const block = text.split('\n\n').find((b) => b.includes('event: notification') && b.includes(mine.id))
        return block ? block : undefined
      })
      expect(message).toContain(`id: ${mine.id}`)
      const data = JSON.parse(message.split('\n').find((l) => l.startsWith('data: '))!.slice(6))
      expect(data).toMatchObject({ id: mine.id, type: 'order-paid', title: 'Your tickets for Live show', data: { orderId: mine.data.orderId } })
      // Someone else's notification never reaches this stream. Facts are handled in parallel, so wait
      // until theirs is stored, then until a later one of ours arrives, before looking.
      await eventually('the other notification stored', async () => {
        const r = await api('/notifications', { token: stranger.token })
        return (r.body.items as Array<{ id: string }>).some((n) => n.id === others.id)
      })
      const later = paidFact(user.user.id)
      await bus.publish(later)
      await readUntil(reader, seen, (text) => (text.includes(later.id) ? true : undefined))
      expect(seen.join('')).not.toContain(others.id)
    } finally {
      controller.abort()
      await reader.cancel().catch(() => {})
    }
  })

  test('reconnecting with Last-Event-ID first sends what was stored since, and nothing of anyone else', async () => {
    const user = await registerUser('replay')
    const first = paidFact(user.user.id)
    await bus.publish(first)
    await shows(user, first.id)
    // Stored while this client was away: two of theirs, one of someone else's.
    const missed = [paidFact(user.user.id), paidFact(user.user.id)]
    const others = paidFact(stranger.user.id)
    for (const f of [...missed, others]) await bus.publish(f)
    for (const f of missed) await shows(user, f.id)
    await shows(stranger, others.id)

    const open = async (lastId?: string) => {
      const controller = new AbortController()
      const headers: Record<string, string> = { authorization: `Bearer ${user.token}` }
      if (lastId) headers['last-event-id'] = lastId
      const response = await fetch(`${system().gatewayUrl}/api/notifications/stream`, { headers, signal: controller.signal })
      expect(response.status).toBe(200)
      return { reader: response.body!.getReader(), controller }
    }
    const { reader, controller } = await open(first.id)
    const seen: string[] = []
    try {
      await readUntil(reader, seen, (text) => (missed.every((f) => text.includes(`id: ${f.id}`)) ? true : undefined))
      const text = seen.join('')
      expect(text).not.toContain(`id: ${first.id}`)
      expect(text).not.toContain(others.id)
    } finally {
      controller.abort()
      await reader.cancel().catch(() => {})
    }
    // Someone else's id as Last-Event-ID replays nothing.
    const foreign = await open(others.id)
    const quiet: string[] = []
    try {
      await readUntil(foreign.reader, quiet, (text) => (text.includes(': connected') ? true : undefined))
      const later = paidFact(user.user.id)
      await bus.publish(later)
      await readUntil(foreign.reader, quiet, (text) => (text.includes(later.id) ? true : undefined))
      expect(quiet.join('')).not.toContain(missed[0]!.id)
    } finally {
      foreign.controller.abort()
      await foreign.reader.cancel().catch(() => {})
    }
  })

  test('after NATS was lost and came back, open streams end: their clients come back and replay what they missed', async () => {
    const sys = system()
    const port = await freePort()
    const dir = mkdtempSync(join(tmpdir(), 'easypass-nats-'))
    let nats: Subprocess | undefined
    const startNats = async () => {
      nats = Bun.spawn(['nats-server', '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', dir], { stdout: 'ignore', stderr: 'ignore' })
      await waitForPort(port, 'test nats-server')
    }
    const controller = new AbortController()
    try {
      await startNats()
      await sys.stop('notifications')
      await sys.start('notifications', { NATS_URL: `nats://127.0.0.1:${port}` })
      // Its port opens before NATS is reached: the loss below is a loss of a connection it had.
      await eventually('notifications connected to NATS', async () => (await fetch(`${sys.urls.notifications}/health`)).ok, 15_000, 100)
      const user = await registerUser('gap')
      const response = await fetch(`${sys.gatewayUrl}/api/notifications/stream`, { headers: { authorization: `Bearer ${user.token}` }, signal: controller.signal })
      expect(response.status).toBe(200)
      const reader = response.body!.getReader()
      const seen: string[] = []
      await readUntil(reader, seen, (text) => (text.includes(': connected') ? true : undefined))
      nats!.kill('SIGKILL')
      await nats!.exited
      await Bun.sleep(500)
      await startNats()
      // Signals published while it was away are gone for good: the stream ends so that the client
      // reconnects with Last-Event-ID (a quiet stream would otherwise wait for its 15-minute end).
      const ended = await Promise.race([
        readUntil(reader, seen, () => undefined).catch((error: Error) => error.message),
        Bun.sleep(25_000).then(() => 'still open'),
      ])
      expect(ended).toStartWith('stream ended')
    } finally {
      controller.abort()
      nats?.kill('SIGKILL')
      await sys.stop('notifications')
      await sys.start('notifications')
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  test('the stream needs a signed-in user', async () => {
    const r = await api('/notifications/stream')
    expect(r.status).toBe(401)
    expect(errorCode(r)).toBe('UNAUTHENTICATED')
  })
})

test('live signals reach their subscribers and are never stored in the facts stream', async () => {
  const userId = objectId()
  const got: unknown[] = []
  const sub = bus.subscribeLive(`notifications.created.${userId}`, (data) => got.push(data))
  try {
    await nc.flush()
    await eventually('a live signal received', async () => {
      bus.publishLive(`notifications.created.${userId}`, { id: 'probe' })
      return got.length > 0
    }, 5_000, 100)
  } finally {
    sub.unsubscribe()
  }
  const jsm = await jetstreamManager(nc)
  const stored = await jsm.streams.getMessage(bus.stream, { last_by_subj: bus.subject(`notifications.created.${userId}`) }).catch(() => null)
  expect(stored).toBeNull()
  // The same look does find a fact: the probe can see what is stored.
  const f = paidFact(stranger.user.id)
  await bus.publish(f)
  const storedFact = await jsm.streams.getMessage(bus.stream, { last_by_subj: bus.subject('orders.order-paid') })
  expect(storedFact).not.toBeNull()
})

test('health, metrics and documented public routes', async () => {
  const base = system().urls.notifications
  expect(await fetch(`${base}/health`).then((r) => r.json())).toMatchObject({ status: 'ok', checks: { mongo: 'ok', nats: 'ok' } })
  expect(await fetch(`${base}/metrics`).then((r) => r.text())).toContain('notifications_created_total')
  const doc = await fetch(`${base}/openapi/json`).then((r) => r.json())
  for (const [path, method] of [
    ['/api/notifications', 'get'],
    ['/api/notifications/stream', 'get'],
    ['/api/notifications/{id}/read', 'post'],
    ['/api/notifications/read-all', 'post'],
  ] as const) {
    const op = doc.paths[path]?.[method]
    expect(op?.tags, path).toEqual(['Notifications'])
    expect(op.security).toEqual([{ bearer: [] }])
    expect(op.summary).toBeString()
  }
})

test('NATS credentials in the URL (as the stack secret holds them) are used to sign in', async () => {
  const port = await freePort()
  const server = Bun.spawn(['nats-server', '-a', '127.0.0.1', '-p', String(port), '--user', 'easypass', '--pass', 'p@ss:w/rd'], { stdout: 'ignore', stderr: 'ignore' })
  try {
    await waitForPort(port, 'nats-server with a password')
    const nc = await connectNats(`nats://easypass:${encodeURIComponent('p@ss:w/rd')}@127.0.0.1:${port}`, 'credentials-test', createLogger('test', 'silent'))
    try {
      expect(await nc.rtt()).toBeGreaterThanOrEqual(0)
    } finally {
      await nc.close()
    }
  } finally {
    server.kill()
  }
})

// ---- email over real SMTP ----

describe('email', () => {
  const smtp = mailingThroughTestSmtp('notifications', { MAIL_FROM: 'EasyPass Tests <tickets@easypass.test>' })

  const emailTo = (address: string) => eventually(`an email to ${address}`, async () => smtp.received.find((m) => m.to.includes(address)), 12_000, 100)

  test('the order confirmation reaches the buyer through SMTP, once, with the event date from catalog', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: 'Mail & <Jazz>' }) })
    expect(event.status).toBe(201)
    const f = paidFact(buyer.user.id, { eventId: event.body.id, eventTitle: 'Mail & <Jazz>', userEmail: buyer.user.email })
    await bus.publish(f)
    const message = await emailTo(buyer.user.email)
    expect(message.from).toBe('tickets@easypass.test')
    const text = decodeMime(message.data)
    expect(text).toMatch(/^Subject: .*Your tickets for/m)
    expect(text).toContain('Mail &amp; &lt;Jazz&gt;')
    expect(text).toContain('€90.00')
    expect(text).toContain(new Date(event.body.startsAt).getUTCFullYear().toString())
    expect(text).toContain('UTC')
    expect(text).toContain('Test Hall, Oulu')
    expect(text).toContain(`Order ${f.data.orderId}`)

    const record = await eventually('the email record', async () => notificationsDb.db!.collection('emails').findOne({ _id: f.id as any }), 12_000, 100)
    expect(record).toMatchObject({ to: buyer.user.email, status: 'sent' })

    // A redelivered fact sends nothing more.
    await jetstream(nc).publish(bus.subject(f.subject), JSON.stringify(f), { msgID: `again-${objectId()}` })
    await allPaidFactsHandled()
    expect(smtp.received.filter((m) => m.data.includes(f.data.orderId))).toHaveLength(1)
  })

  test('two copies of a fact handled at once send one email', async () => {
    // A slow mail server: both copies are being handled before either email is recorded.
    smtp.behaviour.delayMs = 400
    try {
      const f = paidFact(buyer.user.id, { userEmail: buyer.user.email })
      const js = jetstream(nc)
      await Promise.all([1, 2].map((n) => js.publish(bus.subject(f.subject), JSON.stringify(f), { msgID: `copy${n}-${objectId()}` })))
      await allPaidFactsHandled()
      await eventually('the email record', async () => notificationsDb.db!.collection('emails').findOne({ _id: f.id as any, status: 'sent' }), 12_000, 100)
      await Bun.sleep(500)
      expect(smtp.attempts.filter((data) => data.includes(f.data.orderId))).toHaveLength(1)
    } finally {
      smtp.behaviour.delayMs = 0
    }
  })

  test('a mail server refusing for now (451): the email is sent later, once; a permanent refusal (550) is recorded as failed', async () => {
    const later = paidFact(buyer.user.id, { userEmail: buyer.user.email })
    const never = paidFact(buyer.user.id, { userEmail: buyer.user.email })
    // More refusals than one delivery of the fact tries (3): only a later delivery gets through.
    let refusals = 4
    smtp.behaviour.refuse = (data) => {
      if (data.includes(never.data.orderId)) return '550 5.1.1 mailbox unavailable'
      if (data.includes(later.data.orderId) && refusals > 0) return refusals--, '451 4.3.0 try again later'
      return null
    }
    try {
      await bus.publish(later)
      await bus.publish(never)
      const sent = await eventually('the email after the refusals', async () => smtp.received.find((m) => m.data.includes(later.data.orderId)), 30_000, 100)
      expect(sent.to).toContain(buyer.user.email)
      const failed = await eventually('the failed record', async () => notificationsDb.db!.collection('emails').findOne({ _id: never.id as any }), 12_000, 100)
      expect(failed).toMatchObject({ status: 'failed' })
      expect(failed!.error).toContain('550')
      await allPaidFactsHandled()
      expect(await notificationsDb.db!.collection('emails').findOne({ _id: later.id as any })).toMatchObject({ status: 'sent' })
      expect(smtp.received.filter((m) => m.data.includes(later.data.orderId))).toHaveLength(1)
      expect(smtp.attempts.filter((data) => data.includes(later.data.orderId))).toHaveLength(5)
      // Refusals for now used up none of the email's claims: a throttle of any length only delays it.
      const claims = await notificationsDb.db!.collection('email_claims').find({ _id: { $in: [1, 2, 3].map((n) => `${later.id}~${n}`) } as any }).toArray()
      expect(claims.map((c) => [c._id, c.state])).toEqual([[`${later.id}~1`, 'sent']])
      // Refused for good: tried once, never again.
      expect(smtp.attempts.filter((data) => data.includes(never.data.orderId))).toHaveLength(1)
    } finally {
      smtp.behaviour.refuse = undefined
    }
  }, 60_000)

  test('an email refused for now waits in the database with its fact acknowledged: the emails after it go out at once, and it goes out once taken', async () => {
    const waiting = paidFact(buyer.user.id, { userEmail: buyer.user.email })
    const next = paidFact(buyer.user.id, { userEmail: buyer.user.email })
    let refusing = true
    smtp.behaviour.refuse = (data) => (refusing && data.includes(waiting.data.orderId) ? '452 4.2.2 mailbox full' : null)
    try {
      await bus.publish(waiting)
      const kept = await eventually('the email kept waiting', async () => notificationsDb.db!.collection('email_waits').findOne({ _id: waiting.id as any }), 20_000, 100)
      expect(kept).toMatchObject({ userId: buyer.user.id, attempts: 0, fact: { id: waiting.id } })
      expect(kept!.lastError).toContain('452')
      // Nothing of it is left unacknowledged on the bus (enough such facts would stop the consumer).
      await allPaidFactsHandled()
      await bus.publish(next)
      expect((await eventually('the next email', async () => smtp.received.find((m) => m.data.includes(next.data.orderId)), 12_000, 100)).to).toContain(buyer.user.email)
      expect(smtp.received.some((m) => m.data.includes(waiting.data.orderId))).toBe(false)
      // The mailbox has room again: at its next try it goes out, once, and waits no more.
      refusing = false
      await eventually('the waiting email', async () => smtp.received.find((m) => m.data.includes(waiting.data.orderId)), 30_000, 100)
      await eventually('its wait to go', async () => !(await notificationsDb.db!.collection('email_waits').findOne({ _id: waiting.id as any })), 12_000, 100)
      expect(await notificationsDb.db!.collection('emails').findOne({ _id: waiting.id as any })).toMatchObject({ status: 'sent' })
      expect(smtp.received.filter((m) => m.data.includes(waiting.data.orderId))).toHaveLength(1)
    } finally {
      smtp.behaviour.refuse = undefined
    }
  }, 60_000)

  test('a mail server turning us away (554 at the greeting) is retried, not taken as a refusal of the email', async () => {
    const f = paidFact(buyer.user.id, { userEmail: buyer.user.email })
    let turnedAway = 0
    smtp.behaviour.greet = () => (turnedAway < 4 ? (turnedAway++, '554 5.7.1 not now') : null)
    try {
      await bus.publish(f)
      const sent = await eventually('the email once the server takes it', async () => smtp.received.find((m) => m.data.includes(f.data.orderId)), 30_000, 100)
      expect(sent.to).toContain(buyer.user.email)
      expect(turnedAway).toBe(4)
      expect(await eventually('the record', async () => notificationsDb.db!.collection('emails').findOne({ _id: f.id as any }), 12_000, 100)).toMatchObject({ status: 'sent' })
      // A server turning everyone away uses up none of the email's claims: an outage of any length only delays it.
      const claims = await notificationsDb.db!.collection('email_claims').find({ _id: { $in: [1, 2, 3].map((n) => `${f.id}~${n}`) } as any }).toArray()
      expect(claims.map((c) => [c._id, c.state])).toEqual([[`${f.id}~1`, 'sent']])
    } finally {
      smtp.behaviour.greet = undefined
    }
  }, 60_000)

  test('no address in the fact: no email, recorded as skipped', async () => {
    const f = paidFact(buyer.user.id)
    await bus.publish(f)
    const record = await eventually('the email record', async () => notificationsDb.db!.collection('emails').findOne({ _id: f.id as any }), 12_000, 100)
    expect(record).toMatchObject({ status: 'skipped', error: 'no email address in the fact' })
  })

  test('a refund receipt', async () => {
    const orderId = objectId()
    const user = await registerUser('refunded')
    await bus.publish(
      fact('orders.order-refunded', { orderId, userId: user.user.id, eventId: objectId(), eventTitle: 'Jazz', amountCents: 4500, currency: 'EUR', userEmail: user.user.email }, `order-refunded:${orderId}`),
    )
    const text = decodeMime((await emailTo(user.user.email)).data)
    expect(text).toContain('Refund for Jazz')
    expect(text).toContain('€45.00')
  })

  // The whole purchase: only when orders runs in this system (it provides the tickets and the fact).
  test.skipIf(!system().urls.orders)('a real purchase emails every ticket code with its QR code', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: 'Mailed tickets' }) })
    expect(event.status).toBe(201)
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 2500, currency: 'EUR', capacity: 10 } })
    expect(type.status).toBe(201)
    const user = await registerUser('mailed')
    const order = await api('/orders', {
      token: user.token,
      headers: { 'idempotency-key': objectId() },
      body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], payment: { card: { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 1, cvc: '123' } } },
    })
    expect(order.status, JSON.stringify(order.body)).toBe(201)
    const tickets = await api(`/orders/${order.body.id}/tickets`, { token: user.token })
    expect(tickets.status).toBe(200)
    expect(tickets.body).toHaveLength(2)
    const message = await emailTo(user.user.email)
    const text = decodeMime(message.data)
    for (const t of tickets.body) expect(text).toContain(t.code)
    expect(message.data.match(/Content-Type: image\/svg\+xml/gi)?.length).toBe(2)
    expect(text).toContain('€50.00')
    const listed = await shows(user, `order-paid:${order.body.id}`)
    expect(listed.type).toBe('order-paid')
  })
})
