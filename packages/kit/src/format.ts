// Formatters are built once per currency and language: building an Intl formatter costs far more than
// using one (a CPU profile of a flash sale had a fifth of this service's time in building them).
import { DEFAULT_LANGUAGE, type Language } from '@easypass/contracts/languages'
import { zoneOrUtc } from '@easypass/contracts/time-zones'

/** The locale each language writes dates and amounts in, on the server (no browser to ask). */
const LOCALES: Record<Language, { money: string; date: string }> = {
  en: { money: 'en-US', date: 'en-GB' },
  de: { money: 'de-DE', date: 'de-DE' },
  fr: { money: 'fr-FR', date: 'fr-FR' },
}

const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number } | null>()

function moneyFormat(currency: string, lang: Language) {
  const key = `${lang}|${currency}`
  if (!moneyFormats.has(key)) {
    let entry: { format: Intl.NumberFormat; digits: number } | null = null
    try {
      const format = new Intl.NumberFormat((LOCALES[lang] ?? LOCALES.en).money, { style: 'currency', currency })
      entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 }
    } catch {
      // Not an ISO 4217 code Intl knows: spelled out below.
    }
    // Bounded: currencies come from ticket types, a handful in practice.
    if (moneyFormats.size < 500) moneyFormats.set(key, entry)
    return entry
  }
  return moneyFormats.get(key)!
}

/** `4500, 'EUR'` → `€45.00` (`45,00 €` in German and French); minor units follow the currency (JPY has none). */
export function formatMoney(cents: number, currency: string, lang: Language = DEFAULT_LANGUAGE): string {
  const entry = moneyFormat(currency, lang)
  return entry ? entry.format.format(cents / 10 ** entry.digits) : `${(cents / 100).toFixed(2)} ${currency}`
}

const dateFormats = new Map<string, Intl.DateTimeFormat>()

function dateFormat(kind: 'date' | 'time' | 'zone', lang: Language, zone: string) {
  const key = `${kind}|${lang}|${zone}`
  let format = dateFormats.get(key)
  if (!format) {
    const locale = (LOCALES[lang] ?? LOCALES.en).date
    const options: Intl.DateTimeFormatOptions =
      kind === 'date' ? { dateStyle: 'full', timeStyle: 'short' } : kind === 'time' ? { timeStyle: 'short' } : { timeZoneName: 'short' }
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone })
    if (dateFormats.size < 2000) dateFormats.set(key, format)
  }
  return format
}

/** The zone's short name at that instant, in the language: `EET`, `OEZ`, `UTC+2`, `UTC`. */
function zoneName(date: Date, lang: Language, zone: string) {
  return dateFormat('zone', lang, zone).formatToParts(date).find((part) => part.type === 'timeZoneName')?.value ?? zone
}

/**
 * An event time on the venue's clock, spelled out with its zone: `Tuesday, 1 June 2027, 21:00 EEST`
 * (`Dienstag, 1. Juni 2027 um 21:00 OESZ`); in UTC for an event without a zone.
 */
export function formatDate(iso: string, lang: Language = DEFAULT_LANGUAGE, timeZone?: string): string | undefined {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return undefined
  // An event's zone was checked when it was stored; an unknown one is shown as UTC, never guessed at.
  const zone = zoneOrUtc(timeZone)
  return `${dateFormat('date', lang, zone).format(date)} ${zoneName(date, lang, zone)}`
}

/** A time of day on the venue's clock: `18:05 EET`; in UTC without a zone. */
export function formatTime(iso: string, lang: Language = DEFAULT_LANGUAGE, timeZone?: string): string | undefined {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return undefined
  const zone = zoneOrUtc(timeZone)
  return `${dateFormat('time', lang, zone).format(date)} ${zoneName(date, lang, zone)}`
}

/** English only: "1 ticket", "3 tickets". Other languages use `countOf`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

const pluralRules = new Map<Language, Intl.PluralRules>()

/** The form of a word for a count, by the language's plural rules (French takes the singular for 0 and 1). */
export function formOf<T>(n: number, forms: { one: T; other: T }, lang: Language = DEFAULT_LANGUAGE): T {
  let rules = pluralRules.get(lang)
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)))
  return rules.select(n) === 'one' ? forms.one : forms.other
}

/** A count with its word: `countOf(3, { one: 'Ticket', other: 'Tickets' }, 'de')` → "3 Tickets". */
export const countOf = (n: number, forms: { one: string; other: string }, lang: Language = DEFAULT_LANGUAGE) => `${n} ${formOf(n, forms, lang)}`
