import { Elysia } from 'elysia'
import { ErrorResponse } from '@easypass/contracts'
import { RefundRequest, RefundResponse } from '@easypass/contracts/payments'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { ChargesService } from '../charges/service'
import type { RefundsService } from './service'

export function refundsModule(charges: ChargesService, refunds: RefundsService, config: AuthConfig) {
  return new Elysia({ name: 'payments.refunds' })
    .use(authPlugin(config))
    .post(
      '/internal/refunds',
      async ({ body }) => {
        const payment = await charges.paidPayment(body.orderId)
        const refund = await refunds.refundPayment(payment, body.reason, undefined, body.part)
        return { refundId: refund._id, paymentId: refund.paymentId, amountCents: refund.amountCents, currency: refund.currency, status: 'succeeded' as const }
      },
      {
        auth: { services: ['orders'] },
        body: RefundRequest,
        response: { 200: RefundResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
        detail: { hide: true, summary: "Refund the rest of an order's payment, or a numbered part of it (each at most once; a repeat returns the same refund)" },
      },
    )
}
