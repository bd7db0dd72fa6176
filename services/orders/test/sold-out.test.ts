import { describe, expect, test } from 'bun:test'
import type { Availability } from '@easypass/contracts/inventory'
import { soldOutBoard } from '../src/modules/purchase/sold-out'

const EVENT = 'e'.repeat(24)
const GA = 'a'.repeat(24)
const VIP = 'b'.repeat(24)

function view(seq: number, ga: Partial<Availability['ticketTypes'][number]> = {}, vip: Partial<Availability['ticketTypes'][number]> = {}): Availability {
  const type = (id: string, name: string, over: Partial<Availability['ticketTypes'][number]>) => ({
    id,
    name,
    priceCents: 4500,
    currency: 'EUR',
    capacity: 100,
    sold: 0,
    held: 0,
    available: 100,
    maxPerOrder: 4,
    ...over,
  })
  return { eventId: EVENT, seq, ticketTypes: [type(GA, 'General', ga), type(VIP, 'VIP', vip)] }
}

describe('answers SOLD_OUT only when nothing could make the request fit', () => {
  test('capacity − sold below the quantity: refused as ticketing would refuse it', () => {
    const board = soldOutBoard()
    board.update(view(7, { sold: 98, held: 2, available: 0 }))
    const answer = board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 3 }])
    expect(answer).toEqual({
      status: 409,
      body: { error: { code: 'SOLD_OUT', message: '"General" is sold out', details: { ticketTypes: [{ ticketTypeId: GA, requested: 3, available: 0 }] } } },
    })
    const some = soldOutBoard()
    some.update(view(1, { sold: 99, held: 0, available: 1 }))
    expect((some.refusal(EVENT, [{ ticketTypeId: GA, quantity: 2 }])?.body as { error: { message: string } }).error.message).toBe('only 1 "General" tickets left')
  })

  test('a pool of shared capacity that its types sold out refuses them, each alone or together; held seats may come back', () => {
    const board = soldOutBoard()
    const pooled = (sold: number, held: number): Availability => ({
      ...view(3, { sold: sold - 10, available: 50 - sold - held }, { sold: 10, held, available: 50 - sold - held }),
      pools: [{ id: 'f'.repeat(24), name: 'Hall', capacity: 50, ticketTypeIds: [GA, VIP], sold, held, available: 50 - sold - held }],
    })
    board.update(pooled(49, 0))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }])).toBeNull()
    const both = board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }, { ticketTypeId: VIP, quantity: 1 }])
    expect(both?.status).toBe(409)
    expect((both?.body as { error: { message: string; details: { pool: unknown } } }).error).toMatchObject({ code: 'SOLD_OUT', message: 'only 1 tickets are left of "Hall", which "General" and "VIP" share: not 2', details: { pool: { name: 'Hall', requested: 2, available: 1 } } })
    board.update({ ...pooled(45, 5), seq: 4 })
    expect(board.refusal(EVENT, [{ ticketTypeId: VIP, quantity: 4 }])).toBeNull()
  })

  test('seats only held may come back: ticketing decides', () => {
    const board = soldOutBoard()
    board.update(view(3, { sold: 90, held: 10, available: 0 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 4 }])).toBeNull()
    expect(board.refusal(EVENT, [{ ticketTypeId: VIP, quantity: 1 }])).toBeNull()
  })

  test('anything ticketing would refuse otherwise first, or cannot tell, goes to ticketing', () => {
    const board = soldOutBoard()
    const now = Date.now()
    board.update(view(5, { sold: 100, available: 0, salesEnd: new Date(now - 1000).toISOString() }, { sold: 100, available: 0, maxPerOrder: 2 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }], now)).toBeNull() // sales closed: a 409 CONFLICT of its own
    expect(board.refusal(EVENT, [{ ticketTypeId: VIP, quantity: 3 }], now)).toBeNull() // above maxPerOrder: a 400
    expect(board.refusal(EVENT, [{ ticketTypeId: 'c'.repeat(24), quantity: 1 }], now)).toBeNull() // unknown type: a 404
    expect(board.refusal('f'.repeat(24), [{ ticketTypeId: GA, quantity: 1 }], now)).toBeNull() // unknown event
    expect(board.refusal(EVENT, [{ ticketTypeId: VIP, quantity: 1 }], now)).not.toBeNull()
  })

  test('an older update never replaces a newer one, and an old one is not trusted', () => {
    const board = soldOutBoard(1_000)
    board.update(view(9, { sold: 100, available: 0 }))
    board.update(view(8, { sold: 10, available: 90 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }])).not.toBeNull()
    // A refund made room: its update follows, and the next request goes to ticketing.
    board.update(view(10, { sold: 99, available: 1 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }])).toBeNull()
    board.update(view(11, { sold: 100, available: 0 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }], Date.now() + 1_001)).toBeNull()
  })

  test('after updates were missed (NATS lost), nothing is refused until the next update', () => {
    const board = soldOutBoard()
    board.update(view(3, { sold: 100, available: 0 }))
    board.clear()
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }])).toBeNull()
    board.update(view(4, { sold: 100, available: 0 }))
    expect(board.refusal(EVENT, [{ ticketTypeId: GA, quantity: 1 }])).not.toBeNull()
  })
})
