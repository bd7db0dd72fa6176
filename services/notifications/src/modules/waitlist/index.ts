import { Elysia, status, t } from 'elysia'
import { pickLanguage } from '@easypass/contracts/languages'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { JoinWaitlistBody, WaitlistCounts, WaitlistCountsQuery, WaitlistEntry, WaitlistList, WaitlistParams, WaitlistQuery } from '@easypass/contracts/notifications'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { WaitlistService } from './service'

const tags = tagsOf('Notifications')
const security = BEARER

export function waitlistModule(waitlist: WaitlistService, config: AuthConfig) {
  return new Elysia({ name: 'notifications.waitlist' })
    .use(authPlugin(config))
    .post(
      '/api/notifications/waitlist',
      async ({ principal, body, request }) => {
        const { created, entry } = await waitlist.join(principal!, body.eventId, pickLanguage(request.headers.get('accept-language')))
        return status(created ? 201 : 200, entry)
      },
      {
        auth: 'user',
        ...strictBody(JoinWaitlistBody),
        response: { 200: WaitlistEntry, 201: WaitlistEntry, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse },
        detail: {
          tags,
          summary: 'Wait for tickets of a sold-out event',
          description:
            'For a published event whose tickets are all taken (or not on sale yet). When tickets come back (a hold runs out or is cancelled, an order is refunded, capacity is added, sales open), the buyers first in line, one per available ticket, get a `tickets-available` notification and an email; it is first come, first served from there, and their turn on the list is over (joining again queues them anew). 201 joined, 200 already waiting; 404 unknown event; 409 when tickets can be bought right now, or sales are over (cancelled, started, every sales window closed).',
          security,
        },
      },
    )
    .get('/api/notifications/waitlist', ({ principal, query }) => waitlist.list(principal!, query), {
      auth: 'user',
      query: WaitlistQuery,
      response: { 200: WaitlistList, 400: ErrorResponse, 401: ErrorResponse },
      detail: { tags, summary: 'The waiting lists I am on', description: 'Newest first; `?eventId=` for one event. `offeredAt` says when tickets came back and I was told.', security },
    })
    .get('/api/notifications/waitlist/counts', ({ query }) => waitlist.counts(query.eventIds.split(',')), {
      auth: 'admin',
      query: WaitlistCountsQuery,
      response: { 200: WaitlistCounts, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse },
      detail: { tags, summary: 'How many buyers wait for each event (admin)', description: 'Buyers in line and not told yet, for up to 100 events.', security },
    })
    .delete(
      '/api/notifications/waitlist/:eventId',
      async ({ principal, params }) => {
        await waitlist.leave(principal!, params.eventId)
        return status(204, undefined)
      },
      {
        auth: 'user',
        params: WaitlistParams,
        response: { 204: t.Void(), 400: ErrorResponse, 401: ErrorResponse },
        detail: { tags, summary: 'Leave the waiting list of an event', description: 'Repeating it changes nothing.', security },
      },
    )
}
