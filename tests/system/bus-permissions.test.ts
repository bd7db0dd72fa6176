// Each service reaches NATS as its own user (stack/nats/users.conf, the same file the Swarm stack
// deploys): it publishes its own facts only, reads only what it follows, and no service can change,
// purge or delete the facts stream. The facts these tests publish go to a stream of their own (another
// prefix), so the running system's consumers never see them.
import { afterAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import mongoose from 'mongoose'
import type { NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream'
import { Bus, connectNats, consumerNames, createLogger, fact, isPermissionViolation, type FactSubject } from '@easypass/kit'
import { environmentOf, system } from '../support/system'
import { natsUserOf } from '../../stack/local/infra'
import { natsConsumers, USERS_FILE, withConsumers } from '../../stack/nats/consumers'
import { createFactsStream } from '../../stack/nats/facts-stream'
import { CONSUMED as ORDERS_CONSUMED, ORDERS_CONSUMER } from '../../services/orders/src/modules/facts/index'
import { CONSUMED as NOTIFICATIONS_CONSUMED, NOTIFICATIONS_CONSUMER } from '../../services/notifications/src/modules/facts/consumer'
import { ROOT } from '../../stack/local/services'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD } from '../support/api'

const log = createLogger('bus-permissions-test', 'fatal')
const connections: NatsConnection[] = []
afterAll(async () => {
  for (const nc of connections) await nc.drain().catch(() => {})
})

const prefix = () => `${system().namespace}perm`
async function connectAs(user: string) {
  const url = system().infra.natsUsers[user]
  if (!url) throw new Error(`no NATS user ${user}: the test system's NATS was not started by the launcher`)
  const nc = await connectNats(url, `permissions-test-${user}`, log)
  connections.push(nc)
  return { nc, bus: new Bus({ nc, prefix: prefix(), log }) }
}
/** How a request or publish refused by NATS ends: the error, or `null` when it went through. */
const refusal = (work: Promise<unknown>) => work.then(() => null, (error: unknown) => error)

/** One fact of each service's own. */
const OWN: Record<string, FactSubject> = {
  auth: 'auth.account-closed',
  catalog: 'catalog.event-deleted',
  ticketing: 'ticketing.hold-expired',
  payments: 'payments.payment-succeeded',
  orders: 'orders.order-paid',
  notifications: 'notifications.tickets-available',
}
const SERVICES = Object.keys(OWN)

describe('NATS users', () => {
  test('every service publishes its own facts and is refused every other service’s (nothing reaches the stream)', async () => {
    const operator = await connectAs('easypass')
    await operator.bus.ensureStream()
    for (const service of SERVICES) {
      const { bus } = await connectAs(service)
      await bus.ensureStream()
      await bus.publish(fact(OWN[service]!, {} as never, `${service}-own`))
      for (const other of SERVICES.filter((s) => s !== service)) {
        const error = await refusal(bus.publish(fact(OWN[other]!, {} as never, `${service}-as-${other}`)))
        expect(isPermissionViolation(error)).toBe(true)
      }
    }
    // Only the six facts each service published of its own are in the stream.
    const jsm = await jetstreamManager(operator.nc)
    const info = await jsm.streams.info(operator.bus.stream)
    expect(info.state.messages).toBe(SERVICES.length)
    const subjects = await jsm.streams.info(operator.bus.stream, { subjects_filter: '>' })
    expect(Object.keys(subjects.state.subjects ?? {}).sort()).toEqual(SERVICES.map((s) => `${prefix()}.${OWN[s]}`).sort())
  })

  test('no service may update, purge or delete the stream or a consumer, nor read facts unless it consumes them; the operator may', async () => {
    const operator = await connectAs('easypass')
    await operator.bus.ensureStream()
    const operatorJsm = await jetstreamManager(operator.nc)
    const durable = `perm-${system().namespace}`
    await operatorJsm.consumers.add(operator.bus.stream, { durable_name: durable, ack_policy: AckPolicy.Explicit })
    for (const service of SERVICES) {
      const jsm = await jetstreamManager((await connectAs(service)).nc)
      const refused = async (work: Promise<unknown>) => expect(isPermissionViolation(await refusal(work))).toBe(true)
      await refused(jsm.streams.update(operator.bus.stream, { max_age: 1_000_000_000 }))
      await refused(jsm.streams.purge(operator.bus.stream))
      await refused(jsm.streams.delete(operator.bus.stream))
      await refused(jsm.streams.deleteMessage(operator.bus.stream, 1))
      await refused(jsm.consumers.delete(operator.bus.stream, durable))
      // Facts carry buyers' addresses: no service may make a consumer of a name its code does not make.
      await refused(jsm.consumers.add(operator.bus.stream, { durable_name: `${durable}-${service}`, ack_policy: AckPolicy.Explicit }))
    }
    expect((await operatorJsm.streams.info(operator.bus.stream)).config.name).toBe(operator.bus.stream)
    // The operator's user has every right: it removes the test's stream.
    expect(await operatorJsm.streams.delete(operator.bus.stream)).toBe(true)
  })

  test('no service may create a stream (one capturing another user’s inbox, or the facts stream): it waits for the operator’s nats-init', async () => {
    for (const service of SERVICES) {
      const jsm = await jetstreamManager((await connectAs(service)).nc)
      // Another user's replies (pulled facts, API answers) captured into a stream of its own: refused.
      const other = service === 'orders' ? 'notifications' : 'orders'
      expect(isPermissionViolation(await refusal(jsm.streams.add({ name: `CAPTURE_${system().namespace}_${service}`.toUpperCase(), subjects: [`_INBOX_${other}.>`] })))).toBe(true)
    }
    // A service finding no facts stream waits for it, makes none, and goes on once the operator made it.
    const fresh = `${prefix()}new`
    const orders = new Bus({ nc: (await connectAs('orders')).nc, prefix: fresh, log })
    let ready = false
    const waiting = orders.ensureStream().then(() => (ready = true))
    await Bun.sleep(1_500)
    expect(ready).toBe(false)
    const operatorJsm = await jetstreamManager((await connectAs('easypass')).nc)
    expect(await refusal(operatorJsm.streams.info(orders.stream))).not.toBeNull()
    // The stream script refuses to run as a service's user, and makes nothing.
    expect(String(await refusal(createFactsStream(system().infra.natsUsers.payments!, fresh, log)))).toContain("not the operator's user")
    expect(await refusal(operatorJsm.streams.info(orders.stream))).not.toBeNull()
    expect(await createFactsStream(system().infra.natsUsers.easypass!, fresh, log)).toBe(orders.stream)
    await waiting
    await orders.publish(fact('orders.order-paid', {} as never, 'after-the-operator'))
    expect((await operatorJsm.streams.info(orders.stream)).state.messages).toBe(1)
    await operatorJsm.streams.delete(orders.stream)
  })

  test('users.conf lists each consumer its service’s code makes (as `bun stack/nats/consumers.ts` writes them)', () => {
    const conf = readFileSync(USERS_FILE, 'utf8')
    expect(withConsumers(conf)).toBe(conf)
    expect(natsConsumers().orders).toContain('orders-payments_payment-succeeded')
    expect(natsConsumers().notifications).toContain('notifications-email-orders_order-paid')
    expect(natsConsumers().notifications).toContain('notifications-webhooks-catalog_event-cancelled')
    for (const names of Object.values(natsConsumers())) for (const name of names) expect(conf).toContain(`"$JS.API.CONSUMER.MSG.NEXT.*.${name}"`)
  })

  test('orders and notifications each make, pull from and acknowledge their own consumers, and are refused the other’s', async () => {
    const operator = await connectAs('easypass')
    await operator.bus.ensureStream()
    const operatorJsm = await jetstreamManager(operator.nc)
    // Each service's consumers as its code makes them (durable name and subjects), and a fact they follow.
    const own = {
      orders: { durable: ORDERS_CONSUMER, subjects: [...ORDERS_CONSUMED] as FactSubject[], fact: fact('payments.payment-succeeded', {} as never, 'perm-consumed-by-orders') },
      notifications: { durable: NOTIFICATIONS_CONSUMER, subjects: NOTIFICATIONS_CONSUMED, fact: fact('orders.hold-expiring', {} as never, 'perm-consumed-by-notifications') },
    }
    const consumers = natsConsumers()
    expect(Object.keys(consumers).sort()).toEqual(Object.keys(own).sort())
    for (const [user, { durable, subjects, fact: f }] of Object.entries(own)) {
      const { nc, bus } = await connectAs(user)
      const seen: string[] = []
      const stop = await bus.consume(durable, subjects, async (got) => {
        seen.push(got.id)
      })
      const name = consumerNames(durable, subjects)[subjects.indexOf(f.subject)]!
      try {
        await operator.bus.publish(f)
        await eventually(`${user} pulls the fact from its consumer`, async () => seen.includes(f.id))
        await eventually(`${user} acknowledges it`, async () => {
          const info = await operatorJsm.consumers.info(operator.bus.stream, name)
          return info.delivered.consumer_seq === 1 && info.num_ack_pending === 0 && info.ack_floor.consumer_seq === 1
        })
      } finally {
        await stop()
      }
      // Another service's consumer (as the operator made it): not looked up, made, changed, pulled from or acknowledged.
      const jsm = await jetstreamManager(nc)
      const theirs = consumers[user === 'orders' ? 'notifications' : 'orders']![0]!
      await operatorJsm.consumers.add(operator.bus.stream, { durable_name: theirs, ack_policy: AckPolicy.Explicit })
      const refused = async (what: string, work: Promise<unknown>) => expect({ user, what, refused: isPermissionViolation(await refusal(work)) }).toEqual({ user, what, refused: true })
      await refused('info', jsm.consumers.info(operator.bus.stream, theirs))
      await refused('add', jsm.consumers.add(operator.bus.stream, { durable_name: theirs, ack_policy: AckPolicy.Explicit, filter_subject: `${prefix()}.>` }))
      await refused('update', jsm.consumers.update(operator.bus.stream, theirs, { description: 'taken over' }))
      await refused('next', nc.request(`$JS.API.CONSUMER.MSG.NEXT.${operator.bus.stream}.${theirs}`, JSON.stringify({ batch: 1, no_wait: true }), { timeout: 2_000 }))
      await refused('ack', nc.request(`$JS.ACK.${operator.bus.stream}.${theirs}.1.1.1.0.0`, '+ACK', { timeout: 2_000 }))
    }
  })

  test('a stream with other limits: a service goes on publishing with them (it may not change them); the operator may', async () => {
    const operator = await connectAs('easypass')
    const jsm = await jetstreamManager(operator.nc)
    const stream = `${prefix()}old`
    // As an older version would have made it: facts kept an hour, not 14 days.
    await jsm.streams.add({ name: `${stream.toUpperCase()}_FACTS`, subjects: [`${stream}.>`], max_age: 3_600 * 1e9 })
    const orders = new Bus({ nc: (await connectAs('orders')).nc, prefix: stream, log })
    await orders.publish(fact('orders.order-paid', {} as never, 'with-old-limits'))
    const info = await jsm.streams.info(orders.stream)
    expect(info.config.max_age).toBe(3_600 * 1e9)
    expect(info.state.messages).toBe(1)
    // The operator's user brings it in line (as the services did before they had users of their own).
    await new Bus({ nc: operator.nc, prefix: stream, log }).ensureStream()
    expect((await jsm.streams.info(orders.stream)).config.max_age).toBe(14 * 86_400 * 1e9)
    await jsm.streams.delete(orders.stream)
  })

  test('a fact is what its subject says: a body claiming another service’s subject is dropped unhandled', async () => {
    const operator = await connectAs('easypass')
    await operator.bus.ensureStream()
    const catalog = await connectAs('catalog')
    await catalog.bus.ensureStream()
    const handled: string[] = []
    const stop = await operator.bus.consume(`forgery-${system().namespace}`, ['catalog.event-deleted'], async (f) => {
      handled.push(`${f.subject} ${f.id}`)
    })
    try {
      // Catalog may publish on its own subject only; the body says it is a payment.
      const forged = fact('payments.payment-succeeded', { paymentId: 'p', orderId: 'o', amountCents: 1, currency: 'EUR' }, 'forged-payment')
      await jetstream(catalog.nc).publish(`${prefix()}.catalog.event-deleted`, JSON.stringify(forged), { msgID: 'forged-payment' })
      await catalog.bus.publish(fact('catalog.event-deleted', { eventId: 'e1' }, 'genuine-deletion'))
      await eventually('the genuine fact', async () => handled.length > 0)
      await Bun.sleep(300)
      expect(handled).toEqual(['catalog.event-deleted genuine-deletion'])
    } finally {
      await stop()
    }
  })

  test('a fact cannot be suppressed by another service publishing its id first; its own service publishing it again still keeps one', async () => {
    const payments = await connectAs('payments')
    const orders = await connectAs('orders')
    const operator = await connectAs('easypass')
    await operator.bus.ensureStream()
    await orders.bus.ensureStream()
    const jsm = await jetstreamManager(operator.nc)
    const before = (await jsm.streams.info(operator.bus.stream)).state.messages
    const id = `order-paid:${system().namespace}-suppressed`
    // Payments, knowing the order, publishes first under the id the orders fact would have.
    await jetstream(payments.nc).publish(`${prefix()}.payments.payment-succeeded`, JSON.stringify(fact('payments.payment-succeeded', {} as never, id)), { msgID: id })
    await orders.bus.publish(fact('orders.order-paid', {} as never, id))
    // A relay after a crash, or a second orders process, publishes the same fact again: dropped.
    await orders.bus.publish(fact('orders.order-paid', {} as never, id))
    const subjects = (await jsm.streams.info(operator.bus.stream, { subjects_filter: `${prefix()}.orders.order-paid` })).state.subjects ?? {}
    expect(subjects[`${prefix()}.orders.order-paid`]).toBe(1)
    expect((await jsm.streams.info(operator.bus.stream)).state.messages).toBe(before + 2)
  })

  test('the replies and pulled facts of one user are no other user’s to read', async () => {
    for (const service of SERVICES) {
      const { nc } = await connectAs(service)
      for (const inbox of ['_INBOX.>', `_INBOX_${service === 'orders' ? 'notifications' : 'orders'}.>`]) {
        const sub = nc.subscribe(inbox)
        const ended = await Promise.race([sub.closed, Bun.sleep(500).then(() => 'open' as const)])
        expect({ service, inbox, refused: isPermissionViolation(ended) }).toEqual({ service, inbox, refused: true })
        sub.unsubscribe()
      }
    }
  })

  test('live signals: a user’s notifications are followed only by notifications', async () => {
    const subject = `${prefix()}-live.notifications.created.someone`
    for (const service of SERVICES) {
      const { nc } = await connectAs(service)
      const sub = nc.subscribe(subject)
      // A refused subscription is closed by the client with the server's error.
      const ended = await Promise.race([sub.closed, Bun.sleep(1_000).then(() => 'open' as const)])
      if (service === 'notifications') expect(ended).toBe('open')
      else expect(isPermissionViolation(ended)).toBe(true)
      sub.unsubscribe()
    }
  })

  test('every process connects as its own service’s user; the gateway and web get no NATS address at all', () => {
    const sys = system()
    const users = sys.infra.natsUsers
    for (const spec of sys.specs) {
      const env = environmentOf(spec.name)
      if (!env) continue
      const user = natsUserOf(spec.name)
      expect({ process: spec.name, natsUrl: env.NATS_URL }).toEqual({ process: spec.name, natsUrl: user ? users[user] : undefined })
      // The operator's password is in no process.
      expect(Object.values(env).join('\n')).not.toContain(new URL(users.easypass!).password)
    }
  })

  test('a sale, its confirmation, a cancelled event and its refund, and the buyer’s account closed go through with every process as its own user, and NATS refuses none of them anything', async () => {
    const admin = await loginAdmin()
    const buyer = await registerUser('permissions')
    const event = await api('/events', { token: admin.token, body: futureEvent() })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Standing', priceCents: 2500, currency: 'EUR', capacity: 10 } })
    const order = await api('/orders', { token: buyer.token, body: { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 2 }], payment: { card: TEST_CARD } } })
    expect(order.status).toBe(201)
    const notified = (type: string) => eventually(`the ${type} notification`, async () => {
      const list = await api('/notifications?limit=50', { token: buyer.token })
      return (list.body.items as Array<{ type: string; data: { orderId?: string } }>).some((n) => n.type === type && n.data.orderId === order.body.id)
    })
    // orders' fact, through notifications' consumer.
    await notified('order-paid')
    // catalog's fact, through orders' consumer (the refund), then orders' and payments' facts.
    expect((await api(`/events/${event.body.id}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
    await notified('order-refunded')
    expect((await api(`/orders/${order.body.id}`, { token: buyer.token })).body.status).toBe('refunded')
    // auth's one fact, through orders' and notifications' consumers: the buyer's inbox is emptied.
    expect((await api('/auth/me/close', { token: buyer.token, body: { password: 'correct horse 1' } })).status).toBe(200)
    await eventually('the closed account forgotten by notifications', async () => {
      const db = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_notifications` }).asPromise()
      try {
        return (await db.collection('notifications').countDocuments({ userId: buyer.user.id })) === 0
      } finally {
        await db.close()
      }
    })
    // What NATS refused any process (a fact, a live signal, a consumer) is logged as an error.
    const logDir = join(ROOT, '.data', 'test', 'logs', system().namespace)
    const refused = readdirSync(logDir).filter((file) => /nats refused|permissions violation/i.test(readFileSync(join(logDir, file), 'utf8')))
    expect(refused).toEqual([])
  }, 60_000)
})
