// A ticket type's numbered seats, row by row, front first: a buyer picks seats by pressing them (each a
// toggle button that says whether it is chosen), taken seats cannot be picked, and the number picked is
// the quantity. The map is one stop of the Tab key: the arrow keys move between seats (Home and End to
// a row's ends), as in a grid, so a hall of hundreds of seats does not stand between a keyboard and Buy.
// Rows are groups named for screen readers; each seat says its row, number and state.
import { useRef, useState } from 'preact/hooks'
import type { SeatMap as Seats } from '../lib/types'
import { seatMapText } from '../i18n/seat-map'
import { useT } from '../lib/i18n'

export const seatId = (row: string, n: number) => `${row}-${n}`

export function SeatMap({ name, map, picked, max, onToggle }: { name: string; map: Seats; picked: string[]; max: number; onToggle: (seat: string) => void }) {
  const m = useT(seatMapText)
  const taken = new Set(map.taken)
  const chosen = new Set(picked)
  const full = picked.length >= max
  const rows = map.rows.map((row) => Array.from({ length: row.seats }, (_, i) => seatId(row.label, i + 1)))
  const box = useRef<HTMLDivElement>(null)
  // The seat the Tab key lands on: the last one moved to, else the first picked, else the first free.
  const [current, setCurrent] = useState<string>()
  const all = rows.flat()
  const active = current && all.includes(current) ? current : (picked.find((s) => all.includes(s)) ?? all.find((s) => !taken.has(s)) ?? all[0])

  const move = (ev: KeyboardEvent) => {
    const at = rows.findIndex((r) => r.includes(active!))
    if (at < 0) return
    const row = rows[at]!
    const i = row.indexOf(active!)
    const target = (r: number, n: number) => rows[r]?.[Math.max(0, Math.min(n, rows[r]!.length - 1))]
    const next =
      ev.key === 'ArrowRight' ? row[i + 1] : ev.key === 'ArrowLeft' ? row[i - 1] : ev.key === 'ArrowDown' ? target(at + 1, i) : ev.key === 'ArrowUp' ? target(at - 1, i) : ev.key === 'Home' ? row[0] : ev.key === 'End' ? row[row.length - 1] : undefined
    if (!['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp', 'Home', 'End'].includes(ev.key)) return
    ev.preventDefault()
    if (!next) return
    setCurrent(next)
    box.current?.querySelector<HTMLButtonElement>(`[data-seat="${next}"]`)?.focus()
  }

  return (
    <fieldset class="seat-map" data-seat-map={name}>
      <legend>{m.legend(name)}</legend>
      <p class="muted small">
        {m.help}
      </p>
      <p class="small" role="status" aria-live="polite">
        {picked.length ? m.picked(picked) : m.nonePicked}
        {full && max > 0 ? m.most(max) : ''}
      </p>
      <p class="stage" aria-hidden="true">
        {m.stage}
      </p>
      <div class="seat-rows" ref={box} onKeyDown={move}>
        {map.rows.map((row, r) => (
          <div class="seat-row" role="group" aria-label={m.row(row.label)} key={row.label}>
            <span class="seat-row-label" aria-hidden="true">
              {row.label}
            </span>
            {rows[r]!.map((id, i) => {
              const isChosen = chosen.has(id)
              const isTaken = taken.has(id) && !isChosen
              // aria-disabled, not disabled: the button keeps the focus and its name says why it does nothing.
              const limited = !isTaken && !isChosen && full
              return (
                <button
                  type="button"
                  key={id}
                  class={`seat${isChosen ? ' seat-chosen' : ''}${isTaken ? ' seat-taken' : ''}`}
                  tabIndex={id === active ? 0 : -1}
                  aria-pressed={isChosen}
                  aria-disabled={isTaken || limited ? true : undefined}
                  aria-label={m.seat(row.label, i + 1, isTaken ? 'taken' : limited ? 'limited' : undefined, max)}
                  data-seat={id}
                  onFocus={() => setCurrent(id)}
                  onClick={() => !isTaken && !limited && onToggle(id)}
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
