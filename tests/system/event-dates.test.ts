// More dates of an event: copies at other times with its ticket types (sales windows moved with the
// date), sharing a series id; each sells on its own; a retry under the same Idempotency-Key adds nothing
// twice; bad requests change nothing.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, TEST_CARD } from '../support/api'

const DAY = 86_400_000
const card = TEST_CARD

async function eventWithTypes(title = `Weekly ${Math.random().toString(36).slice(2, 6)}`) {
  const admin = await loginAdmin()
  const startsAt = new Date(Date.now() + 20 * DAY)
  const event = await api('/events', {
    token: admin.token,
    body: futureEvent({ title, startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 2.5 * 3_600_000).toISOString(), imageUrl: 'https://images.example.com/weekly.jpg', timeZone: 'Europe/Helsinki' }),
  })
  expect(event.status).toBe(201)
  const salesEnd = new Date(startsAt.getTime() - 3_600_000).toISOString()
  const types = [
    { name: 'Standing', priceCents: 1500, currency: 'EUR', capacity: 40, maxPerOrder: 6 },
    { name: 'Early bird', priceCents: 900, currency: 'EUR', capacity: 10, maxPerOrder: 2, salesEnd },
    { name: 'Parking', priceCents: 500, currency: 'EUR', capacity: 20, addOn: true },
  ]
  for (const body of types) expect((await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body })).status).toBe(201)
  return { admin, event: event.body as { id: string; startsAt: string; endsAt: string; title: string }, startsAt, salesEnd }
}

const addDates = (token: string, id: string, body: unknown, key?: string) => api(`/events/${id}/dates`, { token, body, headers: key ? { 'idempotency-key': key } : {} })
const at = (start: Date, days: number) => new Date(start.getTime() + days * DAY).toISOString()

describe('more dates of an event', () => {
  test('copies with the ticket types, sales windows moved with the date; the series lists them; each sells on its own', async () => {
    const { admin, event, startsAt, salesEnd } = await eventWithTypes()
    // Something sold on the first date: the copies start with nothing sold.
    const buyer = await registerUser('dates-buyer')
    const types = (await api(`/events/${event.id}`)).body.ticketTypes as Array<{ id: string; name: string }>
    const sold = await api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: types[0]!.id, quantity: 3 }], payment: { card } } })
    expect(sold.status).toBe(201)

    const r = await addDates(admin.token, event.id, { startsAt: [at(startsAt, 7), at(startsAt, 14)] })
    expect(r.status).toBe(201)
    expect(r.body.items).toHaveLength(2)
    for (const [i, copy] of (r.body.items as Array<Record<string, any>>).entries()) {
      expect(copy).toMatchObject({ title: event.title, status: 'draft', seriesId: event.id, imageUrl: 'https://images.example.com/weekly.jpg', timeZone: 'Europe/Helsinki', startsAt: at(startsAt, 7 * (i + 1)) })
      expect(Date.parse(copy.endsAt) - Date.parse(copy.startsAt)).toBe(2.5 * 3_600_000)
      const detail = (await api(`/events/${copy.id}`, { token: admin.token })).body
      expect(detail.ticketTypes.map((t: any) => [t.name, t.priceCents, t.capacity, t.maxPerOrder, t.sold, t.available])).toEqual([
        ['Standing', 1500, 40, 6, 0, 40],
        ['Early bird', 900, 10, 2, 0, 10],
        ['Parking', 500, 20, 10, 0, 20],
      ])
      expect(detail.ticketTypes.map((t: any) => t.addOn)).toEqual([undefined, undefined, true])
      expect(detail.ticketTypes[1].salesEnd).toBe(new Date(Date.parse(salesEnd) + 7 * (i + 1) * DAY).toISOString())
    }
    // The first date joined the series; drafts are not public until published.
    expect((await api(`/events/${event.id}`)).body.seriesId).toBe(event.id)
    expect((await api(`/events?seriesId=${event.id}`)).body.items.map((e: any) => e.id)).toEqual([event.id])
    const second = r.body.items[0].id as string
    expect((await api(`/events/${second}`, { method: 'PATCH', token: admin.token, body: { status: 'published' } })).status).toBe(200)
    expect((await api(`/events?seriesId=${event.id}`)).body.items.map((e: any) => e.id)).toEqual([event.id, second])
    // The first date is unchanged by the copy.
    expect((await api(`/events/${event.id}`)).body.ticketTypes[0]).toMatchObject({ sold: 3, available: 37 })

    // Adding from a later date joins the same series; a date it has already is refused, and nothing is added.
    const clash = await addDates(admin.token, second, { startsAt: [at(startsAt, 21), at(startsAt, 14)] })
    expect(clash.status).toBe(409)
    expect(clash.body.error.details.dates).toEqual([at(startsAt, 14)])
    const third = await addDates(admin.token, second, { startsAt: [at(startsAt, 21)], status: 'published' })
    expect(third.status).toBe(201)
    expect(third.body.items[0]).toMatchObject({ seriesId: event.id, status: 'published' })
    const series = (await api(`/events?seriesId=${event.id}`)).body.items.map((e: any) => e.startsAt)
    expect(series).toEqual([startsAt.toISOString(), at(startsAt, 7), at(startsAt, 21)])
  })

  test('two ticket types of one name (a price rise) are both copied, with their pool over both', async () => {
    const admin = await loginAdmin()
    const startsAt = new Date(Date.now() + 25 * DAY)
    const event = (await api('/events', { token: admin.token, body: futureEvent({ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString() }) })).body
    const ids: string[] = []
    for (const priceCents of [2000, 2500]) {
      const r = await api(`/events/${event.id}/ticket-types`, { token: admin.token, body: { name: 'General admission', priceCents, currency: 'EUR', capacity: 50 } })
      expect(r.status).toBe(201)
      ids.push(r.body.id)
    }
    expect((await api(`/events/${event.id}/pools`, { token: admin.token, body: { name: 'Hall', capacity: 60, ticketTypeIds: ids } })).status).toBe(201)
    const key = crypto.randomUUID()
    const r = await addDates(admin.token, event.id, { startsAt: [at(startsAt, 7)] }, key)
    expect(r.status).toBe(201)
    const copy = (await api(`/events/${r.body.items[0].id}`, { token: admin.token })).body
    expect(copy.ticketTypes.map((t: any) => [t.name, t.priceCents])).toEqual([['General admission', 2000], ['General admission', 2500]])
    expect(copy.pools).toEqual([expect.objectContaining({ name: 'Hall', capacity: 60, ticketTypeIds: copy.ticketTypes.map((t: any) => t.id) })])
    // Again under the key: nothing more.
    expect((await addDates(admin.token, event.id, { startsAt: [at(startsAt, 7)] }, key)).status).toBe(201)
    expect((await api(`/events/${r.body.items[0].id}`, { token: admin.token })).body.ticketTypes).toHaveLength(2)
  })

  test('the same Idempotency-Key again adds nothing more; bad requests are 4xx and add nothing', async () => {
    const { admin, event, startsAt } = await eventWithTypes()
    const key = crypto.randomUUID()
    const body = { startsAt: [at(startsAt, 1), at(startsAt, 2)] }
    const first = await addDates(admin.token, event.id, body, key)
    expect(first.status).toBe(201)
    const again = await addDates(admin.token, event.id, body, key)
    expect(again.status).toBe(201)
    expect(again.body.items.map((e: any) => e.id)).toEqual(first.body.items.map((e: any) => e.id))
    // The same key with other dates is another request: 409, and nothing is added under it.
    const other = await addDates(admin.token, event.id, { startsAt: [at(startsAt, 5)] }, key)
    expect(other.status).toBe(409)
    expect(other.body.error.message).toContain('different request body')
    for (const copy of again.body.items) expect((await api(`/events/${copy.id}`, { token: admin.token })).body.ticketTypes).toHaveLength(3)
    const all = async () => (await api(`/events?seriesId=${event.id}&status=all`, { token: admin.token })).body.total as number
    expect(await all()).toBe(3)
    // The source changed since (a new price): the same request again still answers the same dates, with nothing copied twice.
    const types = (await api(`/events/${event.id}`)).body.ticketTypes as Array<{ id: string }>
    expect((await api(`/events/${event.id}/ticket-types/${types[0]!.id}`, { method: 'PATCH', token: admin.token, body: { priceCents: 1700 } })).status).toBe(200)
    const later = await addDates(admin.token, event.id, body, key)
    expect(later.status).toBe(201)
    expect(later.body.items.map((e: any) => e.id)).toEqual(first.body.items.map((e: any) => e.id))
    for (const copy of later.body.items) expect((await api(`/events/${copy.id}`, { token: admin.token })).body.ticketTypes.map((t: any) => t.priceCents)).toEqual([1500, 900, 500])
    // One of its dates cancelled since: the key's request is refused, not repeated.
    expect((await api(`/events/${first.body.items[1].id}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
    const moved = await addDates(admin.token, event.id, body, key)
    expect(moved.status).toBe(409)
    expect(moved.body.error.details.eventId).toBe(first.body.items[1].id)
    expect(await all()).toBe(3)

    // Two requests adding the same date at once add it once.
    const racing = await Promise.all([addDates(admin.token, event.id, { startsAt: [at(startsAt, 3)] }), addDates(admin.token, event.id, { startsAt: [at(startsAt, 3)] })])
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409])
    expect(await all()).toBe(4)

    const buyer = await registerUser('not-admin')
    const cases: Array<[unknown, number, string?]> = [
      [{ startsAt: [] }, 400],
      [{ startsAt: [new Date(Date.now() - DAY).toISOString()] }, 400],
      [{ startsAt: [at(startsAt, 5), at(startsAt, 5)] }, 400],
      [{ startsAt: ['next tuesday'] }, 400],
      [{ startsAt: Array.from({ length: 53 }, (_, i) => at(startsAt, i + 10)) }, 400],
      [{ startsAt: [at(startsAt, 5)], title: 'other' }, 400],
      [{ startsAt: [at(startsAt, 5)], status: 'cancelled' }, 400],
      // Starts in 9999, ends (2.5 hours later) in year 10000: no ISO date carries that end, so it is never stored.
      [{ startsAt: ['9999-12-31T23:00:00Z'] }, 400],
    ]
    for (const [bad, status] of cases) {
      const r = await addDates(admin.token, event.id, bad)
      expect(r.status).toBe(status)
      expect(errorCode(r)).toBe('VALIDATION')
    }
    expect((await addDates(buyer.token, event.id, { startsAt: [at(startsAt, 5)] })).status).toBe(403)
    expect((await api(`/events/${event.id}/dates`, { body: { startsAt: [at(startsAt, 5)] } })).status).toBe(401)
    expect((await addDates(admin.token, '0123456789abcdef01234567', { startsAt: [at(startsAt, 5)] })).status).toBe(404)
    expect((await api(`/events?seriesId=nonsense`)).status).toBe(400)
    // A cancelled event gets no more dates.
    expect((await api(`/events/${event.id}/cancel`, { method: 'POST', token: admin.token })).status).toBe(202)
    const cancelled = await addDates(admin.token, event.id, { startsAt: [at(startsAt, 5)] })
    expect(cancelled.status).toBe(409)
    expect(await all()).toBe(4)
  })
})
