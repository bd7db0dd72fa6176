// Shared capacity: /api/events/:id/pools (admins; beyond the contract, additive).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf, type Principal } from '@easypass/contracts'
import { CapacityPool, CreatePoolBody, PoolList, PoolParams, UpdatePoolBody } from '@easypass/contracts/inventory'
import { IdempotencyHeaders } from '@easypass/contracts/orders'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { PoolsService } from './service'

const tags = tagsOf('Ticket inventory')
const security = BEARER
const E = ErrorResponse
const adminErrors = { 400: E, 401: E, 403: E, 404: E, 503: E }

export function poolsModule(service: PoolsService, config: AuthConfig) {
  const create = async ({ params, body, headers, principal, set }: { params: { id: string }; body: CreatePoolBody; headers: { 'idempotency-key'?: string }; principal?: Principal; set: { status?: number | string } }) => {
    set.status = 201
    return service.create(params.id, body, principal!.id, headers['idempotency-key'])
  }
  const creation = { params: IdParams, headers: IdempotencyHeaders, ...strictBody(CreatePoolBody), response: { 201: CapacityPool, ...adminErrors, 409: E } }
  return new Elysia({ name: 'ticketing.pools' })
    .use(authPlugin(config))
    // The catalog copies an event's pools to its new dates with its service token.
    .post('/internal/events/:id/pools', create, { auth: { services: ['catalog'] }, ...creation, detail: { hide: true, summary: 'Add a pool (for other services)' } })
    .post(
      '/api/events/:id/pools',
      create,
      {
        auth: 'admin',
        ...creation,
        detail: {
          tags,
          summary: 'Share capacity between ticket types',
          description:
            'Admins only. The ticket types named sell together at most `capacity` tickets (a hall of 500 with early-bird, standard and student tickets), on top of each type’s own capacity: what is available of a type is the least of its own and of each pool it is in, and a hold asking a pool for more than it has left is 409 SOLD_OUT. ' +
            'Decided by the event’s one writer like every sale, so a pool is never sold past. 400 for a blank name, fewer than two different ticket types or one the event does not have; 409 when its types already sold and hold more than `capacity`. ' +
            'With an `Idempotency-Key` the same request again answers the pool it created (as it is now), another body under the key is 409, and so is the key of a pool removed since.',
          security,
        },
      },
    )
    .get('/api/events/:id/pools', ({ params }) => service.list(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: PoolList, ...adminErrors },
      detail: { tags, summary: "An event's pools of shared capacity", description: 'Admins only; buyers see the pools in GET /api/events/{id}/availability.', security },
    })
    .patch('/api/events/:id/pools/:poolId', ({ params, body }) => service.update(params.id, params.poolId, body), {
      auth: 'admin',
      params: PoolParams,
      ...strictBody(UpdatePoolBody),
      response: { 200: CapacityPool, ...adminErrors, 409: E },
      detail: { tags, summary: 'Change a pool', description: 'Admins only. Its name, capacity (409 below what its types sold and hold) or ticket types (`ticketTypeIds` replaces the list: at least two).', security },
    })
    .delete(
      '/api/events/:id/pools/:poolId',
      async ({ params, set }) => {
        await service.remove(params.id, params.poolId)
        set.status = 204
      },
      {
        auth: 'admin',
        params: PoolParams,
        response: { 204: t.Void(), ...adminErrors },
        detail: { tags, summary: 'Remove a pool', description: 'Admins only. Its ticket types no longer share it (they sell by their own capacity, and any other pool they are in). A pool left with one ticket type (the others removed) goes by itself, and that type keeps the pool’s limit as its own capacity when it was the smaller.', security },
      },
    )
}
