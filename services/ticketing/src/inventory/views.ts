// How the inventory looks from outside: ticket types with their live numbers.
import type { Availability, TicketType, Voucher, VoucherOffer } from '@easypass/contracts/inventory'
import type { TypeRecord, VoucherRecord } from '../db'

export const available = (t: Pick<TypeRecord, 'capacity' | 'sold' | 'held'>) => Math.max(0, t.capacity - t.sold - t.held)

export function toTicketType(eventId: string, t: TypeRecord): TicketType {
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
    available: available(t),
  }
  if (t.taxRateBasisPoints) view.taxRateBasisPoints = t.taxRateBasisPoints
  if (t.salesStart) view.salesStart = t.salesStart
  if (t.salesEnd) view.salesEnd = t.salesEnd
  return view
}

export function availabilityView(eventId: string, seq: number, types: readonly TypeRecord[], updatedAt?: Date | string): Availability {
  const view: Availability = {
    eventId,
    seq,
    ticketTypes: types.map((t) => {
      const { eventId: _, ...rest } = toTicketType(eventId, t)
      return rest
    }),
  }
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
