// E-tickets: one per seat, `<orderId>-<n>` (deterministic, so issuing twice issues once), each with a
// 128-bit random code that its QR code carries. `ticket_codes` maps a code back to its ticket by `_id`.
// A ticket passed on to someone (modules/transfers) has a `ticket_holders` document: its holder and
// new code. A ticket's code is the holder's when there is one, and every earlier code is void.
import QRCode from 'qrcode'
import type { Ticket, TicketStatus } from '@easypass/contracts/orders'
import { isDuplicateOnly, writerOf } from '@easypass/kit'
import type { AttendeeDoc, CheckinDoc, Models, OrderDoc, TicketDoc, TicketHolderDoc, TransferDoc } from '../../db'

/** A ticket as it is now: `code` is its current one, `holderId` who holds it (its buyer unless passed on). */
export type HeldTicketDoc = TicketDoc & { holderId: string; transferredAt?: Date }

const heldBy = (ticket: TicketDoc, holder: TicketHolderDoc | null): HeldTicketDoc =>
  holder ? { ...ticket, code: holder.code, holderId: holder.userId, transferredAt: holder.at } : { ...ticket, holderId: ticket.userId }

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** 16 random bytes as 26 characters of RFC 4648 base32 (upper case: the compact alphanumeric QR mode). */
export function newTicketCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let bits = 0
  let value = 0
  let out = ''
  for (const byte of bytes) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

export const ticketId = (orderId: string, n: number) => `${orderId}-${n}`

export function ticketIdsOf(doc: Pick<OrderDoc, '_id' | 'items'>): string[] {
  const count = doc.items.reduce((sum, i) => sum + i.quantity, 0)
  return Array.from({ length: count }, (_, i) => ticketId(doc._id, i + 1))
}

/** The order's tickets in the order they are issued: each one's id, number, line and, of a seated type, its seat. */
export function seatsOf(doc: Pick<OrderDoc, '_id' | 'items'>): Array<{ id: string; n: number; item: OrderDoc['items'][number]; seat?: string }> {
  let n = 0
  return doc.items.flatMap((item) =>
    Array.from({ length: item.quantity }, (_, k) => {
      const seat = item.seats?.[k]
      return { id: ticketId(doc._id, ++n), n, item, ...(seat ? { seat } : {}) }
    }),
  )
}

/** A ticket's status and name as everyone is shown them: admitted, the name as it was at the door; refunded over all. */
export function ticketState(refunded: boolean, checkin: CheckinDoc | null | undefined, attendee: AttendeeDoc | null | undefined): { status: Exclude<TicketStatus, 'transferred'>; name?: string } {
  const status = refunded ? 'refunded' : checkin ? 'checked_in' : 'valid'
  const name = checkin ? checkin.attendeeName : attendee?.name
  return name ? { status, name } : { status }
}

export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

/** A pending offer of the ticket, as its views show it. */
export const offerOf = (pending: TransferDoc | null | undefined): Pick<Ticket, 'transferOffer'> =>
  pending && pending.status === 'pending' && pending.expiresAt > new Date() ? { transferOffer: { id: pending._id, toEmail: pending.toEmail, expiresAt: pending.expiresAt.toISOString() } } : {}

/** `walletPasses`, `googleWallet`: a valid ticket with its code says it can be had as an Apple Wallet pass, saved to Google Wallet. */
export function ticketsService({ Ticket, TicketCode, TicketHolder, Checkin, Attendee, Transfer, RefundPart }: Pick<Models, 'Ticket' | 'TicketCode' | 'TicketHolder' | 'Checkin' | 'Attendee' | 'Transfer' | 'RefundPart'>, { walletPasses = false, googleWallet = false } = {}) {
  const writer = writerOf(Ticket)
  /** The order's tickets given back in parts of its refund (a whole refund is the order's status). */
  async function refundedOf(orderId: string): Promise<Set<string>> {
    return new Set((await RefundPart.find({ orderId }, { ticketIds: 1 }).lean<Array<{ ticketIds: string[] }>>()).flatMap((p) => p.ticketIds))
  }
  async function held(ticket: TicketDoc): Promise<HeldTicketDoc> {
    return heldBy(ticket, await TicketHolder.findById(ticket._id).lean<TicketHolderDoc>())
  }
  async function byIds(ids: string[]): Promise<HeldTicketDoc[]> {
    const found = await Promise.all(ids.map((id) => Ticket.findById(id).lean<TicketDoc>()))
    return Promise.all(found.filter((t): t is TicketDoc => !!t).map(held))
  }

  /**
   * `attendee`: the ticket's name record when already read (null: none); looked up when not given.
   * `asOrder`: seen from its order (its buyer, an admin, the confirmation email): a ticket passed on to
   * someone else is `transferred` there (`refunded` once its order is), never with its code or the name
   * on it, which are its new holder's alone.
   */
  async function view(ticket: HeldTicketDoc, refunded: boolean, checkin?: CheckinDoc | null, attendee?: AttendeeDoc | null, asOrder = false): Promise<Ticket> {
    const base = { id: ticket._id, ticketTypeId: ticket.ticketTypeId, ticketTypeName: ticket.ticketTypeName, orderId: ticket.orderId, eventId: ticket.eventId, ...(ticket.seat ? { seat: ticket.seat } : {}) }
    const transferredAt = ticket.transferredAt ? { transferredAt: ticket.transferredAt.toISOString() } : {}
    if (asOrder && ticket.holderId !== ticket.userId) return { ...base, status: refunded ? 'refunded' : 'transferred', ...transferredAt }
    // Admitted: the name as it was at the door (the name record is not read). Otherwise the current one.
    const { status, name } = ticketState(refunded, checkin, checkin || attendee !== undefined ? attendee : await Attendee.findById(ticket._id).lean<AttendeeDoc>())
    const out: Ticket = { ...base, code: ticket.code, qrSvg: await qrSvg(ticket.code), status, ...transferredAt }
    if (checkin) out.checkedInAt = checkin.at.toISOString()
    if (name) out.attendeeName = name
    if (walletPasses && status === 'valid') out.walletPass = true
    if (googleWallet && status === 'valid') out.googleWallet = true
    return out
  }

  /** Names who uses the ticket (a blank name removes it). Last write wins: only its buyer or an admin writes it. */
  async function setAttendee(ticketId: string, name: string) {
    const trimmed = name.trim().replace(/\s+/g, ' ')
    if (!trimmed) return void (await Attendee.deleteOne({ _id: ticketId }))
    const doc = { _id: ticketId, name: trimmed, at: new Date() }
    try {
      await Attendee.replaceOne({ _id: ticketId }, doc, { upsert: true })
    } catch (error) {
      // Two first names at once: both upserts tried to insert; the loser writes over the winner's.
      if (!isDuplicateOnly(error)) throw error
      await Attendee.replaceOne({ _id: ticketId }, doc)
    }
  }

  return {
    view,
    setAttendee,
    byIds,
    held,
    /** Whether this ticket was given back in a part of its order's refund. */
    isRefunded: async (ticket: Pick<TicketDoc, '_id' | 'orderId'>) => (await RefundPart.exists({ orderId: ticket.orderId, ticketIds: ticket._id })) !== null,

    /** Issues the tickets of a paid order; safe to repeat (ids are deterministic, codes are kept). */
    async issue(order: OrderDoc): Promise<TicketDoc[]> {
      const now = new Date()
      const docs: TicketDoc[] = seatsOf(order).map(({ id, n, item, seat }) => ({
        _id: id,
        code: newTicketCode(),
        orderId: order._id,
        eventId: order.eventId,
        userId: order.userId,
        ticketTypeId: item.ticketTypeId,
        ticketTypeName: item.name,
        n,
        ...(seat ? { seat } : {}),
        createdAt: now,
      }))
      let stored = docs
      const inserted = await writer.insertMany(Ticket, docs)
      if (!inserted.every(Boolean)) {
        // Issued before (a retry): the stored codes are the real ones (as issued: a code a holder got
        // later has its own entry already).
        stored = (await Promise.all(docs.map((d) => Ticket.findById(d._id).lean<TicketDoc>()))).filter((t): t is TicketDoc => !!t)
        if (stored.length !== docs.length) throw new Error(`tickets of ${order._id} are incomplete after a duplicate insert`)
      }
      await writer.insertMany(
        TicketCode,
        stored.map((t) => ({ _id: t.code, ticketId: t._id })),
      )
      return stored
    },

    /** The tickets of an order in seat order, as its buyer sees them (with their check-in state; passed-on ones `transferred`). */
    async list(order: OrderDoc, refunded: boolean): Promise<Ticket[]> {
      const tickets = await byIds(ticketIdsOf(order))
      const [checkins, attendees, offers, partly] = await Promise.all([
        Promise.all(tickets.map((t) => Checkin.findById(t._id).lean<CheckinDoc>())),
        Promise.all(tickets.map((t) => Attendee.findById(t._id).lean<AttendeeDoc>())),
        refunded ? [] : Transfer.find({ ticketId: { $in: tickets.map((t) => t._id) }, status: 'pending' }).lean<TransferDoc[]>(),
        refunded ? new Set<string>() : refundedOf(order._id),
      ])
      return Promise.all(
        tickets.map(async (t, i) => {
          const shown = await view(t, refunded || partly.has(t._id), checkins[i], attendees[i] ?? null, true)
          return shown.status === 'valid' ? { ...shown, ...offerOf(offers.find((o) => o.ticketId === t._id && t.holderId === o.fromUserId)) } : shown
        }),
      )
    },

    /** Who holds the order's tickets that were passed on to someone else (and are not back with its buyer). */
    async holdersElsewhere(order: Pick<OrderDoc, '_id' | 'items' | 'userId'>): Promise<TicketHolderDoc[]> {
      const holders = await Promise.all(ticketIdsOf(order).map((id) => TicketHolder.findById(id).lean<TicketHolderDoc>()))
      return holders.filter((h): h is TicketHolderDoc => !!h && h.userId !== order.userId)
    },

    /** Whether this ticket was admitted at the door. */
    async isCheckedIn(ticketId: string): Promise<boolean> {
      return (await Checkin.exists({ _id: ticketId })) !== null
    },

    /** The name on the ticket now, if any. */
    async attendeeOf(ticketId: string): Promise<string | undefined> {
      return (await Attendee.findById(ticketId).lean<AttendeeDoc>())?.name
    },


    /** The ticket whose current code this is; `replaced`: the code was the ticket's once, before it was passed on. */
    async byCode(code: string): Promise<HeldTicketDoc | 'replaced' | null> {
      const entry = await TicketCode.findById(code).lean()
      if (!entry) return null
      const ticket = await Ticket.findById(entry.ticketId).lean<TicketDoc>()
      if (!ticket) return null
      const now = await held(ticket)
      return now.code === code ? now : 'replaced'
    },
  }
}
export type TicketsService = ReturnType<typeof ticketsService>
