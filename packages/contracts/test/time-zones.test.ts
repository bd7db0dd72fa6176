// An event's zone: how an admin's "20:00" becomes an instant, and how an instant is shown on the venue's clock.
import { describe, expect, test } from 'bun:test'
import { canonicalTimeZone, instantOfWallTime, isoInZone, wallTimeInput, zoneOffsetMinutes } from '../src/time-zones'

const HELSINKI = 'Europe/Helsinki'

describe('time zones of events', () => {
  test('names: canonical spelling for known zones, null for anything else', () => {
    expect(canonicalTimeZone('europe/helsinki')).toBe(HELSINKI)
    expect(canonicalTimeZone('UTC')).toBe('UTC')
    expect(canonicalTimeZone('America/Argentina/Buenos_Aires')).toBe('America/Argentina/Buenos_Aires')
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeNull()
    expect(canonicalTimeZone('')).toBeNull()
  })

  test('a wall-clock time in winter and in summer becomes the instant the venue means', () => {
    expect(instantOfWallTime('2026-12-12T20:00', HELSINKI)?.toISOString()).toBe('2026-12-12T18:00:00.000Z')
    expect(instantOfWallTime('2027-07-01T20:00', HELSINKI)?.toISOString()).toBe('2027-07-01T17:00:00.000Z')
    expect(instantOfWallTime('2027-07-01T20:00', 'America/New_York')?.toISOString()).toBe('2027-07-02T00:00:00.000Z')
    expect(instantOfWallTime('2027-01-15T09:30', 'Asia/Kolkata')?.toISOString()).toBe('2027-01-15T04:00:00.000Z')
    expect(instantOfWallTime('2027-01-15T09:30', 'UTC')?.toISOString()).toBe('2027-01-15T09:30:00.000Z')
  })

  test('across the clock changes: a skipped time reads with the offset before, a doubled one is the first', () => {
    // Helsinki skips 03:00–04:00 on 2027-03-28 and has 03:00–04:00 twice on 2026-10-25.
    expect(instantOfWallTime('2027-03-28T03:30', HELSINKI)?.toISOString()).toBe('2027-03-28T01:30:00.000Z')
    expect(instantOfWallTime('2026-10-25T03:30', HELSINKI)?.toISOString()).toBe('2026-10-25T00:30:00.000Z')
    expect(instantOfWallTime('2027-03-28T02:59', HELSINKI)?.toISOString()).toBe('2027-03-28T00:59:00.000Z')
    expect(instantOfWallTime('2027-03-28T04:00', HELSINKI)?.toISOString()).toBe('2027-03-28T01:00:00.000Z')
  })

  test('no instant for a text that is no time', () => {
    for (const text of ['', '2027-02-30T20:00', '2027-13-01T20:00', '2027-01-01T24:00', '2027-01-01 20:00', 'tomorrow']) expect(instantOfWallTime(text, HELSINKI)).toBeNull()
  })

  test('an instant on the venue\'s clock, as a form value and with its offset', () => {
    const show = new Date('2026-12-12T18:00:00Z')
    expect(wallTimeInput(show, HELSINKI)).toBe('2026-12-12T20:00')
    expect(isoInZone(show, HELSINKI)).toBe('2026-12-12T20:00:00+02:00')
    expect(isoInZone(new Date('2027-07-01T17:00:00Z'), HELSINKI)).toBe('2027-07-01T20:00:00+03:00')
    expect(isoInZone(show, 'America/St_Johns')).toBe('2026-12-12T14:30:00-03:30')
    expect(isoInZone(new Date('2026-12-12T18:00:00.250Z'), HELSINKI)).toBe('2026-12-12T20:00:00.250+02:00')
    expect(zoneOffsetMinutes(show, 'UTC')).toBe(0)
    // Round trip: every quarter hour of a day with a clock change comes back as itself, or, in the hour the
    // clocks pass twice, as the first of the two.
    let doubled = 0
    for (let m = 0; m < 24 * 60; m += 15) {
      const instant = new Date(Date.UTC(2026, 9, 24, 21, 0) + m * 60_000).getTime()
      const back = instantOfWallTime(wallTimeInput(new Date(instant), HELSINKI), HELSINKI)!.getTime()
      if (back !== instant) {
        expect(back).toBe(instant - 3_600_000)
        doubled++
      }
    }
    expect(doubled).toBe(4)
  })
})
