// A door that took an event's list for offline use may admit its holders without a word to us until
// its network is back: meanwhile buyers neither refund nor pass on its tickets by themselves (an admin
// still can), or one ticket would let in one person and pay back or admit another.
import type { Models } from '../../db'

/**
 * How long after a door last took the list buyers are held back: a door page takes it again every 2
 * minutes while it has a network, and a list taken the day before is not the doors opening.
 */
export const DOORS_OPEN_MS = 6 * 3_600_000

/** When a door took the event's list, if that was within `DOORS_OPEN_MS`; else null. */
export async function doorsOpenSince(DoorOpening: Models['DoorOpening'], eventId: string): Promise<Date | null> {
  const opened = await DoorOpening.findById(eventId).lean<{ at: Date }>()
  return opened && Date.now() - opened.at.getTime() < DOORS_OPEN_MS ? opened.at : null
}
