// A paid (or since refunded) order's receipt as a PDF: the buyer's proof of what they paid, for whom
// and how, made by the shared renderer's thread (`@easypass/tickets-pdf`). The card's brand and last
// digits come from payments; the event from catalog (or what the order kept of it).
import { fail, type Logger } from '@easypass/kit'
import type { TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { CatalogClient, PaymentsClient } from '../../clients'
import { eventToPrint, renderFailure } from '../tickets/pdf'
import type { InvoiceIssuer, InvoiceNumbers } from '../invoices/service'
import type { InvoiceDocuments } from '../invoices/documents'
import type { RefundsService } from '../refunds/service'
import { printedLine, taxesOf } from '../invoices/taxes'
import { isCharged, statusOf, toldIn, type OrderState } from './store'

export interface ReceiptDeps {
  payments: Pick<PaymentsClient, 'orderPayment'>
  catalog: CatalogClient
  renderer: TicketsPdfRenderer
  invoices: InvoiceNumbers
  /** An invoice's credit notes (issued when missing), named on it. */
  documents: Pick<InvoiceDocuments, 'creditNotes'>
  /** Tickets given back on their own, shown with the order's money. */
  refunds: Pick<RefundsService, 'partsOf'>
  /** Configured: a paid order's receipt is an invoice from this issuer. */
  issuer?: InvoiceIssuer
  log: Logger
}

export function receiptService({ payments, catalog, renderer, invoices, documents, refunds, issuer, log }: ReceiptDeps) {
  return async function receipt(state: OrderState): Promise<{ filename: string; pdf: Buffer }> {
    const status = statusOf(state)
    if (status === 'reserved' || status === 'pending') throw fail('CONFLICT', 'an order has a receipt once it is paid')
    if (status !== 'paid' && status !== 'refunded')
      throw fail('CONFLICT', `the order is ${status}: it was never paid, so it has no receipt (a card charged while it ended was refunded in full)`)
    const { doc } = state
    // Answered 202 and not priced by ticketing yet: its lines are estimates, not what was paid.
    if (!doc.priced) throw fail('UNAVAILABLE', "the order's price is still being settled; try again in a moment", { retryAfterSeconds: 5 })
    // Paid at the door: the card gateway has no payment of it to show.
    const charged = isCharged(state) && !doc.boxOffice
    let payment: Awaited<ReturnType<typeof payments.orderPayment>> = null
    try {
      payment = charged ? await payments.orderPayment(doc._id) : null
    } catch {
      // Undecided, away, or refusing this service for a moment (a deploy): never the buyer's 401/403.
      throw fail('UNAVAILABLE', 'payments could not say how this order was paid; try again in a moment', { retryAfterSeconds: 2 })
    }
    // A receipt without the payment it is for would be wrong: payments knowing none is a gap, not a free order.
    if (charged && !payment) throw fail('UNAVAILABLE', 'the payment of this order is not found yet; try again in a moment', { retryAfterSeconds: 2 })
    // An event back to a draft (every order refunded, then rewritten) prints as the order kept it.
    const event = await eventToPrint(catalog, state, log, true)
    const taxes = taxesOf(doc.items, doc.totalCents)
    // Parts given back before, of a paid order and of one whose rest was refunded since: each is listed,
    // and the rest's refund is what they left.
    const parts = await refunds.partsOf(doc._id)
    const paid = payment?.amountCents ?? doc.totalCents
    const rest = Math.max(0, paid - parts.reduce((sum, p) => sum + p.amountCents, 0))
    // An invoice is issued for a paid order (never first for one already refunded), and one issued
    // stays what it is, whatever the configuration says now.
    const invoice = (await invoices.existing(doc._id)) ?? (issuer && status === 'paid' ? await invoices.issue(doc._id, issuer) : null)
    const notes = invoice ? await documents.creditNotes(state, invoice) : []
    try {
      const pdf = await renderer.receipt({
        orderId: doc._id,
        ...toldIn(doc),
        ...(state.settle?.at ? { paidAt: state.settle.at.toISOString() } : {}),
        ...(doc.userEmail ? { buyerEmail: doc.userEmail } : {}),
        event,
        items: doc.items.map(printedLine),
        ...(taxes.length ? { taxes } : {}),
        ...(invoice ? { invoice: { number: invoice.number, issuedAt: invoice.issuedAt.toISOString(), issuer: invoice.issuer, ...(invoice.billTo ? { billTo: invoice.billTo } : {}) } } : {}),
        ...(notes.length ? { creditNotes: notes.map((n) => ({ number: n.number, totalCents: n.credit!.totalCents })) } : {}),
        currency: doc.currency,
        ...(doc.voucher ? { voucher: doc.voucher } : {}),
        totalCents: payment?.amountCents ?? doc.totalCents,
        ...(doc.boxOffice ? { paidAtTheDoor: doc.boxOffice.paidWith } : {}),
        ...(payment ? { payment: { paymentId: payment.paymentId, ...(payment.brand && payment.brand !== 'unknown' ? { brand: payment.brand } : {}), ...(payment.cardLast4 ? { last4: payment.cardLast4 } : {}) } } : {}),
        ...(parts.length ? { partRefunds: parts.map((p) => ({ tickets: p.ticketIds.length, amountCents: p.amountCents, done: !!p.doneAt, at: p.at.toISOString(), ...(p.reason ? { reason: p.reason } : {}) })) } : {}),
        ...(status === 'refunded'
          ? {
              refund: {
                amountCents: rest,
                // Recorded, and money back once payments says so (until then it is under way).
                done: !payment || payment.status === 'refunded',
                ...(state.refund?.at ? { at: state.refund.at.toISOString() } : {}),
                ...(state.refund?.reason ? { reason: state.refund.reason } : {}),
              },
            }
          : {}),
      })
      return { filename: invoice ? `easypass-invoice-${invoice.number}.pdf` : `easypass-receipt-${doc._id}.pdf`, pdf }
    } catch (error) {
      renderFailure(error, doc._id, log)
    }
  }
}
export type ReceiptService = ReturnType<typeof receiptService>
