/** `4500, 'EUR'` → `€45.00`; minor units follow the currency (JPY has none). */
export function formatMoney(cents: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(cents / 10 ** digits)
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`
  }
}

/** An event time in UTC, spelled out: `Tuesday, 1 June 2027, 18:00 UTC`. */
export function formatDate(iso: string): string | undefined {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return undefined
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(date)} UTC`
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`
