// Numbered seats as an admin types them: rows and how many seats each, e.g. "A:10, B:12" or "A-F:20"
// (rows A to F, 20 seats each). Front row first; seats are numbered from 1 in each row.
import { SEATING_LIMITS, seatingProblem } from '@easypass/contracts/seating'
import type { SeatMap } from './types'

type Layout = Pick<SeatMap, 'rows'>

/** The layout the text describes, or what is wrong with it. */
export function parseSeating(text: string): Layout | { error: string } {
  const rows: Layout['rows'] = []
  for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const range = /^([A-Za-z])\s*[-–]\s*([A-Za-z])\s*:\s*(\d{1,3})$/.exec(part)
    const one = /^([A-Za-z0-9]{1,4})\s*:\s*(\d{1,3})$/.exec(part)
    if (range) {
      const [from, to] = [range[1]!.toUpperCase().charCodeAt(0), range[2]!.toUpperCase().charCodeAt(0)]
      if (to < from) return { error: `“${part}”: the rows go from ${range[1]} to ${range[2]}, backwards.` }
      for (let c = from; c <= to; c++) rows.push({ label: String.fromCharCode(c), seats: Number(range[3]) })
    } else if (one) rows.push({ label: one[1]!, seats: Number(one[2]) })
    else return { error: `“${part}” is not a row: write the row and its seats, like A:12 (or A-F:20 for rows A to F).` }
  }
  if (!rows.length) return { error: 'Enter the rows, like A:12, B:14.' }
  if (rows.length > SEATING_LIMITS.rows) return { error: `At most ${SEATING_LIMITS.rows} rows.` }
  const tooLong = rows.find((r) => r.seats < 1 || r.seats > SEATING_LIMITS.seatsPerRow)
  if (tooLong) return { error: `Row ${tooLong.label}: 1 to ${SEATING_LIMITS.seatsPerRow} seats.` }
  // The server's own rules (a row named once, not too many seats), said as a sentence.
  const problem = seatingProblem({ rows })
  if (problem) return { error: `${problem[0]!.toUpperCase()}${problem.slice(1)}.` }
  return { rows }
}

export const seatingText = (layout: Layout | undefined) => (layout ? layout.rows.map((r) => `${r.label}:${r.seats}`).join(', ') : '')
export const seatCount = (layout: Layout) => layout.rows.reduce((n, r) => n + r.seats, 0)
