// Reading and recording orders. An order's exact state is its document plus its transitions, each
// found by `_id` (the only lookup FerretDB does without a scan):
//   refund → `refunded`; else the settle's `to`; else the initial status (a `reserved` order whose
//   hold ran out reads `expired` before the expiry is recorded).
import type { Principal } from '@easypass/contracts'
import type { Order, OrderItem, OrderList, OrderStatus, OrdersQuery } from '@easypass/contracts/orders'
import { escapeRegExp, fail, isAdmin, writerOf } from '@easypass/kit'
import type { Models, OrderDoc, TransitionDoc } from '../../db'

/** The language an order speaks to its buyer, for its facts and documents (none said: English). */
export const toldIn = (doc: Pick<OrderDoc, 'language'>) => (doc.language ? { language: doc.language } : {})

/** How a door sale was paid, for its facts (none: not sold at the door). */
export const soldAtTheDoor = (doc: Pick<OrderDoc, 'boxOffice'>) => (doc.boxOffice ? { boxOffice: doc.boxOffice.paidWith } : {})

export interface OrderState {
  doc: OrderDoc
  /** The order is still a draft (a purchase paid at once, not ended, or ended and not yet published). */
  draft?: boolean
  settle?: TransitionDoc | null
  refund?: TransitionDoc | null
  refundDone?: TransitionDoc | null
}

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['paid', 'cancelled', 'expired', 'failed', 'refunded'])

export const settleId = (orderId: string) => `${orderId}:settle`
export const refundId = (orderId: string) => `${orderId}:refund`
export const refundDoneId = (orderId: string) => `${orderId}:refund-done`

export function statusOf(state: OrderState, now = Date.now()): OrderStatus {
  if (state.refund) return 'refunded'
  if (state.settle?.to) return state.settle.to as OrderStatus
  if (state.doc.initialStatus === 'reserved' && state.doc.expiresAt && state.doc.expiresAt.getTime() <= now) return 'expired'
  return state.doc.initialStatus
}

/**
 * Whether money was taken for the order: a price, or a payment on record whatever the document's total
 * says (a placeholder answered 202 may never have been priced if its flow died after the payment).
 */
export const isCharged = (state: Pick<OrderState, 'doc' | 'settle'>) => state.doc.totalCents > 0 || !!state.settle?.paymentId

/** A line as an order keeps and shows it: what was sold, at what price, with its tax rate and discount share. */
export function orderItem(i: OrderItem): OrderItem {
  return {
    ticketTypeId: i.ticketTypeId,
    name: i.name,
    quantity: i.quantity,
    unitPriceCents: i.unitPriceCents,
    ...(i.taxRateBasisPoints ? { taxRateBasisPoints: i.taxRateBasisPoints } : {}),
    ...(i.discountCents ? { discountCents: i.discountCents } : {}),
    ...(i.seats?.length ? { seats: [...i.seats] } : {}),
    ...(i.addOn ? { addOn: true as const } : {}),
  }
}

export function toOrder(state: OrderState, now = Date.now()): Order {
  const { doc, settle, refund, refundDone } = state
  const status = statusOf(state, now)
  const updated = Math.max(doc.createdAt.getTime(), settle?.at.getTime() ?? 0, refund?.at.getTime() ?? 0, refundDone?.at.getTime() ?? 0)
  const order: Order = {
    id: doc._id,
    userId: doc.userId,
    eventId: doc.eventId,
    items: doc.items.map(orderItem),
    totalCents: doc.totalCents,
    currency: doc.currency,
    // An undecided order shows the discount as estimated; one that ended before its hold was decided had none.
    ...(doc.voucher && (doc.priced || status === 'pending') ? { voucher: { code: doc.voucher.code, discountCents: doc.voucher.discountCents } } : {}),
    status,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: new Date(updated).toISOString(),
  }
  if (doc.eventTitle) order.eventTitle = doc.eventTitle
  if (doc.complimentary) order.complimentary = { email: doc.complimentary.email, ...(doc.complimentary.name ? { name: doc.complimentary.name } : {}) }
  if (doc.boxOffice) order.boxOffice = { paidWith: doc.boxOffice.paidWith }
  if (doc.addOnTo) order.addOnTo = doc.addOnTo
  if (doc.expiresAt && (status === 'reserved' || status === 'pending' || status === 'expired')) order.expiresAt = doc.expiresAt.toISOString()
  if (settle?.paymentId) order.paymentId = settle.paymentId
  if (refundDone?.refundId) order.refundId = refundDone.refundId
  if (settle && settle.to !== 'paid') {
    const reason = settle.error?.message ?? settle.reason
    if (reason) order.failureReason = reason
  }
  return order
}


export function orderStore({ Order, OrderDraft, Transition }: Pick<Models, 'Order' | 'OrderDraft' | 'Transition'>) {
  // Inserts are group-committed: the hot path only inserts, never looks for what is not there yet.
  const writer = writerOf(Order)
  async function transitions(orderId: string) {
    const [settle, refund, refundDone] = await Promise.all([
      Transition.findById(settleId(orderId)).lean<TransitionDoc>(),
      Transition.findById(refundId(orderId)).lean<TransitionDoc>(),
      Transition.findById(refundDoneId(orderId)).lean<TransitionDoc>(),
    ])
    return { settle, refund, refundDone }
  }

  /**
   * `finishing`: for the reconciler, which settles orders whose run died. A placeholder answered 202
   * while the run's draft was still on its way to the database is then not the state once the draft is
   * there: the draft has what was decided (prices, seats, names), and finishing prices the placeholder
   * from it instead of settling on the estimate. (Not on every read: a buyer polling a pending order
   * would pay for a lookup that usually misses, which scans on FerretDB.)
   */
  async function load(orderId: string, finishing = false): Promise<OrderState | null> {
    // The order first: without it there is no state, and on FerretDB every lookup that misses scans
    // its collection, so a new order's transitions are not looked for in vain.
    const doc = await Order.findById(orderId).lean<OrderDoc>()
    if (finishing && doc?.priced === false) {
      const draft = await OrderDraft.findById(orderId).lean<OrderDoc>()
      if (draft) return { doc: draft, draft: true, ...(await transitions(orderId)) }
    }
    if (doc) return { doc, ...(await transitions(orderId)) }
    const draft = await OrderDraft.findById(orderId).lean<OrderDoc>()
    return draft ? { doc: draft, draft: true, ...(await transitions(orderId)) } : null
  }

  /**
   * Inserts the order, or prices the placeholder answered 202 before ticketing decided. `settled`:
   * the order has ended with this status, which is stored with it (else `status` is the projection's).
   */
  async function insertPriced(doc: OrderDoc, settled?: OrderStatus): Promise<'inserted' | 'priced' | 'existed'> {
    if (await writer.insert(Order, settled ? { ...doc, status: settled, statusAt: new Date() } : doc)) return 'inserted'
    const existing = await Order.findById(doc._id).lean<OrderDoc>()
    if (!existing || existing.priced) return 'existed'
    // Rare (only after a 202): one update of one document.
    await Order.updateOne(
      { _id: doc._id },
      {
        $set: {
          items: doc.items,
          totalCents: doc.totalCents,
          currency: doc.currency,
          ...(doc.voucher ? { voucher: doc.voucher } : {}),
          // How it was handed over, kept whatever the placeholder said: a door sale is never taken for a card order.
          ...(doc.complimentary ? { complimentary: doc.complimentary } : {}),
          ...(doc.boxOffice ? { boxOffice: doc.boxOffice } : {}),
          expiresAt: doc.expiresAt,
          priced: true,
          initialStatus: doc.initialStatus,
          ...(settled ? { status: settled, statusAt: new Date() } : {}),
        },
      },
    )
    return 'priced'
  }

  /** Inserts a transition once; the answer is whichever transition holds that `_id` now (ours or an earlier one). */
  async function insertTransition(doc: TransitionDoc): Promise<{ won: boolean; doc: TransitionDoc }> {
    if (await writer.insert(Transition, doc)) return { won: true, doc }
    const existing = await Transition.findById(doc._id).lean<TransitionDoc>()
    if (!existing) throw new Error(`transition ${doc._id} is a duplicate but cannot be found`)
    return { won: false, doc: existing }
  }

  return {
    load,
    transitions,
    insertTransition,
    /** Takes back a transition this flow inserted and must not keep (a buyer's refund refused after a scan). */
    /**
     * The order as its owner or an admin may see it; anyone else is told it does not exist. A sale at the
     * door is its seller's only while they work the door (staff of every event or of that one): one no
     * longer at the door keeps no ticket codes of the guests they sold to.
     */
    async visible(orderId: string, principal: Principal): Promise<OrderState> {
      const state = await load(orderId)
      if (!state || (state.doc.userId !== principal.id && !isAdmin(principal))) throw fail('NOT_FOUND', 'order not found')
      if (state.doc.boxOffice && !isAdmin(principal) && !(principal.role === 'staff' && (!principal.events || principal.events.includes(state.doc.eventId))))
        throw fail('NOT_FOUND', 'order not found')
      return state
    },

    /** Inserts the order; when a placeholder (answered 202 before ticketing decided) is there, prices it. */
    insertPriced: (doc: OrderDoc) => insertPriced(doc),

    /** A purchase paid at once, while it is decided: `inserted`, or `existed` (a retry's). */
    async insertDraft(doc: OrderDoc): Promise<'inserted' | 'existed'> {
      return (await writer.insert(OrderDraft, doc)) ? 'inserted' : 'existed'
    },

    /**
     * A draft that ended becomes the order, written once with its final status. False when an order
     * document was there already (a placeholder answered 202, or published before): its status is
     * then the projection's to write.
     */
    async publish(state: OrderState, status: OrderStatus): Promise<boolean> {
      if (!state.draft) return false
      return (await insertPriced(state.doc, status)) !== 'existed'
    },

    /** Inserts an order document unless one exists; returns the stored one. */
    async insertIfAbsent(doc: OrderDoc): Promise<OrderDoc> {
      if (await writer.insert(Order, doc)) return doc
      return (await Order.findById(doc._id).lean<OrderDoc>()) ?? doc
    },

    /**
     * Newest first. Filters and `total` use the stored status projection, which may lag a few seconds
     * behind; the status shown for each listed order is exact.
     */
    async list(query: OrdersQuery, principal: Principal): Promise<OrderList> {
      const page = query.page ?? 1
      const limit = query.limit ?? 20
      const filter: Record<string, unknown> = {}
      // Ids are stored in lower case; one given in upper case is the same id.
      const userId = query.userId?.toLowerCase()
      if (isAdmin(principal)) {
        if (userId) filter.userId = userId
      } else {
        if (userId && userId !== principal.id) throw fail('FORBIDDEN', 'only admins can list the orders of other accounts')
        filter.userId = principal.id
        // Sales at the door are their seller's while they work the door (as `visible` says).
        if (principal.role !== 'staff') filter.boxOffice = { $exists: false }
      }
      // Everyone searches within what they may list: an order id, or part of the event title.
      const q = query.q?.trim()
      if (q && /^[0-9a-fA-F]{24}$/.test(q)) filter._id = q.toLowerCase()
      else if (q) filter.eventTitle = { $regex: escapeRegExp(q), $options: 'i' }
      if (query.eventId) filter.eventId = query.eventId
      const now = new Date()
      if (query.status === 'reserved') Object.assign(filter, { status: 'reserved', expiresAt: { $gt: now } })
      else if (query.status === 'expired') filter.$or = [{ status: 'expired' }, { status: 'reserved', expiresAt: { $lte: now } }]
      else if (query.status) filter.status = query.status
      const [docs, total] = await Promise.all([
        Order.find(filter)
          .sort({ createdAt: -1, _id: -1 })
          .skip((page - 1) * limit)
          .limit(limit)
          .lean<OrderDoc[]>(),
        Order.countDocuments(filter),
      ])
      const items = await Promise.all(docs.map(async (doc) => toOrder({ doc, ...(await transitions(doc._id)) }, now.getTime())))
      return { items, total, page, limit }
    },
  }
}
export type OrderStore = ReturnType<typeof orderStore>
