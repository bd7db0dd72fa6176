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

/** Capacity or availability of the types in all: those in no pool as they are, the pooled ones at most what their pools have. */
export function countOnce(types: readonly CountedType[], pools: readonly CountedPool[] | undefined, field: 'capacity' | 'available'): number {
  const all = types.reduce((sum, t) => sum + Math.max(0, t[field]), 0)
  if (!pools?.length) return all
  const pooled = new Set(pools.flatMap((p) => p.ticketTypeIds))
  const inPools = types.filter((t) => pooled.has(t.id)).reduce((sum, t) => sum + Math.max(0, t[field]), 0)
  const poolsHave = pools.reduce((sum, p) => sum + Math.max(0, p[field]), 0)
  return all - inPools + Math.min(inPools, poolsHave)
}
