// A paid (or since refunded) order's receipt as a PDF: the buyer's proof of what they paid, for whom
// and how, made by the shared renderer's thread (`@easypass/tickets-pdf`). The card's brand and last
// digits come from payments; the event from catalog (or what the order kept of it).
import { fail, type Logger } from '@easypass/kit'
import type { TicketsPdfRenderer } from '@easypass/tickets-pdf'
import type { CatalogClient, PaymentsClient } from '../../clients'
import { eventToPrint, renderFailure } from '../tickets/pdf'
import { statusOf, type OrderState } from './store'

export function receiptService({ payments, catalog, renderer, log }: { payments: Pick<PaymentsClient, 'orderPayment'>; catalog: CatalogClient; renderer: TicketsPdfRenderer; log: Logger }) {
  return async function receipt(state: OrderState): Promise<{ filename: string; pdf: Buffer }> {
    const status = statusOf(state)
    if (status === 'reserved' || status === 'pending') throw fail('CONFLICT', 'an order has a receipt once it is paid')
    if (status !== 'paid' && status !== 'refunded') throw fail('CONFLICT', `the order is ${status}: nothing was paid`)
    const { doc } = state
    const charged = doc.totalCents > 0 || !!state.settle?.paymentId
    const payment = charged ? await payments.orderPayment(doc._id) : null
    // A receipt without the payment it is for would be wrong: payments knowing none is a gap, not a free order.
    if (charged && !payment) throw fail('UNAVAILABLE', 'the payment of this order is not found yet; try again in a moment', { retryAfterSeconds: 2 })
    const event = await eventToPrint(catalog, state, log)
    try {
      const pdf = await renderer.receipt({
        orderId: doc._id,
        ...(state.settle?.at ? { paidAt: state.settle.at.toISOString() } : {}),
        ...(doc.userEmail ? { buyerEmail: doc.userEmail } : {}),
        event,
        items: doc.items.map(({ name, quantity, unitPriceCents }) => ({ name, quantity, unitPriceCents })),
        currency: doc.currency,
        ...(doc.voucher ? { voucher: doc.voucher } : {}),
        totalCents: payment?.amountCents ?? doc.totalCents,
        ...(payment ? { payment: { paymentId: payment.paymentId, ...(payment.brand ? { brand: payment.brand } : {}), ...(payment.cardLast4 ? { last4: payment.cardLast4 } : {}) } } : {}),
        ...(status === 'refunded'
          ? { refund: { amountCents: payment?.amountCents ?? doc.totalCents, ...(state.refund?.at ? { at: state.refund.at.toISOString() } : {}), ...(state.refund?.reason ? { reason: state.refund.reason } : {}) } }
          : {}),
      })
      return { filename: `easypass-receipt-${doc._id}.pdf`, pdf }
    } catch (error) {
      renderFailure(error, doc._id, log)
    }
  }
}
export type ReceiptService = ReturnType<typeof receiptService>
