// E-tickets: one per seat, `<orderId>-<n>` (deterministic, so issuing twice issues once), each with a
// 128-bit random code that its QR code carries. `ticket_codes` maps a code back to its ticket by `_id`.
import QRCode from 'qrcode'
import type { Ticket, TicketStatus } from '@easypass/contracts/orders'
import { isDuplicateOnly, writerOf } from '@easypass/kit'
import type { AttendeeDoc, CheckinDoc, Models, OrderDoc, TicketDoc } from '../../db'

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

export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
}

export function ticketsService({ Ticket, TicketCode, Checkin, Attendee }: Pick<Models, 'Ticket' | 'TicketCode' | 'Checkin' | 'Attendee'>) {
  const writer = writerOf(Ticket)
  async function byIds(ids: string[]): Promise<TicketDoc[]> {
    const found = await Promise.all(ids.map((id) => Ticket.findById(id).lean<TicketDoc>()))
    return found.filter((t): t is TicketDoc => !!t)
  }

  /** `attendee`: the ticket's name record when already read (null: none); looked up when not given. */
  async function view(ticket: TicketDoc, refunded: boolean, checkin?: CheckinDoc | null, attendee?: AttendeeDoc | null): Promise<Ticket> {
    const status: TicketStatus = refunded ? 'refunded' : checkin ? 'checked_in' : 'valid'
    // Admitted: the name as it was at the door. Otherwise the current one.
    const name = checkin ? checkin.attendeeName : (attendee === undefined ? await Attendee.findById(ticket._id).lean<AttendeeDoc>() : attendee)?.name
    const out: Ticket = {
      id: ticket._id,
      code: ticket.code,
      qrSvg: await qrSvg(ticket.code),
      ticketTypeId: ticket.ticketTypeId,
      ticketTypeName: ticket.ticketTypeName,
      orderId: ticket.orderId,
      eventId: ticket.eventId,
      status,
    }
    if (checkin) out.checkedInAt = checkin.at.toISOString()
    if (name) out.attendeeName = name
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

    /** Issues the tickets of a paid order; safe to repeat (ids are deterministic, codes are kept). */
    async issue(order: OrderDoc): Promise<TicketDoc[]> {
      const now = new Date()
      const docs: TicketDoc[] = []
      let n = 0
      for (const item of order.items)
        for (let i = 0; i < item.quantity; i++) {
          n++
          docs.push({
            _id: ticketId(order._id, n),
            code: newTicketCode(),
            orderId: order._id,
            eventId: order.eventId,
            userId: order.userId,
            ticketTypeId: item.ticketTypeId,
            ticketTypeName: item.name,
            n,
            createdAt: now,
          })
        }
      let stored = docs
      const inserted = await writer.insertMany(Ticket, docs)
      if (!inserted.every(Boolean)) {
        // Issued before (a retry): the stored codes are the real ones.
        stored = await byIds(docs.map((d) => d._id))
        if (stored.length !== docs.length) throw new Error(`tickets of ${order._id} are incomplete after a duplicate insert`)
      }
      await writer.insertMany(
        TicketCode,
        stored.map((t) => ({ _id: t.code, ticketId: t._id })),
      )
      return stored
    },

    /** The tickets of an order in seat order, with their check-in state. */
    async list(order: OrderDoc, refunded: boolean): Promise<Ticket[]> {
      const tickets = await byIds(ticketIdsOf(order))
      const [checkins, attendees] = await Promise.all([
        Promise.all(tickets.map((t) => Checkin.findById(t._id).lean<CheckinDoc>())),
        Promise.all(tickets.map((t) => Attendee.findById(t._id).lean<AttendeeDoc>())),
      ])
      return Promise.all(tickets.map((t, i) => view(t, refunded, checkins[i], attendees[i] ?? null)))
    },

    /** Whether this ticket was admitted at the door. */
    async isCheckedIn(ticketId: string): Promise<boolean> {
      return (await Checkin.exists({ _id: ticketId })) !== null
    },

    /** The name on the ticket now, if any. */
    async attendeeOf(ticketId: string): Promise<string | undefined> {
      return (await Attendee.findById(ticketId).lean<AttendeeDoc>())?.name
    },

    /** Whether any ticket of the order was admitted at the door. */
    async checkedIn(order: Pick<OrderDoc, '_id' | 'items'>): Promise<boolean> {
      const checkins = await Promise.all(ticketIdsOf(order).map((id) => Checkin.exists({ _id: id })))
      return checkins.some(Boolean)
    },

    async byCode(code: string): Promise<TicketDoc | null> {
      const entry = await TicketCode.findById(code).lean()
      if (!entry) return null
      const ticket = await Ticket.findById(entry.ticketId).lean<TicketDoc>()
      return ticket && ticket.code === code ? ticket : null
    },
  }
}
export type TicketsService = ReturnType<typeof ticketsService>
