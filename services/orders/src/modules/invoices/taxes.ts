// The tax an order's prices include, per rate, as its invoice shows it. Prices are gross (what the
// buyer pays, tax included, as consumer prices are); each line counts at its price less its part of
// the voucher's discount, and the tax of each rate is rounded once: tax = gross × r ÷ (1 + r).
import type { OrderItem } from '@easypass/contracts/orders'
import type { OrderDoc } from '../../db'
import { seatsOf } from '../tickets/service'

export interface TaxLine {
  rateBasisPoints: number
  netCents: number
  taxCents: number
  grossCents: number
}

/** An order line as receipts, invoices and credit notes print it. */
export const printedLine = ({ name, quantity, unitPriceCents, taxRateBasisPoints }: OrderItem) => ({ name, quantity, unitPriceCents, ...(taxRateBasisPoints ? { taxRateBasisPoints } : {}) })

/** The lines per rate, highest first; none when no line carries a rate (nothing to show) or the lines do not add up to the total. */
export function taxesOf(items: readonly OrderItem[], totalCents: number): TaxLine[] {
  if (!items.some((i) => i.taxRateBasisPoints)) return []
  const gross = new Map<number, number>()
  for (const i of items) {
    const rate = i.taxRateBasisPoints ?? 0
    gross.set(rate, (gross.get(rate) ?? 0) + i.quantity * i.unitPriceCents - (i.discountCents ?? 0))
  }
  // Lines that do not add up to what was paid would print a wrong tax: better none.
  if ([...gross.values()].reduce((a, b) => a + b, 0) !== totalCents) return []
  return taxesFromGross(gross)
}

/** Gross amounts per rate (basis points) as tax lines, highest rate first, each rounded once. */
export function taxesFromGross(gross: ReadonlyMap<number, number>): TaxLine[] {
  return [...gross.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, grossCents]) => {
      const taxCents = Math.round((grossCents * rate) / (10_000 + rate))
      return { rateBasisPoints: rate, netCents: grossCents - taxCents, taxCents, grossCents }
    })
}

/** A ticket as sold: its type, what it cost, and the tax rate its price includes. */
export interface TicketPrice {
  ticketTypeId: string
  cents: number
  rateBasisPoints: number
}

/**
 * What each ticket of the order cost: its line's price less its share of the line's discount (the
 * first tickets of a line carry the odd cents). Null for an order with a discount its lines do not
 * carry (sold before lines kept their share): it can only be refunded whole.
 */
export function ticketPrices(doc: Pick<OrderDoc, '_id' | 'items' | 'voucher'>): Map<string, TicketPrice> | null {
  const shared = doc.items.reduce((sum, i) => sum + (i.discountCents ?? 0), 0)
  if ((doc.voucher?.discountCents ?? 0) !== shared) return null
  const prices = new Map<string, TicketPrice>()
  const seenOfItem = new Map<OrderItem, number>()
  for (const { id, item } of seatsOf(doc)) {
    const index = seenOfItem.get(item) ?? 0
    seenOfItem.set(item, index + 1)
    const discount = item.discountCents ?? 0
    const share = Math.floor(discount / item.quantity) + (index < discount % item.quantity ? 1 : 0)
    prices.set(id, { ticketTypeId: item.ticketTypeId, cents: item.unitPriceCents - share, rateBasisPoints: item.taxRateBasisPoints ?? 0 })
  }
  return prices
}

/** What the order's tickets still standing (those not in `given`) cost, per tax rate. */
export function grossByRate(doc: Pick<OrderDoc, '_id' | 'items' | 'voucher'>, given: ReadonlySet<string>): Map<number, number> {
  const gross = new Map<number, number>()
  for (const [id, { cents, rateBasisPoints }] of ticketPrices(doc) ?? []) if (!given.has(id)) gross.set(rateBasisPoints, (gross.get(rateBasisPoints) ?? 0) + cents)
  return gross
}

/**
 * `gross` (cents per rate) made to add up to `totalCents`, each rate keeping its share: the largest
 * remainders get the odd cents (ties: the higher rate). How what was paid, or a refund, is shared among
 * the rates; unchanged when the sum is already the total.
 */
export function scaledByRate(gross: ReadonlyMap<number, number>, totalCents: number): Map<number, number> {
  const sum = [...gross.values()].reduce((a, b) => a + b, 0)
  if (sum === totalCents) return new Map(gross)
  if (sum <= 0 || totalCents <= 0) return new Map([...gross.keys()].map((rate) => [rate, 0]))
  const shares = [...gross].map(([rate, cents]) => {
    const exact = (cents * totalCents) / sum
    return { rate, cents: Math.floor(exact), rest: exact - Math.floor(exact) }
  })
  let odd = totalCents - shares.reduce((a, s) => a + s.cents, 0)
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || b.rate - a.rate)) {
    if (odd <= 0) break
    s.cents++
    odd--
  }
  return new Map(shares.map((s) => [s.rate, s.cents]))
}

/** A refund part as far as money and tax go: its tickets, and what it gave back. */
export interface GivenPart {
  ticketIds: readonly string[]
  amountCents: number
}

/**
 * What the order still holds per tax rate after `parts`, carried forward one refund at a time: it
 * starts at every ticket's price (what was paid, `paidCents`: 0 when nothing was charged), and each
 * part takes its amount from the rates of its own tickets (shared as their prices are), or an amount
 * without tickets from every rate as the order holds them. A rate none of a part's tickets carry never
 * moves, so each credit note's tax lines are the rates it touched; the rates always add up to what is
 * left of the money.
 */
export function heldByRate(doc: Pick<OrderDoc, '_id' | 'items' | 'voucher'>, parts: readonly GivenPart[], paidCents: number): Map<number, number> {
  const held = scaledByRate(grossByRate(doc, new Set()), Math.max(0, paidCents))
  const prices = ticketPrices(doc)
  for (const part of parts) {
    const total = [...held.values()].reduce((a, b) => a + b, 0)
    let base: Map<number, number> = held
    if (part.ticketIds.length && prices) {
      base = new Map()
      for (const id of part.ticketIds) {
        const price = prices.get(id)
        if (price) base.set(price.rateBasisPoints, (base.get(price.rateBasisPoints) ?? 0) + price.cents)
      }
    }
    const share = scaledByRate(base, Math.min(part.amountCents, total))
    // Never below 0 at a rate: a cent rounding would take past what a rate holds goes to a rate that has it.
    let over = 0
    for (const [rate, cents] of share) {
      const take = Math.min(cents, held.get(rate) ?? 0)
      held.set(rate, (held.get(rate) ?? 0) - take)
      over += cents - take
    }
    for (const [rate, cents] of [...held].sort((a, b) => b[1] - a[1])) {
      if (over <= 0) break
      const take = Math.min(over, cents)
      held.set(rate, cents - take)
      over -= take
    }
  }
  return held
}

/**
 * What giving back `ticketIds` returns of `leftCents` (what is left of the order's money): the
 * tickets' prices, or, once money was given back without tickets, their share of what is left.
 */
export function ticketsRefundCents(doc: Pick<OrderDoc, '_id' | 'items' | 'voucher'>, givenBefore: ReadonlySet<string>, ticketIds: readonly string[], leftCents: number): number {
  const sum = (gross: Map<number, number>) => [...gross.values()].reduce((a, b) => a + b, 0)
  const before = sum(grossByRate(doc, givenBefore))
  if (before <= 0 || leftCents <= 0) return 0
  const after = sum(grossByRate(doc, new Set([...givenBefore, ...ticketIds])))
  return leftCents - Math.round((leftCents * after) / before)
}
