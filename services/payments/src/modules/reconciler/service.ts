import { AppError, counter, type Logger } from '@easypass/kit'
import type { Models } from '../../db'
import { markerId, type ChargesService } from '../charges/service'
import { refundId } from '../refunds/service'

const reconciledTotal = counter('payments_reconciled_total', 'Payments settled by the reconciler')

/** How far behind the cutoff the watermark always stays (payments read again each pass: those of the last two minutes). */
const TRAILING_MS = 120_000

export interface ReconcilerOptions {
  /** A payment without a result older than this is settled against the provider's record. */
  afterSeconds: number
  lookbackHours: number
  batch?: number
}

/**
 * Finds payments that have no result (the process died between the provider call and the result
 * insert, or the provider did not answer) and settles them from the provider's record. It walks the
 * insert-only `payments` collection by `createdAt` from a watermark that only moves past payments that
 * are settled, so each tick reads little however large the collection grows. A succeeded result whose
 * order claim is missing (a crash right after the result) is finished too.
 */
export function reconciler(models: Models, charges: ChargesService, log: Logger, opts: ReconcilerOptions) {
  const { Payment, PaymentResult, ChargeMarker, Refund } = models
  const batch = opts.batch ?? 200
  // Where the next pass starts: after (at, id) in (createdAt, _id) order. A payment still open keeps it
  // at its own millisecond (id ''), so the next pass reads it again; any number of payments created in one
  // millisecond are paged through (a time alone would read the same batch of them for ever).
  let cursor = { at: new Date(Date.now() - opts.lookbackHours * 3_600_000), id: '' }
  let running = false

  async function once(): Promise<number> {
    if (running) return 0
    running = true
    let settled = 0
    try {
      // Charges approved after they were recorded declined, whose refund failed then: refunded now.
      await charges.refundLateApprovals().catch((error) => log.warn({ err: String(error) }, 'reconcile: a late approval is not refunded yet'))
      const cutoff = new Date(Date.now() - opts.afterSeconds * 1000)
      // Where this pass reads from; the watermark (`cursor`) follows it, never past the trailing window:
      // a payment is stamped before it is written (a lookup, a batched insert), so one may appear behind
      // payments already read. Those of the last two minutes are read again each pass (a lookup each).
      const trailing = new Date(cutoff.getTime() - TRAILING_MS)
      let scan = cursor
      // The first payment still open in this pass: the watermark stays there, while the pass goes on
      // to the end (one open payment must not keep the reconciler from every later one).
      let firstOpen: Date | undefined
      // Settles that failed in this pass (a provider away: each waits for its timeout): past a batch of
      // them the pass ends, the watermark held at the first open payment, and the next one tries again.
      let failures = 0
      for (;;) {
        const after = [{ createdAt: { $gt: scan.at, $lte: cutoff } }, { createdAt: scan.at, _id: { $gt: scan.id } }]
        const payments = await Payment.find({ $or: after }).sort({ createdAt: 1, _id: 1 }).limit(batch).lean()
        if (!payments.length) break
        const results = new Map((await PaymentResult.find({ _id: { $in: payments.map((p) => p._id) } }).lean()).map((r) => [r._id, r]))
        const succeeded = payments.filter((p) => results.get(p._id)?.status === 'succeeded')
        // Which payment pays each order: a succeeded payment that is not it is a second charge, and
        // must have been refunded (a refund that failed when it was found is retried here).
        const winners = new Map(
          succeeded.length ? (await ChargeMarker.find({ _id: { $in: succeeded.map((p) => markerId(p.orderId)) } }).lean()).map((m) => [m._id, m.paymentId]) : [],
        )
        const secondCharges = succeeded.filter((p) => winners.has(markerId(p.orderId)) && winners.get(markerId(p.orderId)) !== p._id)
        const refunded = new Set(secondCharges.length ? (await Refund.find({ _id: { $in: secondCharges.map((p) => refundId(p._id)) } }).lean()).map((r) => r._id) : [])
        for (const p of payments) {
          const result = results.get(p._id)
          try {
            if (result) {
              const winner = winners.get(markerId(p.orderId))
              const unclaimed = result.status === 'succeeded' && !winner
              const unrefundedSecond = result.status === 'succeeded' && winner && winner !== p._id && !refunded.has(refundId(p._id))
              if (unclaimed || unrefundedSecond) await charges.finalize(p, result)
              continue
            }
            if (await charges.settle(p)) {
              settled++
              reconciledTotal.inc()
            } else firstOpen ??= p.createdAt
          } catch (error) {
            // A provider that refuses (not one that is down) will not change its mind: say so loudly,
            // and do not hold every later payment back for it.
            if (error instanceof AppError && error.code === 'CONFLICT') {
              log.error({ paymentId: p._id, err: error.message }, 'reconcile: the provider refused; needs a person')
              continue
            }
            log.warn({ paymentId: p._id, err: String(error) }, 'reconcile: could not settle a payment yet')
            firstOpen ??= p.createdAt
            failures++
          }
          if (failures >= batch) break
        }
        const last = payments[payments.length - 1]!
        scan = { at: last.createdAt, id: last._id }
        const reached = firstOpen ? { at: firstOpen, id: '' } : scan
        cursor = reached.at.getTime() > trailing.getTime() ? { at: trailing, id: '' } : reached
        if (payments.length < batch || failures >= batch) break
      }
    } finally {
      running = false
    }
    return settled
  }

  let timer: Timer | undefined
  return {
    once,
    start() {
      const every = Math.min(10_000, Math.max(250, Math.floor((opts.afterSeconds * 1000) / 3)))
      timer = setInterval(() => void once().catch((error) => log.warn({ err: String(error) }, 'reconcile tick failed')), every)
    },
    stop() {
      if (timer) clearInterval(timer)
    },
  }
}
