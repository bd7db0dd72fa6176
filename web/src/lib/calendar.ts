// "Add to calendar": the event as an iCalendar file (RFC 5545) that every calendar app imports.

/** Text values escape backslash, semicolon, comma and line breaks (any of CRLF, CR, LF); other control characters go. */
const escapeText = (s: string) =>
  s
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n?|\n/g, '\\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')

/** UTC date-time as iCalendar writes it: 20270603T190000Z. */
const utc = (iso: string) => new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

/** Lines longer than 75 octets are folded: a line break and one space, never inside a UTF-8 character. */
export function fold(line: string): string {
  const encoder = new TextEncoder()
  const parts: string[] = []
  let current = ''
  let size = 0
  for (const ch of line) {
    const n = encoder.encode(ch).length
    if (size + n > (parts.length ? 74 : 75)) {
      parts.push(current)
      current = ''
      size = 0
    }
    current += ch
    size += n
  }
  parts.push(current)
  return parts.join('\r\n ')
}

export interface CalendarEvent {
  id: string
  title: string
  description: string
  startsAt: string
  endsAt: string
  venue: { name: string; address: string; city: string }
}

export function icsFor(event: CalendarEvent, pageUrl: string, now = new Date()): string {
  // Cut by characters, never inside one (an emoji is two UTF-16 units).
  const chars = Array.from(event.description)
  const description = `${chars.length > 500 ? `${chars.slice(0, 500).join('')}…` : event.description}\n\nTickets: ${pageUrl}`
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//EasyPass//Tickets//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.id}@easypass`,
    `DTSTAMP:${utc(now.toISOString())}`,
    `DTSTART:${utc(event.startsAt)}`,
    `DTEND:${utc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.title)}`,
    `LOCATION:${escapeText(`${event.venue.name}, ${event.venue.address}, ${event.venue.city}`)}`,
    `DESCRIPTION:${escapeText(description)}`,
    `URL:${pageUrl}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return `${lines.map(fold).join('\r\n')}\r\n`
}

/** Saves the event's calendar file (the browser's download). */
export function downloadIcs(event: CalendarEvent) {
  const url = URL.createObjectURL(new Blob([icsFor(event, `${location.origin}/events/${event.id}`)], { type: 'text/calendar;charset=utf-8' }))
  const name = event.title.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 60).replace(/-$/, '') || 'event'
  const link = Object.assign(document.createElement('a'), { href: url, download: `${name}.ics` })
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
