// Public routes of a ticket's holder (/api/tickets) and of offers of a ticket (/api/ticket-transfers).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf, type Principal } from '@easypass/contracts'
import { AcceptTransferBody, HeldTicketParams, NameTicketBody, Ticket, TicketList, TicketTransfer, TransferTicketBody } from '@easypass/contracts/orders'
import { pickLanguage } from '@easypass/contracts/languages'
import { authPlugin, fail, strictBody, type AuthConfig } from '@easypass/kit'
import type { OrderStore } from '../orders/store'
import type { TicketNaming } from '../tickets/naming'
import { pdfResponse, TicketsPdf, type TicketsPdfService } from '../tickets/pdf'
import { passResponse, type WalletPasses } from '../tickets/wallet'
import type { GoogleWallet } from '../tickets/google-wallet'

const GoogleWalletLink = t.Object(
  { url: t.String({ format: 'uri', description: 'Google\'s save page with the signed ticket: open it (a link or a new tab) to add the ticket to Google Wallet', examples: ['https://pay.google.com/gp/v/save/eyJhbGciOiJSUzI1NiJ9…'] }) },
  { title: 'GoogleWalletLink' },
)
const WalletPass = t.String({ contentMediaType: 'application/vnd.apple.pkpass', description: 'The ticket as an Apple Wallet pass (`Content-Disposition: attachment`)' })
import { OFFER_DAYS, OFFER_EVERY_SECONDS, type TransfersService } from './service'

const tags = tagsOf('Tickets')
const security = BEARER
const E = ErrorResponse

export function transfersModule(config: AuthConfig, { transfers, store, name, pdf, wallet, google }: { transfers: TransfersService; store: OrderStore; name: TicketNaming; pdf: TicketsPdfService; wallet: WalletPasses; google: GoogleWallet }) {
  /** A ticket the caller holds, as they see it, with its order (for a printout or a pass). */
  async function held(ticketId: string, principal: Principal) {
    const ticket = await transfers.heldTicket(ticketId, principal)
    const state = await store.load(ticket.orderId)
    if (!state) throw fail('NOT_FOUND', 'you hold no ticket with this id')
    return { state, ticket: await transfers.holderView(ticket, state, null) }
  }

  return new Elysia({ name: 'orders.transfers' })
    .use(authPlugin(config))
    .get('/api/tickets', ({ principal }) => transfers.received(principal!), {
      auth: 'user',
      response: { 200: TicketList, 401: E },
      detail: {
        tags,
        summary: 'Tickets passed on to me',
        description: 'Tickets someone else bought and passed on to you (newest first), each with its own code, its event and its status. Your own purchases are under GET /api/orders.',
        security,
      },
    })
    .get(
      '/api/tickets/:ticketId',
      async ({ params, principal }) => {
        const ticket = await transfers.heldTicket(params.ticketId, principal!)
        return transfers.holderView(ticket, await store.load(ticket.orderId))
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        response: { 200: Ticket, 400: E, 401: E, 404: E },
        detail: { tags, summary: 'A ticket I hold', description: 'Its holder only (its buyer, or whoever it was passed on to); anyone else → 404.', security },
      },
    )
    .patch(
      '/api/tickets/:ticketId',
      async ({ params, principal, body }) => {
        const ticket = await transfers.heldTicket(params.ticketId, principal!)
        return name(ticket.orderId, ticket._id, principal!.id, body.attendeeName)
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        ...strictBody(NameTicketBody),
        response: { 200: Ticket, 400: E, 401: E, 404: E, 409: E, 503: E },
        detail: { tags, summary: 'Name who uses a ticket I hold', description: 'As PATCH /api/orders/{id}/tickets/{ticketId}, for whoever holds the ticket now. A blank name removes it; 409 once it was checked in.', security },
      },
    )
    .get(
      '/api/tickets/:ticketId/pdf',
      async ({ params, principal }) => {
        const { state, ticket } = await held(params.ticketId, principal!)
        return pdfResponse(await pdf.renderOne(state, ticket))
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        response: { 200: TicketsPdf, 400: E, 401: E, 404: E, 409: E, 503: E },
        detail: { tags, summary: 'A ticket I hold, as a PDF', description: 'One A4 page, as the order PDF prints it; 409 after a refund.', security },
      },
    )
    .get(
      '/api/tickets/:ticketId/wallet',
      async ({ params, principal }) => {
        const { state, ticket } = await held(params.ticketId, principal!)
        return passResponse(await wallet.pass(state, ticket))
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        response: { 200: WalletPass, 400: E, 401: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'A ticket I hold, as an Apple Wallet pass',
          description:
            'Its holder only (its buyer, or whoever it was passed on to). A `.pkpass` signed with the operator’s Pass Type ID certificate: the event, its date and venue, the ticket’s type, seat and name, and its code as the QR code the door scans; its relevant date is the start. ' +
            'Where the operator has set up no certificate: 404 (tickets then have no `walletPass`). 409 for a ticket refunded or of an order no longer paid. A pass already in Wallet is not updated later (a refund makes the door refuse its code).',
          security,
        },
      },
    )
    .get(
      '/api/tickets/:ticketId/google-wallet',
      async ({ params, principal }) => {
        const { state, ticket } = await held(params.ticketId, principal!)
        return google.link(state, ticket)
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        response: { 200: GoogleWalletLink, 400: E, 401: E, 404: E, 409: E, 503: E },
        detail: {
          tags,
          summary: 'A ticket I hold, saved to Google Wallet',
          description:
            'Its holder only (its buyer, or whoever it was passed on to). A link to Google’s save page carrying a JWT signed with the operator’s Google Cloud service account: the event (its date, venue and organiser) as an event ticket class, the ticket (its type, seat and name, its code as the QR code the door scans) as its object. ' +
            'Where the operator has set up no Google Wallet issuer: 404 (tickets then have no `googleWallet`). 409 for a ticket refunded or of an order no longer paid. A ticket already saved is not updated later (a refund makes the door refuse its code).',
          security,
        },
      },
    )
    .post(
      '/api/tickets/:ticketId/transfer',
      async ({ params, principal, body, request, set }) => {
        set.status = 201
        return transfers.offer(principal!, params.ticketId, body.email, pickLanguage(request.headers.get('accept-language')))
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        ...strictBody(TransferTicketBody),
        response: { 201: TicketTransfer, 400: E, 401: E, 404: E, 409: E, 429: E, 503: E },
        detail: {
          tags,
          summary: 'Pass a ticket on to someone',
          description:
            `Its holder offers it to an email address, which is sent a link to accept it (signed in to any account). Until then the ticket stays the holder's and valid; once accepted, its new holder has it with a new code and the old one is refused at the door (410). ` +
            `An offer lasts ${OFFER_DAYS} days, never past the event's start; a new offer of the same ticket takes back the one before. ` +
            `409 for a ticket used at the door, of a refunded order, or of an event cancelled or started; 429 within ${OFFER_EVERY_SECONDS} s of the ticket's last offer (each is an email). ` +
            'A buyer who passed a ticket of an order on can no longer refund that order themselves (an admin can).',
          security,
        },
      },
    )
    .delete(
      '/api/tickets/:ticketId/transfer',
      async ({ params, principal, status }) => {
        await transfers.cancel(principal!, params.ticketId)
        return status(204, undefined)
      },
      {
        auth: 'user',
        params: HeldTicketParams,
        response: { 204: t.Void(), 400: E, 401: E, 404: E, 503: E },
        detail: { tags, summary: 'Take back the offer of a ticket', description: 'Its link stops working; the ticket stays yours. 404 when it is not on offer.', security },
      },
    )
    .get('/api/ticket-transfers/:id', ({ params }) => transfers.get(params.id), {
      auth: 'user',
      params: IdParams,
      response: { 200: TicketTransfer, 400: E, 401: E, 404: E },
      detail: { tags, summary: 'An offer of a ticket', description: 'What the emailed link offers: the event, the ticket type, its status and until when. Accepting it needs the link’s token.', security },
    })
    .post('/api/ticket-transfers/:id/accept', ({ params, principal, body }) => transfers.accept(principal!, params.id, body.token), {
      auth: 'user',
      params: IdParams,
      ...strictBody(AcceptTransferBody),
      response: { 200: Ticket, 400: E, 401: E, 404: E, 409: E, 503: E },
      detail: {
        tags,
        summary: 'Accept a ticket offered to me',
        description:
          'With the token from the emailed link: the ticket is yours from now on, with a new code (GET /api/tickets lists it). Accepting again answers the same. ' +
          '404 for an unknown offer or a wrong token; 409 when it was taken back, expired, accepted by someone else, or the ticket can no longer change hands (used, refunded, event cancelled or started).',
        security,
      },
    })
}
