// The waiting room of an event (beyond the contract, additive): /api/events/:id/waiting-room. Anyone
// reads it (a signed-in buyer also their place); a buyer joins it; an admin sets it.
import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { WaitingRoom, WaitingRoomSettings } from '@easypass/contracts/orders'
import { authPlugin, fail, strictBody, type AuthConfig } from '@easypass/kit'
import type { WaitingRooms } from './service'

const tags = tagsOf('Orders')
const E = ErrorResponse

export function waitingRoomModule(config: AuthConfig, rooms: WaitingRooms) {
  return new Elysia({ name: 'orders.waiting-room' })
    .use(authPlugin(config))
    .get('/api/events/:id/waiting-room', ({ params, principal }) => rooms.status(params.id, principal), {
      auth: 'optional',
      params: IdParams,
      response: { 200: WaitingRoom, 400: E, 401: E, 404: E, 503: E },
      detail: {
        tags,
        summary: "An event's waiting room",
        description:
          'Whether buyers of this event go through a waiting room, how fast it lets them in, and how many wait. With a token, the buyer’s place too (`you`): their number, how many are ahead, whether they are let in and until when, or about how long until they are. Poll it every few seconds while waiting.',
        security: BEARER,
      },
    })
    .post('/api/events/:id/waiting-room', ({ params, principal }) => rooms.join(params.id, principal!), {
      auth: 'user',
      params: IdParams,
      response: { 200: WaitingRoom, 400: E, 401: E, 404: E, 409: E, 503: E },
      detail: {
        tags,
        summary: 'Join the line',
        description:
          'One place per account: joining again answers the same place, until the buyer’s turn ran out (then a new place at the end). Once the room is open, a buyer joining a short line is let in at once. A turn starts when the front of the line reaches the buyer’s place, whether or not they are looking. While the room is on, POST /api/orders for this event is 409 `NOT_YOUR_TURN` (with `position` and `retryAfterSeconds` in its details, and `Retry-After`) for a buyer not let in; 409 when the event has no waiting room; 404 for an unknown event.',
        security: BEARER,
      },
    })
    .put(
      '/api/events/:id/waiting-room',
      ({ params, body, principal }) => {
        if (body.opensAt !== undefined && Number.isNaN(Date.parse(body.opensAt))) throw fail('VALIDATION', 'opensAt: not a date', { fields: [{ path: 'opensAt', message: 'not a date' }] })
        return rooms.configure(params.id, body, principal!.id)
      },
      {
        auth: 'admin',
        params: IdParams,
        ...strictBody(WaitingRoomSettings),
        response: { 200: WaitingRoom, 400: E, 401: E, 403: E, 404: E, 503: E },
        detail: {
          tags,
          summary: 'Set up the waiting room (admin)',
          description:
            'For a hot on-sale: while `enabled`, buyers join a line and are let in `admitPerMinute` a minute in the order they joined (none before `opensAt`, when given), each for `passMinutes` to start purchases. The line keeps its places when the room is switched off and on again, and lets nobody in for the time it was off; new settings count from the moment they are saved and reach every orders replica within 2 s. Admins (and services) always buy without waiting; door staff wait like buyers.',
          security: BEARER,
        },
      },
    )
}
