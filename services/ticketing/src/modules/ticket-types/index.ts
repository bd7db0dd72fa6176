import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, OPTIONAL_BEARER, tagsOf } from '@easypass/contracts'
import { CreateTicketTypeBody, TicketType, TicketTypeParams, UpdateTicketTypeBody } from '@easypass/contracts/inventory'
import type { Principal } from '@easypass/contracts'
import { IdempotencyHeaders } from '@easypass/contracts/orders'
import { authPlugin, isAdmin, strictBody, type AuthConfig } from '@easypass/kit'
import type { TicketTypesService } from './service'

const tags = tagsOf('Ticket inventory')
const security = BEARER
const adminErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse }

export function ticketTypesModule(service: TicketTypesService, config: AuthConfig) {
  const create = async ({ params, body, headers, principal, set }: { params: { id: string }; body: CreateTicketTypeBody; headers: { 'idempotency-key'?: string }; principal?: Principal; set: { status?: number | string } }) => {
    set.status = 201
    return service.create(params.id, body, principal!.id, headers['idempotency-key'])
  }
  const creation = { params: IdParams, headers: IdempotencyHeaders, ...strictBody(CreateTicketTypeBody), response: { 201: TicketType, ...adminErrors, 409: ErrorResponse } }
  return new Elysia({ name: 'ticketing.ticket-types' })
    .use(authPlugin(config))
    .post('/api/events/:id/ticket-types', create, {
      auth: 'admin',
      ...creation,
      detail: {
        tags,
        summary: 'Add a ticket type to an event',
        description:
          'Admins only. The event must exist in the catalog (404 otherwise) and not be cancelled (409). `maxPerOrder` defaults to 10. ' +
          'With an `Idempotency-Key` a retry (after a 503, say) creates nothing more: the same key and body answer the type created first; another body, 409.',
        security,
      },
    })
    // The catalog copies an event's ticket types to its new dates (POST /api/events/:id/dates) with its service token.
    .post('/internal/events/:id/ticket-types', create, { auth: { services: ['catalog'] }, ...creation, detail: { hide: true, summary: 'Add a ticket type (for other services)' } })
    .get('/api/events/:id/ticket-types/:typeId', ({ params, principal }) => service.visible(params.id, params.typeId, isAdmin(principal)), {
      auth: 'optional',
      params: TicketTypeParams,
      response: { 200: TicketType, 400: ErrorResponse, 404: ErrorResponse },
      detail: { tags, summary: 'A ticket type with its live numbers', description: "A draft event's ticket types exist for admins only (404 for anyone else, as for the event itself).", security: OPTIONAL_BEARER },
    })
    .patch('/api/events/:id/ticket-types/:typeId', ({ params, body }) => service.update(params.id, params.typeId, body), {
      auth: 'admin',
      params: TicketTypeParams,
      ...strictBody(UpdateTicketTypeBody),
      response: { 200: TicketType, ...adminErrors, 409: ErrorResponse },
      detail: {
        tags,
        summary: 'Change a ticket type',
        description: 'Admins only. Any subset of the fields. `capacity` below sold + held → 409. A new price, tax rate or `addOn` applies to holds made afterwards (an order keeps what its lines were).',
        security,
      },
    })
    .delete(
      '/api/events/:id/ticket-types/:typeId',
      async ({ params, set }) => {
        await service.remove(params.id, params.typeId)
        set.status = 204
      },
      {
        auth: 'admin',
        params: TicketTypeParams,
        response: { 204: t.Void(), ...adminErrors, 409: ErrorResponse },
        detail: { tags, summary: 'Remove a ticket type', description: 'Admins only. 409 when any of its tickets were ever sold (refunded ones too: the orders that name it stay whole). Unpaid holds that name it end with it: their orders are cancelled and their buyers told (`ticketing.hold-withdrawn`).', security },
      },
    )
}
