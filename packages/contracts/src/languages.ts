// The languages EasyPass speaks to buyers (the web app, emails, ticket PDFs). The API's own error
// messages stay English: clients read the code, and the web app words the common ones itself.

export const LANGUAGES = ['en', 'de', 'fr'] as const
export type Language = (typeof LANGUAGES)[number]
export const DEFAULT_LANGUAGE: Language = 'en'

/** Each language by its own name, as a language picker lists them. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', de: 'Deutsch', fr: 'Français' }

export const isLanguage = (value: unknown): value is Language => typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value)

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
