// Public invoice routes of an order (beyond the contract, additive): the billing details its invoice
// is made out to, its invoice documents, and each credit note as a PDF. For the buyer or an admin;
// another customer's order does not exist for you (404).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { BillingDetails, CreditNoteParams, InvoiceDocuments, OrderBilling, SavedBillingDetails } from '@easypass/contracts/orders'
import { authPlugin, fail, strictBody, type AuthConfig } from '@easypass/kit'
import type { OrderStore } from '../orders/store'
import { pdfResponse } from '../tickets/pdf'
import type { InvoiceDocuments as Documents } from './documents'

const tags = tagsOf('Orders')
const security = BEARER
const E = ErrorResponse

export function invoicesModule(config: AuthConfig, { store, documents }: { store: OrderStore; documents: Documents }) {
  return new Elysia({ name: 'orders.invoices' })
    .use(authPlugin(config))
    .get('/api/orders/billing-details', async ({ principal }) => ({ billing: await documents.savedDetails(principal!.id) }), {
      auth: 'user',
      response: { 200: SavedBillingDetails, 401: E },
      detail: {
        tags,
        summary: 'My billing details from my last order',
        description: 'What the buyer last gave for one of their orders (PUT /api/orders/{id}/billing), kept to fill in the next order’s; null when none are kept.',
        security,
      },
    })
    .delete(
      '/api/orders/billing-details',
      async ({ principal, set }) => {
        await documents.forgetDetails(principal!.id)
        set.status = 204
      },
      {
        auth: 'user',
        response: { 204: t.Void(), 401: E },
        detail: { tags, summary: 'Forget my billing details', description: 'Kept details for the next order are removed; the details and invoices of the orders themselves stay.', security },
      },
    )
    .get('/api/orders/:id/billing', async ({ params, principal }) => documents.billingOf((await store.visible(params.id, principal!)).doc._id), {
      auth: 'user',
      params: IdParams,
      response: { 200: OrderBilling, 400: E, 401: E, 404: E },
      detail: {
        tags,
        summary: "Who an order's invoice is made out to",
        description: 'The billing details given for the order (null: none, the invoice names the buyer by email). Once the invoice is issued, what it says, and `editable` is false.',
        security,
      },
    })
    .put('/api/orders/:id/billing', async ({ params, principal, body }) => documents.setBilling(await store.visible(params.id, principal!), principal!, body), {
      auth: 'user',
      params: IdParams,
      ...strictBody(BillingDetails),
      response: { 200: OrderBilling, 400: E, 401: E, 404: E, 409: E },
      detail: {
        tags,
        summary: "Set who an order's invoice is made out to",
        description:
          'A name, a postal address and, when there are any, a company and a tax number, for an order being bought or paid. They go on its invoice when it is issued (its first download, or the confirmation email): ' +
          '409 once the invoice exists (an invoice never changes; a change and the invoice take the order’s lock in turn), and for an order that gets none (cancelled, expired, failed, refunded). 400 for a blank name or address, a line break outside the address, or control characters.',
        security,
      },
    })
    .delete('/api/orders/:id/billing', async ({ params, principal }) => documents.clearBilling(await store.visible(params.id, principal!)), {
      auth: 'user',
      params: IdParams,
      response: { 200: OrderBilling, 400: E, 401: E, 404: E, 409: E },
      detail: {
        tags,
        summary: "Take back who an order's invoice is made out to",
        description: 'The invoice then names the buyer by email. 409 once the invoice exists, and for an order that gets none.',
        security,
      },
    })
    .get('/api/orders/:id/documents', async ({ params, principal }) => documents.list(await store.visible(params.id, principal!)), {
      auth: 'user',
      params: IdParams,
      response: { 200: InvoiceDocuments, 400: E, 401: E, 404: E, 503: E },
      detail: {
        tags,
        summary: "An order's invoice and credit notes",
        description:
          'Empty until the order has an invoice (GET /api/orders/{id}/receipt issues it when an issuer is configured). Then the invoice, and one credit note per refund since (tickets given back on their own, or the rest of the order), each numbered from the same sequence as invoices and issued when first listed or asked for.',
        security,
      },
    })
    .get(
      '/api/orders/:id/credit-notes/:number',
      async ({ params, principal }) => {
        const file = await documents.creditNotePdf(await store.visible(params.id, principal!), { number: params.number })
        if (!file) throw fail('NOT_FOUND', 'this order has no credit note with that number')
        return pdfResponse(file)
      },
      {
        auth: 'user',
        params: CreditNoteParams,
        response: { 200: t.String({ contentMediaType: 'application/pdf', description: 'The credit note as a PDF, one A4 page (`Content-Disposition: attachment`)' }), 400: E, 401: E, 404: E, 503: E },
        detail: {
          tags,
          summary: 'A credit note as a PDF',
          description: 'The credit note of one refund of an invoiced order: the invoice it cancels (in full or in part), the tickets taken back and the tax per rate, the amount credited. 404 for a number that is not one of this order’s credit notes.',
          security,
        },
      },
    )
}
