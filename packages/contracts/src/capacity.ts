// Seats of an event counted once when some ticket types share pools of capacity: each pooled type
// shows what its pools leave it, so adding the types up would count the same seats once per type.
// Plain rules (no schema imports), for the services and the browser app alike.

export interface CountedType {
  id: string
  capacity: number
  available: number
}
export interface CountedPool {
  ticketTypeIds: string[]
  capacity: number
  available: number
}

/**
 * Capacity or availability of the types in all, each seat once: type after type takes what it has
 * (of `field`) as far as every pool it is in still has room, and that room is used up. Exact for
 * pools apart from each other or one inside another; never more than there is when pools overlap.
 */
export function countOnce(types: readonly CountedType[], pools: readonly CountedPool[] | undefined, field: 'capacity' | 'available'): number {
  const room = (pools ?? []).map((p) => Math.max(0, p[field]))
  let total = 0
  for (const t of types) {
    const mine = (pools ?? []).flatMap((p, i) => (p.ticketTypeIds.includes(t.id) ? [i] : []))
    const taken = mine.reduce((least, i) => Math.min(least, room[i]!), Math.max(0, t[field]))
    for (const i of mine) room[i]! -= taken
    total += taken
  }
  return total
}
