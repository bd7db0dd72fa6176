// An event's time zone (IANA names such as "Europe/Helsinki"): the zone its times are read and shown in,
// by the web app, the emails, the printed tickets and the wallet passes. Instants stay UTC everywhere;
// the zone only says how to show them and how an admin's "20:00" on a form becomes one. Plain functions
// (no schema here): the web app uses them too.

/** The zone of a time whose zone is not known: emails and prints show an event without one in UTC. */
export const DEFAULT_TIME_ZONE = 'UTC'

const known = new Map<string, string | null>()

/** The zone's canonical name ("europe/helsinki" → "Europe/Helsinki"), or null when the runtime knows no such zone. */
export function canonicalTimeZone(name: string): string | null {
  let canonical = known.get(name)
  if (canonical === undefined) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
    } catch {
      canonical = null
    }
    if (known.size < 1000) known.set(name, canonical)
  }
  return canonical
}

/** `name` by its canonical spelling when the runtime knows it, else UTC: what every formatter shows a zone by. */
export const zoneOrUtc = (name: string | undefined | null): string => (name && canonicalTimeZone(name)) || DEFAULT_TIME_ZONE

const partsFormats = new Map<string, Intl.DateTimeFormat>()

function partsFormat(zone: string) {
  let format = partsFormats.get(zone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    if (partsFormats.size < 1000) partsFormats.set(zone, format)
  }
  return format
}

/** The wall clock in `zone` at an instant: its year, month (1–12), day, hour, minute, second. */
export function wallClock(date: Date, zone: string) {
  const parts: Record<string, number> = {}
  for (const part of partsFormat(zone).formatToParts(date)) if (part.type !== 'literal') parts[part.type] = Number(part.value)
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! }
}

/** How far `zone` is ahead of UTC at an instant, in minutes (Helsinki in winter: 120). */
export function zoneOffsetMinutes(date: Date, zone: string): number {
  const w = wallClock(date, zone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000)
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

/** The instant as ISO-8601 with the zone's offset at that instant: `2026-12-12T20:00:00+02:00` (milliseconds when it has any). */
export function isoInZone(date: Date, zone: string): string {
  const w = wallClock(date, zone)
  const offset = zoneOffsetMinutes(date, zone)
  const sign = offset < 0 ? '-' : '+'
  const abs = Math.abs(offset)
  const ms = ((date.getTime() % 1000) + 1000) % 1000
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${ms ? `.${pad(ms, 3)}` : ''}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** The instant as the value of an `<input type="datetime-local">` showing the wall clock in `zone`: `2026-12-12T20:00`. */
export function wallTimeInput(date: Date, zone: string): string {
  const w = wallClock(date, zone)
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`
}

/**
 * A wall-clock time in `zone` (`2026-12-12T20:00`, as a datetime-local input gives it) → the instant, or
 * null when the text is no such time. A time skipped by the clocks going forward is read with the offset
 * before the change (02:30 on a spring night reads as 03:30); a time that happens twice, when they go
 * back, is the first of the two.
 */
export function instantOfWallTime(text: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text)
  if (!m) return null
  const [year, month, day, hour, minute, second] = m.slice(1).map((s) => Number(s ?? 0)) as [number, number, number, number, number, number]
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second)
  const back = new Date(asUtc)
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null
  // The offsets a day either side cover any change of the clocks near the time asked for.
  const candidates = [...new Set([zoneOffsetMinutes(new Date(asUtc - 86_400_000), zone), zoneOffsetMinutes(new Date(asUtc + 86_400_000), zone), zoneOffsetMinutes(new Date(asUtc), zone)])]
  const exact = candidates
    .map((offset) => asUtc - offset * 60_000)
    .filter((instant) => {
      const w = wallClock(new Date(instant), zone)
      return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) === asUtc
    })
    .sort((a, b) => a - b)
  if (exact.length) return new Date(exact[0]!)
  // Skipped by the clocks: read with the offset in force before the change.
  return new Date(asUtc - zoneOffsetMinutes(new Date(asUtc - 86_400_000), zone) * 60_000)
}
