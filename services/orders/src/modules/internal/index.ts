// For other services only (each route the token of the service named for it), hidden from the public
// documentation. Notifications reads an order, its tickets and its answers to the organiser's questions to
// write the confirmation email; auth asks when a guest's latest event starts before it deletes the guest.
import { Elysia, t } from 'elysia'
import { ErrorResponse, IdParams } from '@easypass/contracts'
import { Order, TicketList } from '@easypass/contracts/orders'
import { authPlugin, fail, type AuthConfig } from '@easypass/kit'
import { statusOf, toOrder, type OrderStore } from '../orders/store'
import type { ReceiptService } from '../orders/receipt'
import { pdfResponse } from '../tickets/pdf'
import type { TicketsService } from '../tickets/service'
import type { InvoiceDocuments } from '../invoices/documents'
import type { AnswersService } from '../answers/service'
import { OrderAnswers } from '@easypass/contracts/questions'
import type { Language } from '@easypass/contracts/languages'

const E = ErrorResponse

export function internalModule(
  config: AuthConfig,
  store: OrderStore,
  tickets: TicketsService,
  receipt: ReceiptService,
  documents: InvoiceDocuments,
  answers: Pick<AnswersService, 'of'>,
  lastEvent: (userId: string) => Promise<{ orders: number; lastEventAt: string | null; language?: Language }>,
) {
  const load = async (id: string) => {
    const state = await store.load(id)
    if (!state) throw fail('NOT_FOUND', 'order not found')
    return state
  }
  return new Elysia({ name: 'orders.internal', prefix: '/internal' })
    .use(authPlugin(config))
    .get('/orders/:id', async ({ params }) => toOrder(await load(params.id)), {
      auth: { services: ['notifications'] },
      params: IdParams,
      response: { 200: Order, 400: E, 401: E, 403: E, 404: E },
      detail: { hide: true, summary: 'An order with its exact status' },
    })
    .get(
      '/orders/:id/tickets',
      async ({ params }) => {
        const state = await load(params.id)
        const status = statusOf(state)
        if (status !== 'paid' && status !== 'refunded') return []
        return tickets.list(state.doc, status === 'refunded')
      },
      {
        auth: { services: ['notifications'] },
        params: IdParams,
        response: { 200: TicketList, 400: E, 401: E, 403: E, 404: E },
        detail: { hide: true, summary: "An order's tickets (codes and QR SVGs), empty until paid" },
      },
    )
    .get('/orders/:id/answers', async ({ params }) => answers.of(await load(params.id)), {
      auth: { services: ['notifications'] },
      params: IdParams,
      response: { 200: OrderAnswers, 400: E, 401: E, 403: E, 404: E },
      detail: { hide: true, summary: "An order's answers to its event's questions, for its confirmation email" },
    })
    // For the confirmation email: the invoice (its number given now, near the sale) or the receipt.
    .get('/orders/:id/receipt', async ({ params }) => pdfResponse(await receipt(await load(params.id))), {
      auth: { services: ['notifications'] },
      params: IdParams,
      response: { 200: t.String({ contentMediaType: 'application/pdf' }), 400: E, 401: E, 403: E, 404: E, 409: E, 503: E },
      detail: { hide: true, summary: "A paid order's receipt or invoice as a PDF" },
    })
    // For a refund's email: its credit note (issued now), when the order has an invoice; 404 otherwise.
    .get(
      '/orders/:id/credit-notes/:part',
      async ({ params }) => {
        const file = await documents.creditNotePdf(await load(params.id), { part: params.part })
        if (!file) throw fail('NOT_FOUND', 'the order has no invoice, so its refund has no credit note')
        return pdfResponse(file)
      },
      {
        auth: { services: ['notifications'] },
        params: t.Object({ id: IdParams.properties.id, part: t.Integer({ minimum: 0, description: 'the refund part, 0 for the refund of the rest of the order' }) }),
        response: { 200: t.String({ contentMediaType: 'application/pdf' }), 400: E, 401: E, 403: E, 404: E, 503: E },
        detail: { hide: true, summary: "A refund's credit note as a PDF" },
      },
    )
    .get('/users/:id/last-event', ({ params }) => lastEvent(params.id), {
      auth: { services: ['auth'] },
      params: IdParams,
      response: { 200: t.Object({ orders: t.Integer(), lastEventAt: t.Union([t.String({ format: 'date-time' }), t.Null()]), language: t.Optional(t.Union([t.Literal('en'), t.Literal('de'), t.Literal('fr')])) }), 400: E, 401: E, 403: E, 503: E },
      detail: { hide: true, summary: "How many orders a person placed, when the latest event they hold tickets for starts, and the language of their newest order (auth's deletion of unused guests)" },
    })
}
