// A purchase refused for something it names (a ticket type sold out, a seat taken, a limit, a sales
// window) is worded in the reader's language from what the server says it refused (`details`), with
// the names the page shows; the server writes its message in English, which stays for English readers
// and for any refusal not worded here.
// (`wordRefusal` in ./api applies it to an error; this file is the wording alone.)
import { when } from './format'
import { language } from './i18n'
import type { Language } from '@easypass/contracts/languages'
import { refusalText } from '../i18n/refusals'

/** A ticket type's name by its id, as the page lists it (undefined: not known here). */
export type TypeNames = (ticketTypeId: string) => string | undefined

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/** The refusal in `lang` (the app's), from its code and details; undefined when it is not one of those worded here. */
export function refusalWords(error: { code: string; details?: unknown }, nameOf: TypeNames, lang: Language = language()): string | undefined {
  const m = refusalText[lang]
  const d = (error.details && typeof error.details === 'object' ? error.details : {}) as Record<string, unknown>
  const name = typeof d.ticketTypeId === 'string' ? nameOf(d.ticketTypeId) : undefined
  if (error.code === 'SOLD_OUT') {
    const lines = (Array.isArray(d.ticketTypes) ? d.ticketTypes : []) as Array<{ ticketTypeId?: unknown; available?: unknown }>
    const pool = d.pool as { name?: unknown; requested?: unknown; available?: unknown } | undefined
    if (pool) {
      const names = lines.map((l) => (typeof l.ticketTypeId === 'string' ? nameOf(l.ticketTypeId) : undefined))
      if (typeof pool.name !== 'string' || !isNumber(pool.available) || !isNumber(pool.requested) || !names.length || names.some((n) => !n)) return undefined
      const quoted = names.map((n) => m.quote(n!))
      return m.poolLeft(pool.available, pool.name, quoted.length > 1 ? `${quoted.slice(0, -1).join(', ')} ${m.and} ${quoted.at(-1)}` : quoted[0]!, pool.requested)
    }
    const first = lines[0]
    const firstName = first && typeof first.ticketTypeId === 'string' ? nameOf(first.ticketTypeId) : undefined
    if (firstName && isNumber(first!.available)) return first!.available === 0 ? m.soldOut(firstName) : m.onlyLeft(first!.available, firstName)
    const seats = d.seats
    if (name && Array.isArray(seats) && seats.length && seats.every((s) => typeof s === 'string')) return m.seatsTaken(seats as string[], name)
    return undefined
  }
  if (error.code === 'CONFLICT' && isNumber(d.maxUnpaidHolds)) return m.unpaidHolds(d.maxUnpaidHolds)
  if (!name) return undefined
  if (error.code === 'VALIDATION' && isNumber(d.maxPerOrder)) return m.atMost(d.maxPerOrder, name)
  if (error.code === 'CONFLICT' && typeof d.salesStart === 'string') return m.salesOpen(name, when(d.salesStart))
  if (error.code === 'CONFLICT' && typeof d.salesEnd === 'string') return m.salesClosed(name, when(d.salesEnd))
  return undefined
}
