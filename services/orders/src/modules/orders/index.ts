// Public order routes: /api/orders. Another customer's order does not exist for you (404, never 403).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { BoxOfficeBody, ComplimentaryBody, CreateOrderBody, IdempotencyHeaders, NameTicketBody, Order, OrderList, OrdersQuery, PayOrderBody, RefundOrderBody, Ticket, TicketList, TicketParams, TicketsEmailed } from '@easypass/contracts/orders'
import { pickLanguage } from '@easypass/contracts/languages'
import { authPlugin, fail, mustWorkEvent, rejectUnknownFields, strictBody, type AuthConfig } from '@easypass/kit'
import type { PurchaseService } from '../purchase/service'
import type { RefundsService } from '../refunds/service'
import { ticketIdsOf, type TicketsService } from '../tickets/service'
import { RESEND_EVERY_SECONDS, type TicketResender } from '../tickets/resend'
import { pdfResponse, TicketsPdf, type TicketsPdfService } from '../tickets/pdf'
import type { ReceiptService } from './receipt'
import type { TicketNaming } from '../tickets/naming'
import type { Answer } from './settlement'
import { statusOf, toOrder, type OrderStore } from './store'

const tags = tagsOf('Orders')
/** Why a client cannot send more than the schema says. */
const PRICED_BY_SERVER = 'prices and statuses are decided by the server'
const security = BEARER
const E = ErrorResponse
const idempotencyNote =
  'Send an `Idempotency-Key` header: the same key with the same body returns the first result (a duplicate sent while the first still runs waits for it); with a different body → 409.'

export interface OrdersModuleDeps {
  store: OrderStore
  purchase: PurchaseService
  refunds: RefundsService
  tickets: TicketsService
  name: TicketNaming
  resend: TicketResender
  pdf: TicketsPdfService
  receipt: ReceiptService
}

function answer(set: { status?: number | string; headers: Record<string, string | number> }, a: Answer) {
  set.status = a.status
  // An answer that says "later" (a stored or budgeted 503) says when, as a thrown one does.
  const wait = (a.body as { error?: { details?: { retryAfterSeconds?: unknown } } } | undefined)?.error?.details?.retryAfterSeconds
  if (a.status === 503 && typeof wait === 'number') set.headers['retry-after'] = String(wait)
  return a.body as never
}

export function ordersModule(config: AuthConfig, { store, purchase, refunds, tickets, name, resend, pdf, receipt }: OrdersModuleDeps) {
  return new Elysia({ name: 'orders.orders' })
    .use(authPlugin(config))
    .get('/api/orders', async ({ query, principal }) => refunds.withRefundedAll(await store.list(query, principal!)), {
      auth: 'user',
      query: OrdersQuery,
      response: { 200: OrderList, 400: E, 401: E, 403: E },
      detail: {
        tags,
        summary: 'List orders',
        description:
          'Newest first, paginated. Customers see their own orders; admins see all and may filter by `eventId`, `status`, `userId` and `q` (order id or part of the event title). ' +
          'The `status` filter (and `total`) use a projection that may lag a few seconds behind; the status of each listed order is exact, as is GET /api/orders/{id}.',
        security,
      },
    })
    .post('/api/orders', async ({ body, headers, principal, request, set }) => answer(set, await purchase.create(principal!, body, headers['idempotency-key'], pickLanguage(request.headers.get('accept-language')))), {
      auth: 'user',
      headers: IdempotencyHeaders,
      ...strictBody(CreateOrderBody, PRICED_BY_SERVER),
      response: { 201: Order, 202: Order, 400: E, 401: E, 402: E, 404: E, 409: E, 429: E, 503: E },
      detail: {
        tags,
        summary: 'Buy tickets (reserve, or reserve and pay)',
        description:
          'Prices are decided by the server. Without `payment` → 201 `reserved` with `expiresAt`. With `payment` → 201 `paid`, 402 `PAYMENT_DECLINED` (nothing stays held), 409 `SOLD_OUT`, ' +
          '409 when the hold expired before the payment completed (the charge is refunded), or 202 `pending` when the decision takes longer than the wait budget. ' +
          'With `voucherCode`: 429 once the buyer tried too many unknown codes (`VOUCHER_GUESSES_PER_HOUR`, default 30 an hour). ' +
          'Extras (ticket types with `addOn`) only with admission tickets in the same order, at most one of each per admission ticket: 400 otherwise (also for tickets given free or sold at the door). ' +
          'For an event with its waiting room on: 409 `NOT_YOUR_TURN` (with `Retry-After`) until the buyer is let in through the line (POST /api/events/{id}/waiting-room); not kept under the Idempotency-Key, so the same request goes through once it is their turn. ' +
          idempotencyNote,
        security,
      },
    })
    .post(
      '/api/events/:id/complimentary',
      async ({ params, body, headers, principal, request, set }) => answer(set, await purchase.complimentary(principal!, params.id, body, headers['idempotency-key'], pickLanguage(request.headers.get('accept-language')))),
      {
        auth: 'admin',
        params: IdParams,
        headers: IdempotencyHeaders,
        ...strictBody(ComplimentaryBody, PRICED_BY_SERVER),
        response: { 201: Order, 202: Order, 400: E, 401: E, 403: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'Give complimentary tickets (a guest list)',
          description:
            'Admins. Free tickets for a guest, sent to their email with every code and the PDF; `name`, when given, is on every ticket. They count against the capacity like any sale (409 `SOLD_OUT`) but not against the per-order limit (at most 100 of a type) or the sales window; seats are named or the best left. ' +
            '201 `paid` with `totalCents` 0 and `complimentary`; 202 `pending` when it takes longer than the wait budget. The order is the admin\'s (listed under `/api/orders` with the rest); refunding it gives the tickets back to sale. ' +
            idempotencyNote,
          security,
        },
      },
    )
    .post(
      '/api/events/:id/box-office',
      async ({ params, body, headers, principal, request, set }) => {
        mustWorkEvent(principal, params.id)
        return answer(set, await purchase.boxOffice(principal!, params.id, body, headers['idempotency-key'], pickLanguage(request.headers.get('accept-language'))))
      },
      {
        auth: 'staff',
        params: IdParams,
        headers: IdempotencyHeaders,
        ...strictBody(BoxOfficeBody, PRICED_BY_SERVER),
        response: { 201: Order, 202: Order, 400: E, 401: E, 403: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'Sell tickets at the door (box office)',
          description:
            'Door staff and admins. Tickets sold in person and paid there (`paidWith`: `cash`, or `card-terminal`, the venue\'s own terminal; EasyPass\'s card gateway is not used), at the prices of the ticket types (no voucher), until the event ends: the per-order limit and the sales window do not apply (at most 100 of a type). They count against the capacity like any sale (409 `SOLD_OUT`); seats are named or the best left. ' +
            'The tickets go to `email` when given (the confirmation with every code and the PDF); `name`, when given, is on every ticket. ' +
            "201 `paid` with `boxOffice`; 202 `pending` when it takes longer than the wait budget. The order is the seller's (listed under `/api/orders`; its tickets and their PDF are theirs to show or print). An admin refunds it; the money is paid back at the door, the way it was paid. " +
            idempotencyNote,
          security,
        },
      },
    )
    .get('/api/orders/:id', async ({ params, principal }) => refunds.withRefunded(toOrder(await store.visible(params.id, principal!))), {
      auth: 'user',
      params: IdParams,
      response: { 200: Order, 400: E, 401: E, 404: E },
      detail: { tags, summary: 'One order, with its exact status', description: 'The buyer or an admin; anyone else → 404.', security },
    })
    .post('/api/orders/:id/pay', async ({ params, body, headers, principal, set }) => answer(set, await purchase.pay(principal!, params.id, body, headers['idempotency-key'])), {
      auth: 'user',
      params: IdParams,
      headers: IdempotencyHeaders,
      ...strictBody(PayOrderBody, PRICED_BY_SERVER),
      response: { 200: Order, 202: Order, 400: E, 401: E, 402: E, 403: E, 404: E, 409: E, 503: E },
      detail: {
        tags,
        summary: 'Pay a reserved order',
        description:
          'The buyer only. 200 `paid`; 402 declined (the hold stays: try another card); 409 when the hold expired or the order is not reserved. ' +
          'An order that costs nothing (a free ticket type, a voucher that takes everything off) is confirmed with `{}`: no card, no charge; any other order without `card` → 400. ' +
          idempotencyNote,
        security,
      },
    })
    .post('/api/orders/:id/cancel', async ({ params, principal }) => purchase.cancel(principal!, params.id), {
      auth: 'user',
      params: IdParams,
      response: { 200: Order, 400: E, 401: E, 403: E, 404: E, 409: E, 503: E },
      detail: { tags, summary: 'Cancel a reserved order', description: 'Releases the hold. Only the buyer (an admin gets 403, as for paying). Cancelling again answers the cancelled order again.', security },
    })
    .post(
      '/api/orders/:id/refund',
      async ({ params, body, headers, principal, set }) => {
        const a = await refunds.requestByUser(principal!, params.id, body?.reason, headers['idempotency-key'], Date.now(), body?.ticketIds, body?.amountCents, body?.expectedRefundedCents)
        // An order (200, 202) says what its refunds gave back so far.
        return answer(set, a.status < 300 ? { ...a, body: await refunds.withRefunded(a.body as Order) } : a)
      },
      {
        auth: 'user',
        params: IdParams,
        headers: IdempotencyHeaders,
        // The body is optional, and Elysia then swallows malformed JSON as "no body": a broken
        // request would refund. Parse it here: empty → no reason, anything else must be a JSON
        // object sent as JSON (→ 400 otherwise: `null`, `[]` or `"x"` must not refund either).
        // 'json' after it is never reached (the function always answers or refuses): it gives the body's
        // media type to the API document, which has no schema for a body only a function reads.
        parse: [
          async ({ request }) => {
            const text = await request.text()
            if (!text.trim()) return {}
            if (!/^application\/(.+\+)?json\b/i.test(request.headers.get('content-type') ?? ''))
              throw fail('VALIDATION', 'the body must be sent as application/json', { fields: [{ path: '', message: 'content-type must be application/json' }] })
            const value: unknown = JSON.parse(text)
            if (!value || typeof value !== 'object' || Array.isArray(value))
              throw fail('VALIDATION', 'the body must be a JSON object', { fields: [{ path: '', message: 'expected an object' }] })
            return value
          },
          'json',
        ],
        transform: rejectUnknownFields(RefundOrderBody, PRICED_BY_SERVER),
        body: t.Optional(RefundOrderBody),
        response: { 200: Order, 202: Order, 400: E, 401: E, 403: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'Refund a paid order, some of its tickets, or an amount of it',
          description:
            'The buyer before the event starts and while none of its tickets was used at the door or passed on to someone else (otherwise → 403), an admin any time. Money and seats are returned exactly once: a second refund → 409 and moves nothing. ' +
            'With `ticketIds`, only those tickets: each back at what it cost (its price less its share of the voucher), no longer valid at once; the order stays `paid` for the rest, and its tickets list shows them `refunded`. A ticket refunded before → 409; one not of the order → 400; keeping more of an extra (`addOn`) than the admission tickets kept → 409 (refund the extras too); asking for every ticket still valid refunds the rest of the order (status `refunded`). ' +
            'With `amountCents` (admins only, beyond the contract, additive): that much of the order\'s money goes back and every ticket stays valid (a goodwill refund; the order stays `paid`); all that is left or more → 409 (refund the order instead), a buyer → 403, with `ticketIds` → 400. With it `expectedRefundedCents`: what the order had given back when the admin decided (its `refundedCents`, 0 for none); anything refunded meanwhile → 409 and nothing moves. Tickets refunded after it give back their share of what is left. ' +
            '202 when the refund is recorded but payments or ticketing did not answer in time (it completes in the background). ' +
            idempotencyNote,
          security,
        },
      },
    )
    .get(
      '/api/orders/:id/tickets',
      async ({ params, principal }) => {
        const state = await store.visible(params.id, principal!)
        const status = statusOf(state)
        if (status !== 'paid' && status !== 'refunded') return []
        return tickets.list(state.doc, status === 'refunded')
      },
      {
        auth: 'user',
        params: IdParams,
        response: { 200: TicketList, 400: E, 401: E, 404: E },
        detail: {
          tags,
          summary: "An order's e-tickets",
          description:
            'One per seat, each with its code and QR code (SVG). Empty until the order is paid; `refunded` tickets are no longer valid. ' +
            'A ticket passed on to someone else (POST /api/tickets/{ticketId}/transfer) is `transferred` here (or `refunded`), without its code or the name on it: those are its new holder’s.',
          security,
        },
      },
    )
    .get('/api/orders/:id/tickets/pdf', async ({ params, principal }) => pdfResponse(await pdf.render(await store.visible(params.id, principal!))), {
      auth: 'user',
      params: IdParams,
      response: { 200: TicketsPdf, 400: E, 401: E, 404: E, 409: E, 503: E },
      detail: {
        tags,
        summary: "An order's e-tickets as a PDF",
        description:
          'One A4 page per ticket its buyer still holds (not those passed on), to print or show on a phone: the event, the ticket type, the name on it, its QR code and code. ' +
          'For the buyer or an admin; 409 while the order is not paid, after it was refunded and when every ticket was passed on; 503 with `Retry-After` for the moment between payment and the tickets being issued.',
        security,
      },
    })
    .get('/api/orders/:id/receipt', async ({ params, principal }) => pdfResponse(await receipt(await store.visible(params.id, principal!))), {
      auth: 'user',
      params: IdParams,
      response: { 200: t.String({ contentMediaType: 'application/pdf', description: 'The receipt as a PDF, one A4 page (`Content-Disposition: attachment`)' }), 400: E, 401: E, 404: E, 409: E, 503: E },
      detail: {
        tags,
        summary: "An order's receipt as a PDF",
        description:
          'What was bought, for whom (the organiser), for how much (the voucher, the total) and how it was paid (card brand and last digits, payment id); once refunded, the refund too. ' +
          'A refund recorded but not yet made by payments is shown as under way. With an issuer configured (INVOICE_ISSUER_NAME) it is the invoice: its number (given at its first download or the confirmation email, then fixed), the issuer, who it is made out to (PUT /api/orders/{id}/billing), the tax per rate and the credit notes that cancel it (GET /api/orders/{id}/documents); otherwise a receipt that says it is not a tax invoice. ' +
            'For the buyer or an admin; 409 for an order never paid (reserved, pending, cancelled, expired, failed); 503 with `Retry-After` while its payment or price is being settled.',
        security,
      },
    })
    .post(
      '/api/orders/:id/tickets/email',
      async ({ params, principal, set }) => {
        set.status = 202
        return resend(params.id, principal!)
      },
      {
        auth: 'user',
        params: IdParams,
        response: { 202: TicketsEmailed, 400: E, 401: E, 404: E, 409: E, 429: E, 503: E },
        detail: {
          tags,
          summary: 'Email the tickets of a paid order again',
          description: `The order confirmation with every ticket, once more, to the address the order was bought with (the buyer or an admin asks). 202: it is on its way. 409 for an order that is not paid, or whose every ticket was passed on; 429 with \`Retry-After\` within ${RESEND_EVERY_SECONDS / 60} minutes of the last request for the same order.`,
          security,
        },
      },
    )
    .patch(
      '/api/orders/:id/tickets/:ticketId',
      async ({ params, principal, body }) => {
        const visible = await store.visible(params.id, principal!)
        if (!ticketIdsOf(visible.doc).includes(params.ticketId)) throw fail('NOT_FOUND', 'this order has no such ticket')
        return name(params.id, params.ticketId, visible.doc.userId, body.attendeeName)
      },
      {
        auth: 'user',
        params: TicketParams,
        ...strictBody(NameTicketBody),
        response: { 200: Ticket, 400: E, 401: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'Name who uses a ticket',
          description:
            "The buyer (or an admin) names the person who will use this ticket; the door sees the name when the ticket is scanned. A blank name removes it. 409 for a ticket already checked in, of a refunded order, or passed on to someone else (its holder names it: PATCH /api/tickets/{ticketId}); 404 when the order is not yours or has no such ticket.",
          security,
        },
      },
    )
}
