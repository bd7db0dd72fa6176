// Questions for buyers: an organiser asks something of every order (a size, a dietary need, a yes or
// no); buyers answer at checkout; required ones come before any money moves; the answers reach the
// attendee file with the words the questions had when they were answered.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import mongoose from 'mongoose'
import { api, eventually, futureEvent, loginAdmin, registerUser, TEST_CARD, type Session } from '../support/api'
import { system } from '../support/system'
import { decodeMime, mailingThroughTestSmtp } from '../support/smtp'

const smtp = mailingThroughTestSmtp('notifications')
let paymentsDb: mongoose.Connection
beforeAll(async () => {
  paymentsDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_payments` }).asPromise()
})
afterAll(async () => {
  await paymentsDb?.close()
})
const charges = (orderId: string) => paymentsDb.collection('payments').countDocuments({ orderId })

const QUESTIONS = [
  { label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true },
  { label: 'Dietary needs', kind: 'text' },
  { label: 'May we photograph you?', kind: 'yes-no', required: true },
]

async function eventWithQuestions(admin: Session) {
  const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Asked ${Math.random().toString(36).slice(2, 7)}` }) })
  const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 20, maxPerOrder: 4 } })
  expect(type.status).toBe(201)
  const set = await api(`/events/${event.body.id}/questions`, { method: 'PUT', token: admin.token, body: { questions: QUESTIONS } })
  expect(set.status).toBe(200)
  const ids = set.body.questions.map((q: { id: string }) => q.id) as string[]
  return { eventId: event.body.id as string, typeId: type.body.id as string, size: ids[0]!, diet: ids[1]!, photo: ids[2]! }
}
const available = async (eventId: string) => (await api(`/events/${eventId}/availability`)).body.ticketTypes[0].available as number
const order = (buyer: Session, body: object) => api('/orders', { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body })

describe('questions for buyers', () => {
  test('set by an admin, shown with the event, checked; bad lists refused and nothing changes', async () => {
    const admin = await loginAdmin()
    const { eventId, size, photo } = await eventWithQuestions(admin)
    const shown = (await api(`/events/${eventId}`)).body.questions
    expect(shown).toEqual([
      { id: size, label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true },
      { id: expect.stringMatching(/^[a-z0-9]{8}$/), label: 'Dietary needs', kind: 'text', required: false },
      { id: photo, label: 'May we photograph you?', kind: 'yes-no', required: true },
    ])
    for (const questions of [
      [{ label: 'Size', kind: 'choice', options: ['S'] }],
      [{ label: 'Size', kind: 'choice', options: ['S', 's'] }],
      [{ label: 'Size', kind: 'text', options: ['S', 'M'] }],
      [{ label: 'Size', kind: 'colour' }],
      [{ label: 'Size', kind: 'text' }, { label: 'size', kind: 'text' }],
      [{ label: 'Si\u202Eze', kind: 'text' }],
      [{ label: '   ', kind: 'text' }],
      Array.from({ length: 21 }, (_, i) => ({ label: `Q${i}`, kind: 'text' })),
    ]) {
      const r = await api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions } })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect((await api(`/events/${eventId}`)).body.questions).toEqual(shown)
    const buyer = await registerUser('asks')
    expect((await api(`/events/${eventId}/questions`, { method: 'PUT', token: buyer.token, body: { questions: [] } })).status).toBe(403)
    // Kept by id when saved again; a new date copies them.
    const again = await api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions: [{ id: size, label: 'Shirt size', kind: 'choice', options: ['S', 'M', 'L', 'XL'], required: true }] } })
    expect(again.body.questions).toEqual([{ id: size, label: 'Shirt size', kind: 'choice', options: ['S', 'M', 'L', 'XL'], required: true }])
    expect((await api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions: [] } })).status).toBe(200)
    expect((await api(`/events/${eventId}`)).body.questions).toBeUndefined()
  })

  test('paid at once: required answers or nothing is held or charged; the answers kept with the words asked', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId, size, diet, photo } = await eventWithQuestions(admin)
    const buyer = await registerUser('answers')
    const items = [{ ticketTypeId: typeId, quantity: 2 }]
    const before = await available(eventId)
    for (const answers of [
      undefined,
      [{ questionId: size, value: 'M' }],
      [{ questionId: size, value: 'XXL' }, { questionId: photo, value: 'yes' }],
      [{ questionId: size, value: 'M' }, { questionId: photo, value: 'maybe' }],
      [{ questionId: size, value: 'M' }, { questionId: photo, value: 'yes' }, { questionId: 'nosuchq1', value: 'x' }],
      [{ questionId: size, value: 'M' }, { questionId: size, value: 'L' }, { questionId: photo, value: 'yes' }],
    ]) {
      const r = await order(buyer, { eventId, items, payment: { card: TEST_CARD }, ...(answers ? { answers } : {}) })
      expect(r.status).toBe(400)
      expect(r.body.error.code).toBe('VALIDATION')
    }
    expect(await available(eventId)).toBe(before)
    expect((await api('/orders', { token: buyer.token })).body.items).toEqual([])
    expect(await paymentsDb.collection('payments').countDocuments({ userId: buyer.user.id })).toBe(0)

    const paid = await order(buyer, { eventId, items, payment: { card: TEST_CARD }, answers: [{ questionId: photo, value: 'no' }, { questionId: size, value: 'L' }, { questionId: diet, value: '  ' }] })
    expect(paid.status).toBe(201)
    expect(paid.body.status).toBe('paid')
    const kept = await api(`/orders/${paid.body.id}/answers`, { token: buyer.token })
    expect(kept.body).toEqual({
      orderId: paid.body.id,
      answers: [
        { questionId: size, label: 'T-shirt size', value: 'L' },
        { questionId: photo, label: 'May we photograph you?', value: 'no' },
      ],
    })
    // Changed later, until the event starts; a paid order keeps its required answers; only its buyer.
    const changed = await api(`/orders/${paid.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'S' }, { questionId: photo, value: 'yes' }, { questionId: diet, value: 'No nuts,\nplease' }] } })
    expect(changed.status).toBe(200)
    expect((await api(`/orders/${paid.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: diet, value: 'none' }] } })).status).toBe(400)
    const other = await registerUser('not-theirs')
    expect((await api(`/orders/${paid.body.id}/answers`, { token: other.token })).status).toBe(404)
    expect((await api(`/orders/${paid.body.id}/answers`, { method: 'PUT', token: admin.token, body: { answers: [] } })).status).toBe(403)
    expect((await api(`/orders/${paid.body.id}/answers`, { token: admin.token })).body.answers).toHaveLength(3)

    // The questions' words change later: the order keeps the ones it answered; the attendee file has them.
    await api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions: [{ id: size, label: 'Shirt', kind: 'choice', options: ['S', 'M', 'L'], required: true }] } })
    expect((await api(`/orders/${paid.body.id}/answers`, { token: buyer.token })).body.answers[0].label).toBe('T-shirt size')
    const csv = await (await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv`, { headers: { authorization: `Bearer ${admin.token}` } })).text()
    expect(csv.split('\r\n')[0]).toEndWith(',answers,extra')
    expect(csv).toContain('T-shirt size: S; Dietary needs: No nuts, please; May we photograph you?: yes')
  }, 60_000)

  test('held first: paying waits for the required answers (400, no charge), then goes through', async () => {
    const admin = await loginAdmin()
    const { eventId, typeId, size, photo } = await eventWithQuestions(admin)
    const buyer = await registerUser('answers-later')
    const held = await order(buyer, { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }] })
    expect(held.status).toBe(201)
    expect(held.body.status).toBe('reserved')
    const pay = () => api(`/orders/${held.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })
    const early = await pay()
    expect(early.status).toBe(400)
    expect(early.body.error.details.fields[0].path).toBe('answers')
    expect(await charges(held.body.id)).toBe(0)
    // Some now, the rest later: a held order may be answered in parts.
    expect((await api(`/orders/${held.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'M' }] } })).status).toBe(200)
    expect((await pay()).status).toBe(400)
    expect((await api(`/orders/${held.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'M' }, { questionId: photo, value: 'yes' }] } })).status).toBe(200)
    const paid = await pay()
    expect(paid.status).toBe(200)
    expect(paid.body.status).toBe('paid')
    expect(await charges(held.body.id)).toBe(1)

    // An answer that no longer fits (the option was taken away since) holds the payment up as well.
    const second = await order(buyer, { eventId, items: [{ ticketTypeId: typeId, quantity: 1 }], answers: [{ questionId: size, value: 'L' }, { questionId: photo, value: 'no' }] })
    expect(second.body.status).toBe('reserved')
    await api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions: [{ id: size, label: 'T-shirt size', kind: 'choice', options: ['S', 'M'], required: true }] } })
    await Bun.sleep(3_200) // orders trusts its copy of the event for EVENT_CACHE_MS (3 s)
    const stale = await api(`/orders/${second.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })
    expect(stale.status).toBe(400)
    expect(await charges(second.body.id)).toBe(0)
    // Unknown questions are refused and change nothing; a cancelled order's answers no longer change.
    expect((await api(`/orders/${second.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: 'zzzzzzzz', value: 'x' }] } })).status).toBe(400)
    expect((await api(`/orders/${second.body.id}/answers`, { token: buyer.token })).body.answers.map((a: { value: string }) => a.value)).toEqual(['L', 'no'])
    expect((await api(`/orders/${second.body.id}/cancel`, { method: 'POST', token: buyer.token })).status).toBe(200)
    expect((await api(`/orders/${second.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'S' }] } })).status).toBe(409)
  }, 60_000)

  test('a purchase ticketing refuses (an unknown voucher, more than a hold may have) keeps none of its answers', async () => {
    const admin = await loginAdmin()
    const e = await eventWithQuestions(admin)
    const buyer = await registerUser('answers-refused')
    const answers = [{ questionId: e.size, value: 'M' }, { questionId: e.diet, value: 'no nuts' }, { questionId: e.photo, value: 'yes' }]
    const unknownVoucher = await order(buyer, { eventId: e.eventId, items: [{ ticketTypeId: e.typeId, quantity: 1 }], voucherCode: 'NOSUCHCODE', answers })
    expect(unknownVoucher.status).toBe(404)
    const tooMany = await order(buyer, { eventId: e.eventId, items: [{ ticketTypeId: e.typeId, quantity: 5 }], answers })
    expect(tooMany.status).toBe(400)
    const ordersDb = await mongoose.createConnection(system().infra.mongoUrl, { dbName: `${system().namespace}_orders` }).asPromise()
    try {
      await eventually('no answers kept', async () => (await ordersDb.collection('order_answers').countDocuments({ userId: buyer.user.id })) === 0, 10_000, 100)
      // A hold that is made keeps its answers.
      const held = await order(buyer, { eventId: e.eventId, items: [{ ticketTypeId: e.typeId, quantity: 1 }], answers })
      expect(held.status).toBe(201)
      expect(await ordersDb.collection('order_answers').countDocuments({ userId: buyer.user.id })).toBe(1)
    } finally {
      await ordersDb.close()
    }
  })

  test('an event without questions takes no answers', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent() })
    const type = await api(`/events/${event.body.id}/ticket-types`, { token: admin.token, body: { name: 'Floor', priceCents: 1500, currency: 'EUR', capacity: 5, maxPerOrder: 2 } })
    const buyer = await registerUser('no-questions')
    const r = await order(buyer, { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 1 }], payment: { card: TEST_CARD }, answers: [{ questionId: 'abcdefgh', value: 'x' }] })
    expect(r.status).toBe(400)
    const ok = await order(buyer, { eventId: event.body.id, items: [{ ticketTypeId: type.body.id, quantity: 1 }], payment: { card: TEST_CARD } })
    expect(ok.status).toBe(201)
    expect((await api(`/orders/${ok.body.id}/answers`, { token: buyer.token })).body).toEqual({ orderId: ok.body.id, answers: [] })
  }, 30_000)
})

describe('questions asked for each ticket', () => {
  test('one answer per admission ticket (extras not asked), required before money moves; kept by ticket; on each ticket in the file', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Per ticket ${Math.random().toString(36).slice(2, 7)}` }) })
    const eventId = event.body.id as string
    const day = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 2000, currency: 'EUR', capacity: 20 } })
    const parking = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Parking', priceCents: 500, currency: 'EUR', capacity: 20, addOn: true } })
    const set = await api(`/events/${eventId}/questions`, {
      method: 'PUT',
      token: admin.token,
      body: { questions: [{ label: 'Dietary needs', kind: 'text' }, { label: 'T-shirt size', kind: 'choice', options: ['S', 'M', 'L'], required: true, perTicket: true }] },
    })
    expect(set.status).toBe(200)
    const [diet, size] = set.body.questions.map((q: { id: string }) => q.id) as [string, string]
    expect(set.body.questions[1]).toMatchObject({ label: 'T-shirt size', perTicket: true, required: true })
    expect(set.body.questions[0].perTicket).toBeUndefined()
    expect((await api(`/events/${eventId}`)).body.questions[1].perTicket).toBe(true)

    const buyer = await registerUser('per-ticket')
    const items = [{ ticketTypeId: day.body.id, quantity: 2 }, { ticketTypeId: parking.body.id, quantity: 1 }]
    const buy = (answers: object[]) => order(buyer, { eventId, items, payment: { card: TEST_CARD }, answers })
    // Paid at once: each of the two day passes needs its size; the parking space is not asked.
    const refusals: Array<[object[], string, string]> = [
      [[{ questionId: size, value: 'S', ticket: 1 }], 'answers', 'for ticket 2'],
      [[{ questionId: size, value: 'S' }], 'answers.0.ticket', 'say which'],
      [[{ questionId: size, value: 'S', ticket: 1 }, { questionId: size, value: 'M', ticket: 3 }], 'answers.1.ticket', 'has 2 admission tickets'],
      [[{ questionId: diet, value: 'none', ticket: 1 }], 'answers.0.ticket', 'once per order'],
      [[{ questionId: size, value: 'S', ticket: 1 }, { questionId: size, value: 'M', ticket: 1 }], 'answers.1', 'answered twice'],
      [[{ questionId: size, value: 'XL', ticket: 1 }, { questionId: size, value: 'M', ticket: 2 }], 'answers.0', 'one of: S, M, L'],
    ]
    for (const [answers, path, words] of refusals) {
      const r = await buy(answers)
      expect(r.status).toBe(400)
      expect(r.body.error.details.fields[0].path).toBe(path)
      expect(r.body.error.message).toContain(words)
    }
    expect((await api(`/events/${eventId}/availability`)).body.ticketTypes.map((t: { sold: number; held: number }) => t.sold + t.held)).toEqual([0, 0])

    const paid = await buy([{ questionId: size, value: 'M', ticket: 2 }, { questionId: diet, value: 'vegan' }, { questionId: size, value: 'S', ticket: 1 }])
    expect(paid.status).toBe(201)
    expect(paid.body.status).toBe('paid')
    const kept = await api(`/orders/${paid.body.id}/answers`, { token: buyer.token })
    expect(kept.body.answers).toEqual([
      { questionId: diet, label: 'Dietary needs', value: 'vegan' },
      { questionId: size, label: 'T-shirt size', value: 'S', ticket: 1 },
      { questionId: size, label: 'T-shirt size', value: 'M', ticket: 2 },
    ])
    // A paid order keeps each ticket's required answer; it may change them.
    expect((await api(`/orders/${paid.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'L', ticket: 1 }] } })).status).toBe(400)
    const changed = await api(`/orders/${paid.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'L', ticket: 1 }, { questionId: size, value: 'M', ticket: 2 }, { questionId: diet, value: 'vegan' }] } })
    expect(changed.status).toBe(200)

    // Held first: paying waits for both sizes, then goes through.
    const held = await order(buyer, { eventId, items: [{ ticketTypeId: day.body.id, quantity: 2 }] })
    expect(held.body.status).toBe('reserved')
    const pay = () => api(`/orders/${held.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })
    expect((await api(`/orders/${held.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'S', ticket: 1 }] } })).status).toBe(200)
    const early = await pay()
    expect(early.status).toBe(400)
    expect(early.body.error.message).toContain('for ticket 2')
    expect(await charges(held.body.id)).toBe(0)
    expect((await api(`/orders/${held.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: size, value: 'S', ticket: 1 }, { questionId: size, value: 'L', ticket: 2 }] } })).status).toBe(200)
    expect((await pay()).body.status).toBe('paid')

    // The file: each ticket carries the order's answers and its own size; the parking space only the order's.
    const csv = await (await fetch(`${system().gatewayUrl}/api/events/${eventId}/attendees.csv`, { headers: { authorization: `Bearer ${admin.token}` } })).text()
    const rows = csv.split('\r\n').filter(Boolean).slice(1).filter((r) => r.includes(paid.body.id))
    expect(rows.map((r) => [r.split(',')[2], r.split(',')[11]])).toEqual([
      ['Day pass', 'Dietary needs: vegan; T-shirt size: L'],
      ['Day pass', 'Dietary needs: vegan; T-shirt size: M'],
      ['Parking', 'Dietary needs: vegan'],
    ])
  })

  test('a question switched to per ticket after a held order answered it: paying asks for each ticket, not an error about the old answer', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Switched ${Math.random().toString(36).slice(2, 7)}` }) })
    const eventId = event.body.id as string
    const day = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 2000, currency: 'EUR', capacity: 20 } })
    const ask = (perTicket: boolean) => api(`/events/${eventId}/questions`, { method: 'PUT', token: admin.token, body: { questions: [{ ...(id ? { id } : {}), label: 'T-shirt size', kind: 'choice', options: ['S', 'M'], required: true, perTicket }] } })
    let id: string | undefined
    id = (await ask(false)).body.questions[0].id as string
    const buyer = await registerUser('switched')
    const held = await order(buyer, { eventId, items: [{ ticketTypeId: day.body.id, quantity: 2 }], answers: [{ questionId: id, value: 'S' }] })
    expect(held.body.status).toBe('reserved')
    expect((await ask(true)).status).toBe(200)
    // Orders trust an event they read for EVENT_CACHE_MS (3 s): after that, the switch is what it asks.
    await Bun.sleep(3_500)
    const pay = () => api(`/orders/${held.body.id}/pay`, { token: buyer.token, headers: { 'idempotency-key': crypto.randomUUID() }, body: { card: TEST_CARD } })
    const refused = await pay()
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toContain('for ticket 1')
    expect(refused.body.error.details.fields[0].path).toBe('answers')
    expect(await charges(held.body.id)).toBe(0)
    const answered = await api(`/orders/${held.body.id}/answers`, { method: 'PUT', token: buyer.token, body: { answers: [{ questionId: id, value: 'S', ticket: 1 }, { questionId: id, value: 'M', ticket: 2 }] } })
    expect(answered.status).toBe(200)
    expect((await pay()).body.status).toBe('paid')
  }, 30_000)

  test('the confirmation email lists the answers, each ticket\'s with its number, a yes or no in words', async () => {
    const admin = await loginAdmin()
    const event = await api('/events', { token: admin.token, body: futureEvent({ title: `Emailed answers ${Math.random().toString(36).slice(2, 7)}` }) })
    const eventId = event.body.id as string
    const day = await api(`/events/${eventId}/ticket-types`, { token: admin.token, body: { name: 'Day pass', priceCents: 2000, currency: 'EUR', capacity: 20 } })
    const set = await api(`/events/${eventId}/questions`, {
      method: 'PUT',
      token: admin.token,
      body: { questions: [{ label: 'May we photograph you?', kind: 'yes-no', required: true }, { label: 'T-shirt size', kind: 'choice', options: ['S', 'M'], required: true, perTicket: true }] },
    })
    const [photo, size] = set.body.questions.map((q: { id: string }) => q.id) as [string, string]
    const buyer = await registerUser('emailed-answers')
    const paid = await order(buyer, { eventId, items: [{ ticketTypeId: day.body.id, quantity: 2 }], payment: { card: TEST_CARD }, answers: [{ questionId: photo, value: 'yes' }, { questionId: size, value: 'S', ticket: 1 }, { questionId: size, value: 'M', ticket: 2 }] })
    expect(paid.body.status).toBe('paid')
    const mail = decodeMime((await eventually('the confirmation', async () => smtp.received.find((m) => m.to.includes(buyer.user.email)), 20_000, 100)).data)
    expect(mail).toContain('Your answers to the organiser')
    expect(mail).toContain('May we photograph you?: Yes')
    expect(mail).toContain('Ticket 1 (Day pass) · T-shirt size: S')
    expect(mail).toContain('Ticket 2 (Day pass) · T-shirt size: M')
  }, 30_000)
})
