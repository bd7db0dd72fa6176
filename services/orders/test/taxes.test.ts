import { describe, expect, test } from 'bun:test'
import { grossByRate, scaledByRate, heldByRate, taxesOf, ticketPrices, ticketsRefundCents } from '../src/modules/invoices/taxes'

const line = (unitPriceCents: number, quantity: number, taxRateBasisPoints?: number, discountCents?: number) => ({
  ticketTypeId: 'a'.repeat(24),
  name: 'Seat',
  quantity,
  unitPriceCents,
  ...(taxRateBasisPoints ? { taxRateBasisPoints } : {}),
  ...(discountCents ? { discountCents } : {}),
})

describe('the tax an order includes, per rate', () => {
  test('per rate, highest first, each line at its price less its discount share; rounded once per rate', () => {
    // Three lines of 1.04 at 19 %: 3.12 gross → 0.498… → 0.50 tax; rounded per line it would be 3 × 0.17 = 0.51.
    expect(taxesOf([line(104, 1, 1900), line(1000, 2, 700, 500), line(104, 1, 1900), line(104, 1, 1900)], 312 + 1500)).toEqual([
      { rateBasisPoints: 1900, grossCents: 312, taxCents: 50, netCents: 262 },
      { rateBasisPoints: 700, grossCents: 1500, taxCents: 98, netCents: 1402 },
    ])
  })

  test('a line without a rate counts at 0 %; none with a rate, or lines that do not add up to the total: nothing to show', () => {
    expect(taxesOf([line(1000, 1, 2000), line(500, 1)], 1500)).toEqual([
      { rateBasisPoints: 2000, grossCents: 1000, taxCents: 167, netCents: 833 },
      { rateBasisPoints: 0, grossCents: 500, taxCents: 0, netCents: 500 },
    ])
    expect(taxesOf([line(1000, 2)], 2000)).toEqual([])
    // An order's total less a discount the lines do not carry (sold before lines kept their share).
    expect(taxesOf([line(1000, 2, 1900)], 1500)).toEqual([])
  })
})

describe('what each ticket cost', () => {
  const order = (items: ReturnType<typeof line>[], voucherCents?: number) => ({ _id: 'b'.repeat(24), items, ...(voucherCents ? { voucher: { code: 'X', discountCents: voucherCents } } : {}) })

  test("each ticket at its line's price less its share of the line's discount; the first tickets carry the odd cents; they add up to the total", () => {
    const doc = order([line(1000, 3, 1900, 100), line(500, 2)], 100)
    const prices = ticketPrices(doc)!
    expect([...prices.entries()].map(([id, p]) => [id.slice(-2), p.cents, p.rateBasisPoints])).toEqual([
      ['-1', 966, 1900],
      ['-2', 967, 1900],
      ['-3', 967, 1900],
      ['-4', 500, 0],
      ['-5', 500, 0],
    ])
    expect([...prices.values()].reduce((sum, p) => sum + p.cents, 0)).toBe(3000 - 100 + 1000)
    // The tickets still standing, per rate: two given back.
    expect(grossByRate(doc, new Set([`${doc._id}-1`, `${doc._id}-4`]))).toEqual(new Map([[1900, 1934], [0, 500]]))
  })

  test('an order whose discount its lines do not carry (sold before lines kept their share) has no prices per ticket', () => {
    expect(ticketPrices(order([line(1000, 2, 1900)], 300))).toBeNull()
  })
})

describe('money given back without tickets', () => {
  const doc = { _id: 'b'.repeat(24), items: [line(5000, 2, 1900), line(1000, 1, 700)] }
  const id = (n: number) => `${doc._id}-${n}`

  test('what is left is shared among the rates as their prices are; the odd cents go to the largest remainders', () => {
    expect(scaledByRate(new Map([[1900, 10_000], [700, 1000]]), 8800)).toEqual(new Map([[1900, 8000], [700, 800]]))
    // 100 over three equal rates: 34, 33, 33, the odd cent to the highest rate on a tie.
    expect(scaledByRate(new Map([[700, 1], [1900, 1], [0, 1]]), 100)).toEqual(new Map([[700, 33], [1900, 34], [0, 33]]))
    // Nothing left: every rate at 0; nothing given back: unchanged.
    expect(scaledByRate(new Map([[1900, 500]]), 0)).toEqual(new Map([[1900, 0]]))
    expect(scaledByRate(new Map([[1900, 500]]), 500)).toEqual(new Map([[1900, 500]]))
  })

  test('the tickets still standing are worth what is left; a ticket given back after an amount returns its share of it', () => {
    expect(heldByRate(doc, [], 11_000)).toEqual(new Map([[1900, 10_000], [700, 1000]]))
    expect(heldByRate(doc, [{ ticketIds: [], amountCents: 2200 }], 11_000)).toEqual(new Map([[1900, 8000], [700, 800]]))
    // A concert ticket after 22.00 back: 88.00 × 60/110 stays, so 40.00 goes back (not its 50.00).
    expect(ticketsRefundCents(doc, new Set(), [id(1)], 8800)).toBe(4000)
    // Without money given back before: exactly its price; nothing charged: nothing.
    expect(ticketsRefundCents(doc, new Set(), [id(1)], 11_000)).toBe(5000)
    expect(ticketsRefundCents(doc, new Set(), [id(1)], 0)).toBe(0)
    // Every ticket: all that is left.
    expect(ticketsRefundCents(doc, new Set([id(1)]), [id(2), id(3)], 4800)).toBe(4800)
  })

  test('a ticket given back takes its money from its own rate only: the other rates keep what they hold, to the cent', () => {
    const mixed = { _id: 'c'.repeat(24), items: [line(2999, 4, 1900), line(2000, 1, 700)] }
    const amount = { ticketIds: [], amountCents: 13_996 - 8471 }
    const afterAmount = heldByRate(mixed, [amount], 13_996)
    expect(afterAmount).toEqual(new Map([[1900, 7261], [700, 1210]]))
    const share = ticketsRefundCents(mixed, new Set(), [`${mixed._id}-1`], 8471)
    expect(share).toBe(1815)
    const afterTicket = heldByRate(mixed, [amount, { ticketIds: [`${mixed._id}-1`], amountCents: share }], 13_996)
    expect(afterTicket).toEqual(new Map([[1900, 7261 - 1815], [700, 1210]]))
    // Nothing charged: nothing held at any rate.
    expect(heldByRate(mixed, [], 0)).toEqual(new Map([[1900, 0], [700, 0]]))
  })
})
