import { test, expect, afterAll } from 'bun:test'
import { jetstreamManager } from '@nats-io/jetstream'
import { nanos } from '@nats-io/transport-node'
import { Bus, Outbox, fact, connectMongo, connectNats, createLogger } from '../src'
import { system } from '../../../tests/support/system'

const log = createLogger('bus-test', 'silent')
const s = system()
const prefix = `${s.namespace}-bus`
const nc = await connectNats(s.infra.natsUrl, 'bus-test', log)
const conn = await connectMongo(s.infra.mongoUrl, `${s.namespace}_bustest`, log)
const bus = new Bus({ nc, prefix, log })
afterAll(async () => {
  await conn.close()
  await nc.close()
})

test('a fact recorded twice and relayed is delivered once, and the outbox empties', async () => {
  const outbox = new Outbox(conn, bus, log)
  const seen: string[] = []
  const stop = await bus.consume('bus-test', ['orders.order-cancelled'], async (f) => {
    seen.push(f.id)
  })
  const f = fact('orders.order-cancelled', { orderId: 'o1', userId: 'u1', eventId: 'e1' }, 'order-cancelled:o1')
  await outbox.record([f])
  await outbox.record([f])
  await outbox.relayOnce()
  // a relay that crashed after publishing but before deleting publishes again: JetStream drops it
  await bus.publish(f)
  // A later fact on the same subject comes after any copy of the first (one stream, delivered in
  // order): once it is seen, a duplicate would have been seen too.
  const later = fact('orders.order-cancelled', { orderId: 'o1b', userId: 'u1', eventId: 'e1' }, 'order-cancelled:o1b')
  await bus.publish(later)
  const deadline = Date.now() + 10_000
  while (!seen.includes(later.id) && Date.now() < deadline) await Bun.sleep(50)
  expect(seen).toEqual(['order-cancelled:o1', 'order-cancelled:o1b'])
  expect(await outbox.pending()).toBe(0)
  await stop()
})

test('a handler that fails gets the fact again until it succeeds', async () => {
  let attempts = 0
  const stop = await bus.consume('bus-test-retry', ['orders.order-expired'], async () => {
    attempts++
    if (attempts < 2) throw new Error('not yet')
  })
  await bus.publish(fact('orders.order-expired', { orderId: 'o2', userId: 'u', eventId: 'e' }))
  const deadline = Date.now() + 20_000
  while (attempts < 2 && Date.now() < deadline) await Bun.sleep(50)
  expect(attempts).toBe(2)
  await stop()
}, 30_000)

test('a consumer deleted in NATS under a running service is set up again, and the facts after it arrive', async () => {
  const seen: string[] = []
  const stop = await bus.consume('bus-test-deleted', ['orders.order-failed'], async (f) => {
    seen.push(f.id)
  })
  try {
    const first = fact('orders.order-failed', { orderId: 'o3', userId: 'u', eventId: 'e', reason: 'x' })
    await bus.publish(first)
    let deadline = Date.now() + 10_000
    while (!seen.includes(first.id) && Date.now() < deadline) await Bun.sleep(50)
    expect(seen).toEqual([first.id])

    const jsm = await jetstreamManager(nc)
    const names: string[] = []
    for await (const c of jsm.consumers.list(bus.stream)) if (c.name.startsWith('bus-test-deleted')) names.push(c.name)
    expect(names).toHaveLength(1)
    await jsm.consumers.delete(bus.stream, names[0]!)

    const after = fact('orders.order-failed', { orderId: 'o4', userId: 'u', eventId: 'e', reason: 'x' })
    await bus.publish(after)
    deadline = Date.now() + 30_000
    while (!seen.includes(after.id) && Date.now() < deadline) await Bun.sleep(100)
    // Set up again from the start of the stream (nothing tells where the deleted one was): handlers are idempotent.
    expect(seen).toContain(after.id)
  } finally {
    await stop()
  }
}, 45_000)

test('consumers that could not start are started again until they do; stopping ends the attempts', async () => {
  let attempts = 0
  const stop = bus.keepStarting('test consumers', async () => {
    attempts++
    if (attempts < 3) throw new Error('NATS blip')
    return async () => {}
  })
  const deadline = Date.now() + 10_000
  while (attempts < 3 && Date.now() < deadline) await Bun.sleep(50)
  expect(attempts).toBe(3)
  await stop()

  let tries = 0
  const never = bus.keepStarting('test consumers', async () => {
    tries++
    throw new Error('down')
  })
  await Bun.sleep(100)
  await never()
  const stoppedAt = tries
  await Bun.sleep(1_200)
  expect(tries).toBe(stoppedAt)
})

test('a stream made with other limits (an older version, a hand edit) gets the 30-minute duplicate window and 14-day age', async () => {
  const other = new Bus({ nc, prefix: `${prefix}-limits`, log })
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: other.stream, subjects: [`${prefix}-limits.>`], duplicate_window: nanos(120_000), max_age: nanos(3_600_000) })
  await other.ensureStream()
  const { config } = await jsm.streams.info(other.stream)
  expect(config.duplicate_window).toBe(nanos(30 * 60_000))
  expect(config.max_age).toBe(nanos(14 * 86_400_000))
  await jsm.streams.delete(other.stream)
})

test('live signals: a subscription made before NATS was reached counts its first connection as a gap; one made after, not', async () => {
  let gaps = 0
  const late = new Bus({ nc: Bun.sleep(200).then(() => connectNats(s.infra.natsUrl, 'bus-test-late', log)), prefix: `${prefix}-late`, log })
  const early = late.subscribeLive('test.gap', () => {}, () => gaps++)
  const nc2 = await late.connected
  const deadline = Date.now() + 5_000
  while (gaps === 0 && Date.now() < deadline) await Bun.sleep(20)
  expect(gaps).toBe(1)
  let after = 0
  const connected = late.subscribeLive('test.gap', () => {}, () => after++)
  await Bun.sleep(200)
  expect(after).toBe(0)
  early.unsubscribe()
  connected.unsubscribe()
  await nc2.close()
})
