// Money (integer minor units + ISO currency) and times (ISO UTC) for people, in the app's language
// (`locale()` from i18n: the browser's own tag when it is of that language).
import { sayReason } from '@easypass/contracts/languages'
import { canonicalTimeZone, instantOfWallTime, wallTimeInput, zoneOrUtc } from '@easypass/contracts/time-zones'
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

/**
 * A date format of the language in use, made once per locale and zone. `zone`: an event's IANA zone,
 * for its times on the venue's clock; absent, the viewer's own (an order's time, a scan's).
 */
function dateFormat(name: string, options: Intl.DateTimeFormatOptions, zone?: string) {
  const timeZone = zone ? zoneOrUtc(zone) : undefined
  const key = `${name}|${locale()}|${timeZone ?? ''}`
  let f = formats.get(key) as Intl.DateTimeFormat | undefined
  if (!f) formats.set(key, (f = new Intl.DateTimeFormat(locale(), timeZone ? { ...options, timeZone } : options)))
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
/**
 * An amount typed in the currency's units ("45", "45.50", "45,5"), in cents; null when it is not one. More
 * decimals than the currency has are refused, not rounded: "1.500" meant as fifteen hundred must not
 * become 1.50, nor 1.5 yen 2.
 */
export function parseMoney(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(',', '.')
  const digits = minorDigits(currency)
  const shape = digits ? new RegExp(`^\\d+(\\.\\d{1,${digits}})?$`) : /^\d+$/
  if (!shape.test(cleaned)) return null
  return Math.round(Number(cleaned) * 10 ** digits)
}

export function moneyInput(cents: number, currency: string) {
  const digits = minorDigits(currency)
  return (cents / 10 ** digits).toFixed(digits)
}

const DATE_TIME: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }
const dateTime = (zone?: string) => dateFormat('dateTime', DATE_TIME, zone)
// Every time says its zone: an event's on the venue's clock ("20:00 EET"), others on the viewer's; a buyer
// abroad must not take the one for the other.
const dateTimeZone = (zone?: string) => dateFormat('dateTimeZone', { ...DATE_TIME, timeZoneName: 'short' }, zone)
const timeZone = (zone?: string) => dateFormat('timeZone', { hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }, zone)

/** The viewer's time zone ("Europe/Helsinki"): the clock of times that are not an event's, and of events made without a zone. */
export const localZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || t(adminInputText).yourTimeZone
const dateOnly = () => dateFormat('dateOnly', { day: 'numeric', month: 'short', year: 'numeric' })
const monthShort = (zone?: string) => dateFormat('monthShort', { month: 'short' }, zone)
const dayOfMonth = (zone?: string) => dateFormat('dayOfMonth', { day: 'numeric' }, zone)

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

/**
 * An event's zone, for its times on the venue's clock; undefined for an event made without one, whose
 * times are shown and typed on the viewer's clock, as before zones existed.
 */
export const zoneOf = (event: { timeZone?: string } | undefined | null): string | undefined => (event?.timeZone && canonicalTimeZone(event.timeZone)) || undefined

/** The zone an event's times are typed in, by name: its own, else the viewer's. */
export const zoneLabel = (event: { timeZone?: string } | undefined | null) => zoneOf(event) ?? localZone()

/** A time with its zone: on the viewer's clock, or with `zone` (an event's) on the venue's. */
export function when(iso: string | undefined | null, zone?: string) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : dateTimeZone(zone).format(d)
}

/** "Fri, 25 Dec 2026, 18:00 – 23:00 EET" on the venue's clock, with the end's date only when it ends on another day there. */
export function whenRange(startIso: string, endIso: string, zone?: string) {
  const start = new Date(startIso)
  const end = new Date(endIso)
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return when(startIso, zone)
  const sameDay = toLocalInput(startIso, zone).slice(0, 10) === toLocalInput(endIso, zone).slice(0, 10)
  return `${dateTime(zone).format(start)} – ${sameDay ? timeZone(zone).format(end) : dateTimeZone(zone).format(end)}`
}

export function day(iso: string | undefined | null) {
  if (!iso) return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : dateOnly().format(d)
}

/** Day of month and short month name, for the date badge on event cards (on the venue's clock with `zone`). */
export function dateBadge(iso: string, zone?: string) {
  const d = new Date(iso)
  return { day: dayOfMonth(zone).format(d), month: monthShort(zone).format(d) }
}

/** ISO → the value of an <input type="datetime-local">: the wall clock in `zone` (an event's), else the browser's. */
export function toLocalInput(iso: string | undefined | null, zone?: string) {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  if (zone) return wallTimeInput(d, zoneOrUtc(zone))
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The value of an <input type="datetime-local"> (a wall clock in `zone`, else the browser's) → ISO UTC; null when empty or invalid. */
export function fromLocalInput(value: string, zone?: string): string | null {
  if (!value) return null
  if (zone) return instantOfWallTime(value, zoneOrUtc(zone))?.toISOString() ?? null
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

/**
 * The dates from `first` every `days` days, at the same time of day on the clock of `zone` (an event's;
 * absent, the browser's), across a clock change too: a Friday show at 20:00 stays at 20:00 in March.
 */
export function repeatDates(first: Date, days: number, count: number, zone?: string): string[] {
  if (zone) {
    const wall = toLocalInput(first.toISOString(), zone)
    const [year, month, date] = wall.slice(0, 10).split('-').map(Number) as [number, number, number]
    return Array.from({ length: count }, (_, i) => {
      const onDay = new Date(Date.UTC(year, month - 1, date + i * days)).toISOString().slice(0, 10)
      return fromLocalInput(`${onDay}${wall.slice(10)}`, zone) ?? first.toISOString()
    })
  }
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
