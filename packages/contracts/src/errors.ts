import { t, type Static } from 'elysia'

/** Every error code a client can receive. New codes may be added; none is ever renamed. */
export const ErrorCodes = [
  'VALIDATION',
  'UNAUTHENTICATED',
  'TWO_FACTOR_REQUIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'CONFLICT',
  'SOLD_OUT',
  'NOT_YOUR_TURN',
  'PAYMENT_DECLINED',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'GONE',
  'PAYLOAD_TOO_LARGE',
  'INTERNAL',
] as const
export type ErrorCode = (typeof ErrorCodes)[number]

/** The contract's one error shape: `{ error: { code, message, details? } }`. */
export const ErrorResponse = t.Object(
  {
    error: t.Object({
      code: t.String({ examples: ['VALIDATION'] }),
      message: t.String({ examples: ['email: Expected string'] }),
      details: t.Optional(t.Any()),
    }),
  },
  { $id: '#/components/schemas/Error', title: 'Error' },
)
export type ErrorResponse = Static<typeof ErrorResponse>

export const errorStatus: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  TWO_FACTOR_REQUIRED: 401,
  PAYMENT_DECLINED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  SOLD_OUT: 409,
  NOT_YOUR_TURN: 409,
  GONE: 410,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
}

/**
 * Codes that decide nothing: "not now, try again" (after `details.retryAfterSeconds`, sent as
 * `Retry-After`). An Idempotency-Key never keeps them as its answer.
 */
export const LATER_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RATE_LIMITED', 'UNAVAILABLE', 'NOT_YOUR_TURN'])

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorResponse {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } }
}
