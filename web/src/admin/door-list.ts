// A door's offline list: the event's tickets known by a hash of their codes (GET
// /api/events/:id/door-list), kept in this browser, and the scans admitted against it while the network
// was down, kept until the server has them (each with its scan's Idempotency-Key, so a scan that did
// reach the server is not counted twice).

export interface DoorTicket {
  hash: string
  ticketId: string
  ticketTypeName?: string
  seat?: string
  attendeeName?: string
  checkedInAt?: string
}
export interface DoorList {
  eventId: string
  at: string
  tickets: DoorTicket[]
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
const write = (key: string, value: unknown) => {
  try {
    localStorage.setItem(key, JSON.stringify(value))
  } catch {}
}

export const storedList = (eventId: string) => read<DoorList>(LIST_KEY(eventId))
export const storeList = (list: DoorList) => write(LIST_KEY(list.eventId), list)
export const storedPending = () => read<PendingScan[]>(PENDING_KEY) ?? []
export const storePending = (pending: PendingScan[]) => write(PENDING_KEY, pending)

/** The hash the list knows a code by: SHA-256 of the code in capitals, as hex. */
export async function codeHash(code: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(code.trim().toUpperCase()))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}
