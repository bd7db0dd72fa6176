// Numbered seats as an admin types them: rows and how many seats each, e.g. "A:10, B:12" or "A-F:20"
// (rows A to F, 20 seats each). Front row first; seats are numbered from 1 in each row.
import { SEATING_LIMITS, seatingProblem } from '@easypass/contracts/seating'
import type { SeatMap } from './types'
import { t } from './i18n'
import { adminInputText } from '../i18n/admin-input'

type Layout = Pick<SeatMap, 'rows'>

/** The layout the text describes, or what is wrong with it. */
export function parseSeating(text: string): Layout | { error: string } {
  const m = t(adminInputText).seating
  const rows: Layout['rows'] = []
  for (const part of text.split(/[,;\n]+/).map((p) => p.trim()).filter(Boolean)) {
    const range = /^([A-Za-z])\s*[-–]\s*([A-Za-z])\s*:\s*(\d{1,3})$/.exec(part)
    const one = /^([A-Za-z0-9]{1,4})\s*:\s*(\d{1,3})$/.exec(part)
    if (range) {
      const [from, to] = [range[1]!.toUpperCase().charCodeAt(0), range[2]!.toUpperCase().charCodeAt(0)]
      if (to < from) return { error: m.backwards(part, range[1]!, range[2]!) }
      for (let c = from; c <= to; c++) rows.push({ label: String.fromCharCode(c), seats: Number(range[3]) })
    } else if (one) rows.push({ label: one[1]!, seats: Number(one[2]) })
    else return { error: m.notARow(part) }
  }
  if (!rows.length) return { error: m.empty }
  if (rows.length > SEATING_LIMITS.rows) return { error: m.tooManyRows(SEATING_LIMITS.rows) }
  const tooLong = rows.find((r) => r.seats < 1 || r.seats > SEATING_LIMITS.seatsPerRow)
  if (tooLong) return { error: m.rowSeats(tooLong.label, SEATING_LIMITS.seatsPerRow) }
  // The server's own rules (a row named once, not too many seats), said as a sentence.
  const problem = seatingProblem({ rows })
  if (problem) return { error: `${problem[0]!.toUpperCase()}${problem.slice(1)}.` }
  return { rows }
}

export const seatingText = (layout: Layout | undefined) => (layout ? layout.rows.map((r) => `${r.label}:${r.seats}`).join(', ') : '')
export const seatCount = (layout: Layout) => layout.rows.reduce((n, r) => n + r.seats, 0)
