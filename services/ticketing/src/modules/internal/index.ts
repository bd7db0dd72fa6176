import { Elysia } from 'elysia'
import { ErrorResponse } from '@easypass/contracts'
import { EventsSummary, EventsSummaryQuery, InventoryOpsBody, SellingOpResult } from '@easypass/contracts/inventory'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { InventoryClient } from '../../inventory/client'
import type { SummaryService } from './service'

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse }

/** Routes for other services only (the token of a service named for each), hidden from the public documentation. */
export function internalModule(inventory: InventoryClient, summary: SummaryService, config: AuthConfig) {
  return new Elysia({ name: 'ticketing.internal', prefix: '/internal' })
    .use(authPlugin(config))
    .post('/inventory/ops', ({ body }) => inventory.submit(body.eventId, body.op), {
      auth: { services: ['orders'] },
      body: InventoryOpsBody,
      response: { 200: SellingOpResult, ...errors, 503: ErrorResponse },
      detail: {
        hide: true,
        summary: 'Decide one inventory op (hold, confirm, release, refund)',
        description: '200 with the decision, `ok:false` included; 503 when no decision came in time (send the same op again: every op is idempotent by its orderId).',
      },
    })
    .get('/events/summary', ({ query }) => summary.summaries(query.ids), {
      auth: { services: ['catalog'] },
      query: EventsSummaryQuery,
      response: { 200: EventsSummary, ...errors },
      detail: { hide: true, summary: 'Prices and numbers of several events, for the catalog' },
    })
}
