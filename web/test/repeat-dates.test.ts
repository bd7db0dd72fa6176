// "More dates" in the event editor: every day, week or two weeks at the same local time of day, also
// across a clock change (Helsinki moves to summer time on 2027-03-28).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { fromLocalInput, repeatDates, toLocalInput, whenRange, zoneOf } from '../src/lib/format'

const zone = process.env.TZ
beforeAll(() => void (process.env.TZ = 'Europe/Helsinki'))
afterAll(() => void (zone === undefined ? delete process.env.TZ : (process.env.TZ = zone)))

test('weekly dates keep 18:00 local time across the change to summer time', () => {
  // 18:00 in Helsinki: 16:00 UTC in winter, 15:00 UTC in summer.
  expect(repeatDates(new Date('2027-03-22T16:00:00.000Z'), 7, 3)).toEqual(['2027-03-22T16:00:00.000Z', '2027-03-29T15:00:00.000Z', '2027-04-05T15:00:00.000Z'])
})

test('daily dates across the change, and back to winter time', () => {
  expect(repeatDates(new Date('2027-03-27T16:00:00.000Z'), 1, 2)).toEqual(['2027-03-27T16:00:00.000Z', '2027-03-28T15:00:00.000Z'])
  expect(repeatDates(new Date('2027-10-30T15:00:00.000Z'), 1, 2)).toEqual(['2027-10-30T15:00:00.000Z', '2027-10-31T16:00:00.000Z'])
})

test('on an event\'s clock, whatever the browser\'s zone: 20:00 in Helsinki stays 20:00 across the change', () => {
  // The browser is in Helsinki here (above): the event's zone wins over it.
  expect(repeatDates(new Date('2027-03-19T20:00:00.000Z'), 7, 3, 'America/New_York')).toEqual(['2027-03-19T20:00:00.000Z', '2027-03-26T20:00:00.000Z', '2027-04-02T20:00:00.000Z'])
  expect(repeatDates(new Date('2027-03-22T18:00:00.000Z'), 7, 2, 'Europe/Helsinki')).toEqual(['2027-03-22T18:00:00.000Z', '2027-03-29T17:00:00.000Z'])
  expect(repeatDates(new Date('2027-10-29T22:30:00.000Z'), 1, 3, 'UTC')).toEqual(['2027-10-29T22:30:00.000Z', '2027-10-30T22:30:00.000Z', '2027-10-31T22:30:00.000Z'])
})

test('form values on an event\'s clock, and times shown with its zone', () => {
  expect(toLocalInput('2026-12-12T18:00:00.000Z', 'Europe/Helsinki')).toBe('2026-12-12T20:00')
  expect(fromLocalInput('2026-12-12T20:00', 'Europe/Helsinki')).toBe('2026-12-12T18:00:00.000Z')
  expect(fromLocalInput('2026-12-12T20:00', 'America/New_York')).toBe('2026-12-13T01:00:00.000Z')
  expect(fromLocalInput('2026-02-30T20:00', 'Europe/Helsinki')).toBeNull()
  expect(zoneOf({ timeZone: 'Asia/Tokyo' })).toBe('Asia/Tokyo')
  expect(zoneOf({})).toBeUndefined()
  // 22:00–01:00 in Tokyo crosses midnight there, not in UTC (13:00–16:00): the end says its date.
  const range = whenRange('2027-06-01T13:00:00.000Z', '2027-06-01T16:00:00.000Z', 'Asia/Tokyo')
  expect(range).toMatch(/Jun 1, 2027, (22:00|10:00 PM) – .*Jun 2, 2027, 01:00/)
  expect(range).toContain('GMT+9')
})
