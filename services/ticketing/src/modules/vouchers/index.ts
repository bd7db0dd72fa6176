import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, OPTIONAL_BEARER, tagsOf } from '@easypass/contracts'
import { CreateVoucherBody, UpdateVoucherBody, Voucher, VoucherCodeParams, VoucherList, VoucherOffer } from '@easypass/contracts/inventory'
import { authPlugin, clientAddress, isAdmin, strictBody, type AuthConfig } from '@easypass/kit'
import type { VouchersService } from './service'

const tags = tagsOf('Ticket inventory')
const security = BEARER
const adminErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse }

export function vouchersModule(service: VouchersService, config: AuthConfig) {
  return new Elysia({ name: 'ticketing.vouchers' })
    .use(authPlugin(config))
    .post(
      '/api/events/:id/vouchers',
      async ({ params, body, set }) => {
        set.status = 201
        return service.create(params.id, body)
      },
      {
        auth: 'admin',
        params: IdParams,
        ...strictBody(CreateVoucherBody),
        response: { 201: Voucher, ...adminErrors, 409: ErrorResponse },
        detail: {
          tags,
          summary: 'Add a voucher (discount code) to an event',
          description:
            'Admins only (beyond the contract, additive). Exactly one of `percentOff` and `amountOffCents`, taken off each ticket of the types it names (all by default). ' +
            'A buyer uses it with `voucherCode` in POST /api/orders; one use is one order, and an order that ends unpaid or is refunded gives its use back. ' +
            'Codes are unique per event without regard to case (409 for another voucher under the same code; the same body again answers the voucher, so a retry is safe).',
          security,
        },
      },
    )
    .get('/api/events/:id/vouchers', ({ params }) => service.list(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: VoucherList, ...adminErrors },
      detail: { tags, summary: "An event's vouchers with their uses", description: 'Admins only. `used`: paid orders; `held`: unpaid holds; `remaining`: what is left of `maxUses`.', security },
    })
    // Orders looks a code up for a purchase (its buyer's guesses are counted there, per account).
    .get('/api/events/:id/vouchers/:code', ({ params, principal, request, server }) => service.offer(params.id, params.code, isAdmin(principal), principal?.role === 'service' ? undefined : clientAddress(request, server)), {
      auth: { public: 'optional', readBy: ['orders'] },
      params: VoucherCodeParams,
      response: { 200: VoucherOffer, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse },
      detail: {
        tags,
        summary: 'Look a voucher code up before using it',
        description: 'Anyone. What the code takes off and from which ticket types. 404 when the event has no such code (or it is switched off); 409 when it is used up (`details.reason: used-up`), past `validUntil` (`expired`), or the event was cancelled (`cancelled`). 429 once an address looked up too many unknown codes (`VOUCHER_GUESSES_PER_HOUR`, default 30 an hour).',
        security: OPTIONAL_BEARER,
      },
    })
    .patch('/api/events/:id/vouchers/:code', ({ params, body }) => service.update(params.id, params.code, body), {
      auth: 'admin',
      params: VoucherCodeParams,
      ...strictBody(UpdateVoucherBody),
      response: { 200: Voucher, ...adminErrors, 409: ErrorResponse },
      detail: { tags, summary: 'Change a voucher', description: 'Admins only. `active: false` stops new orders using it (orders that did keep their price); `maxUses` below the orders using it now → 409.', security },
    })
    .delete(
      '/api/events/:id/vouchers/:code',
      async ({ params, set }) => {
        await service.remove(params.id, params.code)
        set.status = 204
      },
      {
        auth: 'admin',
        params: VoucherCodeParams,
        response: { 204: t.Void(), ...adminErrors, 409: ErrorResponse },
        detail: { tags, summary: 'Remove a voucher', description: 'Admins only. Only while no paid order or unpaid hold uses it (409 otherwise: switch it off with PATCH `active: false`); its code is free again.', security },
      },
    )
}
