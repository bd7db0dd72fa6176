import type { DeclineCode } from '@easypass/contracts/payments'

/** What the gateway needs to charge a card. The full number and cvc live only in memory for the call. */
export interface ChargeParams {
  amountCents: number
  currency: string
  card: { digits: string; expMonth: number; expYear: number; cvc: string }
  /** Our reference for the charge (the order id), shown on the provider's side. */
  reference: string
}

export interface ProviderCharge {
  ref: string
  status: 'succeeded' | 'declined'
  declineCode?: DeclineCode
}

export interface ProviderRefund {
  ref: string
  chargeRef: string
  amountCents: number
}

export type ProviderErrorKind =
  /** The same idempotency key with other parameters. */
  | 'idempotency_mismatch'
  /** The request itself is wrong (bad card, refund larger than the charge, refund of a declined charge). */
  | 'invalid_request'
  /** The charge was already refunded under another key. */
  | 'already_refunded'
  /** No answer: the call may or may not have happened at the provider. Retry with the same key. */
  | 'unavailable'

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
  ) {
    super(message)
  }
}

/**
 * A card gateway. Every call carries an idempotency key: the same key with the same parameters returns
 * the first result (so retrying after a timeout never charges twice); with other parameters it fails.
 */
export interface PaymentProvider {
  charge(idempotencyKey: string, params: ChargeParams): Promise<ProviderCharge>
  refund(idempotencyKey: string, params: { chargeRef: string; amountCents: number }): Promise<ProviderRefund>
  /** The charge made under this key, or null when the provider never saw it. */
  lookup(idempotencyKey: string): Promise<ProviderCharge | null>
  /**
   * Makes sure no charge ever happens under this key (a payment intent cancelled): null when none had,
   * and a charge sent later under it is declined (`processing_error`); the charge when one had.
   */
  cancel(idempotencyKey: string): Promise<ProviderCharge | null>
}
