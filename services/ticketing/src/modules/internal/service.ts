import type { EventInventorySummary } from '@easypass/contracts/inventory'
import { fail } from '@easypass/kit'
import type { Models } from '../../db'
import { countOnce } from '@easypass/contracts/capacity'
import { availableByType, toPool } from '../../inventory/views'

const OBJECT_ID = /^[0-9a-fA-F]{24}$/
export const MAX_SUMMARY_IDS = 100

export function summaryService(models: Models) {
  /** One summary per event that has an inventory; events without ticket types are left out. */
  async function summaries(idsParam: string): Promise<{ items: EventInventorySummary[] }> {
    const ids = [...new Set(idsParam.split(',').map((s) => s.trim()).filter(Boolean))]
    if (!ids.length) throw fail('VALIDATION', 'ids: at least one event id')
    if (ids.length > MAX_SUMMARY_IDS) throw fail('VALIDATION', `ids: at most ${MAX_SUMMARY_IDS} event ids`)
    const bad = ids.find((id) => !OBJECT_ID.test(id))
    if (bad) throw fail('VALIDATION', `ids: ${bad} is not an event id`)
    const docs = await models.Inventory.find({ _id: { $in: ids } }, { pending: 0 }).lean()
    const now = Date.now()
    return {
      items: docs.map((doc) => {
        // The price from and the places are admission's: a parking space or a T-shirt is neither. What
        // was sold, held or refunded counts every ticket (an event with any of them is not deleted).
        const admission = doc.types.filter((t) => !t.addOn)
        const sum = (f: (t: (typeof doc.types)[number]) => number) => doc.types.reduce((s, t) => s + f(t), 0)
        // Seats shared by several types (pools) are counted once.
        const left = availableByType(doc.types, doc.pools)
        // "From" is a price one can pay now: a type ended, not open yet or gone is left out (all of them
        // when none is on sale, so a sold-out event still says what it cost), and prices are compared only
        // within one currency, the first listed type's (cents of two currencies are not comparable).
        const onSale = admission.filter((t) => (left.get(t.id) ?? 0) > 0 && !(t.salesEnd && Date.parse(t.salesEnd) <= now) && !(t.salesStart && Date.parse(t.salesStart) > now))
        const candidates = onSale.length ? onSale : admission
        const currency = candidates[0]?.currency
        const cheapest = candidates.filter((t) => t.currency === currency).reduce<(typeof doc.types)[number] | undefined>((min, t) => (!min || t.priceCents < min.priceCents ? t : min), undefined)
        const counted = admission.map((t) => ({ id: t.id, capacity: t.capacity, available: left.get(t.id) ?? 0 }))
        const pools = doc.pools?.map((p) => toPool(p, doc.types))
        return {
          eventId: doc._id,
          fromPriceCents: cheapest?.priceCents ?? null,
          currency: cheapest?.currency ?? null,
          capacity: countOnce(counted, pools, 'capacity'),
          sold: sum((t) => t.sold),
          held: sum((t) => t.held),
          available: countOnce(counted, pools, 'available'),
          refunded: sum((t) => t.refunded ?? 0),
        }
      }),
    }
  }
  return { summaries }
}
export type SummaryService = ReturnType<typeof summaryService>
