// What orders keeps of the signed-in person, in one answer (beyond the contract, additive): every order of
// theirs with its tickets, answers and billing details, the tickets passed on to them, and the details kept
// for their next order. The web app puts it beside the account (auth) and the notifications into one
// file, "Download your data" on the account page. The tickets' codes are left out: the file is for
// reading, and a copy lying around should not get anyone in (the PDF and the app show them).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IsoDate, tagsOf } from '@easypass/contracts'
import { BillingDetails, Order, OrderBilling, type Ticket, TicketList } from '@easypass/contracts/orders'
import { OrderAnswers } from '@easypass/contracts/questions'
import type { Principal } from '@easypass/contracts'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { InvoiceDocuments as Documents } from '../invoices/documents'
import type { AnswersService } from '../answers/service'
import { statusOf, type OrderStore } from '../orders/store'
import type { TicketsService } from '../tickets/service'
import type { TransfersService } from '../transfers/service'

/** Orders one answer carries at most (100 pages of 100): far beyond any buyer; `complete` says when there are more. */
const MAX_PAGES = 100
/** Tickets passed on to them that one answer carries at most, as many as orders. */
const MAX_RECEIVED = MAX_PAGES * 100

export const MyOrdersData = t.Object(
  {
    exportedAt: IsoDate,
    orders: t.Array(t.Object({ order: Order, tickets: TicketList, answers: OrderAnswers, billing: OrderBilling })),
    ticketsReceived: TicketList,
    billingDetails: t.Union([BillingDetails, t.Null()], { description: 'kept from the last order to fill in the next (DELETE /api/orders/billing-details forgets them)' }),
    complete: t.Boolean({ description: 'false when there were more orders than one answer carries (10,000)' }),
  },
  { title: 'MyOrdersData' },
)

export interface MyDataDeps {
  store: OrderStore
  tickets: TicketsService
  answers: AnswersService
  documents: Pick<Documents, 'billingOf' | 'savedDetails'>
  transfers: Pick<TransfersService, 'received'>
}

/** A ticket as the file shows it: without what admits at the door. */
const readable = ({ code: _code, qrSvg: _qr, ...rest }: Ticket) => rest

export function myData({ store, tickets, answers, documents, transfers }: MyDataDeps) {
  return async function of(principal: Principal) {
    const orders = []
    let complete = true
    for (let page = 1; ; page++) {
      // Everyone's own orders, admins' too (an admin's plain list would be everyone's).
      const list = await store.list({ page, limit: 100, userId: principal.id }, principal)
      // Sold at the door or given free by this account (door staff, an admin): the buyer's or the guest's,
      // not this person's own. Ten orders at a time.
      const own = list.items.filter((order) => !order.boxOffice && !order.complimentary)
      for (let i = 0; i < own.length; i += 10) {
        orders.push(
          ...(await Promise.all(
            own.slice(i, i + 10).map(async (order) => {
              const state = await store.visible(order.id, principal)
              const status = statusOf(state)
              const [ticketList, answered, billing] = await Promise.all([
                status === 'paid' || status === 'refunded' ? tickets.list(state.doc, status === 'refunded') : Promise.resolve([]),
                answers.of(state),
                documents.billingOf(state.doc._id),
              ])
              return { order, tickets: ticketList.map(readable), answers: answered, billing }
            }),
          )),
        )
      }
      if (list.items.length < 100 || page * 100 >= list.total) break
      if (page >= MAX_PAGES) {
        complete = false
        break
      }
    }
    // Tickets passed on to them: as many as orders (10,000); that many may mean more (`complete` false).
    const [received, saved] = await Promise.all([transfers.received(principal, MAX_RECEIVED), documents.savedDetails(principal.id)])
    if (received.length >= MAX_RECEIVED) complete = false
    return { exportedAt: new Date().toISOString(), orders, ticketsReceived: received.map(readable), billingDetails: saved, complete }
  }
}

export function myDataModule(config: AuthConfig, deps: MyDataDeps) {
  const of = myData(deps)
  return new Elysia({ name: 'orders.my-data' }).use(authPlugin(config)).get('/api/orders/my-data', ({ principal }) => of(principal!), {
    auth: 'user',
    response: { 200: MyOrdersData, 401: ErrorResponse },
    detail: {
      tags: tagsOf('Orders'),
      summary: 'Everything orders keeps of me',
      description:
        'Every order the signed-in account bought (an admin\'s own too, not everyone\'s; not what door staff sold at the door or an admin gave free), each with its tickets, the answers given for it and its billing details; the tickets passed on to the account; the billing details kept for the next order. Tickets come without `code` and `qrSvg`: a copy of the file admits nobody (GET /api/orders/{id}/tickets and the PDF have them). The web app\'s "Download your data" saves it with the account and the notifications as one file.',
      security: BEARER,
    },
  })
}
