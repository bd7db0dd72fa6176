// The tax an order's prices include, per rate, as its invoice shows it. Prices are gross (what the
// buyer pays, tax included, as consumer prices are); each line counts at its price less its part of
// the voucher's discount, and the tax of each rate is rounded once: tax = gross × r ÷ (1 + r).
import type { OrderItem } from '@easypass/contracts/orders'

export interface TaxLine {
  rateBasisPoints: number
  netCents: number
  taxCents: number
  grossCents: number
}

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
