// The organiser's words in confirmation emails: which texts are taken, how placeholders are filled, and
// which language's words a reader gets.
import { expect, test } from 'bun:test'
import { confirmationTextsFor, emailTextProblem, fillEmailText } from '@easypass/contracts/event-emails'

test('a text may name only the placeholders we fill; control characters are refused (a subject is one line)', () => {
  expect(emailTextProblem('Your {tickets} tickets for {event} on {date}', 'subject')).toBeUndefined()
  expect(emailTextProblem('{ not one } and {{event}} and {x1}', 'body')).toBeUndefined()
  expect(emailTextProblem('Hello {name}', 'body')).toStartWith('{name} is not a placeholder (there are {event}, {date}')
  expect(emailTextProblem('Line one\nline two\ttab', 'body')).toBeUndefined()
  expect(emailTextProblem('Line one\nline two', 'subject')).toBe('one line of text, without control characters')
  expect(emailTextProblem('bell \u0007', 'body')).toBe('text only, without control characters')
  expect(emailTextProblem('turned \u202Earound', 'body')).toBe('text only, without control characters')
})

test('placeholders are filled; one without a value is empty; other braces stay as written', () => {
  expect(fillEmailText('{event} at {venue}, {{event}}, {x1}, { event }', { event: 'Jazz', venue: undefined })).toBe('Jazz at , {Jazz}, {x1}, { event }')
  expect(fillEmailText('{total} for {tickets}', { total: '$5.00', tickets: '2' })).toBe('$5.00 for 2')
  // A value is never read again as a placeholder.
  expect(fillEmailText('{event}', { event: '{total}', total: 'x' })).toBe('{total}')
})

test("a reader gets the organiser's words in their own language only (another language keeps ours)", () => {
  const stored = { subject: { de: 'Tickets für {event}' }, body: { en: 'Welcome!', de: '  ' } }
  expect(confirmationTextsFor(stored, 'de')).toEqual({ subject: 'Tickets für {event}' })
  expect(confirmationTextsFor(stored, 'en')).toEqual({ body: 'Welcome!' })
  expect(confirmationTextsFor(stored, 'fr')).toEqual({})
  expect(confirmationTextsFor(undefined, 'fr')).toEqual({})
})
