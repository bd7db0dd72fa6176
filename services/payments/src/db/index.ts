// The payments database. Our side is insert-only (payments, results, refunds, markers): a unique `_id`
// is the arbiter of every race. The sandbox provider keeps its own records beside them ("provider side").
import { Schema, type Connection } from 'mongoose'

export interface PaymentDoc {
  _id: string
  orderId: string
  userId: string
  amountCents: number
  currency: string
  idempotencyKey: string
  cardLast4: string
  brand: string
  createdAt: Date
}

export interface PaymentResultDoc {
  _id: string
  status: 'succeeded' | 'declined'
  providerRef?: string
  declineCode?: string
  at: Date
}

export interface RefundDoc {
  _id: string
  paymentId: string
  orderId: string
  amountCents: number
  currency: string
  providerRef: string
  reason?: string
  at: Date
}

/** `${orderId}:succeeded` → the one payment that pays the order. */
export interface ChargeMarkerDoc {
  _id: string
  paymentId: string
  at: Date
}

/**
 * A charge the provider approved after our result said declined: its money goes back. Kept until its
 * refund is recorded, so a refund that failed then is made by the reconciler (`_id`: the payment).
 */
export interface LateApprovalDoc {
  _id: string
  chargeRef: string
  at: Date
  /** After a failed try: not tried again before then (a refused one must not hold back the newer ones). */
  nextTryAt?: Date
}

export interface SandboxChargeDoc {
  _id: string
  paramsHash: string
  ref: string
  status: 'succeeded' | 'declined'
  declineCode?: string
  amountCents: number
  currency: string
  last4: string
  brand: string
  createdAt: Date
  /** Cancelled before any charge happened under its key: a charge sent later is declined. */
  cancelled?: boolean
}

export interface SandboxRefundDoc {
  _id: string
  paramsHash: string
  ref: string
  chargeRef: string
  /** The charge's refunds are numbered 1, 2, …: the unique (charge, slot) makes two at once take turns. */
  slot: number
  amountCents: number
  createdAt: Date
}

const opts = { versionKey: false as const }

export function defineModels(conn: Connection) {
  const payment = new Schema<PaymentDoc>(
    {
      _id: String,
      orderId: { type: String, required: true },
      userId: { type: String, required: true },
      amountCents: { type: Number, required: true },
      currency: { type: String, required: true },
      idempotencyKey: { type: String, required: true },
      cardLast4: { type: String, required: true },
      brand: { type: String, required: true },
      createdAt: { type: Date, required: true },
    },
    { ...opts, collection: 'payments' },
  )
  payment.index({ orderId: 1 })
  payment.index({ createdAt: 1 })

  const result = new Schema<PaymentResultDoc>(
    { _id: String, status: { type: String, required: true }, providerRef: String, declineCode: String, at: { type: Date, required: true } },
    { ...opts, collection: 'payment_results' },
  )

  const refund = new Schema<RefundDoc>(
    {
      _id: String,
      paymentId: { type: String, required: true },
      orderId: { type: String, required: true },
      amountCents: { type: Number, required: true },
      currency: { type: String, required: true },
      providerRef: { type: String, required: true },
      reason: String,
      at: { type: Date, required: true },
    },
    { ...opts, collection: 'refunds' },
  )
  refund.index({ paymentId: 1 })

  const marker = new Schema<ChargeMarkerDoc>({ _id: String, paymentId: { type: String, required: true }, at: Date }, { ...opts, collection: 'charge_markers' })

  const lateApproval = new Schema<LateApprovalDoc>({ _id: String, chargeRef: { type: String, required: true }, at: { type: Date, required: true }, nextTryAt: Date }, { ...opts, collection: 'late_approvals' })

  const sandboxCharge = new Schema<SandboxChargeDoc>(
    {
      _id: String,
      paramsHash: String,
      ref: String,
      status: String,
      declineCode: String,
      amountCents: Number,
      currency: String,
      last4: String,
      brand: String,
      createdAt: Date,
      cancelled: Boolean,
    },
    { ...opts, collection: 'sandbox_charges' },
  )
  sandboxCharge.index({ ref: 1 }, { unique: true })

  const sandboxRefund = new Schema<SandboxRefundDoc>(
    { _id: String, paramsHash: String, ref: String, chargeRef: String, slot: Number, amountCents: Number, createdAt: Date },
    { ...opts, collection: 'sandbox_refunds' },
  )
  // Any number of refunds per charge (parts), one at a time: never more than the charge in all.
  sandboxRefund.index({ chargeRef: 1, slot: 1 }, { unique: true })

  return {
    Payment: conn.model<PaymentDoc>('Payment', payment),
    PaymentResult: conn.model<PaymentResultDoc>('PaymentResult', result),
    Refund: conn.model<RefundDoc>('Refund', refund),
    ChargeMarker: conn.model<ChargeMarkerDoc>('ChargeMarker', marker),
    LateApproval: conn.model<LateApprovalDoc>('LateApproval', lateApproval),
    SandboxCharge: conn.model<SandboxChargeDoc>('SandboxCharge', sandboxCharge),
    SandboxRefund: conn.model<SandboxRefundDoc>('SandboxRefund', sandboxRefund),
  }
}
export type Models = ReturnType<typeof defineModels>

