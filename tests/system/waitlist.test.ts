// The waiting list of a sold-out event, end to end on the real system: buyers join when nothing is
// left, and when tickets come back (a hold cancelled, more capacity) the first in line, one per
// ticket, are told by a notification and an email (real SMTP); their turn is then over.
import { describe, expect, test } from 'bun:test'
import { api, errorCode, eventually, futureEvent, loginAdmin, registerUser, type Session } from '../support/api'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'

// A quick sweep: a sale that opens sends no availability signal, only the sweep finds it.
const smtp = mailingThroughTestSmtp('notifications', { WAITLIST_SWEEP_MS: '1500' })

/** A published event with one ticket type of `capacity`, on sale now unless `salesStart` says otherwise. */
async function eventWith(capacity: number, type: Record<string, unknown> = {}) {
  const admin = await loginAdmin()
  const event = await api('/events', { token: admin.token, body: futureEvent() })
  expect(event.status).toBe(201)
  const created = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Seat', priceCents: 2500, currency: 'EUR', capacity, maxPerOrder: 4, ...type } })
  expect(created.status).toBe(201)
  return { id: event.body.id as string, title: event.body.title as string, typeId: created.body.id as string }
}

const hold = (buyer: Session, event: { id: string; typeId: string }, quantity = 1) =>
  api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { eventId: event.id, items: [{ ticketTypeId: event.typeId, quantity }] } })
const join = (buyer: Session, eventId: string) => api('/notifications/waitlist', { token: buyer.token, body: { eventId } })
const told = async (buyer: Session, eventId: string) =>
  ((await api('/notifications?limit=50', { token: buyer.token })).body.items as Array<{ type: string; data: { eventId?: string }; title: string; body: string }>).filter(
    (n) => n.type === 'tickets-available' && n.data.eventId === eventId,
  )

describe('waiting list', () => {
  test('sold out: buyers join in order; a cancelled hold tells the first one only, by notification and email', async () => {
    const event = await eventWith(1)
    const holder = await registerUser('holder')
    const held = await hold(holder, event)
    expect(held.status).toBe(201)
    const [first, second] = [await registerUser('first'), await registerUser('second')]
    const joined = await join(first, event.id)
    expect(joined.status).toBe(201)
    expect(joined.body).toMatchObject({ eventId: event.id, eventTitle: event.title, offeredAt: null })
    expect((await join(first, event.id)).status).toBe(200)
    expect((await join(second, event.id)).status).toBe(201)

    expect((await api(`/orders/${held.body.id}/cancel`, { token: holder.token, method: 'POST' })).status).toBe(200)
    const [notification] = await eventually('the first in line told', async () => (await told(first, event.id)).length > 0 && told(first, event.id), 20_000, 250)
    expect(notification!.title).toBe(`Tickets are available for ${event.title}`)
    expect(notification!.body).toContain('1 ticket can be bought again')
    const email = await eventually('the email to the first in line', async () => smtp.received.find((m) => m.to.includes(first.user.email)), 15_000, 100)
    const text = decodeMime(email.data)
    expect(text).toContain(`Tickets are available: ${event.title}`)
    expect(text).toContain(`/events/${event.id}`)

    // One ticket came back: the second in line is not told, and stays in line.
    await Bun.sleep(3_000)
    expect(await told(second, event.id)).toEqual([])
    const mine = await api(`/notifications/waitlist?eventId=${event.id}`, { token: first.token })
    expect(mine.body.items[0].offeredAt).toBeString()
    const theirs = await api(`/notifications/waitlist?eventId=${event.id}`, { token: second.token })
    expect(theirs.body.items[0].offeredAt).toBeNull()
    // While the ticket is on sale, nobody joins: they buy it.
    const third = await registerUser('third')
    const refused = await join(third, event.id)
    expect(refused.status).toBe(409)
    expect(errorCode(refused)).toBe('CONFLICT')
  }, 60_000)

  test('more capacity tells as many as there are new tickets, in the order they joined; the third stays in line', async () => {
    const event = await eventWith(2)
    const holder = await registerUser('bigholder')
    expect((await hold(holder, event, 2)).status).toBe(201)
    const line = [await registerUser('w1'), await registerUser('w2'), await registerUser('w3')]
    for (const buyer of line) expect((await join(buyer, event.id)).status).toBe(201)
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/ticket-types/${event.typeId}`, { token: admin.token, method: 'PATCH', body: { capacity: 4 } })).status).toBe(200)
    await eventually('the first two told', async () => (await told(line[1]!, event.id)).length > 0, 20_000, 250)
    expect((await told(line[0]!, event.id)).length).toBe(1)
    await Bun.sleep(3_500)
    expect(await told(line[2]!, event.id)).toEqual([])
    const third = await api(`/notifications/waitlist?eventId=${event.id}`, { token: line[2]!.token })
    expect(third.body.items[0].offeredAt).toBeNull()
  }, 60_000)

  test('a ticket on offer that is taken (here by the told buyer\'s hold) frees the line: the next ticket back goes to the next buyer at once', async () => {
    const event = await eventWith(1)
    const holder = await registerUser('h3')
    const held = await hold(holder, event)
    const [a, b] = [await registerUser('a'), await registerUser('b')]
    expect((await join(a, event.id)).status).toBe(201)
    expect((await join(b, event.id)).status).toBe(201)
    await api(`/orders/${held.body.id}/cancel`, { token: holder.token, method: 'POST' })
    await eventually('a told', async () => (await told(a, event.id)).length > 0, 20_000, 250)
    expect((await hold(a, event)).status).toBe(201)
    // One more ticket: the one offered to a is taken, so b is told now, not after a's 15 minutes.
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/ticket-types/${event.typeId}`, { token: admin.token, method: 'PATCH', body: { capacity: 2 } })).status).toBe(200)
    await eventually('b told', async () => (await told(b, event.id)).length > 0, 20_000, 250)
  }, 60_000)

  test('a told buyer who missed the ticket joins again at the end of the line and is told again next time', async () => {
    const event = await eventWith(1)
    const holder = await registerUser('h4')
    const held = await hold(holder, event)
    const late = await registerUser('late')
    expect((await join(late, event.id)).status).toBe(201)
    await api(`/orders/${held.body.id}/cancel`, { token: holder.token, method: 'POST' })
    await eventually('told once', async () => (await told(late, event.id)).length === 1, 20_000, 250)
    // Someone quicker takes the ticket; the told buyer queues again.
    const quick = await registerUser('quick')
    expect((await hold(quick, event)).status).toBe(201)
    const again = await join(late, event.id)
    expect(again.status).toBe(201)
    expect(again.body.offeredAt).toBeNull()
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}/ticket-types/${event.typeId}`, { token: admin.token, method: 'PATCH', body: { capacity: 2 } })).status).toBe(200)
    await eventually('told a second time', async () => (await told(late, event.id)).length === 2, 20_000, 250)
  }, 60_000)

  test('a sale that has not opened yet: buyers wait (also through a spell back in draft), and are told when it opens', async () => {
    // Opening in 15 s: the setup below (a draft spell of 3.5 s) fits before it on a busy machine.
    const event = await eventWith(5, { salesStart: new Date(Date.now() + 15_000).toISOString() })
    const early = await registerUser('early')
    expect((await join(early, event.id)).status).toBe(201)
    expect(await told(early, event.id)).toEqual([])
    // Taken back to draft for a moment (nothing sold yet): the list stays for when it is published again.
    const admin = await loginAdmin()
    expect((await api(`/events/${event.id}`, { token: admin.token, method: 'PATCH', body: { status: 'draft' } })).status).toBe(200)
    await Bun.sleep(3_500)
    expect((await api(`/events/${event.id}`, { token: admin.token, method: 'PATCH', body: { status: 'published' } })).status).toBe(200)
    expect((await api(`/notifications/waitlist?eventId=${event.id}`, { token: early.token })).body.items[0]).toMatchObject({ offeredAt: null })
    await eventually('told when the sale opened', async () => (await told(early, event.id)).length > 0, 30_000, 250)
  }, 60_000)

  test('leaving, joining again, and what cannot be joined', async () => {
    const event = await eventWith(1)
    const holder = await registerUser('leaver-holder')
    expect((await hold(holder, event)).status).toBe(201)
    const buyer = await registerUser('leaver')
    expect((await join(buyer, event.id)).status).toBe(201)
    expect((await api(`/notifications/waitlist/${event.id}`, { token: buyer.token, method: 'DELETE' })).status).toBe(204)
    expect((await api(`/notifications/waitlist/${event.id}`, { token: buyer.token, method: 'DELETE' })).status).toBe(204)
    expect((await api(`/notifications/waitlist?eventId=${event.id}`, { token: buyer.token })).body.total).toBe(0)

    expect((await join(buyer, '0123456789abcdef01234567')).status).toBe(404)
    expect((await join(buyer, 'not-an-id')).status).toBe(400)
    expect((await api('/notifications/waitlist', { token: buyer.token, body: { eventId: event.id, extra: 1 } })).status).toBe(400)
    expect((await api('/notifications/waitlist', { body: { eventId: event.id } })).status).toBe(401)
    // Admins see how many wait; customers may not.
    const waiter = await registerUser('counted')
    expect((await join(waiter, event.id)).status).toBe(201)
    const counts = await api(`/notifications/waitlist/counts?eventIds=${event.id},0123456789abcdef01234567`, { token: (await loginAdmin()).token })
    expect(counts.status).toBe(200)
    expect(counts.body.items).toEqual([{ eventId: event.id, waiting: 1 }, { eventId: '0123456789abcdef01234567', waiting: 0 }])
    expect((await api(`/notifications/waitlist/counts?eventIds=${event.id}`, { token: buyer.token })).status).toBe(403)
    expect((await api('/notifications/waitlist/counts?eventIds=nope', { token: (await loginAdmin()).token })).status).toBe(400)
    const admin = await loginAdmin()
    const draft = await api('/events', { token: admin.token, body: futureEvent({ status: 'draft' }) })
    expect((await join(buyer, draft.body.id)).status).toBe(404)
    expect((await api(`/events/${event.id}/cancel`, { token: admin.token, method: 'POST' })).status).toBe(202)
    const over = await join(buyer, event.id)
    expect(over.status).toBe(409)
    expect(over.body.error.message).toContain('over')
  }, 45_000)
})
