import { Elysia } from 'elysia'
import { BEARER, ErrorResponse, tagsOf } from '@easypass/contracts'
import { CheckinBody, CheckinResult, IdempotencyHeaders } from '@easypass/contracts/orders'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { CheckinsService } from './service'

const E = ErrorResponse

export function checkinsModule(config: AuthConfig, checkins: CheckinsService) {
  return new Elysia({ name: 'orders.checkins' }).use(authPlugin(config)).post('/api/checkins', ({ body, principal, headers }) => checkins.checkIn(body, principal!, headers['idempotency-key'], body.eventId), {
    auth: 'staff',
    headers: IdempotencyHeaders,
    ...strictBody(CheckinBody),
    response: { 200: CheckinResult, 400: E, 401: E, 403: E, 404: E, 409: E, 410: E, 503: E },
    detail: {
      tags: tagsOf('Check-in'),
      summary: 'Check a ticket in at the door',
      description:
        'Door staff (role `staff`) and admins. 200 on the first scan; 409 already checked in (with `checkedInAt`); 404 unknown code; 410 the order was refunded, or its event cancelled. ' +
        'Optional `eventId`: the event this door admits to; a ticket of another event is 409 with `details.wrongEvent` (and its `eventId`), and is not used up. ' +
        'Codes match in any letter case. Optional `Idempotency-Key` (one per scan): the same scan sent again, its answer lost, gets its 200 again instead of 409. ' +
        'Instead of `code`, `ticketId`: a guest the door found in the attendee list (no code with them) is checked in by the ticket itself, with the same answers (one of the two, 400 otherwise). ' +
        'Door staff are answered with the ticket without its code and the order as `DoorOrder` (what it is for: no money, payment or voucher). ' +
        'Optional `scannedAt`: a scan the door decided without a network (against GET /api/events/{id}/door-list), sent now under its own key: the check-in is recorded at that time (at most 7 days ago and not in the future; 400 otherwise).',
      security: BEARER,
    },
  })
}
