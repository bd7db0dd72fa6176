// Reserved seating's plain rules (no schema imports), for the services and the browser app alike: a
// ticket type's seats are rows of numbered seats, seat `B-12` is row B, seat 12.

/** `perEvent`: the taken seats of every type live in the event's one inventory document. */
export const SEATING_LIMITS = { rows: 100, seatsPerRow: 200, seats: 5000, perEvent: 20_000 } as const
export const ROW_LABEL_PATTERN = '^[A-Za-z0-9]{1,4}$'
/** `<row>-<number>`, e.g. `B-12`. */
export const SEAT_ID_PATTERN = '^[A-Za-z0-9]{1,4}-[1-9][0-9]{0,2}$'

export interface SeatLayout {
  rows: ReadonlyArray<{ label: string; seats: number }>
}

/** A layout's seat ids row by row (front first), each row's in seat order. */
export const seatRows = (seating: SeatLayout): string[][] => seating.rows.map((r) => Array.from({ length: r.seats }, (_, i) => `${r.label}-${i + 1}`))
/** Every seat of a layout, row by row, front first. */
export const seatIdsOf = (seating: SeatLayout): string[] => seatRows(seating).flat()

/** What the schema cannot say of a layout: labels unique (without regard to case), and not too many seats. */
export function seatingProblem(seating: SeatLayout): string | undefined {
  const labels = new Set<string>()
  for (const r of seating.rows) {
    const label = r.label.toUpperCase()
    if (labels.has(label)) return `row ${r.label} appears twice`
    labels.add(label)
  }
  const count = seating.rows.reduce((sum, r) => sum + r.seats, 0)
  if (count > SEATING_LIMITS.seats) return `at most ${SEATING_LIMITS.seats} seats per ticket type, not ${count}`
  return undefined
}
