// Reports for organisers: /api/events/:id/attendees (JSON, also for door staff; and .csv) and
// /api/events/:id/sales (admins only).
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { AttendeeList, AttendeesFilter, AttendeesQuery, DoorList, SalesReport } from '@easypass/contracts/reports'
import { authPlugin, isAdmin, mustWorkEvent, type AuthConfig } from '@easypass/kit'
import type { ReportsService } from './service'

const tags = tagsOf('Reports')
const E = ErrorResponse
const security = BEARER

export function reportsModule(config: AuthConfig, reports: ReportsService) {
  return new Elysia({ name: 'orders.reports' })
    .use(authPlugin(config))
    .get(
      '/api/events/:id/attendees',
      ({ params, query, principal, set }) => {
        // The list names people and (for admins) holds the codes that admit them: never kept by a cache.
        set.headers['cache-control'] = 'private, no-store'
        mustWorkEvent(principal, params.id)
        return reports.attendees(params.id, query, isAdmin(principal))
      },
      {
        // The door's guest list too: a guest without their code is found here and checked in.
        auth: 'staff',
        params: IdParams,
        query: AttendeesQuery,
        response: { 200: AttendeeList, 400: E, 401: E, 403: E, 404: E, 503: E },
        detail: {
          tags,
          summary: "An event's attendee list",
          description:
            'Every ticket sold for the event, in the order they were bought: its type, status (`valid`, `checked_in`, `refunded`), the name on it, who holds it (its buyer, or who it was passed on to) and, for admins, its current code. ' +
            'Search with `q` (part of a name or an email address, or a ticket or order id), filter by `status` and `ticketTypeId`; `counts` are of the whole event. 404 when the event does not exist. ' +
            'Door staff (role `staff`) and admins: the door finds a guest without their code here and checks them in by `ticketId` (POST /api/checkins). The CSV file and the sales report are for admins only. ' +
            'A purchase paid at once is listed once it is published as an order (when it ends, or within seconds by the worker).',
          security,
        },
      },
    )
    .get(
      '/api/events/:id/door-list',
      ({ params, set, principal }) => {
        set.headers['cache-control'] = 'private, no-store'
        mustWorkEvent(principal, params.id)
        return reports.doorList(params.id)
      },
      {
        auth: 'staff',
        params: IdParams,
        response: { 200: DoorList, 401: E, 403: E, 404: E, 503: E },
        detail: {
          tags,
          summary: "A door's list for checking in while offline",
          description:
            'Door staff and admins. Every ticket of the event that admits someone (or did: `checkedInAt`), with its type, seat and name, known by a SHA-256 hash of its current code in capitals (never the code). ' +
            "The door page downloads it and, while its network is down, admits against it, keeping each scan's Idempotency-Key to send the check-in when the network is back (POST /api/checkins). " +
            'A ticket bought, refunded or passed on after the download is not known to it. 404 when the event does not exist.',
          security,
        },
      },
    )
    .get(
      '/api/events/:id/attendees.csv',
      async ({ params, query }) =>
        new Response(await reports.attendeesCsv(params.id, query), {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="attendees-${params.id}.csv"`,
            'cache-control': 'private, no-store',
            // People's names and addresses leave in this file: the gateway's audit log records who took them.
            'x-audit': 'export',
          },
        }),
      {
        auth: 'admin',
        params: IdParams,
        query: AttendeesFilter,
        response: { 200: t.String({ contentMediaType: 'text/csv', description: 'One line per ticket, with a header line (`Content-Disposition: attachment`)' }), 400: E, 401: E, 403: E, 404: E, 503: E },
        detail: {
          tags,
          summary: "An event's attendee list as a CSV file",
          description:
            'The attendee list for a spreadsheet: every matching ticket (the same filters, no pages), UTF-8 with a byte order mark, CRLF lines. ' +
            'Without the codes (a file is copied and mailed around; a code admits whoever has it), and a cell that starts like a formula (`=`, `+`, `-`, `@`) is written as text.',
          security,
        },
      },
    )
    .get('/api/events/:id/sales', ({ params }) => reports.sales(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: SalesReport, 400: E, 401: E, 403: E, 404: E, 503: E },
      detail: {
        tags,
        summary: "An event's sales report",
        description:
          'Its orders by status, tickets sold, refunded and admitted per ticket type, and per currency the money taken, the discounts of vouchers, what was refunded and what is being refunded. ' +
          "Exact as of `generatedAt` for every order published (each order's own status, not the order list's projection; a purchase paid at once counts once it ends). " +
          'An order answered 202 that is not priced yet counts its tickets, not its money (`unpricedOrders`). 404 when the event does not exist.',
        security,
      },
    })
}
