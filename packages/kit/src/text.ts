/**
 * User input becomes a literal inside a regular expression: `(` finds "(", it does not break the query.
 * Control characters are written as `\xHH`: MongoDB refuses a pattern holding a NUL (a 500 for `?q=%00`).
 */
export function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

/** Calendar check of an ISO string a schema already shaped: `2027-02-30` must not become 2 March. */
export function isRealDate(iso: string): boolean {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(iso)
  if (!parts) return false
  const [year, month, day, hour, minute, second] = parts.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number]
  const calendar = new Date(Date.UTC(year, month - 1, day))
  return !Number.isNaN(new Date(iso).getTime()) && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour < 24 && minute < 60 && second < 60
}

/** UTC years a stored date may fall in: an offset may push `9999-12-31T23:00-23:00` into year 10000, which no ISO date-time can carry. */
export const STORED_YEARS = { first: 1970, last: 9999 } as const

/** What is wrong with a date to be stored (not a real date, or outside the years an ISO date-time carries in UTC); undefined when nothing. */
export function storedDateProblem(iso: string): string | undefined {
  if (!isRealDate(iso)) return 'not a real date'
  return yearsProblem(new Date(iso))
}

/** An instant outside the years a stored date may fall in, said as a field message; undefined when inside. */
export function yearsProblem(date: Date): string | undefined {
  const year = date.getUTCFullYear()
  return year < STORED_YEARS.first || year > STORED_YEARS.last ? `must fall in the years ${STORED_YEARS.first}–${STORED_YEARS.last} (UTC)` : undefined
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** Any value as text inside HTML (an element's content or a quoted attribute): emails are built from strings. */
export const escapeHtml = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)

/** A database id as the services make them (a MongoDB ObjectId in hex): an account's, an order's, an event's. */
export const isObjectId = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{24}$/i.test(value)
