// Reports for organisers: /api/events/:id/attendees (JSON, and .csv) and /api/events/:id/sales. Admins only.
import { Elysia, t } from 'elysia'
import { BEARER, ErrorResponse, IdParams, tagsOf } from '@easypass/contracts'
import { AttendeeList, AttendeesFilter, AttendeesQuery, SalesReport } from '@easypass/contracts/reports'
import { authPlugin, type AuthConfig } from '@easypass/kit'
import type { ReportsService } from './service'

const tags = tagsOf('Reports')
const E = ErrorResponse
const security = BEARER

export function reportsModule(config: AuthConfig, reports: ReportsService) {
  return new Elysia({ name: 'orders.reports' })
    .use(authPlugin(config))
    .get('/api/events/:id/attendees', ({ params, query }) => reports.attendees(params.id, query), {
      auth: 'admin',
      params: IdParams,
      query: AttendeesQuery,
      response: { 200: AttendeeList, 400: E, 401: E, 403: E, 404: E, 503: E },
      detail: {
        tags,
        summary: "An event's attendee list",
        description:
          'Every ticket sold for the event, in the order they were bought: its type, status (`valid`, `checked_in`, `refunded`), the name on it, who holds it (its buyer, or who it was passed on to) and its current code, which the door admits with POST /api/checkins. ' +
          'Search with `q` (part of a name or an email address, or a ticket or order id), filter by `status` and `ticketTypeId`; `counts` are of the whole event. 404 when the event does not exist.',
        security,
      },
    })
    .get(
      '/api/events/:id/attendees.csv',
      async ({ params, query }) =>
        new Response(await reports.attendeesCsv(params.id, query), {
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="attendees-${params.id}.csv"`,
            'cache-control': 'private, no-store',
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
          "Exact as of `generatedAt` (each order's own status, not the order list's projection). 404 when the event does not exist.",
        security,
      },
    })
}
