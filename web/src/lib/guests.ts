// A guest list as an admin pastes it (from a spreadsheet, say), for complimentary tickets.
import { looksLikeEmail } from './format'
import { t } from './i18n'
import { adminInputText } from '../i18n/admin-input'

/** Most guests in one list (each is one request, made one after the other). */
export const MAX_GUESTS = 200

/** One guest per line: "email" or "email, name" (a name may hold commas: everything after the first). */
export function parseGuests(text: string): { guests: Array<{ email: string; name?: string }>; problems: string[] } {
  const m = t(adminInputText).guests
  const guests: Array<{ email: string; name?: string }> = []
  const problems: string[] = []
  // A guest listed twice is a slip of the paste, not a wish for twice the tickets: said, not given twice.
  const lineOf = new Map<string, number>()
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    const [email = '', ...rest] = line.split(/[,;\t]/)
    const name = rest.join(',').trim()
    const address = email.trim()
    const first = lineOf.get(address.toLowerCase())
    if (!looksLikeEmail(address)) problems.push(m.notAnEmail(i + 1, address))
    else if (first) problems.push(m.twice(i + 1, address, first))
    else {
      lineOf.set(address.toLowerCase(), i + 1)
      guests.push({ email: address, ...(name ? { name } : {}) })
    }
  })
  if (!problems.length && !guests.length) problems.push(m.none)
  if (guests.length > MAX_GUESTS) problems.push(m.tooMany(MAX_GUESTS, guests.length))
  return { guests, problems }
}
