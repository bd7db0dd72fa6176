// Extras (add-ons) as a plain rule: a parking space, a T-shirt or a workshop place is a ticket type
// marked `addOn`, sold only with admission. Ticketing decides holds with it, orders decides refunds of
// some tickets with it and the browser app limits its pickers with it; no schema imports, so that the
// app's bundle can take this file as it is.

/** One line of an order as far as the rule goes: how many of a type, and whether the type is an extra. */
export interface AddOnLine {
  name: string
  quantity: number
  addOn?: boolean
}

/** The admission tickets (types that are not extras) among these lines. */
export const admissionsOf = (lines: readonly AddOnLine[]) => lines.reduce((sum, l) => (l.addOn ? sum : sum + l.quantity), 0)

/**
 * Why these lines cannot stand as one order's tickets, or undefined: an extra needs admission in the
 * same order, and no more of one extra than there are admission tickets (one parking space per ticket).
 * `verb` says what the lines are: bought (a hold) or kept (what a refund of some tickets leaves).
 */
export function addOnProblem(lines: readonly AddOnLine[], verb: 'bought' | 'kept' = 'bought'): string | undefined {
  const extras = lines.filter((l) => l.addOn && l.quantity > 0)
  if (!extras.length) return undefined
  const admissions = admissionsOf(lines)
  if (admissions === 0)
    return verb === 'bought'
      ? `"${extras[0]!.name}" is an extra: it is sold only with an admission ticket in the same order`
      : `"${extras[0]!.name}" is an extra and would be kept without an admission ticket: refund it too, or keep a ticket`
  const over = extras.find((l) => l.quantity > admissions)
  if (over)
    return verb === 'bought'
      ? `at most ${admissions} "${over.name}" with ${admissions} admission ticket${admissions === 1 ? '' : 's'}: one per ticket`
      : `${over.quantity} "${over.name}" would be kept with ${admissions} admission ticket${admissions === 1 ? '' : 's'}: refund as many of them too`
  return undefined
}

/** One extra asked for later, with how many of it the paid order and its earlier extras hold already. */
export interface LaterAddOnLine extends AddOnLine {
  had: number
}

/**
 * Why these lines cannot be added to a paid order that keeps `admissions` admission tickets, or
 * undefined: only extras, and of each no more than one per admission ticket counting those held already
 * (by the order and by extras bought for it before).
 */
export function laterAddOnProblem(admissions: number, lines: readonly LaterAddOnLine[]): string | undefined {
  const ticket = lines.find((l) => !l.addOn)
  if (ticket) return `"${ticket.name}" is admission, not an extra: only extras are added to a paid order (buy more tickets in an order of their own)`
  if (admissions === 0) return 'this order keeps no admission ticket: there is nothing to add extras to'
  const over = lines.find((l) => l.quantity + l.had > admissions)
  if (!over) return undefined
  const room = Math.max(0, admissions - over.had)
  return `at most ${admissions} "${over.name}" with ${admissions} admission ticket${admissions === 1 ? '' : 's'}, and ${over.had} ${over.had === 1 ? 'is' : 'are'} held already: ${room === 0 ? 'no more can be added' : `${room} more at most`}`
}
