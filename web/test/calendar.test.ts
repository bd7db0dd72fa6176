// The iCalendar file behind "Add to calendar": what calendar apps need to import it as the right event.
import { expect, test } from 'bun:test'
import { fold, icsFor } from '../src/lib/calendar'

const event = {
  id: '665f1c2b9d3e4a0012345678',
  title: 'Jazz, blues; and \\ more',
  description: 'Two sets.\nDoors at 19:00.',
  startsAt: '2027-06-03T19:00:00.000Z',
  endsAt: '2027-06-03T22:30:00.000Z',
  venue: { name: 'Hall', address: 'Street 1', city: 'Oulu' },
}

test('one VEVENT with UTC times, escaped text and the event page', () => {
  const ics = icsFor(event, 'https://tickets.example.com/events/665f1c2b9d3e4a0012345678', new Date('2027-01-01T00:00:00Z'))
  const lines = ics.split('\r\n')
  expect(lines[0]).toBe('BEGIN:VCALENDAR')
  expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
  expect(lines).toContain('DTSTART:20270603T190000Z')
  expect(lines).toContain('DTEND:20270603T223000Z')
  expect(lines).toContain('DTSTAMP:20270101T000000Z')
  expect(lines).toContain('UID:665f1c2b9d3e4a0012345678@easypass')
  expect(lines).toContain('SUMMARY:Jazz\\, blues\\; and \\\\ more')
  expect(lines).toContain('LOCATION:Hall\\, Street 1\\, Oulu')
  // Unfolded, the description keeps its line breaks as \n and ends with the link.
  const unfolded = ics.replace(/\r\n /g, '')
  expect(unfolded).toContain('DESCRIPTION:Two sets.\\nDoors at 19:00.\\n\\nTickets: https://tickets.example.com/events/665f1c2b9d3e4a0012345678')
  // No bare line feed anywhere: every line ends with CRLF.
  expect(ics.replace(/\r\n/g, '')).not.toContain('\n')
})

test('long lines fold at 75 octets, never inside a character', () => {
  const line = `DESCRIPTION:${'é'.repeat(100)}`
  const folded = fold(line)
  const parts = folded.split('\r\n')
  for (const part of parts) expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75)
  expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true)
  expect(folded.replace(/\r\n /g, '')).toBe(line)
})

test('the fold limit is exact: 75 octets stay one line, 76 fold; a 4-byte character at the edge moves whole', () => {
  expect(fold('A'.repeat(75))).toBe('A'.repeat(75))
  expect(fold('A'.repeat(76))).toBe(`${'A'.repeat(75)}\r\n A`)
  const edge = `${'A'.repeat(73)}😀B`
  expect(fold(edge)).toBe(`${'A'.repeat(73)}\r\n 😀B`)
})

test('a lone carriage return and other control characters never reach a line', () => {
  const ics = icsFor({ ...event, title: 'Line\rbreak\u0007 and tab\t' }, 'https://x.test/e')
  expect(ics).toContain('SUMMARY:Line\\nbreak and tab\t')
  expect(ics.replace(/\r\n/g, '')).not.toContain('\r')
})
