// A guest list as an admin pastes it (from a spreadsheet, say), for complimentary tickets.
import { looksLikeEmail } from './format'

/** Most guests in one list (each is one request, made one after the other). */
export const MAX_GUESTS = 200

/** One guest per line: "email" or "email, name" (a name may hold commas: everything after the first). */
export function parseGuests(text: string): { guests: Array<{ email: string; name?: string }>; problems: string[] } {
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
    if (!looksLikeEmail(address)) problems.push(`line ${i + 1}: “${address}” is not an email address`)
    else if (first) problems.push(`line ${i + 1}: ${address} is on line ${first} already`)
    else {
      lineOf.set(address.toLowerCase(), i + 1)
      guests.push({ email: address, ...(name ? { name } : {}) })
    }
  })
  if (!problems.length && !guests.length) problems.push('enter at least one guest')
  if (guests.length > MAX_GUESTS) problems.push(`at most ${MAX_GUESTS} guests at once, not ${guests.length}`)
  return { guests, problems }
}
