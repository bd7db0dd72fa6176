// Payments: the card a buyer sends, the internal charge/refund calls orders makes, and the public Payment.
import { t, type Static } from 'elysia'
import { Id, IsoDate } from './common'
import { MAX_ORDER_TOTAL_CENTS } from './inventory'

/**
 * A card as the buyer types it. The schema checks the shape; `cardProblem` adds the checks a schema
 * cannot express (Luhn, expiry against today). Payments stores only the last four digits and the brand.
 */
export const Card = t.Object(
  {
    number: t.String({
      minLength: 12,
      maxLength: 23,
      pattern: '^[0-9 ]+$',
      description: '12–19 digits; spaces are allowed and ignored. Sandbox: 4242424242424242 approved, 4000000000000002 declined, 4000000000009995 insufficient funds',
      examples: ['4242424242424242'],
      error: 'card.number must be 12 to 19 digits',
    }),
    expMonth: t.Integer({ minimum: 1, maximum: 12, examples: [12], error: 'card.expMonth must be 1 to 12' }),
    expYear: t.Integer({ minimum: 1000, maximum: 9999, examples: [2030], error: 'card.expYear must be a 4-digit year' }),
    cvc: t.String({ pattern: '^[0-9]{3,4}$', examples: ['123'], error: 'card.cvc must be 3 or 4 digits' }),
  },
  { title: 'Card' },
)
export type Card = Static<typeof Card>

/** The digits of a card number without spaces. */
export function cardDigits(number: string): string {
  return number.replace(/ /g, '')
}

export function luhnValid(digits: string): boolean {
  if (!/^[0-9]+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/**
 * Why a card cannot be charged at all (a 400 VALIDATION, before any money or stock moves), or null.
 * Orders may call it before holding inventory; payments always calls it again.
 */
export function cardProblem(card: Card, now = new Date()): { path: string; message: string } | null {
  const digits = cardDigits(card.number)
  if (!/^[0-9]{12,19}$/.test(digits)) return { path: 'card.number', message: 'card.number must be 12 to 19 digits' }
  if (!luhnValid(digits)) return { path: 'card.number', message: 'card.number is not a valid card number' }
  if (!Number.isInteger(card.expMonth) || card.expMonth < 1 || card.expMonth > 12) return { path: 'card.expMonth', message: 'card.expMonth must be 1 to 12' }
  if (!Number.isInteger(card.expYear) || card.expYear < 1000 || card.expYear > 9999) return { path: 'card.expYear', message: 'card.expYear must be a 4-digit year' }
  const year = now.getUTCFullYear()
  const month = now.getUTCMonth() + 1
  if (card.expYear < year || (card.expYear === year && card.expMonth < month)) return { path: 'card.expYear', message: 'the card has expired' }
  if (card.expYear > year + 50) return { path: 'card.expYear', message: 'card.expYear is too far in the future' }
  if (!/^[0-9]{3,4}$/.test(card.cvc)) return { path: 'card.cvc', message: 'card.cvc must be 3 or 4 digits' }
  return null
}

export const DECLINE_CODES = ['card_declined', 'insufficient_funds', 'expired_card', 'processing_error'] as const
export type DeclineCode = (typeof DECLINE_CODES)[number]
export const DeclineCodeSchema = t.Union([t.Literal('card_declined'), t.Literal('insufficient_funds'), t.Literal('expired_card'), t.Literal('processing_error')])

/** What a buyer is told about a decline (orders puts it in the 402 message). */
export const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Insufficient funds.',
  expired_card: 'Your card has expired.',
  processing_error: 'The payment could not be processed.',
}

const Currency = t.String({ pattern: '^[A-Z]{3}$', examples: ['EUR'] })
const IdempotencyKey = t.String({ minLength: 1, maxLength: 300, pattern: '^[\x21-\x7E]+$', description: 'printable ASCII without spaces; same key → the same payment (same params required), e.g. `<orderId>:pay:<n>`' })

// ---- internal: orders → payments (service token) ----

/** POST /internal/charges. Idempotent by `idempotencyKey`: a repeat with the same params returns the same payment; different params → 409. */
export const ChargeRequest = t.Object({
  orderId: Id,
  userId: Id,
  amountCents: t.Integer({ minimum: 1, maximum: MAX_ORDER_TOTAL_CENTS }),
  currency: Currency,
  card: Card,
  idempotencyKey: IdempotencyKey,
  /**
   * The caller created this order in the same flow, so no payment of it can exist: payments skips the
   * look for one (a lookup that misses scans on FerretDB). A wrong hint costs nothing but speed: a
   * second approved charge still loses the order's marker and is refunded.
   */
  newOrder: t.Optional(t.Boolean()),
})
export type ChargeRequest = Static<typeof ChargeRequest>

/**
 * 200 for both outcomes. `declined` carries `declineCode` and a human `message` (orders answers 402).
 * When the order already had a succeeded payment, that payment is returned (a second approved charge
 * is refunded at once), so `paymentId` may differ from a previous call with another key.
 * 400 VALIDATION for an invalid card; 409 same key with other params; 503 provider unreachable (the payment
 * stays pending and the reconciler settles it; ask GET /internal/orders/:orderId/payment later).
 */
export const ChargeResponse = t.Object({
  paymentId: Id,
  status: t.Union([t.Literal('succeeded'), t.Literal('declined')]),
  declineCode: t.Optional(DeclineCodeSchema),
  message: t.Optional(t.String()),
  amountCents: t.Integer(),
  currency: t.String(),
})
export type ChargeResponse = Static<typeof ChargeResponse>

/**
 * POST /internal/refunds: the rest of the order's succeeded payment (all of it when no part was
 * refunded), at most once, ever; with `part`, that numbered part of it (`amountCents`), at most once.
 */
export const RefundRequest = t.Object({
  orderId: Id,
  reason: t.Optional(t.String({ maxLength: 500 })),
  part: t.Optional(t.Object({ n: t.Integer({ minimum: 1 }), amountCents: t.Integer({ minimum: 1 }) }, { additionalProperties: false })),
})
export type RefundRequest = Static<typeof RefundRequest>

/** 200 (a repeat returns the same refund); 404 the order has no succeeded payment; 503 provider unreachable (retry). */
export const RefundResponse = t.Object({
  refundId: t.String({ description: '`<paymentId>:refund` (the rest), `<paymentId>:refund:<n>` (part n)' }),
  paymentId: Id,
  amountCents: t.Integer(),
  currency: t.String(),
  status: t.Literal('succeeded'),
})
export type RefundResponse = Static<typeof RefundResponse>

/**
 * GET /internal/orders/:orderId/payment: the order's succeeded payment (also when refunded since) → 200;
 * no succeeded payment and none pending → 404; a payment still undecided at the provider → 503 (ask again).
 */
export const OrderPaymentResponse = t.Object({
  paymentId: Id,
  orderId: Id,
  userId: t.String(),
  amountCents: t.Integer(),
  currency: t.String(),
  status: t.Union([t.Literal('succeeded'), t.Literal('refunded')]),
  refundId: t.Optional(t.String()),
  /** For the order's receipt. */
  cardLast4: t.Optional(t.String()),
  brand: t.Optional(t.String()),
  createdAt: IsoDate,
})
export type OrderPaymentResponse = Static<typeof OrderPaymentResponse>

// ---- public ----

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'declined', 'refunded'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

export const PaymentRefund = t.Object(
  {
    id: t.String(),
    amountCents: t.Integer(),
    reason: t.Optional(t.String()),
    createdAt: IsoDate,
  },
  { title: 'PaymentRefund' },
)

export const Payment = t.Object(
  {
    id: Id,
    orderId: Id,
    amountCents: t.Integer({ examples: [4500] }),
    currency: t.String({ examples: ['EUR'] }),
    status: t.Union([t.Literal('pending'), t.Literal('succeeded'), t.Literal('declined'), t.Literal('refunded')], { examples: ['succeeded'] }),
    declineCode: t.Optional(DeclineCodeSchema),
    cardLast4: t.String({ examples: ['4242'] }),
    brand: t.String({ examples: ['visa'] }),
    refunds: t.Array(PaymentRefund),
    createdAt: IsoDate,
  },
  { title: 'Payment' },
)
export type Payment = Static<typeof Payment>
