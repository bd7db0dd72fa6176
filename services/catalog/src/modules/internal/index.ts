import { Elysia } from 'elysia'
import { ErrorResponse, IdParams } from '@easypass/contracts'
import { InternalEvent } from '@easypass/contracts/catalog'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { EventsService } from '../events/service'

/** Routes for other services only (service token), hidden from the public documentation. */
export function internalModule(config: AuthConfig, service: EventsService) {
  return new Elysia({ name: 'catalog.internal', prefix: '/internal' })
    .use(authPlugin(config))
    .get('/events/:id', ({ params }) => service.getInternal(params.id), {
      auth: { services: ['orders', 'ticketing', 'notifications'] },
      params: IdParams,
      response: { 200: InternalEvent, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      detail: { hide: true, summary: 'An event in any status (draft, published, cancelled), for other services' },
    })
}
