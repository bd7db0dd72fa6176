// The languages EasyPass speaks to buyers (the web app, emails, ticket PDFs). The API's own error
// messages stay English: clients read the code, and the web app words the common ones itself.

export const LANGUAGES = ['en', 'de', 'fr'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'en'

/** Each language by its own name, as a language picker lists them. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', fr: 'Français' }

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)

/** A stored or received language, when it is one we speak; English otherwise (absent, unknown, garbage). */
export const languageOf = (value: unknown): Language => (isLanguage(value) ? value : DEFAULT_LANGUAGE)

/**
 * The language to answer in, from an `Accept-Language` header ("de-CH, fr;q=0.8, *;q=0.1") or a list
 * of tags (`navigator.languages`): the first one we speak, by weight (a tag's region is ignored: de-AT
 * is German), else English. A malformed header is English, never an error.
 */
export function pickLanguage(accept: string | readonly string[] | null | undefined): Language {
  if (!accept) return DEFAULT_LANGUAGE
  const ranges = typeof accept === 'string' ? accept.split(',').slice(0, 32) : accept.slice(0, 32)
  const weighted: Array<{ tag: string; q: number; at: number }> = []
  ranges.forEach((range, at) => {
    const [tagPart = '', ...params] = range.split(';')
    const tag = tagPart.trim().toLowerCase()
    if (!/^[a-z]{1,8}(-[a-z0-9]{1,8})*$/.test(tag)) return
    let q = 1
    for (const param of params) {
      const m = /^\s*q\s*=\s*([01](\.\d{0,3})?)\s*$/i.exec(param)
      if (m) q = Number(m[1])
    }
    if (q > 0) weighted.push({ tag, q, at })
  })
  weighted.sort((a, b) => b.q - a.q || a.at - b.at)
  for (const { tag } of weighted) {
    const primary = tag.split('-')[0]
    if (isLanguage(primary)) return primary
  }
  return DEFAULT_LANGUAGE
}

/**
 * The reasons the system itself (or the web app) writes on orders and refunds, in English as stored,
 * said in each language. A reason someone typed is shown as they typed it.
 */
const SYSTEM_REASONS: Record<string, Record<Exclude<Language, 'en'>, string>> = {
  'the hold was cancelled before the order was paid': { de: 'die Reservierung wurde vor der Zahlung aufgehoben', fr: 'la réservation a été annulée avant le paiement' },
  'the hold expired': { de: 'die Reservierung ist abgelaufen', fr: 'la réservation a expiré' },
  'cancelled by the buyer': { de: 'vom Käufer storniert', fr: 'annulée par l’acheteur' },
  'the event was cancelled': { de: 'die Veranstaltung wurde abgesagt', fr: 'l’événement a été annulé' },
  'the event was cancelled (removed by the organizer)': { de: 'die Veranstaltung wurde abgesagt (vom Veranstalter entfernt)', fr: 'l’événement a été annulé (retiré par l’organisateur)' },
  'the event was removed by the organizer': { de: 'die Veranstaltung wurde vom Veranstalter entfernt', fr: 'l’événement a été retiré par l’organisateur' },
  'requested by the buyer': { de: 'auf Wunsch des Käufers', fr: 'à la demande de l’acheteur' },
  'refunded by an admin': { de: 'von einem Administrator erstattet', fr: 'remboursé par un administrateur' },
}

/** A stored reason in `lang`: the system's own words translated, anything else as it was written. */
export function sayReason(reason: string, lang: Language): string {
  if (lang === 'en') return reason
  return SYSTEM_REASONS[reason.trim()]?.[lang] ?? reason
}
