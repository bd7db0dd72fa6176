// A door's offline list: the event's tickets known by a hash of their codes (GET
// /api/events/:id/door-list), kept in this browser, and the scans admitted against it while the network
// was down, kept until the server has them (each with its scan's Idempotency-Key, so a scan that did
// reach the server is not counted twice).

export interface DoorTicket {
  hash: string
  ticketId: string
  ticketTypeName?: string
  /** An extra (parking, a T-shirt): not admission by itself. */
  addOn?: true
  seat?: string
  attendeeName?: string
  checkedInAt?: string
}
export interface DoorList {
  eventId: string
  at: string
  tickets: DoorTicket[]
  /** The event was cancelled: nothing admits. */
  cancelled?: true
}
/** A scan admitted offline, to be sent. */
export interface PendingScan {
  code: string
  key: string
  eventId: string
  at: string
}

const LIST_KEY = (eventId: string) => `easypass.door-list.${eventId}`
const PENDING_KEY = 'easypass.checkin.pending'

const read = <T>(key: string): T | undefined => {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as T) : undefined
  } catch {
    return undefined
  }
}
/** Whether it was kept (the browser's storage may be full or switched off). */
const write = (key: string, value: unknown): boolean => {
  try {
    localStorage.setItem(key, JSON.stringify(value))
    return true
  } catch {
    return false
  }
}

export const storedList = (eventId: string) => read<DoorList>(LIST_KEY(eventId))
export const storeList = (list: DoorList) => write(LIST_KEY(list.eventId), list)

// The queue is read from storage before every change: another tab of the same door may have changed it.
export const storedPending = () => read<PendingScan[]>(PENDING_KEY) ?? []
export function addPending(scan: PendingScan): PendingScan[] {
  const next = [...storedPending().filter((p) => p.key !== scan.key), scan]
  write(PENDING_KEY, next)
  return next
}
export function dropPending(key: string): PendingScan[] {
  const next = storedPending().filter((p) => p.key !== key)
  write(PENDING_KEY, next)
  return next
}
export const PENDING_STORAGE_KEY = PENDING_KEY

/**
 * Tickets this browser saw admitted (online, offline, or sent since), by code hash, per event: the list
 * downloaded before them does not know, and a copy of such a code must not open the door again.
 */
const ADMITTED_KEY = (eventId: string) => `easypass.door-admitted.${eventId}`
export const storedAdmitted = (eventId: string) => read<Record<string, string>>(ADMITTED_KEY(eventId)) ?? {}
export function noteAdmitted(eventId: string, hash: string, at: string) {
  const known = storedAdmitted(eventId)
  if (!known[hash]) write(ADMITTED_KEY(eventId), { ...known, [hash]: at })
}

/** Hashing needs the browser's crypto, which only a secure page (HTTPS, or this machine) has. */
export const canHash = () => typeof crypto !== 'undefined' && !!crypto.subtle

/** The hash the list knows a code by: SHA-256 of the code in capitals, as hex. */
export async function codeHash(code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code.trim().toUpperCase()))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * At sign-out (a door device is often shared): the lists and admitted hashes go, with their attendees'
 * names; they are downloaded again at the next sign-in. Scans still to be sent stay, and with them the
 * list and admitted hashes of their events, until a door worker's sign-in sends them.
 */
export function forgetDoorLists() {
  try {
    const waiting = new Set(storedPending().map((p) => p.eventId))
    for (const key of Object.keys(localStorage)) {
      const eventId = key.startsWith(LIST_KEY('')) ? key.slice(LIST_KEY('').length) : key.startsWith(ADMITTED_KEY('')) ? key.slice(ADMITTED_KEY('').length) : undefined
      if (eventId !== undefined && !waiting.has(eventId)) localStorage.removeItem(key)
    }
  } catch {
    // Storage switched off: nothing was kept.
  }
}
