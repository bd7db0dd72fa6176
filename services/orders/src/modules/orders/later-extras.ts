// Extras bought later for a paid order (a parking space added a week after the tickets): an order of
// their own (own payment, tickets, refunds) linked to the paid order. The rule of extras holds across
// the two: no more of one extra than the paid order keeps admission tickets. Counted under the paid
// order's lock, which its refunds take too: a purchase of extras and a refund of its admission
// tickets never pass each other.
import type { Principal } from '@easypass/contracts'
import { addOnProblem, type AddOnLine } from '@easypass/contracts/add-ons'
import type { HoldOp } from '@easypass/contracts/inventory'
import type { OrderStatus } from '@easypass/contracts/orders'
import { fail, isDuplicateOnly } from '@easypass/kit'
import type { AddOnLinkDoc, Models, RefundPartDoc } from '../../db'
import { seatsOf } from '../tickets/service'
import { statusOf, type OrderState, type OrderStore } from './store'

/** Orders of extras that count: held, being decided, or paid (not ended, not refunded). */
const LIVE: ReadonlySet<OrderStatus> = new Set(['reserved', 'pending', 'paid'])

/** Orders of extras one paid order may have at a time (held, being decided or paid). */
export const MAX_LATER_ORDERS = 20

type KeptLine = AddOnLine & { ticketTypeId: string }

/** Ended: nothing of it counts, and it never will (a lapsed hold cannot be paid, a refund is final). */
const ENDED: ReadonlySet<OrderStatus> = new Set(['cancelled', 'expired', 'failed', 'refunded'])

/**
 * `undecidedMs`: how long a link whose order was never stored may still stand for extras held in ticketing
 * (its purchase failed after the hold, and a retry under its key would store it, answered by that hold).
 */
export function laterExtras({ AddOnLink, RefundPart }: Pick<Models, 'AddOnLink' | 'RefundPart'>, store: OrderStore, undecidedMs: number) {
  /**
   * What an order still keeps, by ticket type: its tickets less those given back by refunds of some
   * tickets and less `leaving`. Every line of an order of extras is an extra, whatever its mark says (a
   * placeholder answered 202 before ticketing decided has none); the paid order's lines are what they
   * were when it was bought.
   */
  async function kept(state: OrderState, leaving: ReadonlySet<string> = new Set()): Promise<KeptLine[]> {
    if (statusOf(state) === 'refunded') return []
    const given = new Set((await RefundPart.find({ orderId: state.doc._id }).lean<RefundPartDoc[]>()).flatMap((p) => p.ticketIds))
    const lines = new Map<string, KeptLine>()
    for (const { id, item } of seatsOf(state.doc)) {
      if (given.has(id) || leaving.has(id)) continue
      const line = lines.get(item.ticketTypeId) ?? { ticketTypeId: item.ticketTypeId, name: item.name, quantity: 0, ...(item.addOn || state.doc.addOnTo ? { addOn: true } : {}) }
      line.quantity++
      lines.set(item.ticketTypeId, line)
    }
    return [...lines.values()]
  }

  /**
   * The orders of extras bought for this one that still count (`except` left out: the one being bought).
   * `tidy` (under the paid order's lock, before a new one is linked): links of orders that ended (unpaid
   * or refunded), or whose purchase died before its order was stored (under this lock, so none is being stored now),
   * are removed, so only live ones are read next time.
   */
  async function liveOrders(parentId: string, except?: string, tidy = false): Promise<OrderState[]> {
    const links = (await AddOnLink.find({ parentId }).lean<AddOnLinkDoc[]>()).filter((l) => l._id !== except)
    const states = await Promise.all(links.map((l) => store.load(l._id)))
    // Never stored, lately: its extras may be held, in a number nobody here knows. Nothing is counted
    // against it until it is stored (a retry) or could no longer be: not a refusal, a moment's wait (503),
    // for a new purchase of extras as for a refund of the tickets they may need.
    const undecided = links.filter((l, i) => !states[i] && Date.now() - l.at.getTime() < undecidedMs)
    if (undecided.length)
      throw fail('UNAVAILABLE', 'an earlier purchase of extras for this order is still being decided: try again in a moment', { retryAfterSeconds: 10, orderIds: undecided.map((l) => l._id) })
    const dead = links.filter((_, i) => !states[i] || ENDED.has(statusOf(states[i]!)))
    if (tidy && dead.length) await AddOnLink.deleteMany({ _id: { $in: dead.map((l) => l._id) } })
    return states.filter((s): s is OrderState => !!s && LIVE.has(statusOf(s)))
  }

  /** Lines of one ticket type added together across orders, an extra apart from the same type sold as admission. */
  function merged(lines: readonly KeptLine[]): KeptLine[] {
    const byType = new Map<string, KeptLine>()
    for (const l of lines) {
      const key = `${l.ticketTypeId}:${l.addOn ? 'extra' : 'admission'}`
      const known = byType.get(key)
      byType.set(key, known ? { ...known, quantity: known.quantity + l.quantity } : { ...l })
    }
    return [...byType.values()]
  }

  return {
    /** Before anything is held: the order extras are added to is the buyer's own, of this event, bought online and paid. */
    async mayAddTo(principal: Principal, parentId: string, eventId: string): Promise<void> {
      const parent = await store.load(parentId)
      // Another's order is as unknown as one that does not exist, to admins too: extras are bought by the buyer.
      if (!parent || parent.doc.userId !== principal.id) throw fail('NOT_FOUND', 'addOnTo: no such order of yours', { fields: [{ path: 'addOnTo', message: 'no such order of yours' }] })
      if (parent.doc.eventId !== eventId) throw fail('VALIDATION', 'addOnTo: that order is for another event', { fields: [{ path: 'addOnTo', message: 'an order for another event' }] })
      if (parent.doc.addOnTo)
        throw fail('VALIDATION', `addOnTo: that order is itself extras for order ${parent.doc.addOnTo}: add them to that one`, { fields: [{ path: 'addOnTo', message: `add them to order ${parent.doc.addOnTo}` }], orderId: parent.doc.addOnTo })
      if (parent.doc.boxOffice || parent.doc.complimentary) throw fail('CONFLICT', 'extras are added to an order bought online, not to one sold at the door or given free')
      const status = statusOf(parent)
      if (status !== 'paid') throw fail('CONFLICT', `extras are added to a paid order (this one is ${status})`, { status })
    },

    /** Records that `orderId` is extras for `parentId`, before its hold: safe to repeat. */
    async link(orderId: string, parentId: string): Promise<void> {
      try {
        await AddOnLink.create({ _id: orderId, parentId, at: new Date() })
      } catch (error) {
        if (!isDuplicateOnly(error)) throw error
      }
    },

    /** A purchase of extras refused by ticketing (nothing held): its link goes, under the paid order's lock. */
    async unlink(orderId: string): Promise<void> {
      await AddOnLink.deleteOne({ _id: orderId })
    },

    /**
     * Under the paid order's lock, right before the hold: what ticketing checks the extras against (the
     * admission tickets the order keeps, and the extras it and its other orders of extras hold).
     */
    async allowance(parentId: string, orderId: string): Promise<NonNullable<HoldOp['laterFor']>> {
      const parent = await store.load(parentId)
      const status = parent ? statusOf(parent) : 'failed'
      if (!parent || status !== 'paid') throw fail('CONFLICT', `extras are added to a paid order (this one is ${status} now)`, { status })
      const live = await liveOrders(parentId, orderId, true)
      if (live.length >= MAX_LATER_ORDERS) throw fail('CONFLICT', `at most ${MAX_LATER_ORDERS} orders of extras for one order at a time: refund or cancel one of them first, or ask the organiser`, { maxOrders: MAX_LATER_ORDERS })
      const family = merged([...(await kept(parent)), ...(await Promise.all(live.map((s) => kept(s)))).flat()])
      return {
        orderId: parentId,
        admissions: family.reduce((sum, l) => (l.addOn ? sum : sum + l.quantity), 0),
        had: family.filter((l) => l.addOn).map((l) => ({ ticketTypeId: l.ticketTypeId, quantity: l.quantity })),
      }
    },

    /**
     * Why giving back these tickets of a paid order (`leaving`; `all`: the whole order) would leave
     * extras bought later for it without admission, or undefined. Under the paid order's lock.
     */
    async stranded(parent: OrderState, leaving: ReadonlySet<string> | 'all'): Promise<{ message: string; orderIds: string[] } | undefined> {
      const later = await liveOrders(parent.doc._id)
      if (!later.length) return undefined
      const laterLines = (await Promise.all(later.map(async (s) => ({ id: s.doc._id, status: statusOf(s), lines: await kept(s) })))).filter((o) => o.lines.some((l) => l.quantity > 0))
      if (!laterLines.length) return undefined
      const orderIds = laterLines.map((o) => o.id)
      const named = orderIds.length === 1 ? `order ${orderIds[0]}` : `orders ${orderIds.join(', ')}`
      // What clears the way depends on where those orders are: paid ones are refunded; a hold ends when
      // its buyer cancels it or its time runs out; one being decided ends in moments.
      const statuses = new Set(laterLines.map((o) => o.status))
      const way = [statuses.has('paid') && 'refund the paid ones', statuses.has('reserved') && 'a hold ends when the buyer cancels it or its time runs out', statuses.has('pending') && 'one being paid ends in moments'].filter(Boolean).join('; ')
      if (leaving === 'all') return { message: `extras bought later for this order (${named}) need its admission tickets: they go first (${way})`, orderIds }
      const problem = addOnProblem(merged([...(await kept(parent, leaving)), ...laterLines.flatMap((o) => o.lines)]), 'kept')
      return problem ? { message: `${problem} (counting the extras bought later, ${named})`, orderIds } : undefined
    },
  }
}
export type LaterExtras = ReturnType<typeof laterExtras>
