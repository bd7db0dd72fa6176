import { Elysia } from 'elysia'
import { authPlugin, strictBody, type AuthConfig } from '@easypass/kit'
import type { EventsService } from './service'
import type { EventDatesService } from './dates'
import { IdempotencyHeaders } from '@easypass/contracts/orders'
import { BEARER, OPTIONAL_BEARER } from '@easypass/contracts'
import { AddDatesBody, CreateEventBody, errors, Event, EventDates, EventDetail, EventList, EventsQuery, IdParams, NoContent, TAGS, UpdateEventBody } from './model'
import { MAX_NEW_DATES } from '@easypass/contracts/catalog'
import { EMAIL_TEXT_LIMITS, EventEmails, EventEmailsBody } from '@easypass/contracts/event-emails'
import { EventQuestions, EventQuestionsBody, QUESTION_LIMITS } from '@easypass/contracts/questions'

/** The request id the service defaults put on every response, passed on to ticketing. */
const requestIdOf = (set: { headers: Record<string, unknown> }) => String(set.headers['x-request-id'] ?? '') || undefined

export function eventsModule(config: AuthConfig, service: EventsService, addDates: EventDatesService) {
  return new Elysia({ name: 'catalog.events', prefix: '/api/events' })
    .use(authPlugin(config))
    .get('', ({ query, principal, set }) => service.list(query, principal, requestIdOf(set)), {
      auth: 'optional',
      query: EventsQuery,
      response: { 200: EventList, 400: errors[400], 401: errors[401], 403: errors[403] },
      detail: {
        tags: TAGS,
        summary: 'List events',
        description:
          'Published events, soonest first (`startsAt` ascending; `sort=latest` for the latest first). Without `from`, only events ' +
          'that have not ended yet (with `endedBefore`, past events however long ago). ' +
          '`q` matches every word in the title, description or city, case-insensitively. When ticketing answers quickly, ' +
          'each item carries `fromPriceCents`, `currency` and `available`. Admins may pass `status` to see drafts and cancelled events.',
        security: OPTIONAL_BEARER,
      },
    })
    .get('/:id', ({ params, principal, set }) => service.get(params.id, principal, requestIdOf(set)), {
      // Notifications reads it for the waiting list's emails.
      auth: { public: 'optional', readBy: ['notifications'] },
      params: IdParams,
      response: { 200: EventDetail, 400: errors[400], 404: errors[404] },
      detail: {
        tags: TAGS,
        summary: 'Get an event with its ticket types and live availability',
        description:
          'Drafts are visible to admins only (404 for anyone else). When ticketing does not answer, the event is still returned, ' +
          'with `ticketTypes: []` and `availabilityUnavailable: true`.',
        security: OPTIONAL_BEARER,
      },
    })
    .post('', ({ body, principal, status }) => service.create(body, principal!.id).then((event) => status(201, event)), {
      auth: 'admin',
      ...strictBody(CreateEventBody),
      response: { 201: Event, 400: errors[400], 401: errors[401], 403: errors[403] },
      detail: { tags: TAGS, summary: 'Create an event', description: 'Admins only. `status` defaults to `draft`.', security: BEARER },
    })
    .patch('/:id', ({ params, body, principal, set }) => service.update(params.id, body, principal!.id, requestIdOf(set)), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(UpdateEventBody),
      response: { 200: Event, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 503: errors[503] },
      detail: {
        tags: TAGS,
        summary: 'Change an event',
        description:
          'Admins only. Any subset of the fields; `endsAt` must stay after `startsAt`, dates in the years 1970–9999 (UTC). ' +
          'A cancelled event cannot be published again, nor a published one go back to `draft` while buyers own or hold its tickets (409; 503 when ticketing cannot tell).',
        security: BEARER,
      },
    })
    .delete('/:id', async ({ params, principal, set, status }) => {
      await service.remove(params.id, principal!.id, requestIdOf(set))
      return status(204, undefined)
    }, {
      auth: 'admin',
      params: IdParams,
      response: { 204: NoContent, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 503: errors[503] },
      detail: {
        tags: TAGS,
        summary: 'Delete an event nobody has tickets for',
        description:
          'Admins only. 409 when any ticket was ever sold (refunded ones too: cancel the event instead); 503 when ticketing cannot confirm that. ' +
          'Publishes `catalog.event-deleted`: unpaid holds of the event end (their orders are cancelled and their buyers told).',
        security: BEARER,
      },
    })
    .post('/:id/dates', ({ params, body, headers, principal, set, status }) => addDates(params.id, body, principal!.id, headers['idempotency-key'], requestIdOf(set)).then((dates) => status(201, dates)), {
      auth: 'admin',
      params: IdParams,
      headers: IdempotencyHeaders,
      ...strictBody(AddDatesBody),
      response: { 201: EventDates, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409], 503: errors[503] },
      detail: {
        tags: TAGS,
        summary: 'Add more dates of an event',
        description:
          `Admins only. 1 to ${MAX_NEW_DATES} new events, one per \`startsAt\`, each a copy of this one (its text, venue, organizer, image and length) with its ticket types ` +
          '(prices, capacities, per-order limits; sales windows moved with the date; nothing sold). They and this event share `seriesId` (GET /api/events?seriesId= lists the dates); ' +
          'each is an event of its own, sold, changed and cancelled on its own. New dates are drafts unless `status` is `published` (published once its ticket types are all there). ' +
          '400 for a date not in the future or given twice, or more than 150 ticket types to copy at once; 409 for a date the series has already, or a cancelled event; 503 when ticketing does not answer ' +
          '(before anything is added; or part-way: the answer says which date, and the same request with the same `Idempotency-Key` finishes it without adding anything twice: ' +
          'the new ids come from the key, which does not expire here; a date of the key cancelled or moved since is 409, one published since is left as it is). ' +
          'Moving a date later (PATCH `startsAt`) is not checked against the series.',
        security: BEARER,
      },
    })
    .get('/:id/emails', ({ params }) => service.emails(params.id), {
      auth: 'admin',
      params: IdParams,
      response: { 200: EventEmails, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
      detail: {
        tags: TAGS,
        summary: "The organiser's words in the event's confirmation email",
        description: 'Admins only. The subject and opening text per language that has its own, and the placeholders a text may use. Never part of the public event.',
        security: BEARER,
      },
    })
    .put('/:id/emails', ({ params, body, principal }) => service.setEmails(params.id, body, principal!.id), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(EventEmailsBody),
      response: { 200: EventEmails, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      detail: {
        tags: TAGS,
        summary: "Set the organiser's words in the event's confirmation email",
        description:
          `Admins only. Replaces them: a subject (one line, up to ${EMAIL_TEXT_LIMITS.subject} characters) and an opening text (up to ${EMAIL_TEXT_LIMITS.body}, ` +
          'in place of "Thank you, your tickets are confirmed") per language; a language left out or blank keeps EasyPass\'s own words in it. ' +
          '`{event}`, `{date}`, `{venue}`, `{organizer}`, `{order}`, `{tickets}` and `{total}` are filled for each order (`{date}` and `{total}` in the reader\'s language). ' +
          'The order, its tickets and their QR codes always follow. 400 for a control character or an unknown `{placeholder}` (nothing changes). ' +
          'Confirmations sent from then on use them, the one sent again too; new dates of the event copy them. POST /api/events/{id}/emails/preview shows the email.',
        security: BEARER,
      },
    })
    .put('/:id/questions', ({ params, body, principal }) => service.setQuestions(params.id, body, principal!.id), {
      auth: 'admin',
      params: IdParams,
      ...strictBody(EventQuestionsBody),
      response: { 200: EventQuestions, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      detail: {
        tags: TAGS,
        summary: 'Set the questions asked of every order',
        description:
          `Admins only. Replaces the list (up to ${QUESTION_LIMITS.questions}; an empty list asks nothing): each a \`label\` (one line, up to ${QUESTION_LIMITS.label} characters), a \`kind\` ` +
          `(\`text\`: anything up to ${QUESTION_LIMITS.answer} characters; \`choice\`: one of 2 to ${QUESTION_LIMITS.options} \`options\`; \`yes-no\`) and whether it is \`required\` (a buyer cannot pay without it). ` +
          'Send back the `id` of a question to keep it (its answers stay with it); one without an id is new. The public event shows them as `questions`; ' +
          'orders keep each question\'s words as they were answered. 400 for a control character, a label or option given twice, a choice with fewer than two options, or options on another kind (nothing changes). New dates of the event copy them. ' +
          'Beyond the contract, additive: `perTicket` asks a question for each admission ticket of an order (extras are not asked); `showIf: { questionId, values }` asks it only when an earlier question of the list (a choice or a yes-no; a per-ticket one only for per-ticket questions) was answered with one of `values` (400 at `questions.N.showIf` otherwise).',
        security: BEARER,
      },
    })
    .post('/:id/cancel', ({ params, principal, status }) => service.cancel(params.id, principal!.id).then((event) => status(202, event)), {
      auth: 'admin',
      params: IdParams,
      response: { 202: Event, 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: errors[409] },
      detail: {
        tags: TAGS,
        summary: 'Cancel an event',
        description:
          'Admins only. The event becomes `cancelled` for good and every paid order of it is refunded (the orders service reacts ' +
          'to the `catalog.event-cancelled` fact). Cancelling again answers 202 with the same cancelled event; an event that has ended cannot be cancelled (409).',
        security: BEARER,
      },
    })
}
