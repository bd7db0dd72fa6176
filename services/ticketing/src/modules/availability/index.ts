import { Elysia, t } from 'elysia'
import { ErrorResponse, IdParams, OPTIONAL_BEARER, tagsOf } from '@easypass/contracts'
import { Availability } from '@easypass/contracts/inventory'
import { authPlugin, isAdmin, type AuthConfig } from '@easypass/kit'
import type { AvailabilityService } from './service'

const tags = tagsOf('Ticket inventory')

export function availabilityModule(service: AvailabilityService, config: AuthConfig) {
  return new Elysia({ name: 'ticketing.availability' })
    .use(authPlugin(config))
    .get('/api/events/:id/availability', ({ params, principal }) => service.current(params.id, isAdmin(principal)), {
      // Catalog reads it for its event pages (drafts too, for admins).
      auth: { public: 'optional', readBy: ['catalog'] },
      params: IdParams,
      response: { 200: Availability, 400: ErrorResponse, 404: ErrorResponse },
      detail: {
        tags,
        summary: 'Tickets left per ticket type',
        description: "`sold + held + available = capacity` for every type outside pools; a type in a pool of shared capacity may have less `available` (what the pool has left, `pools` says which). An event without ticket types answers an empty list. A draft event's numbers are for admins only.",
        security: OPTIONAL_BEARER,
      },
    })
    .get(
      '/api/events/:id/availability/stream',
      ({ params, request, server, principal }) => {
        // The stream lives as long as the client wants it; heartbeats keep proxies from closing it.
        server?.timeout(request, 0)
        return service.stream(params.id, request.signal, isAdmin(principal))
      },
      {
        auth: 'optional',
        params: IdParams,
        response: {
          200: t.String({ description: 'text/event-stream: `data: <Availability JSON>` messages and `: ping` comments' }),
          400: ErrorResponse,
          404: ErrorResponse,
          429: ErrorResponse,
          503: ErrorResponse,
        },
        detail: {
          tags,
          summary: 'Availability as it changes (Server-Sent Events)',
          description:
            'Each message is `data: <Availability JSON>`: the current availability first, then one per change (ignore a `seq` not above the last one). A `: ping` comment every 15 s. ' +
            'The stream ends after 15 minutes; EventSource reconnects after 3 s and gets the current availability first. ' +
            'One address holds at most 50 live streams at once through one gateway replica (429 beyond); a replica full of streams answers 503 with Retry-After.',
          security: OPTIONAL_BEARER,
        },
      },
    )
}
