// Money (integer minor units + ISO currency) and times (ISO UTC) for people, in the app's language
// (`locale()` from i18n: the browser's own tag when it is of that language).
import { sayReason } from '@easypass/contracts/languages'
import { defineMessages, language, locale, t, type Language } from './i18n'
import { adminInputText } from '../i18n/admin-input'

const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>()

function moneyFormat(currency: string) {
  const key = `money|${locale()}|${currency}`
  let f = formats.get(key) as Intl.NumberFormat | undefined
  if (!f) {
    try {
      f = new Intl.NumberFormat(locale(), { style: 'currency', currency })
    } catch {
      f = new Intl.NumberFormat(locale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    }
    formats.set(key, f)
  }
  return f
}

/** A date format of the language in use, made once per locale. */
function dateFormat(name: string, options: Intl.DateTimeFormatOptions) {
  const key = `${name}|${locale()}`
  let f = formats.get(key) as Intl.DateTimeFormat | undefined
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale(), options)))
  return f
}

/** Digits after the decimal point of a currency's minor unit (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string) {
  return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2
}

export function money(cents: number, currency: string) {
  return moneyFormat(currency).format(cents / 10 ** minorDigits(currency))
}

/** A discount taken off a price: "−€18.00" (a minus sign, not a hyphen). */
export function moneyOff(cents: number, currency: string) {
  return `−${money(cents, currency)}`
}

/** "45.50" in EUR → 4550; null when not a non-negative amount. */
export function parseMoney(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(',', '.')
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null
  return Math.round(Number(cleaned) * 10 ** minorDigits(currency))
}

export function moneyInput(cents: number, currency: string) {
  const digits = minorDigits(currency)
  return (cents / 10 ** digits).toFixed(digits)
}

const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }
const dateTime = () => dateFormat('dateTime', DATE_TIME)
// Times are shown in the viewer's zone, which says so: a buyer abroad must not take 19:00 for the venue's 20:00.
const dateTimeZone = () => dateFormat('dateTimeZone', { ...DATE_TIME, timeZoneName: 'short' })
const timeZone = () => dateFormat('timeZone', { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' })

/** The viewer's time zone, as admins' date fields are read in it ("Europe/Helsinki"). */
export const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || t(adminInputText).yourTimeZone
const dateOnly = () => dateFormat('dateOnly', { day: 'numeric', month: 'short', year: 'numeric' })
const monthShort = () => dateFormat('monthShort', { month: 'short' })

/** A tax rate typed as a percentage ("19", "5.5", "7,7"; empty: none) in basis points; null when it is not one. */
export function parsePercent(text: string): number | null {
  const t = text.trim().replace(',', '.').replace(/\s*%$/, '')
  if (!t) return 0
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(t)) return null
  const basisPoints = Math.round(Number(t) * 100)
  return basisPoints <= 10_000 ? basisPoints : null
}

/** Basis points as the percentage a field shows: 1900 → "19", 550 → "5.5", none → "". */
export const percentInput = (basisPoints: number | undefined) => (basisPoints ? String(basisPoints / 100) : '')

/** Basis points as a rate people read: 1900 → "19%", 550 → "5.5%" ("19 %", "5,5 %" in German and French). */
export const percent = (basisPoints: number) => new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 2 }).format(basisPoints / 10_000)

export function when(iso: string | undefined | null) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : dateTimeZone().format(d)
}

/** "Fri, 25 Dec 2026, 18:00 – 23:00", with the end's date only when it ends on another day. */
export function whenRange(startIso: string, endIso: string) {
  const start = new Date(startIso)
  const end = new Date(endIso)
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return when(startIso)
  return `${dateTime().format(start)} – ${start.toDateString() === end.toDateString() ? timeZone().format(end) : dateTimeZone().format(end)}`
}

export function day(iso: string | undefined | null) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : dateOnly().format(d)
}

/** Day of month and short month name, for the date badge on event cards. */
export function dateBadge(iso: string) {
  const d = new Date(iso)
  return { day: String(d.getDate()), month: monthShort().format(d) }
}

/** ISO → the value of an <input type="datetime-local"> in the browser's time zone. */
export function toLocalInput(iso: string | undefined | null) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The value of an <input type="datetime-local"> (local time) → ISO UTC; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}

/** `mm:ss` (or `h:mm:ss`) of a duration in milliseconds, never negative. */
export function clock(ms: number) {
  const total = Math.max(0, Math.ceil(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`
}

export function plural(n: number, one: string, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`
}

/** Why an order ended unpaid (`failureReason`, set on failed, expired and cancelled orders) as a sentence, in `lang`; '' when not said. */
export function endReason(order: { status: string; failureReason?: string }, lang: Language = language()) {
  const stored = order.failureReason?.trim()
  if (!stored || !['failed', 'expired', 'cancelled'].includes(order.status)) return ''
  const text = sayReason(stored, lang)
  return `${text[0]!.toUpperCase()}${text.slice(1).replace(/\.?$/, '.')}`
}

const ORDER_STATUS = defineMessages<Record<string, string>>({
  en: {
    reserved: 'Held, awaiting payment',
    // Its hold or its payment is being decided.
    pending: 'Processing',
    paid: 'Paid',
    cancelled: 'Cancelled',
    expired: 'Hold expired',
    // Refused hold (sold out), declined card…: not only payments fail.
    failed: 'Failed',
    refunded: 'Refunded',
  },
  de: {
    reserved: 'Reserviert, Zahlung offen',
    pending: 'In Bearbeitung',
    paid: 'Bezahlt',
    cancelled: 'Storniert',
    expired: 'Reservierung abgelaufen',
    failed: 'Fehlgeschlagen',
    refunded: 'Erstattet',
  },
  fr: {
    reserved: 'Réservée, en attente de paiement',
    pending: 'En cours',
    paid: 'Payée',
    cancelled: 'Annulée',
    expired: 'Réservation expirée',
    failed: 'Échouée',
    refunded: 'Remboursée',
  },
})

/** An order's status in words, in the language in use (undefined when unknown). */
export const orderStatusLabel = (status: string) => t(ORDER_STATUS)[status]

/** The dates from `first` every `days` days, at the same local time of day (across a clock change too). */
export function repeatDates(first: Date, days: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(first)
    d.setDate(d.getDate() + i * days)
    return d.toISOString()
  })
}

/** Whether a typed address looks like one (the server decides; this only catches slips before sending). */
export const looksLikeEmail = (text: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim())

const SEAT = defineMessages({ en: 'Seat', de: 'Platz', fr: 'Place' })

/** A ticket's label with its numbered seat, when it has one: "Stalls · Seat B-12" ("Parkett · Platz B-12"). */
export const withSeat = (label: string, ticket: { seat?: string }) => (ticket.seat ? `${label} · ${t(SEAT)} ${ticket.seat}` : label)

/** The time of day of a moment, as people read it ("10:42 AM"; empty for none). */
export function clockTime(iso: string | undefined | null) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' })
}
