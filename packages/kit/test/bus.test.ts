import { test, expect, afterAll } from 'bun:test'
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
