// What a voucher takes off a ticket: the server's rule, which the browser app uses for its estimate.
// Plain code without schema imports, so that the app's bundle can take it as it is.

/** A voucher as far as pricing goes: an amount is in one currency, and it may name the ticket types it is for. */
export interface VoucherTerms {
  percentOff?: number
  amountOffCents?: number
  currency?: string
  ticketTypeIds?: string[]
}

/** Whether a voucher lowers the price of a ticket of this type (its types, and an amount's currency). */
export function voucherAppliesTo(v: VoucherTerms, type: { id: string; currency: string }): boolean {
  if (v.ticketTypeIds && !v.ticketTypeIds.includes(type.id)) return false
  return !v.currency || v.currency === type.currency
}

/** The discount of one ticket of `priceCents` under a voucher (whole cents, rounded half up, never above the price). */
export function voucherDiscount(v: { percentOff?: number; amountOffCents?: number }, priceCents: number): number {
  if (v.percentOff) return Math.min(priceCents, Math.round((priceCents * v.percentOff) / 100))
  return Math.min(priceCents, v.amountOffCents ?? 0)
}
