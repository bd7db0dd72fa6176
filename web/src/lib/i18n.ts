// The app's language: English, German or French (`@easypass/contracts/languages`). It starts as the
// browser's first language we speak, a choice in the footer changes it and is kept on this device, and
// every API call says it (`Accept-Language`), so an order's emails and PDFs come in it too.
//
// Messages are plain typed objects, one per page or part of the app, with an entry per language: a
// missing or misspelt translation is a type error, not a blank on screen. Words that depend on a number
// are functions using the platform's plural rules (`Intl.PluralRules`); dates and money use `Intl` with
// the language's locale.
import { useEffect, useState } from 'preact/hooks'
import { DEFAULT_LANGUAGE, isLanguage, pickLanguage, type Language } from '@easypass/contracts/languages'
import { formOf } from '@easypass/kit/format'

export { LANGUAGE_NAMES, LANGUAGES, type Language } from '@easypass/contracts/languages'

const STORAGE_KEY = 'easypass.language'

function stored(): Language | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return isLanguage(value) ? value : undefined
  } catch {
    return undefined
  }
}

function browserLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : navigator.language ? [navigator.language] : []
}

let current: Language = stored() ?? pickLanguage(browserLanguages())
const listeners = new Set<() => void>()

if (typeof document !== 'undefined') document.documentElement.lang = current

/** The language now in use. */
export const language = () => current

/**
 * The locale dates and numbers are written in: the browser's own tag when it is of this language (a
 * buyer with en-GB keeps day-month dates in English), else the language itself.
 */
export function locale(lang: Language = current): string {
  return browserLanguages().find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang
}

export function setLanguage(next: Language) {
  if (!isLanguage(next) || next === current) return
  current = next
  try {
    localStorage.setItem(STORAGE_KEY, next)
  } catch {}
  document.documentElement.lang = next
  for (const listener of listeners) listener()
}

// Another tab chose a language: this one follows.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY && isLanguage(e.newValue) && e.newValue !== current) {
      current = e.newValue
      document.documentElement.lang = current
      for (const listener of listeners) listener()
    }
  })

/** The language, re-rendering the component when it changes. */
export function useLanguage(): Language {
  const [, rerender] = useState(0)
  useEffect(() => {
    const listener = () => rerender((n) => n + 1)
    listeners.add(listener)
    return () => void listeners.delete(listener)
  }, [])
  return current
}

/** A part of the app's messages in every language; English gives the shape the others must have. */
export type Messages<T> = { en: T } & Record<Exclude<Language, 'en'>, T>
export const defineMessages = <T>(messages: Messages<T>): Messages<T> => messages

/** The messages in the language in use, for a component (re-rendered when the language changes). */
export function useT<T>(messages: Messages<T>): T {
  return messages[useLanguage()]
}

/** The messages in the language in use, outside a component (a toast, a prompt). */
export function t<T>(messages: Messages<T>): T {
  return messages[current] ?? messages[DEFAULT_LANGUAGE]
}

/**
 * The form of a word for a count in the language in use: `count(3, { one: 'ticket', other: 'tickets' })`
 * → "3 tickets" (the number written the language's way). French takes the singular for 0 and 1, as its
 * plural rules say (`formOf`, shared with the server's emails).
 */
export function count(n: number, forms: { one: string; other: string }, lang: Language = current): string {
  return `${n.toLocaleString(locale(lang))} ${formOf(n, forms, lang)}`
}

/** Just the form, without the number. */
export const pick = <T>(n: number, forms: { one: T; other: T }, lang: Language = current): T => formOf(n, forms, lang)
