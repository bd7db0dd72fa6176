// Refunds, each at most once: `<orderId>:refund` is inserted first (a second request loses the insert
// and is answered 409 without touching money or stock), then payments returns the money, ticketing
// returns the seats, the fact is recorded, and `<orderId>:refund-done` closes it. A crash in between
// leaves a refund without its done marker: the worker finishes it (every step is idempotent).
import type { Principal } from '@easypass/contracts'
import type { Order } from '@easypass/contracts/orders'
import { addOnProblem } from '@easypass/contracts/add-ons'
import { fact, fail, isAdmin, isDuplicateOnly, type Logger, type Outbox } from '@easypass/kit'
import type { CatalogClient, PaymentsClient, TicketingClient } from '../../clients'
import type { OrdersConfig } from '../../config'
import { refundsTotal } from '../../metrics'
import type { DirtyOrders, OrderLocks } from '../coordination'
import { hashBody, hashKey, type Idempotency } from '../idempotency/service'
import { errorAnswer, Undecided, untilDecided, type Answer } from '../orders/settlement'
import { isCharged, refundDoneId, refundId, soldAtTheDoor, statusOf, toldIn, toOrder, type OrderState, type OrderStore } from '../orders/store'
import { seatsOf, ticketIdsOf, type TicketsService } from '../tickets/service'
import { ticketPrices, ticketsRefundCents } from '../invoices/taxes'
import type { Models, OrderDoc, RefundPartDoc, TicketHolderDoc } from '../../db'
import type { LaterExtras } from '../orders/later-extras'
import { doorsOpenSince } from '../checkins/doors'

/** Part `n` of an order's refund. */
const partId = (orderId: string, n: number) => `${orderId}:${n}`

/** Whoever holds a refunded ticket passed on to them is told: their ticket is no longer valid. */
const heldTicketsRefunded = (doc: OrderDoc, holders: TicketHolderDoc[], eventCancelled: boolean) =>
  holders.map((h) =>
    fact(
      'orders.held-ticket-refunded',
      { ticketId: h._id, orderId: doc._id, userId: h.userId, eventId: doc.eventId, ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}), ...(h.email ? { userEmail: h.email } : {}), eventCancelled, ...toldIn(doc) },
      `held-ticket-refunded:${h._id}`,
    ),
  )

export interface RefundsDeps {
  config: OrdersConfig
  models: Pick<Models, 'RefundPart' | 'Checkin' | 'DoorOpening'>
  store: OrderStore
  tickets: Pick<TicketsService, 'holdersElsewhere'>
  catalog: CatalogClient
  ticketing: TicketingClient
  payments: PaymentsClient
  locks: OrderLocks
  dirty: DirtyOrders
  outbox: Outbox
  idem: Idempotency
  /** Extras bought later for an order: its admission tickets are not given back from under them. */
  later: Pick<LaterExtras, 'stranded'>
  log: Logger
}

/** What a part gives back: some tickets (at what they cost), or an amount of the order's money and no ticket. */
type PartAsk = { ticketIds: readonly string[] } | { amountCents: number; expectedRefundedCents?: number }

export interface RefundRequest {
  by: string
  reason?: string
  keyHash?: string
  /** The buyer's own refund: within what `buyerMayRefund` allows. */
  byBuyer?: boolean
}

/** The reason of every refund made because the event was cancelled or deleted (it starts with this). */
export const EVENT_CANCELLED = 'the event was cancelled'


export function refundsService({ config, models, store, tickets, catalog, ticketing, payments, locks, dirty, outbox, idem, later, log }: RefundsDeps) {
  const { RefundPart, Checkin, DoorOpening } = models

  /**
   * What a buyer may refund by themselves (an admin any time; a sale at the door only an admin): before the event starts (unless it was
   * cancelled), none of these tickets used at the door (doors open before the start: a buyer who got in
   * does not also get the money back) nor passed on to someone else (who may have paid them for it).
   * Check-in takes the same order lock, so a scan cannot come between this look and the refund's record.
   */
  async function buyerMayRefund(state: OrderState, ticketIds: readonly string[]) {
    // Its owner is the seller, not a buyer: the money in the door's till is an admin's to give back.
    if (state.doc.boxOffice) throw fail('FORBIDDEN', 'a sale at the door is refunded by an admin, at the door')
    const event = await catalog.event(state.doc.eventId, true)
    if (event && event.status !== 'cancelled' && new Date(event.startsAt).getTime() <= Date.now())
      throw fail('FORBIDDEN', 'the event has started: only an admin can refund it now')
    if ((await Promise.all(ticketIds.map((id) => Checkin.exists({ _id: id })))).some(Boolean))
      throw fail('FORBIDDEN', 'a ticket was used at the door: only an admin can refund it now')
    // A door checking tickets offline records its scans later: a buyer let in meanwhile must not also get the money back.
    const opened = event?.status === 'cancelled' ? null : await doorsOpenSince(DoorOpening, state.doc.eventId)
    if (opened) throw fail('FORBIDDEN', 'the doors are open (a door is checking tickets, possibly offline): only an admin can refund it now', { doorsOpenSince: opened.toISOString() })
    if ((await tickets.holdersElsewhere(state.doc)).some((h) => ticketIds.includes(h._id)))
      throw fail('FORBIDDEN', 'a ticket was passed on to someone else: only an admin can refund it now')
  }

  /**
   * Finishes the parts still open (under the order's lock) before anything else moves this order's
   * money: the rest of an order is only what its parts did not take, once they are done.
   */
  async function finishOpenParts(state: OrderState, deadline: number): Promise<RefundPartDoc[]> {
    const parts = await partsOf(state.doc._id)
    for (const [i, part] of parts.entries()) if (!part.doneAt) parts[i] = await finishPart(state, part, deadline)
    return parts
  }

  /** The parts of the order given back so far, in order (numbered 1, 2, … under the order's lock). */
  async function partsOf(orderId: string): Promise<RefundPartDoc[]> {
    return (await RefundPart.find({ orderId }).lean<RefundPartDoc[]>()).sort((a, b) => a.n - b.n)
  }

  /** Money, seats and fact of a part, then its done mark. Safe to run again at any point. */
  async function finishPart(state: OrderState, part: RefundPartDoc, deadline: number): Promise<RefundPartDoc> {
    const { doc } = state
    let refundIdValue: string | undefined
    // Paid at the door: it is paid back there, by hand; the card gateway has nothing of it.
    if (part.amountCents > 0 && !doc.boxOffice) {
      const money = await untilDecided(deadline, () => payments.refund(doc._id, part.reason, { n: part.n, amountCents: part.amountCents }))
      if (!money) log.warn({ orderId: doc._id, part: part.n }, 'refund of tickets: payments knows no succeeded payment of this order')
      refundIdValue = money?.refundId
    }
    // Money without tickets: no seat goes back.
    if (part.lines.length) {
      const seats = await untilDecided(deadline, () => ticketing.refund(doc.eventId, doc._id, { n: part.n, items: part.lines.map(({ ticketTypeId, quantity, seats }) => ({ ticketTypeId, quantity, ...(seats?.length ? { seats } : {}) })) }))
      if (!seats.ok) log.warn({ orderId: doc._id, part: part.n, code: seats.code, message: seats.message }, 'refund of tickets: ticketing returned no seats')
    }
    const holders = (await tickets.holdersElsewhere(doc)).filter((h) => part.ticketIds.includes(h._id))
    await outbox.record([
      ...heldTicketsRefunded(doc, holders, false),
      fact(
        'orders.tickets-refunded',
        {
          orderId: doc._id,
          userId: doc.userId,
          eventId: doc.eventId,
          part: part.n,
          ticketIds: part.ticketIds,
          amountCents: part.amountCents,
          currency: doc.currency,
          ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
          ...(doc.userEmail ? { userEmail: doc.userEmail } : {}),
          ...(part.reason ? { reason: part.reason } : {}),
          ...soldAtTheDoor(doc),
          ...toldIn(doc),
        },
        `tickets-refunded:${doc._id}:${part.n}`,
      ),
    ])
    const doneAt = new Date()
    await RefundPart.updateOne({ _id: part._id }, { $set: { doneAt, ...(refundIdValue ? { refundId: refundIdValue } : {}) } })
    if (!part.doneAt) refundsTotal.inc({ by: part.by === doc.userId ? 'buyer' : 'admin' })
    return { ...part, doneAt, ...(refundIdValue ? { refundId: refundIdValue } : {}) }
  }

  /** Money back, seats back, fact, done marker. Safe to run again at any point. */
  async function finish(state: OrderState, deadline: number): Promise<OrderState> {
    const { doc } = state
    const refund = state.refund!
    const parts = await finishOpenParts(state, deadline)
    let refundIdValue: string | undefined
    // What is left after the tickets given back on their own (payments says the same of a card's charge).
    let amountCents = doc.totalCents - parts.reduce((sum, part) => sum + part.amountCents, 0)
    if (isCharged(state) && !doc.boxOffice) {
      const money = await untilDecided(deadline, () => payments.refund(doc._id, refund.reason))
      if (!money) log.warn({ orderId: doc._id }, 'refund: payments knows no succeeded payment of this order')
      refundIdValue = money?.refundId
      // What went back to the card, as payments did it.
      if (money) amountCents = money.amountCents
    }
    const seats = await untilDecided(deadline, () => ticketing.refund(doc.eventId, doc._id))
    if (!seats.ok) log.warn({ orderId: doc._id, code: seats.code, message: seats.message }, 'refund: ticketing returned no seats')
    // Said by the system itself, never read from a reason someone typed ("cancelled my trip").
    const eventCancelled = refund.by === 'system' && !!refund.reason?.startsWith(EVENT_CANCELLED)
    // Whoever holds a ticket of it passed on to them is told too: their ticket is no longer valid.
    const holders = await tickets.holdersElsewhere(doc)
    await outbox.record([
      ...heldTicketsRefunded(doc, holders, eventCancelled),
      fact(
        'orders.order-refunded',
        {
          orderId: doc._id,
          userId: doc.userId,
          eventId: doc.eventId,
          ...(doc.eventTitle ? { eventTitle: doc.eventTitle } : {}),
          ...(doc.userEmail ? { userEmail: doc.userEmail } : {}),
          amountCents,
          currency: doc.currency,
          ...(refund.reason ? { reason: refund.reason } : {}),
          eventCancelled,
          ...soldAtTheDoor(doc),
          ...toldIn(doc),
        },
        `order-refunded:${doc._id}`,
      ),
    ])
    const done = await store.insertTransition({ _id: refundDoneId(doc._id), orderId: doc._id, kind: 'refund-done', ...(refundIdValue ? { refundId: refundIdValue } : {}), at: new Date() })
    if (done.won) refundsTotal.inc({ by: refund.by === 'system' ? 'system' : refund.by === doc.userId ? 'buyer' : 'admin' })
    await dirty.mark(doc._id).catch(() => {})
    return { ...state, refundDone: done.doc }
  }

  /**
   * Refunds a paid order once. `keyHash` lets a retry of the very request that asked for it finish
   * it (200) instead of being told it was already refunded (409).
   */
  async function refund(orderId: string, request: RefundRequest): Promise<Answer> {
    const lock = await locks.acquire(orderId, 10_000)
    try {
      let state = await store.load(orderId)
      if (!state) throw fail('NOT_FOUND', 'order not found')
      const ours = (s: OrderState) => !!request.keyHash && s.refund?.keyHash === request.keyHash
      if (state.refund && !ours(state)) throw fail('CONFLICT', 'the order was already refunded')
      if (!state.refund) {
        const status = statusOf(state)
        if (status !== 'paid') throw fail('CONFLICT', `only a paid order can be refunded (this one is ${status})`)
        // Extras bought later need this order's admission: they go first (unless the event is called off, which refunds them all).
        const stranded = request.by === 'system' ? undefined : await later.stranded(state, 'all')
        if (stranded) throw fail('CONFLICT', stranded.message, { addOnOrders: stranded.orderIds })
        // Asked only when this request has not recorded its refund yet: a retry of one recorded before
        // the start (answered 202, or its answer lost) finishes it after the start too, as keys promise.
        if (request.byBuyer) {
          // Tickets given back on their own before are no longer the order's to judge it by.
          const given = new Set((await partsOf(orderId)).flatMap((p) => p.ticketIds))
          await buyerMayRefund(state, ticketIdsOf(state.doc).filter((id) => !given.has(id)))
        }
        await dirty.mark(orderId, Date.now() + config.RECONCILE_AFTER_MS)
        const inserted = await store.insertTransition({
          _id: refundId(orderId),
          orderId,
          kind: 'refund',
          to: 'refunded',
          by: request.by,
          ...(request.reason ? { reason: request.reason } : {}),
          ...(request.keyHash ? { keyHash: request.keyHash } : {}),
          at: new Date(),
        })
        state = { ...state, refund: inserted.doc }
        if (!inserted.won && !ours(state)) throw fail('CONFLICT', 'the order was already refunded')
      }
      if (state.refundDone) return { status: 200, body: toOrder(state) }
      try {
        state = await finish(state, Date.now() + config.ORDER_WAIT_MS)
      } catch (error) {
        // Recorded, not yet carried out: the worker completes it.
        return leftToReconciler(orderId, error, state)
      }
      return { status: 200, body: toOrder(state) }
    } finally {
      await lock.release()
    }
  }

  /**
   * Gives back some tickets of a paid order (`ticketIds`); the rest stays paid and valid. Asked for
   * every ticket still valid, it is the order's refund (the rest of its money and seats). Under the
   * order's lock, as check-ins and transfers: the tickets are no longer valid from the moment the part
   * is recorded, before any money moves. Or (`amountCents`, an admin's) some of its money and no
   * ticket: every ticket stays valid. Every part gives back at most what the parts before left.
   */
  async function refundPart(orderId: string, ask: PartAsk, request: RefundRequest): Promise<Answer | 'whole'> {
    const lock = await locks.acquire(orderId, 10_000)
    try {
      const state = await store.load(orderId)
      if (!state) throw fail('NOT_FOUND', 'order not found')
      const parts = await partsOf(orderId)
      // This very request again (its answer lost, or answered 202): finish it, answer it.
      const mine = request.keyHash ? parts.find((p) => p.keyHash === request.keyHash) : undefined
      if (mine) {
        if (mine.doneAt) return { status: 200, body: toOrder(state) }
        try {
          await finishPart(state, mine, Date.now() + config.ORDER_WAIT_MS)
        } catch (error) {
          return leftToReconciler(orderId, error, state, mine.n)
        }
        return { status: 200, body: toOrder(state) }
      }
      const status = statusOf(state)
      // The request that refunded the rest of the order, sent again: the order's refund answers it.
      if (status === 'refunded' && request.keyHash && state.refund?.keyHash === request.keyHash) return 'whole'
      if (status === 'refunded') throw fail('CONFLICT', 'the order was already refunded')
      if (status !== 'paid') throw fail('CONFLICT', `only a paid order can be refunded (this one is ${status})`)
      // Answered 202 and not priced by ticketing yet: what each ticket cost is not known.
      if (!state.doc.priced) throw fail('UNAVAILABLE', "the order's price is still being settled; try again in a moment", { retryAfterSeconds: 5 })
      // An earlier part not finished (payments or ticketing away): finished first, or this one waits.
      try {
        await finishOpenParts(state, Date.now() + config.ORDER_WAIT_MS)
      } catch (error) {
        if (!(error instanceof Undecided)) throw error
        throw fail('UNAVAILABLE', 'an earlier refund of this order is still being completed; try again in a moment', { retryAfterSeconds: 5 })
      }
      // What the parts gave back, and what the order's money still holds: together never more than was paid.
      const given = parts.reduce((sum, p) => sum + p.amountCents, 0)
      const left = isCharged(state) ? Math.max(0, state.doc.totalCents - given) : 0
      if ('amountCents' in ask) {
        // Decided on what the page showed: a refund made meanwhile (another admin's) is not given twice.
        if (ask.expectedRefundedCents !== undefined && ask.expectedRefundedCents !== given)
          throw fail('CONFLICT', `this order has given back ${given} by now, not ${ask.expectedRefundedCents}: look at it again before giving more`, { refundedCents: given })
        return await givePart(state, amountPart(state, parts, ask.amountCents, left, request))
      }
      const { ticketIds } = ask
      const all = ticketIdsOf(state.doc)
      const unknown = ticketIds.find((id) => !all.includes(id))
      if (unknown) throw fail('VALIDATION', `ticketIds: ${unknown} is not a ticket of this order`, { fields: [{ path: 'ticketIds', message: `${unknown} is not a ticket of this order` }] })
      const before = new Set(parts.flatMap((p) => p.ticketIds))
      const again = ticketIds.filter((id) => before.has(id))
      if (again.length) throw fail('CONFLICT', `already refunded: ${again.join(', ')}`, { ticketIds: again })
      // Every ticket still valid: the order's own refund (the rest of its money and seats).
      if (all.every((id) => before.has(id) || ticketIds.includes(id))) return 'whole'
      // Extras stay with admission: what is kept must still be an order one could buy. Extras bought
      // later are all extras: giving some back never leaves one without a ticket.
      if (!state.doc.addOnTo) {
        const kept = new Map<OrderDoc['items'][number], number>()
        for (const { id, item } of seatsOf(state.doc)) if (!before.has(id) && !ticketIds.includes(id)) kept.set(item, (kept.get(item) ?? 0) + 1)
        const extras = addOnProblem([...kept].map(([item, quantity]) => ({ name: item.name, quantity, addOn: item.addOn })), 'kept')
        if (extras) throw fail('CONFLICT', extras, { addOns: [...kept.keys()].filter((i) => i.addOn).map((i) => i.ticketTypeId) })
        const stranded = await later.stranded(state, new Set(ticketIds))
        if (stranded) throw fail('CONFLICT', stranded.message, { addOnOrders: stranded.orderIds })
      }
      if (request.byBuyer) await buyerMayRefund(state, ticketIds)
      const priced = ticketPrices(state.doc)
      if (!priced) throw fail('CONFLICT', 'this order was sold before tickets could be refunded one by one: refund it whole')
      // Per type, how many and (of numbered seats) which: ticketing frees those seats, not others.
      const seatOf = new Map(seatsOf(state.doc).map((t) => [t.id, t.seat]))
      const lines = new Map<string, { quantity: number; seats: string[] }>()
      for (const id of ticketIds) {
        const ticket = priced.get(id)!
        const line = lines.get(ticket.ticketTypeId) ?? { quantity: 0, seats: [] }
        line.quantity++
        const seat = seatOf.get(id)
        if (seat) line.seats.push(seat)
        lines.set(ticket.ticketTypeId, line)
      }
      const part: RefundPartDoc = {
        _id: partId(orderId, parts.length + 1),
        orderId,
        n: parts.length + 1,
        ticketIds: [...ticketIds],
        lines: [...lines].map(([ticketTypeId, { quantity, seats }]) => ({ ticketTypeId, quantity, ...(seats.length ? { seats } : {}) })),
        // What they cost; once money was given back without tickets, their share of what is left. A free
        // order, or one answered 202 and priced meanwhile without a payment: nothing to give back.
        amountCents: ticketsRefundCents(state.doc, before, ticketIds, left),
        by: request.by,
        ...(request.reason ? { reason: request.reason } : {}),
        ...(request.keyHash ? { keyHash: request.keyHash } : {}),
        at: new Date(),
      }
      return await givePart(state, part)
    } finally {
      await lock.release()
    }
  }

  /**
   * Money given back without tickets: an admin's, less than is left (all that is left is the order's
   * refund, or its tickets'), and only of an order whose tickets each have a price (what is left is
   * shared among them).
   */
  function amountPart(state: OrderState, parts: readonly RefundPartDoc[], amountCents: number, left: number, request: RefundRequest): RefundPartDoc {
    if (request.byBuyer) throw fail('FORBIDDEN', 'only an admin gives back an amount of an order')
    if (!ticketPrices(state.doc)) throw fail('CONFLICT', 'this order was sold before its tickets had prices of their own: refund it whole')
    if (amountCents >= left)
      throw fail(
        'CONFLICT',
        left > 1
          ? `at most ${left - 1} of this order's ${left} left can be given back as an amount: to give back all of it, refund the order or its tickets`
          : "nothing of this order's money is left to give back as an amount",
        { leftCents: left },
      )
    const orderId = state.doc._id
    return {
      _id: partId(orderId, parts.length + 1),
      orderId,
      n: parts.length + 1,
      ticketIds: [],
      lines: [],
      amountCents,
      by: request.by,
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.keyHash ? { keyHash: request.keyHash } : {}),
      at: new Date(),
    }
  }

  /**
   * A refund (or a part) recorded and not carried out yet: from its record on, its tickets are void and
   * the worker carries it out, so that is the answer (202), whatever stopped it here. A refusal met on
   * the way (a gateway that will not pay this card back now) is no answer to keep under the request's
   * key: a retry would be told the refund failed while the order reads refunded. It is logged as an
   * error for whoever runs the system, and the order stays in the worker's backlog until it is done.
   */
  function leftToReconciler(orderId: string, error: unknown, state: OrderState, part?: number): Answer {
    const at = part === undefined ? {} : { part }
    if (error instanceof Undecided) log.warn({ orderId, ...at, reason: error.message }, 'refund left to the reconciler')
    else log.error({ orderId, ...at, err: String(error) }, 'refund recorded but not carried out: the reconciler tries again')
    return { status: 202, body: toOrder(state) }
  }

  /** Records a part (under the order's lock): its tickets are no longer valid from here on; then its money, seats and fact. */
  async function givePart(state: OrderState, part: RefundPartDoc): Promise<Answer> {
    const orderId = state.doc._id
    await dirty.mark(orderId, Date.now() + config.RECONCILE_AFTER_MS)
    try {
      await RefundPart.create(part)
    } catch (error) {
      if (isDuplicateOnly(error)) throw fail('CONFLICT', 'another refund of this order was recorded at the same moment; look again')
      throw error
    }
    try {
      await finishPart(state, part, Date.now() + config.ORDER_WAIT_MS)
    } catch (error) {
      return leftToReconciler(orderId, error, state, part.n)
    }
    await dirty.mark(orderId).catch(() => {})
    return { status: 200, body: toOrder(state) }
  }

  /** Each paid order of a page with the money its parts gave back so far (`refundedCents`), one query for all. */
  async function withRefundedAll<L extends { items: Order[] }>(list: L): Promise<L> {
    const paid = list.items.filter((o) => o.status === 'paid').map((o) => o.id)
    if (!paid.length) return list
    const given = new Map<string, number>()
    for (const p of await RefundPart.find({ orderId: { $in: paid } }, { orderId: 1, amountCents: 1 }).lean<Array<Pick<RefundPartDoc, 'orderId' | 'amountCents'>>>()) given.set(p.orderId, (given.get(p.orderId) ?? 0) + p.amountCents)
    return { ...list, items: list.items.map((o) => (o.status === 'paid' && (given.get(o.id) ?? 0) > 0 ? { ...o, refundedCents: given.get(o.id)! } : o)) }
  }

  /** Parts recorded but not finished (a crash or an outage in between): the reconciler finishes them. */
  async function finishParts(orderId: string, deadline: number): Promise<number> {
    const state = await store.load(orderId)
    if (!state) return 0
    const open = (await partsOf(orderId)).filter((p) => !p.doneAt)
    for (const part of open) await finishPart(state, part, deadline)
    return open.length
  }

  return {
    finish,
    refund,
    finishParts,
    partsOf,

    /** A paid order with the money its parts gave back so far (`refundedCents`), when any did (a refunded order gave it all). */
    async withRefunded(order: Order): Promise<Order> {
      return (await withRefundedAll({ items: [order] })).items[0]!
    },

    withRefundedAll,

    /** POST /api/orders/:id/refund: the buyer before the event starts and before any ticket was used, an admin any time. */
    async requestByUser(principal: Principal, orderId: string, reason: string | undefined, idempotencyKey: string | undefined, startedAt = Date.now(), ticketIds?: readonly string[], amountCents?: number, expectedRefundedCents?: number): Promise<Answer> {
      if (ticketIds?.length && amountCents !== undefined)
        throw fail('VALIDATION', 'give back some tickets (ticketIds) or an amount (amountCents), not both', { fields: [{ path: 'amountCents', message: 'not with ticketIds' }] })
      if (expectedRefundedCents !== undefined && amountCents === undefined)
        throw fail('VALIDATION', 'expectedRefundedCents goes with amountCents', { fields: [{ path: 'expectedRefundedCents', message: 'only with amountCents' }] })
      const state = await store.visible(orderId, principal)
      const request: RefundRequest = {
        by: principal.id,
        ...(reason ? { reason } : {}),
        ...(idempotencyKey ? { keyHash: hashKey(`${principal.id}:${idempotencyKey}`) } : {}),
        ...(isAdmin(principal) ? {} : { byBuyer: true }),
      }
      if (amountCents !== undefined && request.byBuyer) throw fail('FORBIDDEN', 'only an admin gives back an amount of an order')
      const run = async () => {
        const some =
          amountCents !== undefined
            ? await refundPart(orderId, { amountCents, ...(expectedRefundedCents !== undefined ? { expectedRefundedCents } : {}) }, request)
            : ticketIds?.length
              ? await refundPart(orderId, { ticketIds: [...new Set(ticketIds.map((id) => id.toLowerCase()))] }, request)
              : 'whole'
        // The whole order, or every ticket still valid: the order's refund, under the lock it takes itself.
        const answer = some === 'whole' ? await refund(orderId, request) : some
        // A 202 is not kept: a retry of this request finishes the refund (or finds it finished).
        return { now: answer, final: Promise.resolve(answer.status === 202 ? undefined : answer) }
      }
      if (!idempotencyKey) return (await run()).now
      return idem.run(
        { userId: principal.id, route: `refund:${orderId}`, key: idempotencyKey, bodyHash: hashBody(amountCents !== undefined ? { reason, amountCents, expectedRefundedCents } : ticketIds?.length ? { reason, ticketIds: [...ticketIds].sort() } : { reason }), orderId, deadline: startedAt + config.ORDER_WAIT_MS },
        {
          execute: run,
          async whileRunning(record) {
            if (await locks.abandoned(orderId, record.t, config.ORDER_WAIT_MS)) return 'takeover'
            const now = await store.load(orderId)
            return now ? { status: 202, body: toOrder(now) } : errorAnswer(404, 'NOT_FOUND', 'order not found')
          },
        },
      )
    },
  }
}
export type RefundsService = ReturnType<typeof refundsService>
