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
/** Part `n` of a payment given back (some tickets of its order), numbered by orders from 1. */
const partRefundId = (paymentId: string, n: number) => `${paymentId}:refund:${n}`

/**
 * Refunds of succeeded payments, each at most once ever: the rest of a payment (all of it, unless parts
 * were given back before) under `<paymentId>:refund`, and numbered parts under `<paymentId>:refund:<n>`.
 * The provider call and our record share that key, so concurrent or repeated requests for one refund
 * meet at the provider's idempotency and at our unique `_id`: one provider refund, one record, whatever
 * the number of callers.
 */
export function refundsService({ models, provider, outbox, log }: RefundsDeps) {
  const { Refund, PaymentResult } = models

  /** The parts of a payment given back so far, oldest first: every refund of it but the rest's. */
  async function partsOf(paymentId: string): Promise<RefundDoc[]> {
    const all = await Refund.find({ paymentId }).lean<RefundDoc[]>()
    return all.filter((r) => r._id !== refundId(paymentId)).sort((a, b) => a.at.getTime() - b.at.getTime())
  }

  /**
   * `chargeRef`: the provider's charge to refund when our result does not say succeeded (an approval
   * that came after the payment was given up as declined): money the provider took is returned.
   */
  async function refundPayment(payment: PaymentDoc, reason: string | undefined, chargeRef?: string, part?: { n: number; amountCents: number }): Promise<RefundDoc> {
    const id = part ? partRefundId(payment._id, part.n) : refundId(payment._id)
    const existing = await Refund.findById(id).lean()
    // Its fact again (a crash may have come between the record and its fact): the outbox and JetStream drop a copy.
    if (existing) return recorded(existing)
    const result = chargeRef ? null : await PaymentResult.findById(payment._id).lean()
    const ref = chargeRef ?? (result?.status === 'succeeded' ? result.providerRef : undefined)
    if (!ref) throw fail('CONFLICT', 'only a succeeded payment can be refunded')
    // Never more than was charged: a part only from what is left, the rest is what is left.
    const left = payment.amountCents - (await partsOf(payment._id)).reduce((sum, p) => sum + p.amountCents, 0)
    if (part && part.amountCents > left) throw fail('CONFLICT', `a refund of ${part.amountCents} is more than the ${left} left of the payment`)
    if (part && (await Refund.exists({ _id: refundId(payment._id) }))) throw fail('CONFLICT', 'the payment was already refunded')
    const amountCents = part ? part.amountCents : left
    // Every part was given back already (tickets refunded one by one): nothing left to ask the provider for.
    if (amountCents <= 0) return record({ _id: id, paymentId: payment._id, orderId: payment.orderId, amountCents: 0, currency: payment.currency, providerRef: 'none', ...(reason ? { reason } : {}), at: new Date() })
    let answer
    try {
      answer = await provider.refund(id, { chargeRef: ref, amountCents })
    } catch (error) {
      if (error instanceof ProviderError && error.kind !== 'unavailable') {
        log.error({ paymentId: payment._id, kind: error.kind, err: error.message }, 'provider refused a refund')
        throw fail('CONFLICT', `the provider refused the refund: ${error.message}`)
      }
      log.warn({ paymentId: payment._id, err: String(error) }, 'refund: provider unavailable')
      throw fail('UNAVAILABLE', 'the payment provider did not answer; retry the refund')
    }
    return record({ _id: id, paymentId: payment._id, orderId: payment.orderId, amountCents: answer.amountCents, currency: payment.currency, providerRef: answer.ref, ...(reason ? { reason } : {}), at: new Date() })
  }

  async function record(doc: RefundDoc): Promise<RefundDoc> {
    try {
      await Refund.create(doc)
    } catch (error) {
      if (!isDuplicateOnly(error)) throw error
      return recorded((await Refund.findById(doc._id).lean())!)
    }
    refundsTotal.inc({ reason: doc.reason === 'duplicate_charge' || doc.reason === 'late_approval' ? doc.reason : 'requested' })
    return recorded(doc)
  }

  /** The refund's fact, under one id per refund: recording it again is harmless. */
  async function recorded(refund: RefundDoc): Promise<RefundDoc> {
    await outbox.record([
      fact(
        'payments.payment-refunded',
        { paymentId: refund.paymentId, orderId: refund.orderId, refundId: refund._id, amountCents: refund.amountCents, currency: refund.currency },
        // The whole (or the rest) under the payment's id, as always; a part under its own.
        refund._id === refundId(refund.paymentId) ? `payment-refunded:${refund.paymentId}` : `payment-refunded:${refund._id}`,
      ),
    ])
    return refund
  }

  return { refundPayment, partsOf }
}
export type RefundsService = ReturnType<typeof refundsService>
