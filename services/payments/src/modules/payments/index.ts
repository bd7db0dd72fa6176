import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, Id, IdParams, IsoDate, tagsOf } from '@easypass/contracts'
import { OrderPaymentResponse, Payment } from '@easypass/contracts/payments'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { PaymentsService } from './service'

const tags = tagsOf('Payments')
/** Payments one answer carries at most: far beyond any person; `complete` says when there are more. */
const MY_DATA_MAX = 10_000

export const MyPaymentsData = t.Object(
  {
    exportedAt: IsoDate,
    payments: t.Array(Payment),
    complete: t.Boolean({ description: 'false when there were more than one answer carries (10,000)' }),
  },
  { title: 'MyPaymentsData' },
)

export function paymentsModule(payments: PaymentsService, config: AuthConfig) {
  return new Elysia({ name: 'payments.payments' })
    .use(authPlugin(config))
    .get(
      '/api/payments/my-data',
      async ({ principal }) => {
        const mine = await payments.mine(principal!, MY_DATA_MAX + 1)
        return { exportedAt: new Date().toISOString(), payments: mine.slice(0, MY_DATA_MAX), complete: mine.length <= MY_DATA_MAX }
      },
      {
        auth: 'user',
        response: { 200: MyPaymentsData, 401: ErrorResponse },
        detail: {
          tags,
          summary: 'Everything payments keeps of me',
          description:
            'Every payment of the signed-in account (an admin\'s own too, not everyone\'s), newest first, with its refunds: the amount, the card\'s brand and last four digits (nothing more of a card is kept) and the result. The web app\'s "Download your data" saves it with the account, the orders and the notifications as one file.',
          security: BEARER,
        },
      },
    )
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
      auth: { services: ['orders'] },
      params: t.Object({ orderId: Id }),
      response: { 200: OrderPaymentResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
      detail: { hide: true, summary: 'The succeeded payment of an order (settling undecided ones first)' },
    })
}
