// Variations: ticket types naming the same product (`variationOf`, a T-shirt's sizes) are one product
// with choices for the buyer, each its own type with its own price and stock, sold and ticketed under
// its own name. The field is checked like any other (400, nothing made), changed and removed by PATCH,
// and copied to a new date of the event.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, futureEvent, loginAdmin, registerUser, TEST_CARD } from '../support/api'

describe('variations of a product', () => {
  test('types of one product: shown with it, each with its own price and stock; bad names refused; changed, removed and copied', async () => {
    const admin = await loginAdmin()
    const event = (await api('/events', { token: admin.token, body: futureEvent({ title: `Variations ${Math.random().toString(36).slice(2, 6)}` }) })).body
    const addType = (body: Record<string, unknown>) => api(`/events/${event.id}/ticket-types`, { token: admin.token, body: { currency: 'EUR', ...body } })
    const day = await addType({ name: 'Day pass', priceCents: 6000, capacity: 50 })
    const small = await addType({ name: 'T-shirt S', priceCents: 2000, capacity: 10, addOn: true, variationOf: 'T-shirt' })
    // Spaces around the product's name are not part of it.
    const medium = await addType({ name: 'T-shirt M', priceCents: 2200, capacity: 1, addOn: true, variationOf: '  T-shirt ' })
    expect([day.status, small.status, medium.status]).toEqual([201, 201, 201])
    expect([day.body.variationOf, small.body.variationOf, medium.body.variationOf]).toEqual([undefined, 'T-shirt', 'T-shirt'])

    // Blank, empty, too long, not a string: 400 in the contract's shape, and no type made.
    for (const variationOf of ['   ', '', 'x'.repeat(101), 7]) {
      const bad = await addType({ name: 'T-shirt L', priceCents: 2400, capacity: 5, variationOf })
      expect(bad.status).toBe(400)
      expect(errorCode(bad)).toBe('VALIDATION')
    }
    const shown = async (): Promise<Array<[string, string | undefined]>> => (await api(`/events/${event.id}`, { token: admin.token })).body.ticketTypes.map((t: { name: string; variationOf?: string }) => [t.name, t.variationOf])
    expect(await shown()).toEqual([
      ['Day pass', undefined],
      ['T-shirt S', 'T-shirt'],
      ['T-shirt M', 'T-shirt'],
    ])
    expect((await api(`/events/${event.id}/availability`)).body.ticketTypes.map((t: { variationOf?: string }) => t.variationOf)).toEqual([undefined, 'T-shirt', 'T-shirt'])

    // Each variation is sold at its own price, under its own name.
    const buyer = await registerUser('variations')
    const buy = (items: Array<[string, number]>) =>
      api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })), payment: { card: TEST_CARD } } })
    const paid = await buy([
      [day.body.id, 2],
      [small.body.id, 1],
      [medium.body.id, 1],
    ])
    expect(paid.status).toBe(201)
    expect(paid.body.totalCents).toBe(2 * 6000 + 2000 + 2200)
    const tickets = (await api(`/orders/${paid.body.id}/tickets`, { token: buyer.token })).body as Array<{ ticketTypeName: string }>
    expect(tickets.map((t) => t.ticketTypeName)).toEqual(['Day pass', 'Day pass', 'T-shirt S', 'T-shirt M'])
    // Its own stock: M is gone, S is not.
    const noMedium = await buy([
      [day.body.id, 1],
      [medium.body.id, 1],
    ])
    expect(noMedium.status).toBe(409)
    expect(errorCode(noMedium)).toBe('SOLD_OUT')
    expect(
      (
        await buy([
          [day.body.id, 1],
          [small.body.id, 1],
        ])
      ).status,
    ).toBe(201)

    // Changed, refused when blank (nothing changes), removed by null.
    const patch = (typeId: string, body: unknown) => api(`/events/${event.id}/ticket-types/${typeId}`, { method: 'PATCH', token: admin.token, body })
    expect((await patch(medium.body.id, { variationOf: 'Shirt' })).body.variationOf).toBe('Shirt')
    const blank = await patch(medium.body.id, { variationOf: ' ' })
    expect(blank.status).toBe(400)
    expect(errorCode(blank)).toBe('VALIDATION')
    const removed = await patch(small.body.id, { variationOf: null })
    expect(removed.status).toBe(200)
    expect(removed.body.variationOf).toBeUndefined()
    expect(await shown()).toEqual([
      ['Day pass', undefined],
      ['T-shirt S', undefined],
      ['T-shirt M', 'Shirt'],
    ])
    // Another change of the type keeps it.
    expect((await patch(medium.body.id, { priceCents: 2300 })).body.variationOf).toBe('Shirt')

    // A new date of the event copies it.
    const dates = await api(`/events/${event.id}/dates`, { token: admin.token, body: { startsAt: [new Date(Date.parse(event.startsAt) + 7 * 86_400_000).toISOString()] } })
    expect(dates.status).toBe(201)
    const copy = (await api(`/events/${dates.body.items[0].id}`, { token: admin.token })).body
    expect(copy.ticketTypes.map((t: { name: string; variationOf?: string }) => [t.name, t.variationOf])).toEqual([
      ['Day pass', undefined],
      ['T-shirt S', undefined],
      ['T-shirt M', 'Shirt'],
    ])
  })
})
