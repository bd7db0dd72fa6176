// The waiting room of a hot on-sale: buyers join a line and are let in at the organiser's rate, in the
// order they joined; only buyers let in start purchases, for as long as their turn lasts.
import { afterAll, describe, expect, test } from 'bun:test'
import { Redis } from 'ioredis'
import { api, eventually, futureEvent, loginAdmin, registerUser, type Session, TEST_CARD } from '../support/api'
import { system } from '../support/system'

const redis = new Redis(system().env.REDIS_URL!, { lazyConnect: true })
afterAll(() => redis.quit())

async function eventWithType(admin: Session, capacity = 100) {
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { name: 'Floor', priceCents: 3000, currency: 'EUR', capacity } })
  expect(type.status).toBe(201)
  return { eventId: event.body.id as string, typeId: type.body.id as string }
}
const room = (eventId: string, token: string, body: object) => api(`/events/${eventId}/waiting-room`, { method: 'PUT', token, body })
const join = (eventId: string, buyer: Session) => api(`/events/${eventId}/waiting-room`, { method: 'POST', token: buyer.token })
const buy = (eventId: string, typeId: string, buyer: Session, key: string = crypto.randomUUID()) =>
  api('/orders', { token: buyer.token, headers: { 'idempotency-key': key }, body: { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }], payment: { card: TEST_CARD } } })

describe('the waiting room', () => {
  test('settings: an admin only, for an event that exists; bad settings are 400 and change nothing', async () => {
    const admin = await loginAdmin()
    const { eventId } = await eventWithType(admin)
    const buyer = await registerUser('room-settings')
    expect((await room(eventId, buyer.token, { enabled: true, admitPerMinute: 60, passMinutes: 10 })).status).toBe(403)
    for (const body of [
      { enabled: true, admitPerMinute: 0, passMinutes: 10 },
      { enabled: true, admitPerMinute: 60, passMinutes: 0 },
      { enabled: true, admitPerMinute: 1.5, passMinutes: 10 },
      { enabled: 'yes', admitPerMinute: 60, passMinutes: 10 },
      { enabled: true, admitPerMinute: 60, passMinutes: 10, opensAt: 'tomorrow' },
      { enabled: true, admitPerMinute: 60, passMinutes: 10, everyone: true },
      { enabled: true, passMinutes: 10 },
    ]) {
      const r = await room(eventId, admin.token, body)
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect((await api(`/events/${eventId}/waiting-room`)).body).toEqual({ eventId, enabled: false, waiting: 0 })
    expect((await room('665f1c2b9d3e4a0012345678', admin.token, { enabled: true, admitPerMinute: 60, passMinutes: 10 })).status).toBe(404)
    expect((await api('/events/665f1c2b9d3e4a0012345678/waiting-room')).status).toBe(404)
    expect((await join('665f1c2b9d3e4a0012345678', buyer)).status).toBe(404)
    // No room: joining is refused, buying needs none.
    expect((await join(eventId, buyer)).status).toBe(409)
  })

  test('let in at the rate, in the order they joined: the others are refused 409 NOT_YOUR_TURN, and the same request goes through once it is their turn', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await eventWithType(admin)
    const set = await room(eventId, admin.token, { enabled: true, admitPerMinute: 60, passMinutes: 10 })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({ eventId, enabled: true, admitPerMinute: 60, passMinutes: 10, waiting: 0 })
    const [a, b, c, d, stranger] = await Promise.all(['room-a', 'room-b', 'room-c', 'room-d', 'room-e'].map((tag) => registerUser(tag)))

    // An empty line lets the first buyer in at once.
    const first = await join(eventId, a!)
    expect(first.status).toBe(200)
    expect(first.body.you).toMatchObject({ position: 1, aheadOfYou: 0, admitted: true })
    expect(Date.parse(first.body.you.passEndsAt) - Date.now()).toBeGreaterThan(9 * 60_000)
    expect((await buy(eventId, typeId, a!)).status).toBe(201)

    // Three more at once: places 2, 3, 4, one a second.
    const joined = await Promise.all([b!, c!, d!].map((buyer) => join(eventId, buyer)))
    expect(joined.map((r) => r.body.you.position).sort()).toEqual([2, 3, 4])
    const last = joined.find((r) => r.body.you.position === 4)!.body
    expect(last.you.admitted).toBe(false)
    expect(last.you.aheadOfYou).toBeGreaterThanOrEqual(1)
    expect(last.you.estimatedWaitSeconds).toBeGreaterThanOrEqual(1)
    expect(last.you.estimatedWaitSeconds).toBeLessThanOrEqual(4)
    // Joining again keeps the place.
    expect((await join(eventId, d!)).body.you.position).toBe(joined[2]!.body.you.position)

    // Not let in yet: refused, nothing held; the same key is not used up by the refusal.
    const lastBuyer = [b!, c!, d!][joined.findIndex((r) => r.body.you.position === 4)]!
    const key = crypto.randomUUID()
    const early = await buy(eventId, typeId, lastBuyer, key)
    expect(early.status).toBe(409)
    expect(early.body.error.code).toBe('NOT_YOUR_TURN')
    expect(early.body.error.details).toMatchObject({ waitingRoom: true, position: 4 })
    expect(Number(early.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes[0]).toMatchObject({ sold: 1, held: 0 })
    await eventually('the fourth buyer let in', async () => (await api(`/events/${eventId}/waiting-room`, { token: lastBuyer.token })).body.you?.admitted, 8_000, 250)
    const later = await buy(eventId, typeId, lastBuyer, key)
    expect(later.status).toBe(201)
    expect(later.body.status).toBe('paid')

    // Never joined: told to join; an admin buys without waiting.
    const unjoined = await buy(eventId, typeId, stranger!)
    expect(unjoined.status).toBe(409)
    expect(unjoined.body.error.code).toBe('NOT_YOUR_TURN')
    expect(unjoined.body.error.message).toContain(`POST /api/events/${eventId}/waiting-room`)
    expect((await buy(eventId, typeId, admin)).status).toBe(201)

    // Switched off: everyone buys as usual.
    expect((await room(eventId, admin.token, { enabled: false, admitPerMinute: 60, passMinutes: 10 })).status).toBe(200)
    expect((await buy(eventId, typeId, stranger!)).status).toBe(201)
  }, 30_000)

  test('a turn that ran out: refused, and joining again gives a place at the end', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await eventWithType(admin)
    expect((await room(eventId, admin.token, { enabled: true, admitPerMinute: 600, passMinutes: 1 })).status).toBe(200)
    const buyer = await registerUser('room-late')
    expect((await join(eventId, buyer)).body.you.admitted).toBe(true)
    // The turn began two minutes ago (a one-minute turn), as Redis keeps it.
    const prefix = system().env.REDIS_PREFIX
    await redis.hset(`${prefix}:orders:wr:${eventId}:adm`, buyer.user.id, String(Date.now() - 120_000))
    const over = await buy(eventId, typeId, buyer)
    expect(over.status).toBe(409)
    expect(over.body.error.code).toBe('NOT_YOUR_TURN')
    expect(over.body.error.details.turnEnded).toBe(true)
    const again = await join(eventId, buyer)
    expect(again.body.you.position).toBe(2)
    expect((await buy(eventId, typeId, buyer)).status).toBe(201)
  })

  test('a turn starts when the line reaches the place, asked for or not: one left unused is over, not saved for later', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await eventWithType(admin)
    expect((await room(eventId, admin.token, { enabled: true, admitPerMinute: 60, passMinutes: 1 })).status).toBe(200)
    const buyers = await Promise.all(['room-idle-1', 'room-idle-2', 'room-idle-3'].map((tag) => registerUser(tag)))
    for (const b of buyers) await join(eventId, b)
    // Three minutes pass with nobody asking (the front last moved then, as Redis keeps it).
    const front = `${system().env.REDIS_PREFIX}:orders:wr:${eventId}:front`
    await redis.hset(front, 't', String(Number(await redis.hget(front, 't')) - 180_000))
    const late = await buy(eventId, typeId, buyers[2]!)
    expect(late.status).toBe(409)
    expect(late.body.error.details.turnEnded).toBe(true)
    // Its turn began about three minutes ago, when the front passed it.
    const status = (await api(`/events/${eventId}/waiting-room`, { token: buyers[1]!.token })).body.you
    expect(status.admitted).toBe(false)
    expect(Date.parse(status.passEndsAt)).toBeLessThan(Date.now() - 60_000)
  })

  test('switched off and on again: the line keeps its places and lets nobody in for the time it was off', async () => {
    const admin = await loginAdmin()
    const { eventId } = await eventWithType(admin)
    const on = { enabled: true, admitPerMinute: 60, passMinutes: 10 }
    expect((await room(eventId, admin.token, on)).status).toBe(200)
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => registerUser(`room-pause-${i}`)))
    const places = []
    for (const b of buyers) places.push((await join(eventId, b)).body.you.position)
    expect((await room(eventId, admin.token, { ...on, enabled: false })).status).toBe(200)
    // Off for ten minutes, as Redis keeps it.
    const front = `${system().env.REDIS_PREFIX}:orders:wr:${eventId}:front`
    await redis.hset(front, 't', String(Number(await redis.hget(front, 't')) - 600_000))
    const back = await room(eventId, admin.token, on)
    expect(back.body.waiting).toBeGreaterThanOrEqual(3)
    const last = (await api(`/events/${eventId}/waiting-room`, { token: buyers[5]!.token })).body.you
    expect(last).toMatchObject({ position: places[5], admitted: false })
  })

  test('before it opens buyers take places and nobody is let in; many joining at once get one place each', async () => {
    const admin = await loginAdmin()
    const { eventId } = await eventWithType(admin)
    const opensAt = new Date(Date.now() + 3_600_000).toISOString()
    const set = await room(eventId, admin.token, { enabled: true, admitPerMinute: 120, passMinutes: 15, opensAt })
    expect(set.body.opensAt).toBe(opensAt)
    const buyers = await Promise.all(Array.from({ length: 30 }, (_, i) => registerUser(`room-crowd-${i}`)))
    const places = await Promise.all(buyers.map((b) => join(eventId, b)))
    expect(places.every((r) => r.status === 200 && r.body.you.admitted === false)).toBe(true)
    expect(places.map((r) => r.body.you.position).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    const answeredBy = Date.now()
    // About an hour to the opening (less the time the 30 sign-ups and joins took: seconds on a busy machine), plus the line ahead at two a second.
    const wait = places.find((r) => r.body.you.position === 30)!.body.you.estimatedWaitSeconds
    expect(wait).toBeGreaterThanOrEqual(Math.floor((Date.parse(opensAt) - answeredBy) / 1000) + 14)
    expect(wait).toBeLessThanOrEqual(3_600 + 16)
    expect((await api(`/events/${eventId}/waiting-room`)).body).toMatchObject({ enabled: true, waiting: 30 })
    expect((await api(`/events/${eventId}/waiting-room`)).body.you).toBeUndefined()
  }, 30_000)

  test('a line that moved before an opening was set lets nobody in before it opens', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId } = await eventWithType(admin)
    // On without an opening, and looked at: its front moves a second's worth (100) past its end.
    expect((await room(eventId, admin.token, { enabled: true, admitPerMinute: 6000, passMinutes: 15 })).status).toBe(200)
    expect((await api(`/events/${eventId}/waiting-room`)).status).toBe(200)
    // Then an opening an hour away: whoever joins now waits for it.
    const opensAt = new Date(Date.now() + 3_600_000).toISOString()
    expect((await room(eventId, admin.token, { enabled: true, admitPerMinute: 6000, passMinutes: 15, opensAt })).status).toBe(200)
    const buyer = await registerUser('room-early')
    const joined = await join(eventId, buyer)
    expect(joined.status).toBe(200)
    expect(joined.body.you.admitted).toBe(false)
    const refused = await buy(eventId, typeId, buyer)
    expect(refused.status).toBe(409)
    expect(refused.body.error.code).toBe('NOT_YOUR_TURN')
  }, 30_000)
})
