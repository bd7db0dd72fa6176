// A ticket type's numbered seats, row by row, front first: a buyer picks seats by pressing them (each a
// toggle button that says whether it is chosen), taken seats cannot be picked, and the number picked is
// the quantity. Rows are groups named for screen readers; each seat says its row, number and state.
import type { SeatMap as Seats } from '../lib/types'

export const seatId = (row: string, n: number) => `${row}-${n}`

export function SeatMap({ name, map, picked, max, onToggle }: { name: string; map: Seats; picked: string[]; max: number; onToggle: (seat: string) => void }) {
  const taken = new Set(map.taken)
  const chosen = new Set(picked)
  const full = picked.length >= max
  return (
    <fieldset class="seat-map" data-seat-map={name}>
      <legend>Choose your {name} seats</legend>
      <p class="muted small">
        Front of the hall at the top. {picked.length ? `Picked: ${picked.join(', ')}.` : 'Pick seats, or choose a number above for the best seats left.'}
        {full && max > 0 ? ` At most ${max} per order.` : ''}
      </p>
      <p class="stage" aria-hidden="true">
        Stage
      </p>
      <div class="seat-rows">
        {map.rows.map((row) => (
          <div class="seat-row" role="group" aria-label={`Row ${row.label}`} key={row.label}>
            <span class="seat-row-label" aria-hidden="true">
              {row.label}
            </span>
            {Array.from({ length: row.seats }, (_, i) => {
              const id = seatId(row.label, i + 1)
              const isTaken = taken.has(id) && !chosen.has(id)
              const isChosen = chosen.has(id)
              // aria-disabled, not disabled: the button keeps the focus and says why it does nothing.
              const unavailable = isTaken || (!isChosen && full)
              return (
                <button
                  type="button"
                  key={id}
                  class={`seat${isChosen ? ' seat-chosen' : ''}${isTaken ? ' seat-taken' : ''}`}
                  aria-pressed={isChosen}
                  aria-disabled={unavailable ? true : undefined}
                  aria-label={`Row ${row.label}, seat ${i + 1}${isTaken ? ', taken' : ''}`}
                  data-seat={id}
                  onClick={() => !unavailable && onToggle(id)}
                >
                  {i + 1}
                </button>
              )
            })}
          </div>
        ))}
      </div>
    </fieldset>
  )
}
