// A paid order's tickets as a PDF for its buyer (or an admin): made by the shared renderer in a
// thread of its own (`@easypass/tickets-pdf`), so that a large order never stops the purchases
// this process serves.
import { t } from 'elysia'
import { isPublic, type Event } from '@easypass/contracts/catalog'
import type { Ticket } from '@easypass/contracts/orders'
import { fail, type Logger } from '@easypass/kit'
import { RendererBusy, type TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { CatalogClient } from '../../clients'
import { statusOf, toldIn, type OrderState } from '../orders/store'
import { ticketIdsOf, type TicketsService } from './service'

/**
 * Catalog's event, for a printout; when catalog is away, what the order kept of it (its title and start),
 * as also when it is gone or (`publicOnly`) back to a draft being rewritten.
 */
export async function eventToPrint(catalog: CatalogClient, state: OrderState, log: Logger, publicOnly = false): Promise<Partial<Event> | null> {
  const kept = { title: state.doc.eventTitle, startsAt: state.doc.eventStartsAt?.toISOString() }
  try {
    const event = await catalog.event(state.doc.eventId)
    return event && (!publicOnly || isPublic(event)) ? event : kept
  } catch (error) {
    log.warn({ eventId: state.doc.eventId, err: String(error) }, 'event details unavailable for a PDF; printing what the order kept')
    return kept
  }
}

/** A renderer's failure as the caller hears it: busy is "try again shortly", anything else too, logged. */
export function renderFailure(error: unknown, orderId: string, log: Logger): never {
  if (error instanceof RendererBusy) throw fail('UNAVAILABLE', error.message, { retryAfterSeconds: 2 })
  log.error({ orderId, err: String(error) }, 'PDF failed')
  throw fail('UNAVAILABLE', 'the PDF could not be made just now, try again in a moment', { retryAfterSeconds: 5 })
}

export function ticketsPdfService({ tickets, catalog, renderer, log }: { tickets: TicketsService; catalog: CatalogClient; renderer: TicketsPdfRenderer; log: Logger }) {

  function mustBePaid(state: OrderState) {
    const status = statusOf(state)
    if (status === 'refunded') throw fail('CONFLICT', 'the order was refunded: its tickets are no longer valid')
    if (status === 'reserved' || status === 'pending') throw fail('CONFLICT', 'tickets are issued once the order is paid')
    if (status !== 'paid') throw fail('CONFLICT', `the order is ${status}: it has no tickets`)
  }

  async function print(state: OrderState, list: Ticket[], filename: string): Promise<{ filename: string; pdf: Buffer }> {
    const event = await eventToPrint(catalog, state, log)
    const printed = list.map(({ id, code, ticketTypeName, seat, attendeeName, status, checkedInAt }) => ({ id, code: code!, ticketTypeName, seat, attendeeName, status, checkedInAt }))
    try {
      const pdf = await renderer.render({ orderId: state.doc._id, event, tickets: printed, ...toldIn(state.doc) })
      return { filename, pdf }
    } catch (error) {
      renderFailure(error, state.doc._id, log)
    }
  }

  return {
    /** The order's tickets its buyer still holds (one passed on is its new holder's to print). */
    async render(state: OrderState): Promise<{ filename: string; pdf: Buffer }> {
      mustBePaid(state)
      const list = await tickets.list(state.doc, false)
      if (list.length !== ticketIdsOf(state.doc).length)
        throw fail('UNAVAILABLE', 'the tickets of this order are still being issued, try again in a moment', { retryAfterSeconds: 1 })
      // Not those passed on (their holders print them) nor those given back.
      const held = list.filter((t) => t.code && t.status !== 'refunded')
      if (!held.length) throw fail('CONFLICT', 'every ticket of this order was passed on to someone else or refunded')
      return print(state, held, `easypass-tickets-${state.doc._id}.pdf`)
    },
    /** One ticket, for whoever holds it now. */
    async renderOne(state: OrderState, ticket: Ticket): Promise<{ filename: string; pdf: Buffer }> {
      mustBePaid(state)
      if (ticket.status === 'refunded') throw fail('CONFLICT', 'this ticket was refunded: it is no longer valid')
      return print(state, [ticket], `easypass-ticket-${ticket.id}.pdf`)
    },
  }
}
export type TicketsPdfService = ReturnType<typeof ticketsPdfService>

/** How the PDF answer is documented (the gateway lists it under `application/pdf`). */
export const TicketsPdf = t.String({ contentMediaType: 'application/pdf', description: 'The tickets as a PDF, one A4 page each (`Content-Disposition: attachment`)' })

/** The PDF as an HTTP answer: a download named after the order, never cached by a shared cache. */
export const pdfResponse = ({ filename, pdf }: { filename: string; pdf: Buffer }) =>
  new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    },
  })
