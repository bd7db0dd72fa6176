// Shared capacity: ticket types selling from one pool (a hall of 50 whose two kinds of ticket together
// never pass 50), through the whole purchase path, under a race, and its settings refused when wrong.
import { describe, expect, test } from 'bun:test'
import { api, buyUntilFinal, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'

async function eventWithTypes(admin: Session, capacities: number[]) {
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const ids: string[] = []
  for (const [i, capacity] of capacities.entries()) {
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: `Kind ${i + 1}`, priceCents: 2000 + i * 500, currency: 'EUR', capacity } })
    expect(type.status).toBe(201)
    ids.push(type.body.id)
  }
  return { eventId: event.body.id as string, ids }
}
const addPool = (eventId: string, token: string, body: object, key?: string) =>
  api(`/events/${eventId}/pools`, { token, body, ...(key ? { headers: { 'idempotency-key': key } } : {}) })

describe('shared capacity', () => {
  test('200 purchases at once across two types of one pool of 50: exactly 50 sold, and the numbers add up at every moment', async () => {
    const admin = await loginAdmin()
    const { eventId, ids } = await eventWithTypes(admin, [40, 40])
    const pool = await addPool(eventId, admin.token, { name: 'Hall', capacity: 50, ticketTypeIds: ids })
    expect(pool.status).toBe(201)
    expect(pool.body).toMatchObject({ name: 'Hall', capacity: 50, ticketTypeIds: ids, sold: 0, held: 0, available: 50 })
    const buyers = await Promise.all(Array.from({ length: 10 }, (_, i) => registerUser(`pool-${i}`)))

    let running = true
    let observations = 0
    const problems: string[] = []
    const watch = (async () => {
      while (running || observations < 5) {
        const a = (await api(`/events/${eventId}/availability`)).body
        observations++
        const p = a.pools?.[0]
        if (!p || p.sold + p.held + p.available !== p.capacity || p.available < 0) problems.push(`pool ${JSON.stringify(p)}`)
        // The pool's numbers are its types' own, added up: one seat sold is one seat of one type.
        const sum = (f: 'sold' | 'held') => a.ticketTypes.reduce((n: number, t: { sold: number; held: number }) => n + t[f], 0)
        if (p && (sum('sold') !== p.sold || sum('held') !== p.held)) problems.push(`types ${JSON.stringify(a.ticketTypes)} against ${JSON.stringify(p)}`)
        await Bun.sleep(20)
      }
    })()
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        buyUntilFinal(buyers[i % 10]!.token, { eventId, items: [{ ticketTypeId: ids[i % 2]!, quantity: 1 }], payment: { card: TEST_CARD } }),
      ),
    )
    running = false
    await watch
    expect(problems).toEqual([])
    const statuses = answers.map((r) => r.status)
    expect(statuses.filter((s) => s === 201).length).toBe(50)
    expect(statuses.filter((s) => s === 409).length).toBe(150)
    expect(answers.filter((r) => r.status === 409).every((r) => r.body.error.code === 'SOLD_OUT')).toBe(true)
    const after = (await api(`/events/${eventId}/availability`)).body
    expect(after.pools[0]).toMatchObject({ capacity: 50, sold: 50, held: 0, available: 0 })
    expect(after.ticketTypes.map((t: { sold: number }) => t.sold).reduce((a: number, b: number) => a + b, 0)).toBe(50)
    expect(after.ticketTypes.every((t: { available: number }) => t.available === 0)).toBe(true)

    // A refund gives its seat back to the pool, for either type.
    const paid = answers.find((r) => r.status === 201)!.body
    const owner = buyers[answers.indexOf(answers.find((r) => r.status === 201)!) % 10]!
    expect((await api(`/orders/${paid.id}/refund`, { token: owner.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: {} })).status).toBe(200)
    const other = ids.find((id) => id !== paid.items[0].ticketTypeId)!
    const again = await api('/orders', { token: owner.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: other, quantity: 1 }], payment: { card: TEST_CARD } } })
    expect(again.status).toBe(201)
  }, 120_000)

  test('a new date of the event gets the same pools, over its own ticket types', async () => {
    const admin = await loginAdmin()
    const { eventId, ids } = await eventWithTypes(admin, [30, 30, 30])
    expect((await addPool(eventId, admin.token, { name: 'Hall', capacity: 40, ticketTypeIds: ids.slice(0, 2) })).status).toBe(201)
    const source = (await api(`/events/${eventId}`, { token: admin.token })).body
    expect(source.pools).toHaveLength(1)
    const startsAt = new Date(Date.parse(source.startsAt) + 7 * 86_400_000).toISOString()
    const dates = await api(`/events/${eventId}/dates`, { token: admin.token, body: { startsAt: [startsAt] } })
    expect(dates.status).toBe(201)
    const copy = (await api(`/events/${dates.body.items[0].id}`, { token: admin.token })).body
    const byName = new Map(copy.ticketTypes.map((t: { name: string; id: string }) => [t.name, t.id]))
    expect(copy.pools).toEqual([expect.objectContaining({ name: 'Hall', capacity: 40, ticketTypeIds: [byName.get('Kind 1'), byName.get('Kind 2')], sold: 0, available: 40 })])
    expect(copy.ticketTypes.map((t: { available: number }) => t.available)).toEqual([30, 30, 30])
  })

  test('settings: admins only, types of the event, never below what its types sold and hold; a retry under its key is one pool', async () => {
    const admin = await loginAdmin()
    const { eventId, ids } = await eventWithTypes(admin, [10, 10, 10])
    const buyer = await registerUser('pool-settings')
    expect((await addPool(eventId, buyer.token, { name: 'Hall', capacity: 5, ticketTypeIds: ids })).status).toBe(403)
    for (const body of [
      { name: '', capacity: 5, ticketTypeIds: ids },
      { name: 'Hall', capacity: 0, ticketTypeIds: ids },
      { name: 'Hall', capacity: 5, ticketTypeIds: [] },
      { name: 'Hall', capacity: 5, ticketTypeIds: ['nope'] },
      { name: 'Hall', capacity: 5, ticketTypeIds: ids, sold: 3 },
      { name: 'Hall', capacity: 5, ticketTypeIds: [ids[0], '665f1c2b9d3e4a0012345678'] },
      { name: 'Hall', capacity: 5, ticketTypeIds: [ids[0], ids[0]] },
      { name: '   ', capacity: 5, ticketTypeIds: ids },
    ]) {
      const r = await addPool(eventId, admin.token, body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    // The field is named, for the form to show it there.
    expect((await addPool(eventId, admin.token, { name: 'Hall', capacity: 5, ticketTypeIds: [ids[0], ids[0]] })).body.error.details.fields[0].path).toBe('ticketTypeIds')
    expect((await api(`/events/${eventId}/pools`, { token: admin.token })).body.items).toEqual([])

    // Three sold of the first type: a pool of two cannot hold them.
    expect((await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId, items: [{ ticketTypeId: ids[0]!, quantity: 3 }], payment: { card: TEST_CARD } } })).status).toBe(201)
    expect((await addPool(eventId, admin.token, { name: 'Hall', capacity: 2, ticketTypeIds: ids.slice(0, 2) })).status).toBe(409)
    const key = crypto.randomUUID()
    const [one, two] = await Promise.all([addPool(eventId, admin.token, { name: 'Hall', capacity: 5, ticketTypeIds: ids.slice(0, 2) }, key), addPool(eventId, admin.token, { name: 'Hall', capacity: 5, ticketTypeIds: ids.slice(0, 2) }, key)])
    expect([one!.status, two!.status]).toEqual([201, 201])
    expect(one!.body.id).toBe(two!.body.id)
    expect(one!.body).toMatchObject({ sold: 3, held: 0, available: 2 })
    expect((await api(`/events/${eventId}/pools`, { token: admin.token })).body.items).toHaveLength(1)
    // Each type shows what the pool leaves of it; the third type is not in it.
    const view = (await api(`/events/${eventId}/availability`)).body
    expect(view.ticketTypes.map((t: { available: number }) => t.available)).toEqual([2, 2, 10])
    expect((await api(`/events/${eventId}/ticket-types/${ids[1]}`)).body.available).toBe(2)

    const poolId = one!.body.id
    expect((await api(`/events/${eventId}/pools/${poolId}`, { method: 'PATCH', token: admin.token, body: { capacity: 2 } })).status).toBe(409)
    const grown = await api(`/events/${eventId}/pools/${poolId}`, { method: 'PATCH', token: admin.token, body: { capacity: 8, ticketTypeIds: ids } })
    expect(grown.body).toMatchObject({ capacity: 8, available: 5, ticketTypeIds: ids })
    expect((await api(`/events/${eventId}/pools/665f1c2b9d3e4a0012345678`, { method: 'PATCH', token: admin.token, body: { capacity: 9 } })).status).toBe(404)
    // The same request again under its key answers the pool as it is now; another body under it is 409.
    const retried = await addPool(eventId, admin.token, { name: 'Hall', capacity: 5, ticketTypeIds: ids.slice(0, 2) }, key)
    expect(retried.status).toBe(201)
    expect(retried.body).toMatchObject({ id: poolId, capacity: 8 })
    expect((await addPool(eventId, admin.token, { name: 'Other', capacity: 5, ticketTypeIds: ids.slice(0, 2) }, key)).status).toBe(409)
    expect((await api(`/events/${eventId}/pools/${poolId}`, { method: 'DELETE', token: admin.token })).status).toBe(204)
    // Removed: its key does not bring it back.
    expect((await addPool(eventId, admin.token, { name: 'Hall', capacity: 5, ticketTypeIds: ids.slice(0, 2) }, key)).status).toBe(409)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes.map((t: { available: number }) => t.available)).toEqual([7, 10, 10])
    expect((await api(`/events/${eventId}/pools/${poolId}`, { method: 'DELETE', token: admin.token })).status).toBe(404)
  }, 60_000)
})
