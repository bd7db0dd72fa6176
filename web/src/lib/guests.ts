// A guest list as an admin pastes it (from a spreadsheet, say), for complimentary tickets.

/** Most guests in one list (each is one request, made one after the other). */
export const MAX_GUESTS = 200
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** One guest per line: "email" or "email, name" (a name may hold commas: everything after the first). */
export function parseGuests(text: string): { guests: Array<{ email: string; name?: string }>; problems: string[] } {
  const guests: Array<{ email: string; name?: string }> = []
  const problems: string[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    const [email = '', ...rest] = line.split(/[,;\t]/)
    const name = rest.join(',').trim()
    if (!EMAIL.test(email.trim())) problems.push(`line ${i + 1}: “${email.trim()}” is not an email address`)
    else guests.push({ email: email.trim(), ...(name ? { name } : {}) })
  })
  if (!problems.length && !guests.length) problems.push('enter at least one guest')
  if (guests.length > MAX_GUESTS) problems.push(`at most ${MAX_GUESTS} guests at once, not ${guests.length}`)
  return { guests, problems }
}
