import type { OrderPaymentResponse, Payment, PaymentStatus } from '@easypass/contracts/payments'
import type { Principal } from '@easypass/contracts'
import { fail, isAdmin } from '@easypass/kit'
import type { Models, PaymentDoc } from '../../db'
import type { ChargesService } from '../charges/service'
import { refundId, type RefundsService } from '../refunds/service'

const iso = (d: Date | string) => new Date(d).toISOString()

/** Read side: a payment as its owner sees it, and an order's payment as orders' reconciler needs it. */
export function paymentsService(models: Models, charges: ChargesService, refunds: Pick<RefundsService, 'partsOf'>) {
  const { Payment, PaymentResult, Refund } = models

  async function view(payment: PaymentDoc): Promise<Payment> {
    const [result, refund, parts] = await Promise.all([PaymentResult.findById(payment._id).lean(), Refund.findById(refundId(payment._id)).lean(), refunds.partsOf(payment._id)])
    const status: PaymentStatus = refund ? 'refunded' : (result?.status ?? 'pending')
    return {
      id: payment._id,
      orderId: payment.orderId,
      amountCents: payment.amountCents,
      currency: payment.currency,
      status,
      ...(result?.declineCode ? { declineCode: result.declineCode as Payment['declineCode'] } : {}),
      cardLast4: payment.cardLast4,
      brand: payment.brand,
      // Parts given back (some tickets), then the rest.
      refunds: [...parts, ...(refund ? [refund] : [])].map((r) => ({ id: r._id, amountCents: r.amountCents, ...(r.reason ? { reason: r.reason } : {}), createdAt: iso(r.at) })),
      createdAt: iso(payment.createdAt),
    }
  }

  /** Someone else's payment is "not found": its existence is not the caller's business. */
  async function get(id: string, principal: Principal): Promise<Payment> {
    const payment = await Payment.findById(id).lean()
    if (!payment || (!isAdmin(principal) && payment.userId !== principal.id)) throw fail('NOT_FOUND', 'payment not found')
    return view(payment)
  }

  /** The signed-in person's own payments, newest first (up to `max`; an admin's own too, not everyone's). */
  async function mine(principal: Principal, max: number): Promise<Payment[]> {
    const docs = await Payment.find({ userId: principal.id }).sort({ createdAt: -1, _id: 1 }).limit(max).lean()
    const views: Payment[] = []
    // Ten at a time: each view reads its result and refunds.
    for (let i = 0; i < docs.length; i += 10) views.push(...(await Promise.all(docs.slice(i, i + 10).map(view))))
    return views
  }

  async function ofOrder(orderId: string): Promise<OrderPaymentResponse> {
    const payment = await charges.paidPayment(orderId)
    const refund = await Refund.findById(refundId(payment._id)).lean()
    return {
      paymentId: payment._id,
      orderId: payment.orderId,
      userId: payment.userId,
      amountCents: payment.amountCents,
      currency: payment.currency,
      status: refund ? 'refunded' : 'succeeded',
      ...(refund ? { refundId: refund._id } : {}),
      cardLast4: payment.cardLast4,
      brand: payment.brand,
      createdAt: iso(payment.createdAt),
    }
  }

  return { get, mine, ofOrder }
}
export type PaymentsService = ReturnType<typeof paymentsService>
