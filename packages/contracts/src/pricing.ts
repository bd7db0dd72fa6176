// Vouchers as plain rules: what a code may look like and what a voucher takes off a ticket. The
// server decides with them and the browser app checks and estimates with them; no schema imports, so
// that the app's bundle can take this file as it is.

export const VOUCHER_LIMITS = { codeMin: 3, codeMax: 32, maxUses: 1_000_000, ticketTypes: 20 } as const
/** Letters, digits, `-` and `_`, starting with a letter or digit (the length is in VOUCHER_LIMITS). */
export const VOUCHER_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]*$'
/** Whether a code could be one: the pattern and the length. */
export const isVoucherCode = (code: string) =>
  code.length >= VOUCHER_LIMITS.codeMin && code.length <= VOUCHER_LIMITS.codeMax && new RegExp(VOUCHER_CODE_PATTERN).test(code)

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
