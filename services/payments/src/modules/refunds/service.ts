import { counter, fact, fail, isDuplicateOnly, type Logger, type Outbox } from '@easypass/kit'
import type { Models, PaymentDoc, RefundDoc } from '../../db'
import { ProviderError, type PaymentProvider } from '../../provider/types'

const refundsTotal = counter('payments_refunds_total', 'Refunds recorded, by reason', ['reason'])

export interface RefundsDeps {
  models: Models
  provider: PaymentProvider
  outbox: Outbox
  log: Logger
}

export const refundId = (paymentId: string) => `${paymentId}:refund`

/**
 * Full refunds of succeeded payments, at most once ever: the provider call and our record share the key
 * `<paymentId>:refund`, so concurrent or repeated requests meet at the provider's idempotency and at our
 * unique `_id` — one provider refund, one record, whatever the number of callers.
 */
export function refundsService({ models, provider, outbox, log }: RefundsDeps) {
  const { Refund, PaymentResult } = models

  /**
   * `chargeRef`: the provider's charge to refund when our result does not say succeeded (an approval
   * that came after the payment was given up as declined): money the provider took is returned.
   */
  async function refundPayment(payment: PaymentDoc, reason: string | undefined, chargeRef?: string): Promise<RefundDoc> {
    const id = refundId(payment._id)
    const existing = await Refund.findById(id).lean()
    // Its fact again (a crash may have come between the record and its fact): the outbox and JetStream drop a copy.
    if (existing) return recorded(existing)
    const result = chargeRef ? null : await PaymentResult.findById(payment._id).lean()
    const ref = chargeRef ?? (result?.status === 'succeeded' ? result.providerRef : undefined)
    if (!ref) throw fail('CONFLICT', 'only a succeeded payment can be refunded')
    let answer
    try {
      answer = await provider.refund(id, { chargeRef: ref, amountCents: payment.amountCents })
    } catch (error) {
      if (error instanceof ProviderError && error.kind !== 'unavailable') {
        log.error({ paymentId: payment._id, kind: error.kind, err: error.message }, 'provider refused a refund')
        throw fail('CONFLICT', `the provider refused the refund: ${error.message}`)
      }
      log.warn({ paymentId: payment._id, err: String(error) }, 'refund: provider unavailable')
      throw fail('UNAVAILABLE', 'the payment provider did not answer; retry the refund')
    }
    const doc: RefundDoc = {
      _id: id,
      paymentId: payment._id,
      orderId: payment.orderId,
      amountCents: answer.amountCents,
      currency: payment.currency,
      providerRef: answer.ref,
      ...(reason ? { reason } : {}),
      at: new Date(),
    }
    try {
      await Refund.create(doc)
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      return recorded((await Refund.findById(id).lean())!)
    }
    refundsTotal.inc({ reason: reason === 'duplicate_charge' || reason === 'late_approval' ? reason : 'requested' })
    return recorded(doc)
  }

  /** The refund's fact, under one id per refund: recording it again is harmless. */
  async function recorded(refund: RefundDoc): Promise<RefundDoc> {
    await outbox.record([
      fact(
        'payments.payment-refunded',
        { paymentId: refund.paymentId, orderId: refund.orderId, refundId: refund._id, amountCents: refund.amountCents, currency: refund.currency },
        `payment-refunded:${refund.paymentId}`,
      ),
    ])
    return refund
  }

  return { refundPayment }
}
export type RefundsService = ReturnType<typeof refundsService>
