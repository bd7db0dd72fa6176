// What a voucher takes off a ticket: the server's rule, which the browser app uses for its estimate.
// Plain code without schema imports, so that the app's bundle can take it as it is.

/** The discount of one ticket of `priceCents` under a voucher (whole cents, rounded half up, never above the price). */
export function voucherDiscount(v: { percentOff?: number; amountOffCents?: number }, priceCents: number): number {
  if (v.percentOff) return Math.min(priceCents, Math.round((priceCents * v.percentOff) / 100))
  return Math.min(priceCents, v.amountOffCents ?? 0)
}
