import { createHash } from 'node:crypto'
import { cardDigits, cardProblem, DECLINE_MESSAGES, type ChargeRequest, type ChargeResponse, type DeclineCode } from '@easypass/contracts/payments'
import { counter, fact, fail, isDuplicateOnly, writerOf, type Logger, type Outbox } from '@easypass/kit'
import type { LateApprovalDoc, Models, PaymentDoc, PaymentResultDoc } from '../../db'
import { cardBrand } from '../../provider/cards'
import { ProviderError, type PaymentProvider, type ProviderCharge } from '../../provider/types'
import type { RefundsService } from '../refunds/service'

const chargesTotal = counter('payments_charges_total', 'Charge results recorded, by status', ['status'])

export interface ChargesDeps {
  models: Models
  provider: PaymentProvider
  outbox: Outbox
  refunds: RefundsService
  log: Logger
  /** A payment the provider never saw is given up (declined, `processing_error`) after this long. */
  giveUpSeconds: number
  /** How long a provider call may take; a payment this close (twice over) to its give-up is not charged again. */
  providerTimeoutMs: number
}

/** The payment and result that stand for the order after a charge (the first approved one wins). */
export interface ChargeOutcome {
  payment: PaymentDoc
  result: PaymentResultDoc
}

export const providerKey = (paymentId: string) => `pay_${paymentId}`
/**
 * The payment id is derived from the idempotency key, so the key's payment is found (and its race
 * arbitrated) by `_id` alone: the fastest read and the one unique index FerretDB never scans for.
 */
export const paymentIdFor = (idempotencyKey: string) => createHash('sha256').update(`payment:${idempotencyKey}`).digest('hex').slice(0, 24)
export const markerId = (orderId: string) => `${orderId}:succeeded`

/**
 * Charges, insert-only: the payment is recorded BEFORE the provider is called (so a crash in between
 * leaves a trace the reconciler settles from the provider's own record), the result after it (unique
 * `_id` → one result), then a succeeded charge claims the order (`<orderId>:succeeded`); a second
 * approved charge for the same order loses that race and is refunded at once.
 */
export function chargesService({ models, provider, outbox, refunds, log, giveUpSeconds, providerTimeoutMs }: ChargesDeps) {
  const { Payment, PaymentResult, ChargeMarker, LateApproval } = models
  // Inserts are group-committed; a fresh charge looks nothing up (a lookup that misses scans on FerretDB).
  const writer = writerOf(Payment)

  async function recordResult(paymentId: string, answer: ProviderCharge | { status: 'declined'; declineCode: DeclineCode; ref?: undefined }) {
    const doc: PaymentResultDoc = {
      _id: paymentId,
      status: answer.status,
      ...(answer.ref ? { providerRef: answer.ref } : {}),
      ...(answer.declineCode ? { declineCode: answer.declineCode } : {}),
      at: new Date(),
    }
    if (await writer.insert(PaymentResult, doc)) {
      chargesTotal.inc({ status: doc.status })
      return doc
    }
    return (await PaymentResult.findById(paymentId).lean())!
  }

  async function outcomeOf(paymentId: string): Promise<ChargeOutcome> {
    const [payment, result] = await Promise.all([Payment.findById(paymentId).lean(), PaymentResult.findById(paymentId).lean()])
    if (!payment || !result) throw new Error(`payment ${paymentId} claims an order but has no record or result`)
    return { payment, result }
  }

  async function finalize(payment: PaymentDoc, result: PaymentResultDoc): Promise<ChargeOutcome> {
    if (result.status !== 'succeeded') return { payment, result }
    const id = markerId(payment.orderId)
    // The fact first: a crash after the claim below must not lose it (a claimed payment is not
    // finalized again). A repeat records it again under its id, and JetStream drops the copy. A
    // charge that then loses the claim did succeed, and is refunded next: orders checks the order.
    await outbox.record([
      fact(
        'payments.payment-succeeded',
        { paymentId: payment._id, orderId: payment.orderId, amountCents: payment.amountCents, currency: payment.currency },
        `payment-succeeded:${payment._id}`,
      ),
    ])
    let winner = payment._id
    if (!(await writer.insert(ChargeMarker, { _id: id, paymentId: payment._id, at: new Date() }))) winner = (await ChargeMarker.findById(id).lean())!.paymentId
    if (winner === payment._id) return { payment, result }
    log.warn({ orderId: payment.orderId, paymentId: payment._id, winner }, 'second approved charge for a paid order: refunding it')
    await refunds.refundPayment(payment, 'duplicate_charge')
    return outcomeOf(winner)
  }

  /**
   * The money of a charge approved after our result said declined goes back: remembered first (so the
   * reconciler makes the refund if it fails now), then refunded, then forgotten.
   */
  async function refundLateApproval(payment: PaymentDoc, chargeRef: string) {
    await LateApproval.create({ _id: payment._id, chargeRef, at: new Date() }).catch((error) => {
      if (!isDuplicateOnly(error)) throw error
    })
    await refunds.refundPayment(payment, 'late_approval', chargeRef)
    await LateApproval.deleteOne({ _id: payment._id })
  }

  /** Late approvals whose refund was not made yet (a provider away then): made now. */
  async function refundLateApprovals(limit = 50): Promise<number> {
    const now = new Date()
    const open = await LateApproval.find({ $or: [{ nextTryAt: { $exists: false } }, { nextTryAt: { $lte: now } }] })
      .sort({ at: 1 })
      .limit(limit)
      .lean<LateApprovalDoc[]>()
    // Each on its own: one the provider refuses (a person must see to it) never holds back the others,
    // and waits a minute before it is tried again, so that the oldest cannot fill every pass.
    for (const late of open) {
      try {
        const payment = await Payment.findById(late._id).lean()
        if (!payment) throw new Error('it names no payment: needs a person')
        await refundLateApproval(payment, late.chargeRef)
      } catch (error) {
        log.error({ paymentId: late._id, err: String(error) }, 'a late approval is not refunded yet')
        await LateApproval.updateOne({ _id: late._id }, { $set: { nextTryAt: new Date(Date.now() + 60_000) } }).catch(() => {})
      }
    }
    return open.length
  }

  /** Settles a payment from the provider's record; null while the provider has none and it is too early to give up. */
  async function settle(payment: PaymentDoc): Promise<ChargeOutcome | null> {
    const known = await PaymentResult.findById(payment._id).lean()
    if (known) return finalize(payment, known)
    let found = await provider.lookup(providerKey(payment._id))
    if (!found) {
      if (Date.now() - new Date(payment.createdAt).getTime() < giveUpSeconds * 1000) return null
      // Given up only once the provider has cancelled the key: a charge still on its way there (a call
      // that outlived its timeout) is then declined, and cannot take money nothing records.
      found = await provider.cancel(providerKey(payment._id))
      if (!found) {
        log.warn({ paymentId: payment._id }, 'the provider never saw this charge: cancelled there and recorded as failed')
        return finalize(payment, await recordResult(payment._id, { status: 'declined', declineCode: 'processing_error' }))
      }
    }
    log.info({ paymentId: payment._id, status: found.status }, 'payment settled from the provider record')
    return finalize(payment, await recordResult(payment._id, found))
  }

  /**
   * The order's earlier payments (under other keys) that have no result yet, settled from the provider's
   * record; the outcome of the one that paid the order, if one did; 503 while one is still undecided.
   */
  async function earlierPaymentsDecided(orderId: string, paymentId: string): Promise<ChargeOutcome | undefined> {
    const earlier = (await Payment.find({ orderId }).lean()).filter((p) => p._id !== paymentId)
    for (const p of earlier) {
      const result = await PaymentResult.findById(p._id).lean()
      if (result) {
        // Approved, but not yet the order's (its claim still on the way, or cut off by a crash): it
        // claims the order now, and this charge is answered with it instead of charging the card again.
        if (result.status === 'succeeded') await finalize(p, result)
        continue
      }
      const settled = await settle(p).catch((error) => {
        if (error instanceof ProviderError) return null
        throw error
      })
      if (!settled) throw fail('UNAVAILABLE', 'an earlier payment of this order is still being decided; ask again in a moment', { paymentId: p._id, earlierPayment: true, retryAfterSeconds: 5 })
    }
    const marker = earlier.length ? await ChargeMarker.findById(markerId(orderId)).lean() : null
    return marker ? outcomeOf(marker.paymentId) : undefined
  }

  function answer({ payment, result }: ChargeOutcome): ChargeResponse {
    const base = { paymentId: payment._id, amountCents: payment.amountCents, currency: payment.currency }
    if (result.status === 'succeeded') return { ...base, status: 'succeeded' }
    const declineCode = (result.declineCode ?? 'card_declined') as DeclineCode
    return { ...base, status: 'declined', declineCode, message: DECLINE_MESSAGES[declineCode] }
  }

  async function charge(req: ChargeRequest): Promise<ChargeResponse> {
    // A card that is not one is refused before anything is stored; a payment already made under this
    // key is answered from its record even so (its card may have expired since: a retry at midnight).
    const problem = cardProblem(req.card)
    const refuse = () => fail('VALIDATION', problem!.message, { fields: [problem!] })
    if (problem && req.newOrder) throw refuse()
    const digits = cardDigits(req.card.number)
    const last4 = digits.slice(-4)

    const paymentId = paymentIdFor(req.idempotencyKey)
    const doc: PaymentDoc = {
      _id: paymentId,
      orderId: req.orderId,
      userId: req.userId,
      amountCents: req.amountCents,
      currency: req.currency,
      idempotencyKey: req.idempotencyKey,
      cardLast4: last4,
      brand: cardBrand(digits),
      createdAt: new Date(),
    }
    // A repeated key finds its payment; an order paid before under another key answers that payment
    // (no second charge reaches the provider). A new order has neither: nothing is looked up.
    let payment: PaymentDoc | null = req.newOrder ? null : await Payment.findById(paymentId).lean()
    let fresh = false
    if (!payment && problem) throw refuse()
    if (!payment) {
      if (!req.newOrder) {
        const marker = await ChargeMarker.findById(markerId(req.orderId)).lean()
        if (marker) return answer(await outcomeOf(marker.paymentId))
        // A payment of this order under another key still undecided (its answer lost, the provider
        // slow): decided first, from the provider's record. Charging this card meanwhile would take the
        // money twice (the second given back only later). Still undecided: ask again.
        const decided = await earlierPaymentsDecided(req.orderId, paymentId)
        if (decided) return answer(decided)
      }
      // A charge racing this one under another key loses the order's marker in `finalize` and is refunded.
      // Stamped as it is written (the lookups above take their time): the reconciler walks by this time.
      doc.createdAt = new Date()
      fresh = await writer.insert(Payment, doc)
      payment = fresh ? doc : await Payment.findById(paymentId).lean()
      if (!payment) throw new Error(`payment ${paymentId} is a duplicate but cannot be found`)
    }
    if (payment.idempotencyKey !== req.idempotencyKey || payment.orderId !== req.orderId || payment.userId !== req.userId || payment.amountCents !== req.amountCents || payment.currency !== req.currency || payment.cardLast4 !== last4)
      throw fail('CONFLICT', 'this idempotency key was already used for a different charge', { keyReused: true })

    let result: PaymentResultDoc | null = fresh ? null : await PaymentResult.findById(payment._id).lean()
    // A retry of an old undecided payment is not sent to the provider again: a call still in flight
    // when the reconciler gives the payment up (declined) would take money nothing records. The
    // provider's own record decides it instead.
    if (!result && !fresh && Date.now() - new Date(payment.createdAt).getTime() > giveUpSeconds * 1000 - 2 * providerTimeoutMs) {
      const settled = await settle(payment).catch((error) => {
        // The provider did not answer the lookup or the cancel: still undecided, ask again.
        if (error instanceof ProviderError) return null
        throw error
      })
      if (!settled) throw fail('UNAVAILABLE', 'the payment is still being decided; ask again', { paymentId: payment._id })
      return answer(settled)
    }
    if (!result) {
      let answered: ProviderCharge
      try {
        answered = await provider.charge(providerKey(payment._id), {
          amountCents: payment.amountCents,
          currency: payment.currency,
          card: { digits, expMonth: req.card.expMonth, expYear: req.card.expYear, cvc: req.card.cvc },
          reference: payment.orderId,
        })
      } catch (error) {
        if (error instanceof ProviderError && error.kind === 'idempotency_mismatch') throw fail('CONFLICT', 'this idempotency key was already used for a different charge', { keyReused: true })
        if (error instanceof ProviderError && error.kind === 'invalid_request') {
          // Declined for good only when this request made the payment: a retry's refusal says nothing of
          // the charge its first call may have made, which the provider's record decides (the reconciler).
          if (fresh) await recordResult(payment._id, { status: 'declined', declineCode: 'processing_error' })
          throw fail('VALIDATION', error.message)
        }
        log.warn({ paymentId: payment._id, orderId: payment.orderId, err: String(error) }, 'charge: no answer from the provider; the payment stays pending')
        throw fail('UNAVAILABLE', 'the payment provider did not answer; the payment is pending and will be settled', { paymentId: payment._id })
      }
      result = await recordResult(payment._id, answered)
      if (answered.status === 'succeeded' && result.status !== 'succeeded' && answered.ref) {
        // The payment was given up as declined while this approval was on its way: return the money.
        log.error({ paymentId: payment._id, orderId: payment.orderId }, 'approval after the payment was given up: refunding the charge')
        await refundLateApproval(payment, answered.ref)
      }
    }
    return answer(await finalize(payment, result))
  }

  /**
   * The payment that pays the order (possibly refunded since). Undecided payments of the order are
   * settled first; one the provider still cannot decide → 503, none → 404.
   */
  async function paidPayment(orderId: string): Promise<PaymentDoc> {
    let marker = await ChargeMarker.findById(markerId(orderId)).lean()
    if (!marker) {
      const payments = await Payment.find({ orderId }).lean()
      let undecided = false
      for (const p of payments) {
        try {
          if (!(await settle(p))) undecided = true
        } catch (error) {
          log.warn({ paymentId: p._id, err: String(error) }, 'could not settle a payment')
          undecided = true
        }
      }
      marker = await ChargeMarker.findById(markerId(orderId)).lean()
      if (!marker) {
        if (undecided) throw fail('UNAVAILABLE', 'a payment of this order is not decided yet; ask again')
        throw fail('NOT_FOUND', 'the order has no succeeded payment')
      }
    }
    const payment = await Payment.findById(marker.paymentId).lean()
    if (!payment) throw new Error(`marker of order ${orderId} names a missing payment`)
    return payment
  }

  return { charge, settle, finalize, paidPayment, refundLateApprovals }
}
export type ChargesService = ReturnType<typeof chargesService>
