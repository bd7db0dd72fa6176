import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, Id, IdParams, tagsOf } from '@easypass/contracts'
import { OrderPaymentResponse, Payment } from '@easypass/contracts/payments'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { PaymentsService } from './service'

const tags = tagsOf('Payments')

export function paymentsModule(payments: PaymentsService, config: AuthConfig) {
  return new Elysia({ name: 'payments.payments' })
    .use(authPlugin(config))
    .get('/api/payments/:id', ({ params, principal }) => payments.get(params.id, principal!), {
      auth: 'user',
      params: IdParams,
      response: { 200: Payment, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      detail: {
        tags,
        summary: 'A payment',
        description:
          'The payment of one of my orders (admins: any). `status`: `pending` (the provider has not answered yet), `succeeded`, `declined` (with `declineCode`), `refunded` (full refunds only; `refunds` lists it). Only the last four digits and the brand of the card are kept. Another customer\'s payment → 404.',
        security: BEARER,
      },
    })
    .get('/internal/orders/:orderId/payment', ({ params }) => payments.ofOrder(params.orderId), {
      auth: 'service',
      params: t.Object({ orderId: Id }),
      response: { 200: OrderPaymentResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      detail: { hide: true, summary: 'The succeeded payment of an order (settling undecided ones first)' },
    })
}
