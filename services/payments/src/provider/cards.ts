/** The card network from the leading digits (IIN ranges); `unknown` for anything else. */
export function cardBrand(digits: string): string {
  const two = Number(digits.slice(0, 2))
  const four = Number(digits.slice(0, 4))
  if (digits.startsWith('4')) return 'visa'
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'mastercard'
  if (two === 34 || two === 37) return 'amex'
  if (four === 6011 || two === 65 || (four >= 6440 && four <= 6499)) return 'discover'
  return 'unknown'
}
