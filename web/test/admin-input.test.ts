// What admins type in as text: a seat layout ("A:12, B-C:6") and a guest list (one per line).
import { expect, test } from 'bun:test'
import { parseGuests } from '../src/lib/guests'
import { parseSeating, seatCount, seatingText } from '../src/lib/seating'

test('a layout: rows and ranges of rows, front first; written back the same way', () => {
  const layout = parseSeating('A:4, b-c:6;\nD : 2')
  expect(layout).toEqual({ rows: [{ label: 'A', seats: 4 }, { label: 'B', seats: 6 }, { label: 'C', seats: 6 }, { label: 'D', seats: 2 }] })
  expect(seatCount(layout as { rows: Array<{ label: string; seats: number }> })).toBe(18)
  expect(seatingText(layout as { rows: Array<{ label: string; seats: number }> })).toBe('A:4, B:6, C:6, D:2')
})

test('a layout that cannot be: said in words, as the server would refuse it', () => {
  expect(parseSeating('')).toEqual({ error: 'Enter the rows, like A:12, B:14.' })
  expect(parseSeating('A 12')).toMatchObject({ error: expect.stringContaining('is not a row') })
  expect(parseSeating('C-A:5')).toMatchObject({ error: expect.stringContaining('backwards') })
  expect(parseSeating('A:201')).toEqual({ error: 'Row A: 1 to 200 seats.' })
  expect(parseSeating('A:3, a:4')).toEqual({ error: 'Row a appears twice.' })
  expect(parseSeating('A-Z:200')).toEqual({ error: 'At most 5000 seats per ticket type, not 5200.' })
})

test('a guest list: an address and an optional name per line; blank lines skipped; bad lines named by number', () => {
  expect(parseGuests('ada@example.com, Ada Lovelace\n\ngrace@example.com\nbob@example.com;Bob, Jr.')).toEqual({
    guests: [{ email: 'ada@example.com', name: 'Ada Lovelace' }, { email: 'grace@example.com' }, { email: 'bob@example.com', name: 'Bob, Jr.' }],
    problems: [],
  })
  expect(parseGuests('ada@example.com\nnobody\n').problems).toEqual(['line 2: “nobody” is not an email address'])
  expect(parseGuests('  \n').problems).toEqual(['enter at least one guest'])
  expect(parseGuests('ada@example.com\nbob@example.com\nAda@Example.com, Ada').problems).toEqual(['line 3: Ada@Example.com is on line 1 already'])
  expect(parseGuests(Array.from({ length: 201 }, (_, i) => `g${i}@example.com`).join('\n')).problems).toEqual(['at most 200 guests at once, not 201'])
})
