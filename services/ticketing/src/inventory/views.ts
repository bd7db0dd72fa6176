// How the inventory looks from outside: ticket types with their live numbers, and the pools of
// capacity they share.
import type { Availability, AvailabilityPool, CapacityPool, TicketType, Voucher, VoucherOffer } from '@easypass/contracts/inventory'
import type { PoolRecord, TypeRecord, VoucherRecord } from '../db'

/** What is left of a type's own capacity. */
export const available = (t: Pick<TypeRecord, 'capacity' | 'sold' | 'held'>) => Math.max(0, t.capacity - t.sold - t.held)

/** A pool's numbers: its types' sold and held, summed, and what is left of its capacity. */
export function poolCounts(pool: PoolRecord, types: readonly TypeRecord[]): { sold: number; held: number; available: number } {
  let sold = 0
  let held = 0
  for (const t of types) {
    if (!pool.ticketTypeIds.includes(t.id)) continue
    sold += t.sold
    held += t.held
  }
  return { sold, held, available: Math.max(0, pool.capacity - sold - held) }
}

/**
 * What can still be sold of each type: the least of what is left of its own capacity and of each pool
 * it sells from. Without pools, `available(t)` itself.
 */
export function availableByType(types: readonly TypeRecord[], pools: readonly PoolRecord[] | undefined): Map<string, number> {
  const left = new Map(types.map((t) => [t.id, available(t)]))
  for (const pool of pools ?? []) {
    const { available: inPool } = poolCounts(pool, types)
    for (const id of pool.ticketTypeIds) if (left.has(id)) left.set(id, Math.min(left.get(id)!, inPool))
  }
  return left
}

export function toPool(pool: PoolRecord, types: readonly TypeRecord[]): AvailabilityPool {
  return { id: pool.id, name: pool.name, capacity: pool.capacity, ticketTypeIds: pool.ticketTypeIds, ...poolCounts(pool, types) }
}
export const toCapacityPool = (eventId: string, pool: PoolRecord, types: readonly TypeRecord[]): CapacityPool => ({ ...toPool(pool, types), eventId })

/** A type as shown; `left`: what can be sold of it with its pools (default: its own capacity only). */
export function toTicketType(eventId: string, t: TypeRecord, left = available(t)): TicketType {
  const view: TicketType = {
    id: t.id,
    eventId,
    name: t.name,
    priceCents: t.priceCents,
    currency: t.currency,
    capacity: t.capacity,
    maxPerOrder: t.maxPerOrder,
    sold: t.sold,
    held: t.held,
    available: left,
  }
  if (t.taxRateBasisPoints) view.taxRateBasisPoints = t.taxRateBasisPoints
  if (t.salesStart) view.salesStart = t.salesStart
  if (t.salesEnd) view.salesEnd = t.salesEnd
  if (t.seating) view.seating = { rows: t.seating.rows, taken: t.taken ?? [] }
  if (t.addOn) view.addOn = true
  if (t.variationOf) view.variationOf = t.variationOf
  return view
}

export function availabilityView(eventId: string, seq: number, types: readonly TypeRecord[], updatedAt?: Date | string, pools?: readonly PoolRecord[]): Availability {
  const left = availableByType(types, pools)
  const view: Availability = {
    eventId,
    seq,
    ticketTypes: types.map((t) => {
      const { eventId: _, ...rest } = toTicketType(eventId, t, left.get(t.id))
      return rest
    }),
  }
  if (pools?.length) view.pools = pools.map((p) => toPool(p, types))
  if (updatedAt) view.updatedAt = new Date(updatedAt).toISOString()
  return view
}

export function toVoucherOffer(eventId: string, v: VoucherRecord): VoucherOffer {
  const view: VoucherOffer = { code: v.code, eventId }
  if (v.percentOff !== undefined) view.percentOff = v.percentOff
  if (v.amountOffCents !== undefined) view.amountOffCents = v.amountOffCents
  if (v.currency) view.currency = v.currency
  if (v.ticketTypeIds) view.ticketTypeIds = v.ticketTypeIds
  if (v.validUntil) view.validUntil = v.validUntil
  return view
}

export function toVoucher(eventId: string, v: VoucherRecord): Voucher {
  return {
    ...toVoucherOffer(eventId, v),
    maxUses: v.maxUses,
    used: v.used,
    held: v.held,
    remaining: Math.max(0, v.maxUses - v.used - v.held),
    active: v.active,
    createdAt: v.createdAt,
  }
}
