// The server's time as the app sees it. A device clock minutes off must not open a sale late, show a
// hold as ended while the server still keeps it, or the other way round: every answer's `Date` header
// tells how far this device's clock is from the server's.

/** Server time minus device time, in ms, as last learned. */
let offset = 0
let known = false

/** Below this the device clock is trusted as it is (the header has whole seconds only). */
const TRUST_WITHIN_MS = 2000

/** Learns the offset from an answer's `Date` header, given when the request left and its answer came. */
export function learnServerTime(dateHeader: string | null, sentAt: number, receivedAt: number) {
  const server = dateHeader ? Date.parse(dateHeader) : Number.NaN
  if (!Number.isFinite(server)) return
  // The header cuts to the second: the server's clock read somewhere in [server, server + 1000).
  const estimate = server + 500 - (sentAt + receivedAt) / 2
  // A slow answer says little: only one back within 2 s may move a known estimate.
  if (known && receivedAt - sentAt >= TRUST_WITHIN_MS) return
  const before = shift()
  offset = estimate
  known = true
  // Pages showing times computed with the old shift compute them again.
  if (Math.abs(shift() - before) >= 1000) for (const listener of listeners) listener()
}

const listeners = new Set<() => void>()

/** Calls `listener` whenever what `serverNow` adds to the device's clock changes; returns the unsubscribe. */
export function onClockChange(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

const shift = () => (Math.abs(offset) < TRUST_WITHIN_MS ? 0 : offset)

/** What the server's clock reads now, as near as the app can tell. */
export function serverNow(): number {
  return Date.now() + shift()
}
