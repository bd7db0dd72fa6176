// The order store against a real database: an order answered 202 before its run's draft was written.
import { afterAll, expect, test } from 'bun:test'
import { connectMongo, createLogger, ensureIndexes } from '@easypass/kit'
import { system } from '../../../tests/support/system'
import { defineModels, type OrderDoc } from '../src/db'
import { orderStore } from '../src/modules/orders/store'

const log = createLogger('orders-store-test', 'silent')
const conn = await connectMongo(system().infra.mongoUrl, `${system().namespace}_orders_store_test`, log)
const models = defineModels(conn)
await ensureIndexes(conn)
const store = orderStore(models)
afterAll(() => conn.close())

let n = 0
const orderOf = (fields: Partial<OrderDoc>): OrderDoc =>
  ({ _id: `${Date.now().toString(16)}${String(++n).padStart(11, '0')}`.slice(0, 24), userId: 'u1', eventId: 'e1', items: [], totalCents: 0, currency: '', initialStatus: 'pending', priced: false, createdAt: new Date(), status: 'pending', ...fields }) as OrderDoc

test("a placeholder answered 202 before the draft was written: the draft is the state, and finishing prices the order from it", async () => {
  // The estimate (the type's name unknown then, no seat) and what ticketing decided (a seat, the price).
  const placeholder = orderOf({ items: [{ ticketTypeId: 't1', name: '', quantity: 1, unitPriceCents: 0 }] })
  const draft: OrderDoc = { ...placeholder, items: [{ ticketTypeId: 't1', name: 'Stalls', quantity: 1, unitPriceCents: 4800, seats: ['B-12'] }], totalCents: 4800, currency: 'EUR', priced: true }
  await store.insertIfAbsent(placeholder)
  await store.insertDraft(draft)

  // A buyer's read shows the order document as it is; the reconciler's (finishing) takes the draft.
  expect((await store.load(placeholder._id))!.draft).toBeUndefined()
  const state = (await store.load(placeholder._id, true))!
  expect(state.draft).toBe(true)
  expect(state.doc).toMatchObject({ totalCents: 4800, currency: 'EUR', priced: true })
  // Finishing (the run, or the reconciler after it died) writes the decided order over the estimate.
  expect(await store.publish(state, 'paid')).toBe(true)
  const stored = await models.Order.findById(placeholder._id).lean<OrderDoc>()
  expect(stored).toMatchObject({ priced: true, totalCents: 4800, currency: 'EUR', status: 'paid', items: [expect.objectContaining({ name: 'Stalls', seats: ['B-12'] })] })
  // Priced now: the order document is the state again.
  expect((await store.load(placeholder._id, true))!.draft).toBeUndefined()
})

test('a placeholder without a draft (ticketing has not decided) is the state as it is', async () => {
  const placeholder = orderOf({})
  await store.insertIfAbsent(placeholder)
  const state = (await store.load(placeholder._id, true))!
  expect(state.draft).toBeUndefined()
  expect(state.doc.priced).toBe(false)
})
