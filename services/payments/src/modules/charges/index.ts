import { Elysia } from 'elysia'
import { ErrorResponse } from '@easypass/contracts'
import { ChargeRequest, ChargeResponse } from '@easypass/contracts/payments'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { ChargesService } from './service'

export function chargesModule(charges: ChargesService, config: AuthConfig) {
  return new Elysia({ name: 'payments.charges' })
    .use(authPlugin(config))
    .post('/internal/charges', ({ body }) => charges.charge(body), {
      auth: { services: ['orders'] },
      body: ChargeRequest,
      response: { 200: ChargeResponse, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
      detail: { hide: true, summary: 'Charge a card for an order (idempotent by idempotencyKey)' },
    })
}
