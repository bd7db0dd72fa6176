// "More dates" in the event editor: every day, week or two weeks at the same local time of day, also
// across a clock change (Helsinki moves to summer time on 2027-03-28).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { repeatDates } from '../src/lib/format'

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
