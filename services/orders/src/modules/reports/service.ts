// An organiser's view of one event: its attendee list (every ticket sold: who holds it, the name on it,
// whether it was admitted) and its sales report. Read from the event's orders (found by their `eventId`
// index) and the documents of each order and ticket, found by `_id` in batches: on MongoDB every read
// is an index lookup. The status of each order is exact (its transitions), not the list's projection.
// A purchase paid at once is a draft while it is decided, and counts once it is published as an order
// (when it ends, or by the worker within seconds when that write failed).
import { stringify } from 'csv-stringify/sync'
import { ORDER_STATUSES, type OrderStatus } from '@easypass/contracts/orders'
import type { Language } from '@easypass/contracts/languages'
import { isoInZone, zoneOrUtc } from '@easypass/contracts/time-zones'
import { createHash } from 'node:crypto'
import type { Attendee, AttendeeCounts, AttendeeList, AttendeesFilter, AttendeesQuery, DoorList, SalesReport } from '@easypass/contracts/reports'
import { fail, isDuplicateOnly } from '@easypass/kit'
import type { CatalogClient } from '../../clients'
import type { AttendeeDoc, CheckinDoc, Models, OrderDoc, RefundPartDoc, TicketDoc, TicketHolderDoc, TransitionDoc } from '../../db'
import { refundDoneId, refundId, settleId, statusOf, toldIn, type OrderState } from '../orders/store'
import { heldByRate, taxesFromGross, taxesOf } from '../invoices/taxes'
import { seatsOf, ticketState } from '../tickets/service'
import { answersAsked } from '@easypass/contracts/questions'
import { admissionsOf } from '@easypass/contracts/add-ons'

/** Ids per `$in` query: small enough for any server, few enough queries for a large event. */
const BATCH = 1_000

type Docs = Pick<Models, 'Order' | 'Transition' | 'Ticket' | 'TicketHolder' | 'Attendee' | 'Checkin' | 'RefundPart' | 'OrderAnswer' | 'Cancellation' | 'DoorOpening'>

/** A ticket of a paid or refunded order, with everything the list says of it. */
interface Row extends Attendee {
  /** Who holds it (the buyer's account, or whose it was passed on to); the list leaves it out. */
  holderId: string
  /** What the report sums (the list leaves them out). */
  currency: string
  unitPriceCents: number
  priced: boolean
  /** Given free by an admin. */
  complimentary: boolean
  /** Sold at the door. */
  atTheDoor: boolean
  /** The language of its order: its holder is written to in it (the list leaves it out). */
  language?: Language
}

/** Who holds a complimentary ticket: its guest, by address (they need no account). */
const guestId = (email: string) => `guest:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 24)}`

export function reportsService({ models, catalog }: { models: Docs; catalog: CatalogClient }) {
  const { Order, Transition, Ticket, TicketHolder, Attendee: Names, Checkin, RefundPart } = models
  /** Reads of one event under way: asked again meanwhile (the page asks for the list and the sales at once), they are shared. */
  const reading = new Map<string, Promise<{ states: OrderState[]; rows: Row[]; parts: Map<string, RefundPartDoc[]> }>>()

  async function byIds<T extends { _id: string }>(model: Docs[keyof Docs], ids: string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>()
    for (let i = 0; i < ids.length; i += BATCH) {
      const docs = await (model as typeof Ticket).find({ _id: { $in: ids.slice(i, i + BATCH) } }).lean<T[]>()
      for (const doc of docs) found.set(doc._id, doc)
    }
    return found
  }

  /** The event's orders with their exact state, oldest first; 404 when catalog does not know the event. */
  async function ordersOf(eventId: string): Promise<OrderState[]> {
    if (!(await catalog.event(eventId))) throw fail('NOT_FOUND', 'event not found')
    // In the index's own order (`eventId`, `createdAt` descending), turned here: no sort in the database.
    const docs = (await Order.find({ eventId }).sort({ createdAt: -1 }).lean<OrderDoc[]>()).sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0),
    )
    const transitions = await byIds<TransitionDoc>(
      Transition,
      docs.flatMap((d) => [settleId(d._id), refundId(d._id), refundDoneId(d._id)]),
    )
    return docs.map((doc) => ({
      doc,
      settle: transitions.get(settleId(doc._id)) ?? null,
      refund: transitions.get(refundId(doc._id)) ?? null,
      refundDone: transitions.get(refundDoneId(doc._id)) ?? null,
    }))
  }

  /** Every ticket of the paid and refunded orders, in the order they were bought (seat order within one). */
  async function rowsOf(states: OrderState[], parts: ReadonlyMap<string, RefundPartDoc[]>): Promise<Row[]> {
    const given = new Set([...parts.values()].flat().flatMap((p) => p.ticketIds))
    const sold = states.filter((s) => {
      const status = statusOf(s)
      return status === 'paid' || status === 'refunded'
    })
    // A ticket's seat and type follow from its order's items (as they were issued): a paid order whose
    // tickets are still being written is listed all the same, without codes until they are.
    const seats = sold.flatMap((state) => seatsOf(state.doc).map((seat) => ({ ...seat, state })))
    const ids = seats.map((s) => s.id)
    const [tickets, holders, names, checkins] = await Promise.all([
      byIds<TicketDoc>(Ticket, ids),
      byIds<TicketHolderDoc>(TicketHolder, ids),
      byIds<AttendeeDoc>(Names, ids),
      byIds<CheckinDoc>(Checkin, ids),
    ])
    return seats.map(({ state, item, id, seat }) => {
      // The whole order, or this ticket on its own.
      const refunded = statusOf(state) === 'refunded' || given.has(id)
      const holder = holders.get(id)
      const checkin = checkins.get(id)
      const passedOn = !!holder && holder.userId !== state.doc.userId
      const code = holder?.code ?? tickets.get(id)?.code
      const { status, name } = ticketState(refunded, checkin, names.get(id))
      const holderEmail = passedOn ? holder.email : state.doc.userEmail
      return {
        ticketId: id,
        orderId: state.doc._id,
        ticketTypeId: item.ticketTypeId,
        ticketTypeName: item.name,
        ...(seat ? { seat } : {}),
        ...(item.addOn ? { addOn: true as const } : {}),
        status,
        passedOn,
        boughtAt: state.doc.createdAt.toISOString(),
        // A complimentary ticket's holder is its guest (known by a hash of the address, which fact ids
        // can carry), not the admin whose order it is.
        // A ticket sold at the door is its buyer's, known by the address they gave (none: nobody to write to), not the seller's.
        holderId: passedOn
          ? holder.userId
          : state.doc.complimentary
            ? guestId(state.doc.complimentary.email)
            : state.doc.boxOffice
              ? state.doc.userEmail
                ? guestId(state.doc.userEmail)
                : `door:${state.doc._id}`
              : state.doc.userId,
        currency: state.doc.currency,
        unitPriceCents: item.unitPriceCents,
        priced: state.doc.priced,
        complimentary: !!state.doc.complimentary,
        atTheDoor: !!state.doc.boxOffice,
        ...toldIn(state.doc),
        ...(name ? { attendeeName: name } : {}),
        ...(holderEmail ? { holderEmail } : {}),
        ...(state.doc.userEmail ? { buyerEmail: state.doc.userEmail } : {}),
        ...(code && !refunded ? { code } : {}),
        ...(checkin ? { checkedInAt: checkin.at.toISOString() } : {}),
      }
    })
  }

  /** The parts given back of the paid orders (some of their tickets), by order. */
  async function partsOf(states: OrderState[]): Promise<Map<string, RefundPartDoc[]>> {
    const paid = states.filter((s) => statusOf(s) === 'paid').map((s) => s.doc._id)
    const found = new Map<string, RefundPartDoc[]>()
    for (let i = 0; i < paid.length; i += BATCH)
      for (const part of await RefundPart.find({ orderId: { $in: paid.slice(i, i + BATCH) } }).lean<RefundPartDoc[]>()) found.set(part.orderId, [...(found.get(part.orderId) ?? []), part])
    return found
  }

  /** One read of the event's orders and ticket rows, begun now. */
  const freshRead = (eventId: string) =>
    ordersOf(eventId).then(async (states) => {
      const parts = await partsOf(states)
      return { states, rows: await rowsOf(states, parts), parts }
    })

  /** The orders and the ticket rows of the event, read once for all who ask at the same time. */
  function read(eventId: string) {
    let pending = reading.get(eventId)
    if (!pending) {
      pending = freshRead(eventId)
      reading.set(eventId, pending)
      const done = () => void reading.delete(eventId)
      pending.then(done, done)
    }
    return pending
  }

  function countsOf(rows: Row[]): AttendeeCounts {
    const counts = { tickets: rows.length, valid: 0, checkedIn: 0, refunded: 0 }
    for (const row of rows) counts[row.status === 'checked_in' ? 'checkedIn' : row.status]++
    return counts
  }

  function matches(row: Row, query: AttendeesFilter): boolean {
    if (query.status && row.status !== query.status) return false
    if (query.ticketTypeId && row.ticketTypeId !== query.ticketTypeId) return false
    const q = query.q?.trim().toLowerCase()
    if (!q) return true
    return [row.attendeeName, row.holderEmail, row.buyerEmail].some((text) => text?.toLowerCase().includes(q)) || row.ticketId === q || row.orderId === q
  }

  /** `withCodes`: for admins; door staff check a guest in by the ticket's id, and never hold codes to pass on. */
  const publicRow = ({ currency: _c, unitPriceCents: _p, priced: _q, holderId: _h, complimentary: _f, atTheDoor: _d, language: _l, code, ...row }: Row, withCodes: boolean): Attendee => (withCodes && code ? { ...row, code } : row)

  return {
    /** Each account holding a ticket of the event that still counts (valid, or admitted at the door), once, with its address. */
    async holders(eventId: string): Promise<Array<{ userId: string; email?: string; language?: Language }>> {
      const found = new Map<string, Row>()
      for (const row of (await read(eventId)).rows) {
        // Bought at the door without an address: nobody to write to (the seller is not its holder).
        if (row.status === 'refunded' || (row.atTheDoor && !row.passedOn && !row.holderEmail)) continue
        if (!found.get(row.holderId)?.holderEmail) found.set(row.holderId, row)
      }
      // One message per address: two guest checkouts with one address (or a buyer also given tickets)
      // are two holders, and one inbox.
      const addresses = new Set<string>()
      return [...found].flatMap(([userId, { holderEmail: email, language }]) => {
        const address = email?.trim().toLowerCase()
        if (address && addresses.has(address)) return []
        if (address) addresses.add(address)
        return [{ userId, ...(email ? { email } : {}), ...(language ? { language } : {}) }]
      })
    },

    /**
     * What a door needs to go on admitting while its network is down: every ticket that admits (or
     * admitted) someone, known by a hash of its current code, never the code itself. A cancelled event's
     * list is empty: its tickets are being refunded, and a door that downloads it again admits nobody.
     */
    async doorList(eventId: string): Promise<DoorList> {
      // Orders' own record of the cancellation, or catalog's word before it arrived (away: the record alone).
      const recorded = await models.Cancellation.exists({ _id: eventId })
      const cancelled = recorded || (await catalog.event(eventId).then((e) => e?.status === 'cancelled', () => false))
      if (cancelled) return { eventId, at: new Date().toISOString(), tickets: [], cancelled: true }
      // A door holds the list from now and may admit without the network: buyers no longer refund or pass
      // tickets on by themselves. Written before the list is read, so that none gets in between.
      // (Two doors at once: FerretDB may let both upserts insert, and one fails on the unique id; the
      // mark is there all the same.) Its own read, begun after the mark: one already under way (the
      // attendee page's) may have seen a refund or a hand-over the doors now refuse.
      const at = new Date()
      await models.DoorOpening.updateOne({ _id: eventId }, { $set: { at } }, { upsert: true }).catch((error) =>
        isDuplicateOnly(error) ? models.DoorOpening.updateOne({ _id: eventId }, { $set: { at } }) : Promise.reject(error),
      )
      const { rows } = await freshRead(eventId)
      const tickets = rows
        .filter((row) => row.status !== 'refunded' && row.code)
        .map((row) => ({
          hash: createHash('sha256').update(row.code!.toUpperCase()).digest('hex'),
          ticketId: row.ticketId,
          ...(row.ticketTypeName ? { ticketTypeName: row.ticketTypeName } : {}),
          ...(row.addOn ? { addOn: row.addOn } : {}),
          ...(row.seat ? { seat: row.seat } : {}),
          ...(row.attendeeName ? { attendeeName: row.attendeeName } : {}),
          ...(row.checkedInAt ? { checkedInAt: row.checkedInAt } : {}),
        }))
      // As of the doors' mark (the read came after it): the door's 6 hours and the server's start together.
      return { eventId, at: at.toISOString(), tickets }
    },

    async attendees(eventId: string, query: AttendeesQuery, withCodes: boolean): Promise<AttendeeList> {
      const { rows } = await read(eventId)
      const page = query.page ?? 1
      const limit = query.limit ?? 20
      const matching = rows.filter((row) => matches(row, query))
      return {
        eventId,
        items: matching.slice((page - 1) * limit, page * limit).map((row) => publicRow(row, withCodes)),
        total: matching.length,
        page,
        limit,
        counts: countsOf(rows),
      }
    },

    /**
     * Every matching ticket as CSV, for a spreadsheet: UTF-8 with a byte order mark (spreadsheets then read
     * names in any script), CRLF lines, and a text that starts as a formula would is made plain text.
     * Codes are left out: a file like this is copied and mailed around, and a code admits whoever has it.
     */
    async attendeesCsv(eventId: string, query: AttendeesFilter): Promise<string> {
      const [sold, answered, event] = await Promise.all([read(eventId), models.OrderAnswer.find({ eventId }).lean(), catalog.event(eventId)])
      const rows = sold.rows.filter((row) => matches(row, query))
      // Each admission ticket's number in its order (extras not counted): the ticket answers asked per ticket belong to.
      const admission = new Map<string, number>()
      for (const { doc } of sold.states) {
        let n = 0
        for (const { id, item } of seatsOf(doc)) if (!item.addOn) admission.set(id, ++n)
      }
      // On each ticket, the order's answers and its own to questions asked per ticket: "question: answer; …".
      // As they stand against the questions now: none that no longer fit or are no longer asked.
      const itemsOf = new Map(sold.states.map((st) => [st.doc._id, st.doc.items]))
      const byOrder = new Map(answered.map((d) => [d._id, event ? answersAsked(event.questions ?? [], d.answers, admissionsOf(itemsOf.get(d._id) ?? [])) : d.answers]))
      // Extras bought later carry the answers of the order they were added to (its own, not its tickets').
      const addedTo = new Map(sold.states.filter((st) => st.doc.addOnTo).map((st) => [st.doc._id, st.doc.addOnTo!]))
      const answersOf = (r: Row) =>
        (byOrder.get(r.orderId) ?? (addedTo.has(r.orderId) ? byOrder.get(addedTo.get(r.orderId)!)?.filter((a) => !a.ticket) : undefined) ?? [])
          .filter((a) => !a.ticket || a.ticket === admission.get(r.ticketId))
          .map((a) => `${a.label}: ${a.value.replace(/\s+/g, ' ')}`)
          .join('; ')
      // Times on the venue's clock, with its offset (a spreadsheet filtering by day counts a guest admitted
      // at 01:30 local time on that day, not the day before in UTC).
      const zone = zoneOrUtc(event?.timeZone)
      const local = (iso: string | undefined) => (iso ? isoInZone(new Date(iso), zone) : '')
      return stringify(
        rows.map((r) => [r.ticketId, r.orderId, r.ticketTypeName ?? '', r.seat ?? '', r.status, r.attendeeName ?? '', r.holderEmail ?? '', r.buyerEmail ?? '', r.passedOn ? 'yes' : 'no', local(r.checkedInAt), local(r.boughtAt), answersOf(r), r.addOn ? 'yes' : 'no']),
        {
          header: true,
          columns: ['ticket', 'order', 'ticket type', 'seat', 'status', 'name', 'holder email', 'buyer email', 'passed on', 'checked in at', 'bought at', 'answers', 'extra'],
          bom: true,
          record_delimiter: 'windows',
          // A lone \n or \r in a value (a ticket type's name) quoted too: unquoted it starts a row of its
          // own, whose first cell the formula escape never saw.
          quote_record_delimiter: true,
          escape_formulas: true,
        },
      )
    },

    async sales(eventId: string): Promise<SalesReport> {
      const { states, rows, parts } = await read(eventId)
      const orders = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>
      const money = new Map<string, SalesReport['money'][number]>()
      const taxes = new Map<string, SalesReport['taxes'][number]>()
      let refundsUnderWay = 0
      let unpriced = 0
      for (const state of states) {
        const status = statusOf(state)
        orders[status]++
        if (status !== 'paid' && status !== 'refunded') continue
        // Answered 202 and never priced by ticketing: its lines are estimates, so its money is left out.
        if (!state.doc.priced) {
          unpriced++
          continue
        }
        const { currency, totalCents, voucher } = state.doc
        const line = money.get(currency) ?? { currency, takenCents: 0, discountCents: 0, refundedCents: 0, refundingCents: 0, netCents: 0 }
        money.set(currency, line)
        line.takenCents += totalCents
        // Sold at the door: what the door's till (or the venue's terminal) took, and what it paid back.
        const door = state.doc.boxOffice
        if (door) {
          const till = (line.atTheDoor ??= { cashCents: 0, cashPaidBackCents: 0, terminalCents: 0, terminalPaidBackCents: 0 })
          const back = status === 'refunded' ? totalCents : (parts.get(state.doc._id) ?? []).reduce((sum, part) => sum + part.amountCents, 0)
          if (door.paidWith === 'cash') {
            till.cashCents += totalCents
            till.cashPaidBackCents += back
          } else {
            till.terminalCents += totalCents
            till.terminalPaidBackCents += back
          }
        }
        if (status === 'paid') {
          line.discountCents += voucher?.discountCents ?? 0
          // Tickets given back on their own: their money back (or on its way), their tax no longer due.
          const given = parts.get(state.doc._id) ?? []
          for (const part of given) {
            if (part.doneAt) line.refundedCents += part.amountCents
            else {
              line.refundingCents += part.amountCents
              refundsUnderWay++
            }
          }
          // An order none of whose lines carries a rate counts at 0 % (shown only beside taxed ones).
          const rated = state.doc.items.some((i) => i.taxRateBasisPoints)
          // What it holds now: its standing tickets, worth what is left of its money.
          const kept = given.length ? heldByRate(state.doc, given, totalCents) : undefined
          for (const tax of kept ? taxesFromGross(kept) : rated ? taxesOf(state.doc.items, totalCents) : [{ rateBasisPoints: 0, grossCents: totalCents, taxCents: 0, netCents: totalCents }]) {
            const key = `${currency}:${tax.rateBasisPoints}`
            const sum = taxes.get(key) ?? { currency, rateBasisPoints: tax.rateBasisPoints, grossCents: 0, taxCents: 0, netCents: 0 }
            taxes.set(key, sum)
            sum.grossCents += tax.grossCents
            sum.taxCents += tax.taxCents
            sum.netCents += tax.netCents
          }
        }
        else if (state.refundDone) line.refundedCents += totalCents
        else {
          line.refundingCents += totalCents
          refundsUnderWay++
        }
        line.netCents = line.takenCents - line.refundedCents - line.refundingCents
      }
      // A line per ticket type and currency (a type's currency may have been changed after some sales),
      // named as its newest sale names it.
      const types = new Map<string, SalesReport['ticketTypes'][number]>()
      for (const row of rows) {
        const key = `${row.ticketTypeId}:${row.currency}`
        const type = types.get(key) ?? { ticketTypeId: row.ticketTypeId, name: '', currency: row.currency, sold: 0, refunded: 0, checkedIn: 0, salesCents: 0 }
        types.set(key, type)
        type.name = row.ticketTypeName ?? type.name
        if (row.addOn) type.addOn = true
        if (row.status === 'refunded') type.refunded++
        else {
          type.sold++
          if (row.complimentary) type.complimentary = (type.complimentary ?? 0) + 1
          if (row.atTheDoor) type.atTheDoor = (type.atTheDoor ?? 0) + 1
          if (row.priced) type.salesCents += row.unitPriceCents
          if (row.status === 'checked_in') type.checkedIn++
        }
      }
      return { eventId, orders, refundsUnderWay, unpricedOrders: unpriced, ticketTypes: [...types.values()], money: [...money.values()], taxes: [...taxes.values()].some((t) => t.rateBasisPoints > 0) ? [...taxes.values()].sort((a, b) => a.currency.localeCompare(b.currency) || b.rateBasisPoints - a.rateBasisPoints) : [], generatedAt: new Date().toISOString() }
    },
  }
}
export type ReportsService = ReturnType<typeof reportsService>
