// The server's time as the app sees it. A device clock minutes off must not open a sale late, show a
// hold as ended while the server still keeps it, or the other way round: every answer's `Date` header
// tells how far this device's clock is from the server's.
//
// One answer only bounds it (the header has whole seconds, and the server read its clock somewhere
// between the request leaving and the answer arriving); the bounds of successive answers are
// intersected, so the estimate narrows and stays put instead of jumping half a second with each one.

/** Server time minus device time lies in [low, high] (ms), as far as the answers so far tell. */
let low = Number.NEGATIVE_INFINITY
let high = Number.POSITIVE_INFINITY
/** What `serverNow` adds to the device clock: 0 while the device is close enough to trust. */
let shift = 0

/** The device clock is corrected once it is this far off, and trusted again below the second value. */
const CORRECT_FROM_MS = 2000
const TRUST_BELOW_MS = 1000

/** Learns from an answer's `Date` header, given when the request left and when its answer came. */
export function learnServerTime(dateHeader: string | null, sentAt: number, receivedAt: number) {
  const server = dateHeader ? Date.parse(dateHeader) : Number.NaN
  if (!Number.isFinite(server) || receivedAt < sentAt) return
  // The server's clock read [server, server + 1000) at a moment between sentAt and receivedAt.
  const answerLow = server - receivedAt
  const answerHigh = server + 1000 - sentAt
  if (answerLow > high || answerHigh < low) {
    // Not compatible with what was known: a clock was set meanwhile. Start again from this answer.
    low = answerLow
    high = answerHigh
  } else {
    low = Math.max(low, answerLow)
    high = Math.min(high, answerHigh)
  }
  const offset = (low + high) / 2
  const before = shift
  if (Math.abs(offset) >= CORRECT_FROM_MS || (shift !== 0 && Math.abs(offset) >= TRUST_BELOW_MS)) shift = offset
  else shift = 0
  // Pages showing times computed with the old shift compute them again.
  if (Math.abs(shift - before) >= 250) for (const listener of listeners) listener()
}

const listeners = new Set<() => void>()

/** Calls `listener` whenever what `serverNow` adds to the device's clock changes; returns the unsubscribe. */
export function onClockChange(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** What the server's clock reads now, as near as the app can tell. */
export function serverNow(): number {
  return Date.now() + shift
}
